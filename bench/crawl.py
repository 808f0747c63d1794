"""Crawl speed and memory of `govaudit crawl`, side by side with a plain Scrapy spider and wget.

    make bench                                   # = .venv/bin/python bench/crawl.py (10,000 pages)
    .venv/bin/python bench/crawl.py --pages 2000 # a quicker run
    .venv/bin/python bench/crawl.py --tools govaudit --profile   # also profile govaudit (cProfile)
    .venv/bin/python bench/crawl.py --tools govaudit,scrapy,scrapy-seen,wget   # add the deduplicating Scrapy spider

1. bench/gensite.py generates a government-like site of --pages HTML pages in
   memory and serves it on 127.0.0.1 from its own process (its CPU is not
   counted in the crawlers' numbers; it is reported next to them).
2. A quick concurrent fetch (16 keep-alive connections) measures what the
   server can deliver, so it is known not to be the bottleneck.
3. Each tool runs in a subprocess against the same site: wall time, CPU time,
   peak RSS of its process tree (psutil, polled every 0.2 s, and the kernel's
   ru_maxrss), pages served to it (counted by the server).
4. A table is printed and bench/out/results.json written (bench/out/ is git-ignored).

Nothing leaves the machine: server and crawlers use loopback only, proxy
variables are removed from the children's environment, and tldextract is
kept offline.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TODAY = "2026-11-20"  # the site's reference date (gensite.TODAY)
POLL = 0.2
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "FTP_PROXY")


def _psutil():
    try:
        import psutil
    except ImportError:
        print("psutil is missing; installing it into this environment (pip install psutil)", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "psutil"], check=True)
        import psutil
    return psutil


psutil = _psutil()


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    env["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _get(url: str, timeout: float = 10) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    with opener.open(url, timeout=timeout) as r:
        return r.read()


# -- the site server ----------------------------------------------------------------

class SiteServer:
    def __init__(self, pages: int, log_dir: Path, port: int = 0) -> None:
        self.pages = pages
        self.err = open(log_dir / "server.err", "wb")
        self.proc = subprocess.Popen(  # port: the one of a kept database's runs (roots include the port)
            [sys.executable, str(BENCH / "gensite.py"), "--pages", str(pages), "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.PIPE, stderr=self.err, env=child_env(), cwd=str(BENCH),
        )
        lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
        try:
            line = lines.get(timeout=max(120, pages / 50)).decode()
        except queue.Empty:
            self.stop()
            raise SystemExit("the bench site did not start in time") from None
        if not line.startswith("READY "):
            self.stop()
            raise SystemExit(f"the bench site failed to start: {(log_dir / 'server.err').read_text()[-2000:]}")
        fields = line.split()
        self.root = fields[1]
        self.info = dict(f.split("=", 1) for f in fields[2:])
        self.ps = psutil.Process(self.proc.pid)
        self.rss_mb = self.ps.memory_info().rss / 2**20

    def cpu(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def stats(self) -> dict:
        return json.loads(_get(self.root + "__bench/stats"))

    def reset(self) -> None:
        _get(self.root + "__bench/reset")

    def paths(self) -> list[str]:
        return _get(self.root + "__bench/paths", timeout=60).decode().split("\n")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()


async def _fetch_all(host: str, port: int, paths: list[str], connections: int) -> tuple[int, int]:
    it = iter(paths)
    done = [0, 0]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        for path in it:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: bench-check\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            body = await reader.readexactly(int(m.group(1)) if m else 0)
            done[0] += 1
            done[1] += len(body)
        writer.close()
        await writer.wait_closed()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done[0], done[1]


def server_check(server: SiteServer, n: int, connections: int = 16) -> dict:
    """Fetch n pages over `connections` keep-alive connections: what the server delivers at most
    (a lower bound when the Python client, not the server, is the one at 100% CPU)."""
    paths = server.paths()[:n]
    host, port = server.root.split("//", 1)[1].rstrip("/").split(":")
    client = psutil.Process()
    c0, s0, t0 = sum(client.cpu_times()[:2]), server.cpu(), time.perf_counter()
    count, nbytes = asyncio.run(_fetch_all(host, int(port), paths, connections))
    wall = time.perf_counter() - t0
    c1, s1 = sum(client.cpu_times()[:2]), server.cpu()
    server.reset()
    return {
        "requests": count,
        "connections": connections,
        "seconds": round(wall, 3),
        "pages_per_s": round(count / wall, 1),
        "mb_per_s": round(nbytes / wall / 1e6, 1),
        "server_cpu_pct": round(100 * (s1 - s0) / wall, 1),
        "client_cpu_pct": round(100 * (c1 - c0) / wall, 1),
    }


# -- measuring one tool ---------------------------------------------------------------

def _hwm(p) -> int:
    """Peak RSS of one process so far: VmHWM (exact, reset at exec), else its current RSS."""
    try:
        with open(f"/proc/{p.pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return p.memory_info().rss
    except psutil.Error:
        return 0


def _tree(proc) -> list:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return []


def _busy() -> float:
    """CPU seconds all processes of the machine have used (every core)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def wait_idle(limit_s: float, threshold_pct: float = 25.0) -> float:
    """Wait (at most limit_s) until the rest of the machine uses under threshold_pct of one core; the % seen last."""
    start = time.monotonic()
    said = -1
    while True:
        b0 = _busy()
        time.sleep(2)
        pct = 100 * (_busy() - b0) / 2
        waited = time.monotonic() - start
        if pct < threshold_pct or waited >= limit_s:
            if said >= 0:
                print(f"  waited {waited:.0f} s; other processes now use {pct:.0f}% of a core", flush=True)
            return pct
        if said < 0 or waited - said >= 60:
            print(f"  machine busy ({pct:.0f}% of a core used by other processes); waiting (at most {limit_s:.0f} s) …", flush=True)
            said = waited


def measure(name: str, cmd: list[str], server: SiteServer, log_dir: Path, cwd: Path = REPO, trace_every: float = 0) -> dict:
    """Run cmd to its end; wall time, CPU time, peak RSS of its process tree, pages the server served it.

    Peak RSS: the process tree is polled every 0.2 s and the sum of the processes' VmHWM
    (the kernel's high-water mark, so short spikes between polls are not missed) is kept.
    The CPU used by everything else on the machine during the run is reported too
    (other_cpu_pct), since a busy machine slows the wall clock, not the CPU seconds.
    With trace_every > 0, every that many seconds the pages served so far, the tree's CPU
    seconds and its RSS are recorded (``trace``), to see whether per-page cost grows.
    """
    server.reset()
    out = open(log_dir / f"{name}.out", "wb")
    err = open(log_dir / f"{name}.err", "wb")
    s0, b0 = server.cpu(), _busy()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=child_env(), cwd=str(cwd))
    peak = [0, 0]  # sum of VmHWM, sum of current RSS
    samples = [0]
    trace: list[dict] = []
    stop = threading.Event()

    def sampler() -> None:
        try:
            ps = psutil.Process(proc.pid)
        except psutil.Error:
            return
        next_trace = time.perf_counter() + trace_every
        while not stop.is_set():
            procs = _tree(ps)
            peak[0] = max(peak[0], sum(_hwm(p) for p in procs))
            rss = cpu = 0.0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                    if trace_every:
                        t = p.cpu_times()
                        cpu += t.user + t.system
                except psutil.Error:
                    pass
            peak[1] = max(peak[1], rss)
            samples[0] += 1
            if trace_every and time.perf_counter() >= next_trace:
                next_trace += trace_every
                try:
                    served = server.stats()["html_200"]
                except (OSError, ValueError, KeyError):
                    served = None
                trace.append({"t": round(time.perf_counter() - t0, 1), "pages": served, "cpu_s": round(cpu, 2),
                              "rss_mb": round(rss / 2**20, 1)})
            stop.wait(POLL)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    _pid, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    s1, b1 = server.cpu(), _busy()
    out.close()
    err.close()
    st = server.stats()
    cpu = ru.ru_utime + ru.ru_stime
    other = max(0.0, (b1 - b0) - cpu - (s1 - s0))
    return {
        "tool": name,
        "cmd": cmd,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "cpu_pct": round(100 * cpu / wall, 1),
        "peak_rss_mb": round(peak[0] / 2**20, 1),
        "peak_rss_polled_mb": round(peak[1] / 2**20, 1),
        # ru_maxrss also counts the forked copy of this driver before exec: an upper bound only
        "ru_maxrss_mb": round(ru.ru_maxrss / 1024, 1),
        "rss_samples": samples[0],
        "pages": st["html_200"],
        "pages_per_s": round(st["html_200"] / wall, 1),
        "pages_per_cpu_s": round(st["html_200"] / cpu, 1) if cpu else None,
        "server": st,
        "server_cpu_s": round(s1 - s0, 2),
        "server_cpu_pct": round(100 * (s1 - s0) / wall, 1),
        "other_cpu_pct": round(100 * other / wall, 1),
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        **({"trace": trace} if trace_every else {}),
    }


# -- the tools -----------------------------------------------------------------------

def govaudit_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "govaudit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "crawler.cli"]


def db_summary(db: Path) -> dict:
    size = sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        run = con.execute("SELECT id, status, reason, pages, errors, stats_json FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    stats = json.loads(run[5] or "{}") if run else {}
    return {
        "size_mb": round(size / 1e6, 1),
        "rows": rows,
        "run": {"id": run[0], "status": run[1], "reason": run[2], "pages": run[3], "errors": run[4]} if run else None,
        "scrapy_elapsed_s": stats.get("elapsed_time_seconds"),
    }


def run_govaudit(server: SiteServer, tmp: Path, log_dir: Path, max_pages: int, trace_every: float = 0,
                 db_name: str = "bench.db") -> dict:
    db = tmp / db_name
    cmd = [*govaudit_cmd(), "crawl", "--db", str(db), "--max-pages", str(max_pages), "--today", TODAY, server.root]
    r = measure("govaudit", cmd, server, log_dir, trace_every=trace_every)
    r["db"] = db_summary(db)
    r["crawl_s"] = r["db"]["scrapy_elapsed_s"]
    r["note"] = f"run {r['db']['run']['status']}" if r["db"]["run"] else "no run recorded"
    return r


def run_scrapy(server: SiteServer, tmp: Path, log_dir: Path, seen: bool = False) -> dict:
    name = "scrapy-seen" if seen else "scrapy-plain"
    stats_file = tmp / f"{name}_stats.json"
    cmd = [sys.executable, str(BENCH / "plain_spider.py"), server.root, "--stats", str(stats_file), *(["--seen"] if seen else [])]
    r = measure(name, cmd, server, log_dir)
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    r["crawl_s"] = stats.get("elapsed_time_seconds")
    r["scrapy_stats"] = {k: v for k, v in stats.items() if k.startswith(("downloader/response_count", "elapsed", "response_received", "plain/", "dupefilter", "finish_reason"))}
    r["note"] = f"{stats.get('dupefilter/filtered', 0)} dupes filtered"
    return r


def run_wget(server: SiteServer, tmp: Path, log_dir: Path) -> dict | None:
    wget = shutil.which("wget")
    if not wget:
        print("wget not installed: skipped (apt-get install -y wget)", flush=True)
        return None
    target = tmp / "wget"
    target.mkdir(exist_ok=True)
    cmd = [wget, "--recursive", "--level=inf", "--no-parent", "--delete-after", "-q", "--no-proxy",
           "-e", "robots=on", "-P", str(target), server.root]
    r = measure("wget", cmd, server, log_dir)
    r["crawl_s"] = None
    r["note"] = f"exit {r['exit_code']}, 1 connection"
    try:
        r["version"] = subprocess.run([wget, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        pass
    return r


def run_profile(server: SiteServer, tmp: Path, log_dir: Path, out_dir: Path, max_pages: int, top: int = 15) -> dict:
    """govaudit under cProfile; its own functions by cumulative time, everything by own time."""
    import pstats

    prof = out_dir / "govaudit.prof"
    db = tmp / "profile.db"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "crawler.cli", "crawl", "--db", str(db),
           "--max-pages", str(max_pages), "--today", TODAY, server.root]
    r = measure("govaudit-cprofile", cmd, server, log_dir)
    st = pstats.Stats(str(prof))
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short(file)}:{line}({func})", "own": _is_own(file), "ncalls": nc, "tottime": round(tt, 2),
                     "cumtime": round(ct, 2), "cum_pct": round(100 * ct / total, 1), "tot_pct": round(100 * tt / total, 1)})
    # govaudit's own code below the entry points (cli, runner: they hold 100 % by definition)
    own = sorted((x for x in rows if x["own"] and x["cum_pct"] < 95), key=lambda x: -x["cumtime"])
    by_tot = sorted(rows, key=lambda x: -x["tottime"])
    with open(out_dir / "profile.txt", "w", encoding="utf-8") as f:
        st.stream = f  # type: ignore[attr-defined]
        st.sort_stats("cumulative").print_stats(80)
        st.sort_stats("tottime").print_stats(40)
    return {"run": r, "total_s": round(total, 2), "own_by_cumulative": own[:top], "by_tottime": by_tot[:top]}


def _is_own(file: str) -> bool:
    f = Path(file)
    try:
        rel = f.resolve().relative_to(REPO)
    except (ValueError, OSError):
        return False
    return rel.parts[0] in ("crawler", "audits", "reports")


def _short(file: str) -> str:
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1]
    try:
        return str(Path(file).resolve().relative_to(REPO))
    except (ValueError, OSError):
        return file.replace(sys.base_prefix + "/lib/", "")


# -- output ----------------------------------------------------------------------------

def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import scrapy

        scrapy_v = scrapy.__version__
    except Exception:  # noqa: BLE001
        scrapy_v = "?"
    return {"cpus": os.cpu_count(), "cpu_model": model, "mem_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "scrapy": scrapy_v, "kernel": platform.release()}


def markdown(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table with aligned columns."""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)])


def table(runs: list[dict]) -> str:
    head = ["tool", "pages", "wall s", "pages/s", "crawl pages/s", "CPU s", "pages/CPU-s", "peak RSS MB", "server CPU %",
            "other CPU %", "note"]
    rows = []
    for r in runs:
        crawl = f"{r['pages'] / r['crawl_s']:.0f}" if r.get("crawl_s") else "-"
        rows.append([r["tool"], str(r["pages"]), f"{r['wall_s']:.1f}", f"{r['pages_per_s']:.0f}", crawl, f"{r['cpu_s']:.1f}",
                     f"{r['pages_per_cpu_s'] or 0:.0f}", f"{r['peak_rss_mb']:.0f}", f"{r['server_cpu_pct']:.1f}",
                     f"{r['other_cpu_pct']:.0f}", r.get("note", "")])
    return markdown(head, rows)


# -- linearity: first crawls of growing sites ---------------------------------------------

def _at(trace: list[dict], pages: float) -> dict | None:
    """The first trace sample with at least `pages` pages served."""
    return next((x for x in trace if x["pages"] is not None and x["pages"] >= pages), None)


def cost_split(r: dict) -> dict:
    """CPU ms per page in the first and the second half of the crawl, and RSS at 25/50/75/100 % of the pages.

    Linear cost means the second half costs what the first did (no per-page cost growing
    with the database) and RSS stops growing once the crawl is under way."""
    trace, n = r.get("trace") or [], r["pages"]
    out: dict = {}
    # the second half ends when the last page was served: what follows is the end of the run
    # (link checks, search probes, measuring the new interpretations: crawler/facts.py), reported apart
    half, end, last = _at(trace, n / 2), _at(trace, n), trace[-1] if trace else None
    first = _at(trace, n * 0.05)  # after start-up
    if half and end and first and end["pages"] > half["pages"] > first["pages"]:
        out["cpu_ms_per_page_first_half"] = round(1000 * (half["cpu_s"] - first["cpu_s"]) / (half["pages"] - first["pages"]), 2)
        out["cpu_ms_per_page_second_half"] = round(1000 * (end["cpu_s"] - half["cpu_s"]) / (end["pages"] - half["pages"]), 2)
    if end and last:
        out["after_last_page"] = {"cpu_s": round(last["cpu_s"] - end["cpu_s"], 1), "rss_mb": last["rss_mb"]}
    out["rss_mb_at"] = {f"{q}%": (x or {}).get("rss_mb") for q in (25, 50, 75, 100) for x in [_at(trace, n * q / 100)]}
    return out


def scale_table(runs: list[dict]) -> str:
    head = ["pages", "wall s", "pages/s", "crawl pages/s", "CPU s", "CPU ms/page", "CPU ms/page 1st → 2nd half",
            "CPU s after the last page", "peak RSS MB", "RSS MB at 25/50/75/100 %", "DB MB", "other CPU %"]
    rows = []
    for r in runs:
        sp = r["split"]
        halves = (f"{sp['cpu_ms_per_page_first_half']:.1f} → {sp['cpu_ms_per_page_second_half']:.1f}"
                  if "cpu_ms_per_page_first_half" in sp else "-")
        rss = " / ".join(f"{v:.0f}" if v else "-" for v in sp["rss_mb_at"].values())
        crawl = f"{r['pages'] / r['crawl_s']:.0f}" if r.get("crawl_s") else "-"
        rows.append([str(r["pages"]), f"{r['wall_s']:.1f}", f"{r['pages_per_s']:.1f}", crawl, f"{r['cpu_s']:.1f}",
                     f"{1000 * r['cpu_s'] / max(r['pages'], 1):.1f}", halves,
                     f"{sp['after_last_page']['cpu_s']:.1f}" if "after_last_page" in sp else "-", f"{r['peak_rss_mb']:.0f}", rss,
                     f"{r['db']['size_mb']:.0f}", f"{r['other_cpu_pct']:.0f}"])
    return markdown(head, rows)


def run_scale(sizes: list[int], out_dir: Path, wait_idle_s: float, keep: bool) -> int:
    """`govaudit crawl` alone, first crawl of a fresh site of each size; is the cost linear?"""
    info = machine()
    print(f"machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['mem_gb']} GB, Python {info['python']}, Scrapy {info['scrapy']}")
    print(f"first crawls of {', '.join(map(str, sizes))} pages; about {sum(sizes) / 40 / 60:.0f} min at 40 pages/s", flush=True)
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": info, "sizes": sizes, "runs": []}
    for n in sizes:
        tmp = Path(tempfile.mkdtemp(prefix=f"govaudit-scale-{n}-"))
        log_dir = tmp / "logs"
        log_dir.mkdir()
        server = SiteServer(n, log_dir)
        try:
            print(f"site of {n} pages: {int(server.info['bytes']) / 1e6:.0f} MB of HTML, server RSS {server.rss_mb:.0f} MB", flush=True)
            if wait_idle_s:
                wait_idle(wait_idle_s)
            r = run_govaudit(server, tmp, log_dir, max(20000, 2 * n), trace_every=5)
        finally:
            server.stop()
            if keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        r["split"] = cost_split(r)
        results["runs"].append(r)
        print(f"  {r['pages']} pages in {r['wall_s']} s = {r['pages_per_s']:.1f} pages/s, CPU {r['cpu_s']} s, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB, {r['split']}, exit {r['exit_code']}", flush=True)
        with open(out_dir / "scale.json", "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    runs = results["runs"]
    print()
    print(scale_table(runs))
    if len(runs) > 1:
        a, b = runs[0], runs[-1]
        k = b["pages"] / a["pages"]
        print(f"\n{b['pages']} / {a['pages']} pages = ×{k:.1f}: wall ×{b['wall_s'] / a['wall_s']:.2f}, "
              f"CPU ×{b['cpu_s'] / a['cpu_s']:.2f}, peak RSS ×{b['peak_rss_mb'] / a['peak_rss_mb']:.2f}, "
              f"DB ×{b['db']['size_mb'] / a['db']['size_mb']:.2f}")
    print(f"written {out_dir / 'scale.json'}")
    return 0 if all(r["exit_code"] == 0 for r in runs) else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="govaudit crawl speed and memory vs plain Scrapy and wget")
    ap.add_argument("--pages", type=int, default=10000, help="HTML pages in the generated site (default 10000)")
    ap.add_argument("--tools", default="govaudit,scrapy,wget", help="comma-separated, in order, from govaudit, scrapy, scrapy-seen, wget (default: govaudit,scrapy,wget)")
    ap.add_argument("--profile", action="store_true", help="also run govaudit under cProfile (bench/out/profile.txt)")
    ap.add_argument("--out", default=str(BENCH / "out"), help="output directory (default bench/out)")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="before each run, wait up to SECONDS for other processes to stop using the CPU (shared machines)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (databases, logs)")
    ap.add_argument("--scale", metavar="N,N,…",
                    help="linearity: only govaudit, a first crawl of a fresh site of each size (e.g. 10000,50000); "
                         "pages/s, CPU, peak RSS and per-page cost over the crawl (bench/out/scale.json)")
    args = ap.parse_args(argv)
    if args.scale:
        try:
            sizes = [int(x) for x in args.scale.split(",") if x.strip()]
        except ValueError:
            ap.error("--scale: comma-separated page counts, e.g. 10000,50000")
        if not sizes or min(sizes) < 100:
            ap.error("--scale: page counts of at least 100")
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
        return run_scale(sizes, out_dir, args.wait_idle, args.keep)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = set(tools) - {"govaudit", "scrapy", "scrapy-seen", "wget"}
    if bad:
        ap.error(f"unknown tool(s): {', '.join(sorted(bad))}")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="govaudit-bench-"))
    log_dir = tmp / "logs"
    log_dir.mkdir()
    max_pages = max(20000, 2 * args.pages)

    info = machine()
    print(f"machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['mem_gb']} GB, Python {info['python']}, Scrapy {info['scrapy']}")
    rates = {"govaudit": 40, "scrapy": 35, "scrapy-seen": 72, "wget": 900}  # pages/s measured on 2 cores (bench/README.md)
    est = sum(args.pages / rates[t] + 3 for t in tools) + (2.2 * args.pages / rates["govaudit"] if args.profile else 0)
    print(f"generating and serving a {args.pages}-page site; the runs take about {est / 60:.0f} min on a 2-core machine …", flush=True)
    server = SiteServer(args.pages, log_dir)
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": info, "pages": args.pages}
    try:
        results["site"] = {"root": server.root, **server.info, "server_rss_mb": round(server.rss_mb, 1)}
        print(f"site: {server.root}  {server.info['pages']} pages, {int(server.info['bytes']) / 1e6:.0f} MB of HTML "
              f"(avg {int(server.info['bytes']) / args.pages / 1024:.1f} KB), {server.info['columns']} columns, "
              f"generated in {server.info['gen_seconds']} s, server RSS {server.rss_mb:.0f} MB", flush=True)
        chk = server_check(server, min(args.pages, 5000))
        results["server_check"] = chk
        print(f"server check: {chk['requests']} pages in {chk['seconds']} s over {chk['connections']} keep-alive connections = "
              f"{chk['pages_per_s']:.0f} pages/s ({chk['mb_per_s']} MB/s); server CPU {chk['server_cpu_pct']:.0f}%, "
              f"client CPU {chk['client_cpu_pct']:.0f}%", flush=True)

        runs = []
        for tool in tools:
            if args.wait_idle:
                wait_idle(args.wait_idle)
            print(f"running {tool} …", flush=True)
            if tool == "govaudit":
                r = run_govaudit(server, tmp, log_dir, max_pages)
            elif tool in ("scrapy", "scrapy-seen"):
                r = run_scrapy(server, tmp, log_dir, seen=tool == "scrapy-seen")
            else:
                r = run_wget(server, tmp, log_dir)
            if r is None:
                continue
            runs.append(r)
            print(f"  {r['pages']} pages in {r['wall_s']} s = {r['pages_per_s']:.0f} pages/s, peak RSS {r['peak_rss_mb']:.0f} MB, "
                  f"exit {r['exit_code']}", flush=True)
            if r["other_cpu_pct"] > 25:
                print(f"  warning: other processes used {r['other_cpu_pct']:.0f}% of a core during this run; its wall-clock "
                      "numbers are pessimistic (CPU seconds are not affected much)", flush=True)
            if r["exit_code"] not in (0, None) and tool != "wget":
                print(f"  {tool} failed; see {log_dir / (r['tool'] + '.err')}:\n" + (log_dir / f"{r['tool']}.err").read_text()[-2000:])
        results["runs"] = runs

        if args.profile:
            if args.wait_idle:
                wait_idle(args.wait_idle)
            print("running govaudit under cProfile …", flush=True)
            results["profile"] = run_profile(server, tmp, log_dir, out_dir, max_pages)
    finally:
        server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"{args.pages}-page site, {info['cpus']} CPUs; server max ≈ {results['server_check']['pages_per_s']:.0f} pages/s "
          f"(16 connections)")
    print(table(runs))
    print("pages = HTML pages the server sent the tool (200); pages/s = pages / wall time (process start to exit);")
    print("crawl pages/s = pages / Scrapy's elapsed_time_seconds (without start-up and shutdown); pages/CPU-s = pages / the")
    print("tool's user+system CPU seconds; server CPU % and other CPU % = CPU the site server and the rest of the machine used")
    print("during the run, in % of one core (other CPU % above ~10 means the wall-clock numbers are slowed by other work).")
    for r in runs:
        if r["pages"] != args.pages or r["server"]["repeated_html"]:
            print(f"note: {r['tool']} got {r['pages']} of {args.pages} pages ({r['server']['repeated_html']} repeated, "
                  f"{r['server']['not_found']} not found, {r['server']['other_200']} non-HTML)")
    ga = next((r for r in runs if r["tool"] == "govaudit"), None)
    if ga:
        db = ga["db"]
        print(f"\ngovaudit database: {db['size_mb']} MB; run {db['run']}")
        print("rows: " + ", ".join(f"{t} {n}" for t, n in db["rows"].items() if n))
    if "profile" in results:
        p = results["profile"]
        pr = p["run"]
        print(f"\ncProfile of govaudit: {pr['pages']} pages in {pr['wall_s']} s under the profiler, {p['total_s']} s profiled "
              f"(full listing: {out_dir / 'profile.txt'}, {out_dir / 'govaudit.prof'})")
        print("govaudit's own functions by cumulative time (% of the whole run):")
        print(f"{'cumtime':>8} {'cum%':>6} {'tottime':>8} {'ncalls':>9}  function")
        for row in p["own_by_cumulative"]:
            print(f"{row['cumtime']:8.2f} {row['cum_pct']:6.1f} {row['tottime']:8.2f} {row['ncalls']:9d}  {row['function']}")
        print("all functions by own time:")
        print(f"{'tottime':>8} {'tot%':>6} {'cumtime':>8} {'ncalls':>9}  function")
        for row in p["by_tottime"]:
            print(f"{row['tottime']:8.2f} {row['tot_pct']:6.1f} {row['cumtime']:8.2f} {row['ncalls']:9d}  {row['function']}")
    with open(out_dir / "results.json", "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
    print(f"\nwritten {out_dir / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
