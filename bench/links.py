"""Link checking: govaudit against the link checkers a user would otherwise pick (issue 3).

    .venv/bin/python bench/links.py                      # 10,000 pages, every tool
    .venv/bin/python bench/links.py --pages 500          # a quicker run
    .venv/bin/python bench/links.py --tools govaudit,wget --time-limit 300

1. bench/linksite.py generates a government-like site of --pages HTML pages (~40 links a page,
   ~2 % of link occurrences broken, attachments, images, soft-404s) on 127.0.0.1 and an
   "other site" with its own failures on 127.0.0.2, and writes the truth (every broken target
   URL and every page linking to it).  nginx serves the static files (one worker, from a
   generated config in the work directory, ``daemon off``); its CPU time is reported so it
   is known not to be the bottleneck.
2. One tool after the other, each in its own process group with a time limit (default 15 min;
   a timeout is recorded as such): govaudit (crawl → audit → findings), LinkChecker, linkinator,
   linklint, ``wget --spider -r``.  Wall time, pages per second (generated pages / wall time),
   peak RSS of the process tree (psutil, polled every 0.2 s), CPU time (wait4 rusage),
   requests the server saw, HTML pages of the site the tool fetched.
3. Each tool's own output is parsed for the broken URLs (govaudit: dead-link / soft-404 findings;
   LinkChecker: ``-o csv``; linkinator: ``--format json``; linklint: its -doc files; wget: the
   "broken links" summary of its log) and scored against the truth: precision and recall on
   target URLs (a redirect-to-404 counts under the linked URL or its final URL), recall by
   failure category, soft-404s, and whether every linking page is listed.
4. A Markdown table is printed and bench/out/links.json written (bench/out/ is git-ignored).

Tools are installed on first use where missing: LinkChecker (PyPI) in its own venv and
linkinator (npm) under --tools-dir (default /tmp/govaudit-linkbench-tools), linklint, wget and
nginx with apt-get.  A tool that cannot be installed or run is reported with the reason.
Nothing leaves the machine: everything listens on and talks to 127.0.0.1 / 127.0.0.2 only,
proxy variables are removed from the children's environment, govaudit runs with
GOVAUDIT_LOOPBACK_ONLY=1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import linksite

POLL = 0.2
TODAY = linksite.TODAY
ALL_TOOLS = ["govaudit", "linkchecker", "linkinator", "linklint", "wget"]
PROXY_VARS = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "ftp_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "FTP_PROXY",
)


def _psutil():
    try:
        import psutil
    except ImportError:
        print(
            "psutil is missing; installing it into this environment (pip install psutil)",
            flush=True,
        )
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "psutil"], check=True
        )
        import psutil
    return psutil


psutil = _psutil()


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,127.0.0.2,localhost"
    env["GOVAUDIT_LOOPBACK_ONLY"] = "1"
    env["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    env["PYTHONUNBUFFERED"] = "1"
    env["NO_UPDATE_NOTIFIER"] = "1"  # npm
    env["NODE_NO_WARNINGS"] = "1"
    return env


# -- measuring one process tree ---------------------------------------------------------


class Measured:
    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.peak_rss = 0  # bytes, process tree (psutil polling)
        self.maxrss_single = 0  # bytes, largest single process (kernel rusage)
        self.rc: int | None = None
        self.timed_out = False
        self.error: str | None = None


def run_measured(
    cmd: list[str],
    *,
    cwd: Path,
    stdout: Path,
    stderr: Path,
    limit: float,
    env: dict[str, str],
) -> Measured:
    m = Measured()
    t0 = time.monotonic()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        except OSError as e:
            m.error = f"cannot start: {e}"
            return m
    root = psutil.Process(proc.pid)
    status = None
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            tree = [root, *root.children(recursive=True)]
            rss = 0
            for p in tree:
                try:
                    rss += p.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            m.peak_rss = max(m.peak_rss, rss)
        except psutil.NoSuchProcess:
            pass
        if time.monotonic() - t0 > limit and not m.timed_out:
            m.timed_out = True
            _kill_group(proc.pid)
        time.sleep(POLL)
    m.wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, tell Popen
    m.rc = proc.returncode
    m.cpu = ru.ru_utime + ru.ru_stime
    m.maxrss_single = ru.ru_maxrss * 1024
    _kill_group(proc.pid, quiet=True)  # leftovers of the group, if any
    return m


def _kill_group(pgid: int, quiet: bool = False) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


# -- tools: installation ------------------------------------------------------------------


def _apt_install(pkg: str, exe: str) -> str | None:
    """Path of exe, installing the Debian package when missing; None when impossible."""
    found = shutil.which(exe) or (
        f"/usr/sbin/{exe}" if Path(f"/usr/sbin/{exe}").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        return None
    print(f"installing {pkg} (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    r = subprocess.run(
        ["apt-get", "install", "-y", "-q", pkg],
        env=env,
        capture_output=True,
        check=False,
    )
    if r.returncode != 0:
        subprocess.run(
            ["apt-get", "update", "-q"], env=env, capture_output=True, check=False
        )
        subprocess.run(
            ["apt-get", "install", "-y", "-q", pkg],
            env=env,
            capture_output=True,
            check=False,
        )
    return shutil.which(exe) or (
        f"/usr/sbin/{exe}" if Path(f"/usr/sbin/{exe}").exists() else None
    )


def install_linkchecker(tools: Path) -> tuple[str | None, str]:
    venv = tools / "linkchecker-venv"
    exe = venv / "bin" / "linkchecker"
    if not exe.exists():
        print("installing LinkChecker (pip, own venv)", flush=True)
        py = shutil.which("python3") or sys.executable
        r = subprocess.run(
            [py, "-m", "venv", str(venv)], capture_output=True, text=True, check=False
        )
        if r.returncode == 0:
            r = subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "linkchecker"],
                capture_output=True,
                text=True,
                check=False,
            )
        if r.returncode != 0 or not exe.exists():
            return None, "pip install linkchecker failed: " + (
                r.stderr or r.stdout
            ).strip()[-300:]
    v = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, check=False
    ).stdout.split("\n")[0]
    return str(exe), v.strip()


def install_linkinator(tools: Path) -> tuple[str | None, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "node/npm not on this machine"
    d = tools / "linkinator"
    exe = d / "node_modules" / ".bin" / "linkinator"
    if not exe.exists():
        print("installing linkinator (npm)", flush=True)
        d.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(d),
                "--no-audit",
                "--no-fund",
                "linkinator",
            ],
            capture_output=True,
            text=True,
            env=child_env(),
            check=False,
        )
        if r.returncode != 0 or not exe.exists():
            return None, "npm install linkinator failed: " + (
                r.stderr or r.stdout
            ).strip()[-300:]
    v = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    nv = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return str(exe), f"linkinator {v} (node {nv})"


def tool_versions(name: str, exe: str) -> str:
    if name == "linklint":
        r = subprocess.run(
            [exe, "-version"], capture_output=True, text=True, check=False
        )
        m = re.search(r"Version\s+([\d.]+)", r.stdout + r.stderr)
        return f"linklint {m.group(1)}" if m else "linklint"
    if name == "wget":
        return subprocess.run(
            [exe, "--version"], capture_output=True, text=True, check=False
        ).stdout.split("\n")[0]
    if name == "govaudit":
        return subprocess.run(
            [exe, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return name


# -- URL normalisation and scoring --------------------------------------------------------


def norm(url: str) -> str:
    """Scheme/host lower-case, default port dropped, path percent-decoded, no fragment."""
    url = url.strip()
    try:
        p = urlsplit(url)
    except ValueError:
        return url
    netloc = p.netloc.lower()
    if netloc.endswith(":80") and p.scheme == "http":
        netloc = netloc[:-3]
    return urlunsplit((p.scheme.lower(), netloc, unquote(p.path) or "/", p.query, ""))


class Truth:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.site = data["hosts"]["site"]
        self.broken = {
            norm(u): {**v, "pages": {norm(x) for x in v["pages"]}}
            for u, v in data["broken"].items()
        }
        self.soft = {
            norm(u): {**v, "pages": {norm(x) for x in v["pages"]}}
            for u, v in data["soft404"].items()
        }
        self.alias = {
            norm(v["final_url"]): norm(u)
            for u, v in data["broken"].items()
            if v.get("final_url")
        }
        self.working = {norm(u): w for u, w in data["working_tricky"].items()}
        self.pages = {norm(u) for u in data["page_urls"]}

    def key(self, url: str) -> str:
        n = norm(url)
        return self.alias.get(n, n)


def score(
    truth: Truth,
    found: dict[str, set[str] | None],
    soft_found: dict[str, set[str] | None] | None = None,
    counts: dict[str, int] | None = None,
) -> dict:
    """found: reported broken URL -> linking pages the tool listed (None when it lists none)."""
    merged: dict[str, set[str] | None] = {}
    for u, pages in found.items():
        k = truth.key(u)
        if pages is None:
            merged.setdefault(k, None)
        else:
            merged[k] = (merged.get(k) or set()) | {norm(p) for p in pages}
    reported = set(merged)
    tb = set(truth.broken)
    tp, fp, fn = reported & tb, reported - tb, tb - reported
    res: dict = {
        "reported": len(reported),
        "tp": len(tp),
        "fp": len(fp),
        "fn": len(fn),
        "precision": round(len(tp) / len(reported), 4) if reported else None,
        "recall": round(len(tp) / len(tb), 4) if tb else None,
    }
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for u, v in truth.broken.items():
        by_cat[v["category"]][1] += 1
        if u in tp:
            by_cat[v["category"]][0] += 1
    res["recall_by_category"] = {c: f"{a}/{b}" for c, (a, b) in sorted(by_cat.items())}
    res["fn_examples"] = {
        c: sorted(u for u in fn if truth.broken[u]["category"] == c)[:3]
        for c in sorted({truth.broken[u]["category"] for u in fn})
    }
    fp_kind = Counter()
    for u in fp:
        fp_kind[_fp_kind(truth, u)] += 1
    res["fp_by_kind"] = dict(fp_kind)
    res["fp_examples"] = sorted(fp)[:10]
    # linking pages: does the tool name every page that links to a broken target?
    listed = [u for u in tp if merged[u] is not None]
    if listed:
        complete = sum(1 for u in listed if truth.broken[u]["pages"] <= merged[u])
        want = sum(len(truth.broken[u]["pages"]) for u in listed)
        got = sum(len(truth.broken[u]["pages"] & merged[u]) for u in listed)
        extra = sum(len(merged[u] - truth.broken[u]["pages"]) for u in listed)
        res["linking_pages"] = {
            "targets_with_pages": len(listed),
            "targets_all_pages_listed": complete,
            "page_recall": round(got / want, 4) if want else None,
            "pages_listed_not_in_truth": extra,
        }
        partial = Counter(
            truth.broken[u]["category"]
            for u in listed
            if not truth.broken[u]["pages"] <= merged[u]
        )
        if partial:
            res["linking_pages"]["incomplete_by_category"] = dict(
                sorted(partial.items())
            )
        if counts is not None:
            res["linking_pages"]["count_matches_truth"] = sum(
                1 for u in listed if counts.get(u) == len(truth.broken[u]["pages"])
            )
    else:
        res["linking_pages"] = None
    if soft_found is not None:
        sk = {truth.key(u) for u in soft_found}
        ts = set(truth.soft)
        cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for u, v in truth.soft.items():
            cat[v["category"]][1] += 1
            if u in sk:
                cat[v["category"]][0] += 1
        res["soft404"] = {
            "reported": len(sk),
            "tp": len(sk & ts),
            "fp": len(sk - ts),
            "fn": len(ts - sk),
            "recall_by_category": {c: f"{a}/{b}" for c, (a, b) in sorted(cat.items())},
            "fp_examples": sorted(sk - ts)[:5],
        }
    return res


def _fp_kind(truth: Truth, u: str) -> str:
    if u in truth.soft:
        return "soft-404 target (200)"
    if u in truth.working:
        return truth.working[u]
    if u in truth.pages:
        return "existing page of the site"
    if u.endswith("/robots.txt"):
        return "robots.txt"
    return "other"


# -- nginx log ------------------------------------------------------------------------------

LOG_RE = re.compile(r'^(\S+) (\S+) (\d+) "([^"]*)" (\d+)')


def server_stats(lines: list[str], truth: Truth) -> dict:
    reqs = Counter()
    html_paths = set()
    site_host = urlsplit(truth.site).hostname
    page_paths = {urlsplit(u).path for u in truth.pages}
    for line in lines:
        m = LOG_RE.match(line)
        if not m:
            continue
        addr, method, status, uri, _ = m.groups()
        reqs[f"{addr} {method}"] += 1
        if addr == site_host and method == "GET" and status == "200":
            path = unquote(uri.split("?", 1)[0])
            if path == "/index.html":
                path = "/"
            if path in page_paths:
                html_paths.add(path)
    return {
        "requests": sum(reqs.values()),
        "by_host_method": dict(sorted(reqs.items())),
        "site_pages_fetched": len(html_paths),
    }


# -- the tools --------------------------------------------------------------------------------


class Bench:
    def __init__(
        self, args: argparse.Namespace, work: Path, truth: Truth, nginx: linksite.Nginx
    ) -> None:
        self.a, self.work, self.truth, self.nginx = args, work, truth, nginx
        self.start = truth.site + "/"

    def _nginx_cpu(self) -> float:
        total = 0.0
        for pid in self.nginx.pids():
            try:
                t = psutil.Process(pid).cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    def run(self, name: str) -> dict:
        fn = getattr(self, "run_" + name)
        d = self.work / name
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o777)  # LinkChecker drops root privileges to nobody
        offset = self.nginx.log_size()
        cpu0 = self._nginx_cpu()
        print(f"--- {name}", flush=True)
        try:
            res = fn(d)
        except Exception as e:  # noqa: BLE001  (a tool that cannot run is a row with the reason, not a crash)
            res = {"status": "error", "reason": f"{type(e).__name__}: {e}"}
        res["tool"] = name
        res["server"] = server_stats(self.nginx.log_since(offset), self.truth)
        res["server"]["nginx_cpu_s"] = round(self._nginx_cpu() - cpu0, 2)
        print(
            f"    {res.get('status')} wall={res.get('wall_s')}s rss={res.get('peak_rss_mb')}MB "
            f"precision={res.get('score', {}).get('precision')} recall={res.get('score', {}).get('recall')} "
            f"requests={res['server']['requests']} pages={res['server']['site_pages_fetched']}",
            flush=True,
        )
        return res

    def _measure(self, d: Path, label: str, cmd: list[str], limit: float) -> Measured:
        m = run_measured(
            cmd,
            cwd=d,
            stdout=d / f"{label}.stdout",
            stderr=d / f"{label}.stderr",
            limit=limit,
            env=child_env(),
        )
        return m

    @staticmethod
    def _base(m: Measured, pages: int, cmd: list[str]) -> dict:
        status = (
            "timeout"
            if m.timed_out
            else ("error" if m.error else ("ok" if m.rc == 0 else f"exit {m.rc}"))
        )
        return {
            "status": status,
            "command": " ".join(cmd),
            "wall_s": round(m.wall, 1),
            "pages_per_s": round(pages / m.wall, 1)
            if m.wall and not m.timed_out
            else None,
            "peak_rss_mb": round(m.peak_rss / 2**20, 1),
            "max_single_rss_mb": round(m.maxrss_single / 2**20, 1),
            "cpu_s": round(m.cpu, 1),
            **({"reason": m.error} if m.error else {}),
        }

    # govaudit ------------------------------------------------------------------------------
    def run_govaudit(self, d: Path) -> dict:
        exe = str(REPO / ".venv" / "bin" / "govaudit")
        if not Path(exe).exists():
            return {
                "status": "unavailable",
                "reason": ".venv/bin/govaudit missing (make install)",
            }
        db = d / "links.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        steps = [
            (
                "crawl",
                [
                    exe,
                    "crawl",
                    "--db",
                    str(db),
                    "--today",
                    TODAY,
                    "--concurrency",
                    str(self.a.concurrency),
                    self.start,
                ],
            ),
            ("audit", [exe, "audit", "--db", str(db), "--as-of", TODAY]),
            (
                "findings",
                [
                    exe,
                    "findings",
                    "--db",
                    str(db),
                    "--format",
                    "jsonl",
                    "--out",
                    str(d / "findings.jsonl"),
                ],
            ),
        ]
        total = Measured()
        per_step = {}
        left = self.a.time_limit
        for label, cmd in steps:
            m = self._measure(d, label, cmd, left)
            per_step[label] = {
                "wall_s": round(m.wall, 1),
                "peak_rss_mb": round(m.peak_rss / 2**20, 1),
                "cpu_s": round(m.cpu, 1),
                "rc": m.rc,
            }
            total.wall += m.wall
            total.cpu += m.cpu
            total.peak_rss = max(total.peak_rss, m.peak_rss)
            total.maxrss_single = max(total.maxrss_single, m.maxrss_single)
            total.rc, total.timed_out, total.error = m.rc, m.timed_out, m.error
            left -= m.wall
            if m.rc != 0 or m.timed_out:
                break
        res = self._base(total, self.truth.data["pages"], steps[0][1])
        res["command"] = " ; ".join(" ".join(c) for _, c in steps)
        res["steps"] = per_step
        res["version"] = tool_versions("govaudit", exe)
        res["crawl_pages_per_s"] = (
            round(self.truth.data["pages"] / per_step["crawl"]["wall_s"], 1)
            if per_step.get("crawl", {}).get("wall_s")
            else None
        )
        res["db_mb"] = round(db.stat().st_size / 2**20, 1) if db.exists() else None
        if res["status"] != "ok":
            return res
        found: dict[str, set[str] | None] = {}
        soft: dict[str, set[str] | None] = {}
        counts: dict[str, int] = {}
        rules = Counter()
        with open(d / "findings.jsonl", encoding="utf-8") as f:
            for line in f:
                fd = json.loads(line)
                rules[fd["rule"]] += 1
                if fd["rule"] == "dead-link":
                    ev = fd.get("evidence") or {}
                    found[fd["url"]] = {p["page"] for p in ev.get("pages", [])}
                    counts[self.truth.key(fd["url"])] = ev.get("linking_pages")
                elif fd["rule"] == "soft-404":
                    soft[fd["url"]] = {
                        p["page"] for p in (fd.get("evidence") or {}).get("pages", [])
                    }
        res["findings_by_rule"] = dict(rules)
        res["score"] = score(self.truth, found, soft, counts)
        res["crawl_stats"] = self._govaudit_stats(db)
        return res

    @staticmethod
    def _govaudit_stats(db: Path) -> dict:
        import sqlite3

        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            out = {
                "pages": conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0],
                "links": conn.execute("SELECT COUNT(*) FROM links").fetchone()[0],
                "link_checks": conn.execute(
                    "SELECT COUNT(*) FROM link_checks"
                ).fetchone()[0],
                "check_methods": dict(
                    conn.execute(
                        "SELECT method, COUNT(*) FROM link_checks GROUP BY method"
                    ).fetchall()
                ),
            }
            row = (
                conn.execute(
                    "SELECT stats_json FROM crawl_runs ORDER BY id DESC LIMIT 1"
                ).fetchone()
                if _has_col(conn, "crawl_runs", "stats_json")
                else None
            )
            if row and row[0]:
                st = json.loads(row[0])
                out["scrapy"] = {
                    k: v
                    for k, v in st.items()
                    if k.startswith(
                        (
                            "govaudit/",
                            "downloader/request_count",
                            "downloader/response_count",
                            "retry/count",
                            "elapsed",
                        )
                    )
                }
            return out
        finally:
            conn.close()

    # LinkChecker -----------------------------------------------------------------------------
    def run_linkchecker(self, d: Path) -> dict:
        exe, version = install_linkchecker(self.a.tools_dir)
        if not exe:
            return {"status": "unavailable", "reason": version}
        conf = d / "linkcheckerrc"
        # above 10 requests/s per host only for hosts that send "LinkChecker:" (our site does, the other site does not)
        conf.write_text("[checking]\nmaxrequestspersecond=1000\n")
        os.chmod(conf, 0o644)
        cmd = [
            exe,
            "-f",
            str(conf),
            "-t",
            str(self.a.concurrency),
            "--check-extern",
            "--timeout",
            "15",
            "--no-status",
            "-o",
            "csv/utf-8",
            self.start,
        ]
        m = self._measure(d, "linkchecker", cmd, self.a.time_limit)
        res = self._base(m, self.truth.data["pages"], cmd)
        res["version"] = version
        if res["status"] == "exit 1":  # LinkChecker exits 1 when it found errors
            res["status"] = "ok"
        if res["status"] not in ("ok", "timeout"):
            return res
        if (
            res["status"] == "timeout"
        ):  # its CSV is written as it goes: score what it found so far
            res["reason"] = "partial output scored"
        found: dict[str, set[str] | None] = defaultdict(set)
        text = (d / "linkchecker.stdout").read_text(encoding="utf-8", errors="replace")
        rows = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
        warnings = Counter()
        for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
            if row.get("valid") in ("False", "false", "0"):
                url = row.get("url") or row.get("urlname") or ""
                found[url].add(row.get("parentname") or "")
                found[url].discard("")
            elif row.get("warningstring"):
                warnings[row["warningstring"].split("\n")[0][:60]] += 1
        res["score"] = score(self.truth, dict(found))
        res["warnings"] = dict(warnings.most_common(5))
        return res

    # linkinator --------------------------------------------------------------------------------
    def run_linkinator(self, d: Path) -> dict:
        exe, version = install_linkinator(self.a.tools_dir)
        if not exe:
            return {"status": "unavailable", "reason": version}
        cmd = [
            exe,
            self.start,
            "--recurse",
            "--concurrency",
            str(self.a.concurrency),
            "--timeout",
            "15000",
            "--retry-errors",
            "--retry-errors-count",
            "2",
            "--format",
            "json",
        ]
        m = self._measure(d, "linkinator", cmd, self.a.time_limit)
        res = self._base(m, self.truth.data["pages"], cmd)
        res["version"] = version
        if res["status"] == "exit 1":  # exits 1 when broken links were found
            res["status"] = "ok"
        if res["status"] != "ok":
            return res
        raw = (d / "linkinator.stdout").read_text(encoding="utf-8", errors="replace")
        try:
            data = json.loads(raw[raw.index("{") :])
        except ValueError as e:
            res["status"] = "unparsable output"
            res["reason"] = str(e)
            return res
        found: dict[str, set[str] | None] = defaultdict(set)
        states = Counter()
        for lk in data.get("links", []):
            states[lk.get("state")] += 1
            if lk.get("state") == "BROKEN":
                found[lk["url"]].add(lk.get("parent") or "")
                found[lk["url"]].discard("")
        res["link_states"] = dict(states)
        res["score"] = score(self.truth, dict(found))
        return res

    # linklint --------------------------------------------------------------------------------
    def run_linklint(self, d: Path) -> dict:
        exe = _apt_install("linklint", "linklint")
        if not exe:
            return {
                "status": "unavailable",
                "reason": "linklint not installable (apt-get install linklint)",
            }
        host = self.truth.site.split("//", 1)[1]
        doc = d / "doc"
        shutil.rmtree(doc, ignore_errors=True)
        cmd = [
            exe,
            "-http",
            "-host",
            host,
            "-limit",
            str(self.truth.data["pages"] * 10),
            "-net",
            "-timeout",
            "15",
            "-doc",
            str(doc),
            "-textonly",
            "-quiet",
            "/@",
        ]
        m = self._measure(d, "linklint", cmd, self.a.time_limit)
        res = self._base(m, self.truth.data["pages"], cmd)
        res["version"] = tool_versions("linklint", exe)
        if res["status"] != "ok":
            return res
        found, files = parse_linklint(doc, self.truth.site)
        res["output_files"] = files
        res["score"] = score(self.truth, found)
        return res

    # wget ------------------------------------------------------------------------------------
    def run_wget(self, d: Path) -> dict:
        exe = _apt_install("wget", "wget")
        if not exe:
            return {"status": "unavailable", "reason": "wget not installable"}
        hosts = sorted(
            {
                urlsplit(u).hostname
                for u in (self.truth.site, self.truth.data["hosts"]["ext"])
            }
        )
        log = d / "wget.log"
        cmd = [
            exe,
            "--spider",
            "-r",
            "-l",
            "inf",
            "-H",
            "-D",
            ",".join(hosts),
            "--tries=3",
            "--timeout=15",
            "-nv",
            "-o",
            str(log),
            "-P",
            str(d / "tmp"),
            self.start,
        ]
        m = self._measure(d, "wget", cmd, self.a.time_limit)
        res = self._base(m, self.truth.data["pages"], cmd)
        res["version"] = tool_versions("wget", exe)
        if (
            res["status"] == "exit 8"
        ):  # 8 = the server answered an error (the broken links)
            res["status"] = "ok"
        if res["status"] == "exit 4":  # 4 = network failure (refused / timed out links)
            res["status"] = "ok"
        if res["status"] != "ok":
            return res
        found = parse_wget(log)
        res["score"] = score(self.truth, {u: None for u in found})
        return res


def _has_col(conn, table: str, col: str) -> bool:
    return any(r[1] == col for r in conn.execute(f"PRAGMA table_info({table})"))


def parse_wget(log: Path) -> list[str]:
    """The URLs of wget's closing "Found N broken links." list."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    out: list[str] = []
    for i, ln in enumerate(lines):
        if re.match(r"Found \d+ broken links?\.", ln.strip()):
            for nxt in lines[i + 1 :]:
                s = nxt.strip()
                if not s:
                    if out:
                        break
                    continue
                if not s.startswith(("http://", "https://")):
                    break
                out.append(s.split()[0])
    return out


def parse_linklint(
    doc: Path, site: str
) -> tuple[dict[str, set[str] | None], list[str]]:
    """Broken URLs from linklint's -doc files, with the pages that use them.

    errorX.txt: missing site files, cross-referenced (a target at column 0, then "used in N
    files:" and the referring pages indented); httpfail.txt: every site link that failed via
    http; urlfailX.txt: failed remote URLs, cross-referenced (a "N urls: reason" line, the
    target indented 4, "=> final URL" for redirects, the referring pages indented 8)."""
    files = sorted(p.name for p in doc.glob("*.txt")) if doc.exists() else []
    found: dict[str, set[str]] = {}

    def absolute(u: str) -> str:
        return (
            u if u.startswith("http") else site + (u if u.startswith("/") else "/" + u)
        )

    for name in ("errorX.txt", "httpfail.txt", "urlfailX.txt"):
        path = doc / name
        if not path.exists():
            continue
        entries = []
        for ln in path.read_text(encoding="utf-8", errors="replace").splitlines():
            body = ln.strip()
            if not body.startswith(("/", "http://", "https://")):
                continue  # headers, "used in N files:", "=> redirect", reasons
            entries.append((len(ln) - len(ln.lstrip()), body.split()[0]))
        if not entries:
            continue
        top = min(i for i, _ in entries)
        cur = None
        for indent, url in entries:
            if indent == top:
                cur = absolute(url)
                found.setdefault(cur, set())
            elif cur is not None:
                found[cur].add(absolute(url))
    return {u: (v if v else None) for u, v in found.items()}, files


# -- report ----------------------------------------------------------------------------------


def fmt(v, suffix: str = "") -> str:
    return "–" if v is None else f"{v}{suffix}"


def table(results: list[dict], truth: Truth) -> str:
    head = (
        "| tool | status | wall s | pages/s | peak RSS MB | CPU s | requests | site pages fetched | "
        "broken found (TP / FP / FN) | precision | recall | soft-404 (found / truth) | all linking pages listed |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    n_soft = len(truth.soft)
    for r in results:
        s = r.get("score") or {}
        lp = s.get("linking_pages")
        if lp:
            lps = f"{lp['targets_all_pages_listed']}/{lp['targets_with_pages']} targets (page recall {lp['page_recall']})"
        elif s:
            lps = "no linking pages in output"
        else:
            lps = "–"
        soft = s.get("soft404")
        soft_s = (
            f"{soft['tp']} / {n_soft}" + (f" (+{soft['fp']} FP)" if soft["fp"] else "")
            if soft
            else (f"0 / {n_soft} (not checked)" if s else "–")
        )
        status = r["status"] + (f": {r['reason']}" if r.get("reason") else "")
        found = f"{s['tp']} / {s['fp']} / {s['fn']}" if s else "–"
        wall = fmt(r.get("wall_s"))
        if r["tool"] == "govaudit" and r.get("steps", {}).get("crawl"):
            wall += f" (crawl {r['steps']['crawl']['wall_s']})"
        srv = r.get("server", {})
        lines.append(
            f"| {r['tool']} | {status} | {wall} | {fmt(r.get('pages_per_s'))} | {fmt(r.get('peak_rss_mb'))} | {fmt(r.get('cpu_s'))} | "
            f"{fmt(srv.get('requests'))} | {fmt(srv.get('site_pages_fetched'))} | {found} | {fmt(s.get('precision'))} | "
            f"{fmt(s.get('recall'))} | {soft_s} | {lps} |"
        )
    return "\n".join(lines)


def source_fingerprint() -> dict:
    """Which govaudit code was measured (the work tree changes under a benchmark): a hash of
    crawler/, audits/ and reports/ sources and the newest modification time among them."""
    import hashlib

    h = hashlib.sha256()
    newest = 0.0
    for path in sorted(
        p for d in ("crawler", "audits", "reports") for p in (REPO / d).rglob("*.py")
    ):
        h.update(str(path.relative_to(REPO)).encode())
        h.update(path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    return {
        "sha256": h.hexdigest()[:16],
        "newest_mtime": dt.datetime.fromtimestamp(newest).isoformat(timespec="seconds"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--pages",
        type=int,
        default=10000,
        help="HTML pages of the generated site (default 10000)",
    )
    ap.add_argument(
        "--tools",
        default=",".join(ALL_TOOLS),
        help="comma-separated, from: " + ",".join(ALL_TOOLS),
    )
    ap.add_argument(
        "--time-limit",
        type=float,
        default=900,
        help="seconds per tool (default 900); a timeout is recorded",
    )
    ap.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="for tools that have the option (govaudit's default: 16)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--work",
        type=Path,
        default=None,
        help="work directory (default: a new one under /tmp, removed at the end)",
    )
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the work directory (site, tool outputs)",
    )
    ap.add_argument(
        "--tools-dir",
        type=Path,
        default=Path("/tmp/govaudit-linkbench-tools"),
        help="where LinkChecker and linkinator are installed",
    )
    ap.add_argument("--out", type=Path, default=BENCH / "out" / "links.json")
    a = ap.parse_args()
    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    bad = [t for t in tools if t not in ALL_TOOLS]
    if bad:
        ap.error(f"unknown tool(s): {', '.join(bad)}")
    a.tools_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(a.tools_dir, 0o755)
    work = a.work or Path(tempfile.mkdtemp(prefix="govaudit-links-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    if not _apt_install("nginx", "nginx"):
        print(
            "nginx is not installed and cannot be (apt-get install -y nginx)",
            file=sys.stderr,
        )
        return 2

    hosts = linksite.pick_hosts()
    t0 = time.monotonic()
    data = linksite.generate(work / "site", a.pages, hosts, a.seed)
    gen_s = time.monotonic() - t0
    truth = Truth(data)
    cats = Counter(v["category"] for v in data["broken"].values())
    print(
        f"site: {data['pages']} pages, {data['link_occurrences']} link occurrences, {len(data['broken'])} broken targets "
        f"({data['broken_occurrences']} occurrences, {data['broken_occurrences'] / data['link_occurrences']:.1%}), "
        f"{len(data['soft404'])} soft-404 targets; generated in {gen_s:.1f}s in {work}",
        flush=True,
    )
    nginx = linksite.Nginx(work / "site", hosts, work / "nginx")
    hole = linksite.Blackhole(hosts.hang)
    results: list[dict] = []
    try:
        nginx.start()
        bench = Bench(a, work, truth, nginx)
        for t in tools:
            results.append(bench.run(t))
    finally:
        nginx.stop()
        hole.close()
    md = table(results, truth)
    print()
    print(md)
    out = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "mem_gb": round(psutil.virtual_memory().total / 2**30, 1),
        },
        "site": {
            "pages": data["pages"],
            "link_occurrences": data["link_occurrences"],
            "broken_targets": len(data["broken"]),
            "broken_occurrences": data["broken_occurrences"],
            "broken_by_category": dict(sorted(cats.items())),
            "soft404_targets": len(data["soft404"]),
            "soft404_by_category": dict(
                sorted(Counter(v["category"] for v in data["soft404"].values()).items())
            ),
            "max_linking_pages": max(len(v["pages"]) for v in data["broken"].values()),
            "working_tricky": dict(Counter(data["working_tricky"].values())),
            "hosts": data["hosts"],
            "seed": a.seed,
        },
        "govaudit_source": source_fingerprint(),
        "time_limit_s": a.time_limit,
        "concurrency": a.concurrency,
        "results": results,
        "table_md": md,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {a.out}")
    if not a.keep and a.work is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
