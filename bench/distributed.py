"""Distributed crawl: 1 and 2 `govaudit worker`s plus the writer, beside a single-process crawl.

    .venv/bin/python bench/distributed.py                 # 10,000 pages: single, 1 worker, 2 workers
    .venv/bin/python bench/distributed.py --pages 2000 --scenarios single,2

The site is bench/gensite.py served from its own process (as in bench/crawl.py, whose
server and measuring helpers this reuses); Redis is a private redis-server on a free
loopback port.  For each scenario: wall time from the start of the crawl command to its
exit, pages stored, pages/s, and per process (writer, each worker with its crawl child,
redis-server) the CPU seconds and the peak RSS (VmHWM, polled every 0.2 s).  All
processes share this machine's cores: on one machine the workers compete for the same
CPUs, so the numbers show the overhead and the scaling limit here, not what two machines
would do.  Results: bench/out/distributed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import crawl as bc  # noqa: E402  (bench/crawl.py: the site server and the measuring helpers)

psutil = bc.psutil


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is missing: make redis (Debian package redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as c:
                c.sendall(b"PING\r\n")
                if c.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


class Watch:
    """Peak RSS (sum of VmHWM over the tree) and CPU seconds of named processes, polled."""

    def __init__(self) -> None:
        self.procs: dict[str, psutil.Process] = {}
        self.peak: dict[str, int] = {}
        self.cpu: dict[str, dict[int, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def add(self, name: str, pid: int) -> None:
        self.procs[name] = psutil.Process(pid)
        self.peak[name] = 0
        self.cpu[name] = {}

    def _sample(self) -> None:
        for name, proc in list(self.procs.items()):
            tree = bc._tree(proc)
            self.peak[name] = max(self.peak[name], sum(bc._hwm(p) for p in tree))
            for p in tree:
                try:
                    t = p.cpu_times()
                    self.cpu[name][p.pid] = t.user + t.system
                except psutil.Error:
                    pass

    def _run(self) -> None:
        while not self.stop.is_set():
            self._sample()
            self.stop.wait(bc.POLL)

    def result(self) -> dict[str, dict]:
        return {name: {"peak_rss_mb": round(self.peak[name] / 2**20, 1), "cpu_s": round(sum(self.cpu[name].values()), 1)}
                for name in self.procs}


def stored_pages(db: Path) -> tuple[int, str, dict]:
    con = sqlite3.connect(db)
    try:
        pages, status, reason, stats = con.execute("SELECT pages, status, reason, stats_json FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return pages, f"{status} ({reason})", json.loads(stats or "{}")


def run_single(server: bc.SiteServer, tmp: Path, log_dir: Path, max_pages: int) -> dict:
    db = tmp / "single.db"
    cmd = [*bc.govaudit_cmd(), "crawl", "--db", str(db), "--max-pages", str(max_pages), "--today", bc.TODAY, server.root]
    r = bc.measure("single", cmd, server, log_dir)
    pages, status, _ = stored_pages(db)
    return {"scenario": "single process", "wall_s": r["wall_s"], "pages": pages, "pages_per_s": round(pages / r["wall_s"], 1),
            "status": status, "processes": {"govaudit crawl": {"peak_rss_mb": r["peak_rss_mb"], "cpu_s": r["cpu_s"]}}}


def run_distributed(server: bc.SiteServer, redis_url: str, redis_pid: int, n: int, tmp: Path, log_dir: Path, max_pages: int) -> dict:
    server.reset()
    db = tmp / f"dist{n}.db"
    env = bc.child_env()
    logs = []
    watch = Watch()
    watch.add("redis-server", redis_pid)
    t0 = time.perf_counter()
    writer_err = open(log_dir / f"writer{n}.err", "w+")
    logs.append(writer_err)
    writer = subprocess.Popen([*bc.govaudit_cmd(), "crawl", "--db", str(db), "--max-pages", str(max_pages), "--today", bc.TODAY,
                               "--redis", redis_url, server.root], stdout=subprocess.DEVNULL, stderr=writer_err, env=env, text=True)
    watch.add("writer", writer.pid)
    while "published" not in (log_dir / f"writer{n}.err").read_text():
        if writer.poll() is not None:
            raise SystemExit((log_dir / f"writer{n}.err").read_text())
        time.sleep(0.05)
    workers = []
    for i in range(n):
        err = open(log_dir / f"worker{n}-{i}.err", "w")
        logs.append(err)
        p = subprocess.Popen([*bc.govaudit_cmd(), "worker", "--redis", redis_url, "--exit-when-idle"],
                             stdout=subprocess.DEVNULL, stderr=err, env=env)
        watch.add(f"worker {i + 1}", p.pid)
        workers.append(p)
    watch.thread.start()
    writer.wait()
    wall = time.perf_counter() - t0
    for p in workers:
        p.wait(timeout=120)
    watch.stop.set()
    watch.thread.join()
    watch._sample()
    for f in logs:
        f.close()
    pages, status, stats = stored_pages(db)
    per_worker = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("govaudit/distributed/worker_pages/")}
    return {"scenario": f"{n} worker{'s' if n > 1 else ''} + writer", "wall_s": round(wall, 2), "pages": pages,
            "pages_per_s": round(pages / wall, 1), "status": status, "pages_by_worker": per_worker,
            "served": server.stats()["html_200"], "processes": watch.result()}


def table(results: list[dict]) -> str:
    lines = ["| scenario | wall s | pages | pages/s | process: CPU s, peak RSS MB |", "|---|---:|---:|---:|---|"]
    for r in results:
        procs = "; ".join(f"{k}: {v['cpu_s']} s, {v['peak_rss_mb']} MB" for k, v in r["processes"].items())
        lines.append(f"| {r['scenario']} | {r['wall_s']} | {r['pages']} | {r['pages_per_s']} | {procs} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--scenarios", default="single,1,2", help="comma-separated: single and/or numbers of workers")
    ap.add_argument("--out", type=Path, default=BENCH / "out")
    args = ap.parse_args(argv)
    os.environ["GOVAUDIT_LOOPBACK_ONLY"] = "1"
    args.out.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="govaudit-dist-bench-") as t:
        tmp = Path(t)
        log_dir = tmp / "logs"
        log_dir.mkdir()
        server = bc.SiteServer(args.pages, log_dir)
        redis_proc, redis_url = start_redis(tmp)
        try:
            print(f"site: {server.root} ({args.pages} pages); Redis: {redis_url}; {os.cpu_count()} cores", flush=True)
            for scenario in args.scenarios.split(","):
                if scenario == "single":
                    r = run_single(server, tmp, log_dir, args.pages * 2)
                else:
                    r = run_distributed(server, redis_url, redis_proc.pid, int(scenario), tmp, log_dir, args.pages * 2)
                print(json.dumps(r, ensure_ascii=False), flush=True)
                results.append(r)
        finally:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
            server.stop()
    print(table(results))
    (args.out / "distributed.json").write_text(json.dumps({"machine": bc.machine(), "pages": args.pages, "results": results}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
