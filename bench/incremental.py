"""Incremental recrawl: a first crawl, then a recrawl of the unchanged site, with the real `govaudit crawl`.

    .venv/bin/python bench/incremental.py                  # 10,000 pages
    .venv/bin/python bench/incremental.py --pages 3000 --full --profile

1. bench/gensite.py generates the --pages site and serves it on 127.0.0.1 from its own
   process; it sends ETag / Last-Modified derived from the bodies and answers conditional
   GETs with 304, as nginx does for static files.
2. `govaudit crawl --db <tmp>/bench.db ROOT` runs twice against the same database: the
   first crawl fetches everything; the recrawl (incremental, the default) asks for every
   article conditionally (most of them ahead of the spider, crawler/revalidate.py) and reuses
   the facts of those answered 304, while list and home pages are fetched in full (and not
   parsed again when their HTML is the same, crawler/memo.py).  --full adds a third run with `--full` (a full fetch into a
   database that already holds two runs); --profile one more recrawl under cProfile.
3. Each run: wall time (process start to exit), CPU seconds, peak RSS of the process tree
   (see bench/crawl.py `measure`), what the server answered (200 / 304), and the rows the
   run stored, which must equal the first run's.  The speed-up is first wall / recrawl wall.
   Results go to bench/out/incremental.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from crawl import TODAY, SiteServer, govaudit_cmd, machine, measure, wait_idle  # noqa: E402


def run_rows(db: Path, run_id: int) -> dict:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = {t: con.execute(f"SELECT count(*) FROM {t} WHERE run_id = ?", [run_id]).fetchone()[0]
                for t in ("pages", "links", "list_items", "columns", "link_checks")}
        rows["reused"] = con.execute("SELECT count(*) FROM pages WHERE run_id = ? AND reused_from_run IS NOT NULL",
                                     [run_id]).fetchone()[0]
        status, stats = con.execute("SELECT status, stats_json FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    finally:
        con.close()
    st = json.loads(stats or "{}")
    return {"status": status, "rows": rows, "scrapy_elapsed_s": st.get("elapsed_time_seconds"),
            "incremental": {k.split("/", 2)[2]: v for k, v in st.items() if k.startswith("govaudit/incremental/")},
            "revalidate": {k.split("/", 2)[2]: v for k, v in st.items() if k.startswith("govaudit/revalidate/")},
            "memo": {k.split("/", 2)[2]: v for k, v in st.items() if k.startswith("govaudit/memo/")},
            "writer_wait_s": st.get("govaudit/writer/wait_seconds")}


def crawl_once(name: str, server: SiteServer, db: Path, log_dir: Path, run_id: int, extra: list[str]) -> dict:
    cmd = [*govaudit_cmd(), "crawl", "--db", str(db), "--max-pages", "100000", "--today", TODAY, *extra, server.root]
    r = measure(name, cmd, server, log_dir)
    st = r["server"]
    r["pages"] = st["html_200"] + st["not_modified"]
    r["pages_per_s"] = round(r["pages"] / r["wall_s"], 1)
    r["run"] = run_rows(db, run_id)
    r["summary"] = (log_dir / f"{name}.out").read_text().splitlines()[:1]
    return r


def profile(server: SiteServer, db: Path, out_dir: Path, log_dir: Path, top: int = 25) -> list[str]:
    """One more recrawl under cProfile; the top functions by own and cumulative time."""
    import pstats

    prof = out_dir / "incremental.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "crawler.cli", "crawl", "--db", str(db),
           "--max-pages", "100000", "--today", TODAY, server.root]
    measure("recrawl-cprofile", cmd, server, log_dir)
    with open(out_dir / "incremental-profile.txt", "w", encoding="utf-8") as f:
        st = pstats.Stats(str(prof), stream=f)
        st.sort_stats("cumulative").print_stats(60)
        st.sort_stats("tottime").print_stats(top)
    return (out_dir / "incremental-profile.txt").read_text().splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="govaudit: first crawl vs incremental recrawl of an unchanged site")
    ap.add_argument("--pages", type=int, default=10000, help="HTML pages in the generated site (default 10000)")
    ap.add_argument("--full", action="store_true", help="also recrawl once more with --full")
    ap.add_argument("--profile", action="store_true", help="also profile a recrawl (bench/out/incremental-profile.txt)")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="before each run, wait up to SECONDS for other processes to leave the CPU free")
    ap.add_argument("--out", default=str(BENCH / "out"), help="output directory (default bench/out)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    args = ap.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="govaudit-incr-"))
    log_dir = tmp / "logs"
    log_dir.mkdir()
    db = tmp / "bench.db"
    info = machine()
    print(f"machine: {info['cpus']} CPUs ({info['cpu_model']}), Python {info['python']}, Scrapy {info['scrapy']}", flush=True)
    server = SiteServer(args.pages, log_dir)
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": info, "pages": args.pages,
                     "site": {"root": server.root, **server.info}}
    runs = []
    try:
        plan = [("first", []), ("recrawl", [])] + ([("full", ["--full"])] if args.full else [])
        for run_id, (name, extra) in enumerate(plan, 1):
            if args.wait_idle:
                wait_idle(args.wait_idle)
            print(f"running {name} crawl …", flush=True)
            r = crawl_once(name, server, db, log_dir, run_id, extra)
            runs.append(r)
            st = r["server"]
            print(f"  {r['pages']} pages ({st['html_200']} × 200, {st['not_modified']} × 304) in {r['wall_s']} s = "
                  f"{r['pages_per_s']:.0f} pages/s, CPU {r['cpu_s']} s, peak RSS {r['peak_rss_mb']:.0f} MB, exit {r['exit_code']}"
                  f"\n  {r['summary'][0] if r['summary'] else (log_dir / (name + '.err')).read_text()[-2000:]}", flush=True)
        if args.profile:
            print("running a recrawl under cProfile …", flush=True)
            results["profile_head"] = profile(server, db, out_dir, log_dir)[:40]
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.keep:
        print(f"kept {tmp} (database and logs)")

    first, again = runs[0], runs[1]
    results["runs"] = runs
    results["speedup_wall"] = round(first["wall_s"] / again["wall_s"], 1)
    results["speedup_cpu"] = round(first["cpu_s"] / again["cpu_s"], 1)
    if len(runs) > 2:  # like for like: the same fetching, without the first crawl's end-of-crawl measuring
        results["speedup_vs_full_wall"] = round(runs[2]["wall_s"] / again["wall_s"], 1)
        results["speedup_vs_full_cpu"] = round(runs[2]["cpu_s"] / again["cpu_s"], 1)
    same = all(r["run"]["rows"][t] == first["run"]["rows"][t] for r in runs for t in ("pages", "links", "list_items", "columns"))
    results["same_rows"] = same
    print()
    print(f"{args.pages}-page site, {info['cpus']} CPUs")
    print("| run | pages | 200 | 304 | wall s | pages/s | CPU s | peak RSS MB | other CPU % | rows (pages / links / list_items / columns) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        rows = r["run"]["rows"]
        print(f"| {r['tool']} | {r['pages']} | {r['server']['html_200']} | {r['server']['not_modified']} | {r['wall_s']:.1f} | "
              f"{r['pages_per_s']:.0f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f} | {r['other_cpu_pct']:.0f} | "
              f"{rows['pages']} / {rows['links']} / {rows['list_items']} / {rows['columns']} |")
    print(f"speed-up of the recrawl: {results['speedup_wall']}× wall time, {results['speedup_cpu']}× CPU time; "
          f"same rows in every run: {same}")
    if "speedup_vs_full_wall" in results:
        print(f"against the --full run (the same fetching): {results['speedup_vs_full_wall']}× wall time, "
              f"{results['speedup_vs_full_cpu']}× CPU time")
    print(f"recrawl: {again['run']['incremental']}; revalidation ahead: {again['run']['revalidate']}; "
          f"extraction memo: {again['run']['memo']}; waited for the writer: {again['run']['writer_wait_s']} s")
    with open(out_dir / "incremental.json", "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
    print(f"written {out_dir / 'incremental.json'}")
    return 0 if same and all(r["exit_code"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
