"""Crawl time and peak memory of `govaudit crawl` on the hostile corpus (tests/hostile.py).

    .venv/bin/python bench/hostile.py                 # govaudit with its defaults
    .venv/bin/python bench/hostile.py --runs 3 --out bench/out/hostile.json

The hostile site runs in its own process on 127.0.0.1 (its CPU is not the crawler's), with a
second one on 127.0.0.2 for the outside links the crawl checks. The crawl runs in a subprocess;
its resident memory (RSS, children included) is sampled every 50 ms with psutil.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def serve(host: str, links: list[str] = ()) -> tuple[subprocess.Popen[str], str]:
    extra = [a for u in links for a in ("--link", u)]
    proc = subprocess.Popen([sys.executable, "-m", "tests.hostile", "--host", host, *extra], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        raise SystemExit(f"hostile server did not start on {host}")
    return proc, url


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    return {"seconds": round(time.monotonic() - start, 1), "peak_rss_mb": round(peak / 2**20, 1), "exit": proc.returncode, "stdout": out[-2000:], "stderr_tail": err[-1500:]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "hostile.json"))
    args = ap.parse_args()
    env = {**os.environ, "GOVAUDIT_LOOPBACK_ONLY": "1"}
    outside, outside_url = serve("127.0.0.2")
    # the home page of the first server links to the second one's worst answers
    site, url = serve("127.0.0.1", [f"{outside_url}{p}" for p in ("bomb", "endless", "drip", "loop/a", "huge", "gbk")])
    results: list[dict[str, object]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(args.runs):
                db = Path(tmp) / f"hostile{n}.db"
                r = measure([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db), "--no-render", url], env)
                conn = sqlite3.connect(db)
                run = conn.execute("SELECT status, pages, errors, stats_json FROM crawl_runs ORDER BY id DESC").fetchone()
                conn.close()
                stats = json.loads(run[3])
                r.update(tool="govaudit", status=run[0], pages=run[1], errors=run[2],
                         limits={k: v for k, v in sorted(stats.items()) if k.startswith(("govaudit/limits", "govaudit/skipped", "govaudit/retry_after"))})
                results.append(r)
                print(f"govaudit: {r['seconds']} s, peak RSS {r['peak_rss_mb']} MB, exit {r['exit']}, run {run[0]}, {run[1]} pages, {run[2]} errors", flush=True)
    finally:
        for p in (site, outside):
            p.terminate()
            p.wait(timeout=10)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
