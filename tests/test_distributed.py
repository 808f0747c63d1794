"""Scale-out: a real redis-server on loopback, the fixture site, two real `govaudit worker`
subprocesses and the writer (`govaudit crawl --redis`) — the stored facts must equal a
single-process crawl of the same site, with no duplicate row and each page fetched once."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
import redis

from tests.routes import RouteServer, html
from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)
GOVAUDIT = [sys.executable, "-m", "crawler.cli"]
TIMING = {"run_id", "elapsed", "fetched_at", "checked_at", "home_elapsed", "render_ms"}
# How a page was first reached depends on which page was read first.  referer: with several pages
# at one depth linking it, in two workers as in one process.  depth: one process gives a page the
# depth of the first path it saw, which is longer than the shortest when a shallow page is slow to
# parse (a home page rendered in Chromium); the distributed crawl goes level by level, so its depth
# is the shortest path's (test_distributed_depth_is_the_shortest_path).
ORDER = {"referer", "depth"}
# the fixture's search page hands out a fresh session id on every request (a trap): links carry it
_SESSION = re.compile(r"(sid=qs|jsessionid=)[0-9A-F]+")
_PER_REQUEST_BODY = "/search/"  # ... so that page's body, and its ETag, differ from fetch to fetch


def run(*args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=300, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"govaudit {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        raise AssertionError("redis-server is not installed: run `make redis` (Debian package redis-server)")
    workdir = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise AssertionError("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


class CountingSite(FixtureSite):
    """The fixture site, counting what it serves per (host, path)."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.served: Counter[tuple[str, str]] = Counter()

    def _resolve(self, host, target):
        self.served[(host, target)] += 1
        return super()._resolve(host, target)


def start_writer(redis_url: str, db: Path, roots: list[str], *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`govaudit crawl --redis`, returned once it has published the run."""
    proc = subprocess.Popen([*GOVAUDIT, "crawl", "--db", str(db), "--today", T.isoformat(), "--redis", redis_url, *extra, *roots],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stderr.readline()
    assert "published" in line, line + proc.stderr.read()
    return proc


def start_worker(redis_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*GOVAUDIT, "worker", "--redis", redis_url, "--exit-when-idle"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def crawls(redis_url, tmp_path_factory):
    """One site, crawled once by a single process and once by two workers plus the writer."""
    tmp = tmp_path_factory.mktemp("dist")
    with CountingSite(today=T) as site:
        single = tmp / "single.db"
        run("crawl", "--db", str(single), "--today", T.isoformat(), *site.roots)
        served_single = Counter(site.served)
        site.served.clear()
        dist = tmp / "dist.db"
        writer = start_writer(redis_url, dist, site.roots)
        workers = [start_worker(redis_url) for _ in range(2)]
        w_rc, w_out, w_err = finish(writer)
        results = [finish(p) for p in workers]
        served_dist = Counter(site.served)
    assert w_rc == 0, w_out + w_err
    for rc, _out, err in results:
        assert rc == 0, err
    return {"site": site, "single": single, "dist": dist, "served_single": served_single, "served_dist": served_dist,
            "writer": w_out + w_err, "workers": [err for _rc, _out, err in results]}


def facts(db: Path, table: str) -> Counter[tuple]:
    conn = sqlite3.connect(db)
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMING | ORDER]
    out: Counter[tuple] = Counter()
    for row in conn.execute(f"SELECT {', '.join(cols)} FROM {table}"):
        rec = dict(zip(cols, row))
        if table == "pages" and _PER_REQUEST_BODY in rec["url"]:
            rec["etag"] = rec["last_modified"] = rec["pagination_json"] = None
        out[tuple(_SESSION.sub(r"\1…", v) if isinstance(v, str) else v for v in rec.values())] += 1
    conn.close()
    return out


@pytest.mark.parametrize("table", ["pages", "links", "list_items", "columns", "link_checks", "run_roots"])
def test_same_facts_as_a_single_process_crawl(crawls, table):
    single, dist = facts(crawls["single"], table), facts(crawls["dist"], table)
    assert sum(single.values()) > 0
    assert dist == single, (f"only distributed: {list(dist - single)[:3]}", f"only single: {list(single - dist)[:3]}")


def test_distributed_depth_is_the_shortest_path(crawls):
    conn = sqlite3.connect(crawls["dist"])
    longer = conn.execute(
        "SELECT p.url, p.depth, min(s.depth) FROM pages p JOIN links l ON l.target = p.url "
        "JOIN pages s ON s.url = l.source GROUP BY p.url HAVING p.depth > min(s.depth) + 1").fetchall()
    assert longer == []
    assert conn.execute("SELECT count(DISTINCT depth) FROM pages").fetchone()[0] >= 3


def test_every_referer_is_a_page_one_level_up(crawls):
    conn = sqlite3.connect(crawls["dist"])
    rows = conn.execute(
        "SELECT p.url, p.depth, r.depth, (SELECT count(*) FROM links l WHERE l.source = p.referer) FROM pages p "
        "LEFT JOIN pages r ON r.url = p.referer WHERE p.referer IS NOT NULL").fetchall()
    assert len(rows) > 100
    for url, depth, ref_depth, ref_links in rows:
        assert ref_depth in (depth - 1, depth) and ref_links > 0, url  # same depth: list pagination


def test_the_run_is_complete_with_the_same_counts(crawls):
    q = "SELECT status, reason, pages, errors FROM crawl_runs"
    single = sqlite3.connect(crawls["single"]).execute(q).fetchall()
    dist = sqlite3.connect(crawls["dist"]).execute(q).fetchall()
    assert dist == single
    assert dist[0][:2] == ("complete", "finished")
    assert "crawl run 1: complete (finished)" in crawls["writer"]


def test_no_duplicate_rows(crawls):
    conn = sqlite3.connect(crawls["dist"])
    assert conn.execute("SELECT url FROM pages GROUP BY url HAVING count(*) > 1").fetchall() == []
    for table in ("links", "list_items"):
        dupes = conn.execute(f"SELECT count(*) - count(DISTINCT source || '|' || target || '|' || anchor) FROM {table}").fetchone() \
            if table == "links" else conn.execute("SELECT count(*) - count(DISTINCT page_url || '|' || position) FROM list_items").fetchone()
        assert dupes == (0,), table


def _probes(db: Path) -> set[str]:
    """Site-search probe requests: made by a crawl with its database at hand, not by workers."""
    conn = sqlite3.connect(db)
    try:
        urls = set()
        for request_url, final_url, chain in conn.execute("SELECT request_url, final_url, redirect_chain_json FROM search_probes"):
            urls.update([request_url, final_url or request_url, *json.loads(chain or "[]")])
        return {urlsplit(u).path + ("?" + urlsplit(u).query if urlsplit(u).query else "") for u in urls}
    except sqlite3.OperationalError:  # a schema without probes
        return set()
    finally:
        conn.close()


def test_each_page_is_fetched_as_often_as_by_one_process(crawls):
    single, dist = crawls["served_single"], crawls["served_dist"]
    skip = {k for k in single | dist if k[1] == "/robots.txt" or k[1] in _probes(crawls["single"])}
    assert {k: v for k, v in dist.items() if k not in skip} == {k: v for k, v in single.items() if k not in skip}
    assert sum(single.values()) > 100
    # robots.txt is read once per worker and host
    robots = [k for k in dist if k[1] == "/robots.txt"]
    assert robots and all(1 <= dist[k] <= 2 for k in robots)


def test_both_workers_fetched_pages(crawls):
    stats = json.loads(sqlite3.connect(crawls["dist"]).execute("SELECT stats_json FROM crawl_runs").fetchone()[0])
    per_worker = {k: v for k, v in stats.items() if k.startswith("govaudit/distributed/worker_pages/")}
    assert len(per_worker) == 2 and all(n > 0 for n in per_worker.values()), per_worker
    pages = sqlite3.connect(crawls["dist"]).execute("SELECT count(*) FROM pages").fetchone()[0]
    assert sum(per_worker.values()) == pages
    assert stats["govaudit/distributed/duplicates_dropped"] == 0
    for err in crawls["workers"]:
        n = int(re.search(r"(\d+) pages for crawl run 1", err).group(1))
        assert n > 0, err


def test_audit_finds_the_same(crawls):
    found = []
    for db in (crawls["single"], crawls["dist"]):
        run("audit", "--db", str(db), "--as-of", T.isoformat())
        out = run("findings", "--db", str(db), "--format", "jsonl").stdout
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        # site-search-broken judges the search probes, which need the crawl's database (crawler/search.py)
        rows = [f for f in rows if f["rule"] != "site-search-broken"]
        for f in rows:
            for timing in ("elapsed_seconds", "response_seconds", "render_ms"):  # how long a fetch took
                f["evidence"].pop(timing, None)
        found.append(sorted(json.dumps({k: v for k, v in f.items() if k not in ("run_id", "first_seen")}, sort_keys=True, ensure_ascii=False) for f in rows))
    assert len(found[0]) > 10
    assert found[1] == found[0]


# -- bad input ------------------------------------------------------------------------------------

def test_unreachable_redis_is_exit_2_with_one_line(tmp_path):
    port = free_port()  # nothing listens there
    db = tmp_path / "x.db"
    proc = run("crawl", "--db", str(db), "--redis", f"redis://127.0.0.1:{port}/0", "http://127.0.0.1:9/", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"govaudit: cannot reach Redis at 127.0.0.1:{port} (")
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not db.exists()  # no run was created
    proc = run("worker", "--redis", f"redis://127.0.0.1:{port}/0", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"govaudit: cannot reach Redis at 127.0.0.1:{port} (")


def test_something_else_on_the_port_is_not_redis(tmp_path):
    with RouteServer({}) as http:  # an HTTP server where Redis should be
        port = int(http.url.rsplit(":", 1)[1].strip("/"))
        proc = run("worker", "--redis", f"redis://127.0.0.1:{port}/0", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"govaudit: cannot reach Redis at 127.0.0.1:{port} (")
    assert "Traceback" not in proc.stderr


def test_loopback_mode_refuses_a_remote_redis(tmp_path):
    for cmd in (["worker"], ["crawl", "--db", str(tmp_path / "x.db"), "http://127.0.0.1:9/"]):
        proc = run(*cmd, "--redis", "redis://10.0.0.7:6379/0", check=False)
        assert proc.returncode == 2
        assert proc.stderr.strip() == "govaudit: --redis: 10.0.0.7 is not a loopback address (GOVAUDIT_LOOPBACK_ONLY=1)"


def test_not_a_redis_url():
    proc = run("worker", "--redis", "http://127.0.0.1:6379/", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("govaudit: --redis: not a Redis URL")


def test_worker_without_a_run_exits_when_asked(redis_url):
    proc = run("worker", "--redis", redis_url, "--exit-when-idle")
    assert proc.stderr.startswith(f"govaudit worker: no crawl run to work on at Redis {redis_url[8:-2]}; exiting")
    # the URL may come from the environment (systemd EnvironmentFile: no password on the command line)
    proc = run("worker", "--exit-when-idle", env={**os.environ, "GOVAUDIT_REDIS_URL": redis_url})
    assert "no crawl run to work on" in proc.stderr
    proc = run("worker", "--exit-when-idle", check=False, env={k: v for k, v in os.environ.items() if k != "GOVAUDIT_REDIS_URL"})
    assert proc.returncode == 2 and "Missing option '--redis'" in proc.stderr


def test_a_second_writer_on_the_same_redis_is_refused(redis_url, tmp_path):
    with RouteServer({"/": html("<title>首页</title>")}) as site:
        first = start_writer(redis_url, tmp_path / "a.db", [site.url])
        try:
            proc = run("crawl", "--db", str(tmp_path / "b.db"), "--redis", redis_url, site.url, check=False)
        finally:
            worker = start_worker(redis_url)
            rc, out, err = finish(first)
            finish(worker)
    assert proc.returncode == 2
    assert proc.stderr.startswith("govaudit: another crawl (run 1) is using Redis at 127.0.0.1:")
    assert rc == 0 and "complete (finished), 1 pages" in out  # ... and the first one is unharmed


# -- a worker dies ------------------------------------------------------------------------------

def test_a_killed_worker_loses_no_page(redis_url, tmp_path):
    n = 100
    routes = {"/": html("<title>首页</title>" + "".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(n)))}
    routes.update({f"/p{i}.html": html(f"<title>第{i}页</title><p>正文{i}</p>") for i in range(n)})
    env = {**os.environ, "GOVAUDIT_WORKER_TIMEOUT": "3"}
    client = redis.Redis.from_url(redis_url)
    with RouteServer(routes, delay=0.3) as site:
        db = tmp_path / "kill.db"
        writer = start_writer(redis_url, db, [site.url], "--concurrency", "2", env=env)
        doomed, survivor = start_worker(redis_url), None
        try:
            wid = _busy_worker(client, doomed)
            os.killpg(doomed.pid, signal.SIGKILL)  # the worker and its crawl process, mid-crawl
            doomed.wait(timeout=10)
            survivor = start_worker(redis_url)
            rc, out, err = finish(writer)
        finally:
            for p in (doomed, survivor):
                if p is not None and p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
        finish(survivor)
        fetched = Counter(path for (_method, path) in site.hits.elements() if path != "/robots.txt")
    assert rc == 0, out + err
    assert f"complete (finished), {n + 1} pages" in out
    assert f"worker {wid} stopped answering; its" in err
    conn = sqlite3.connect(db)
    urls = [r[0] for r in conn.execute("SELECT url FROM pages")]
    assert sorted(urls) == sorted([site.url] + [f"{site.url}p{i}.html" for i in range(n)])
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == n  # the home page's links, once
    stats = json.loads(conn.execute("SELECT stats_json FROM crawl_runs").fetchone()[0])
    assert stats["govaudit/distributed/requeued"] > 0
    # what the dead worker had in flight was fetched again: that is the only double fetching
    assert set(fetched) == {"/"} | {f"/p{i}.html" for i in range(n)}
    assert sum(fetched.values()) - len(fetched) <= stats["govaudit/distributed/requeued"]


def _busy_worker(client: redis.Redis, proc: subprocess.Popen[str]) -> str:
    """The id of the worker proc runs, once it holds requests in flight and has sent some pages."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        children = psutil.Process(proc.pid).children()
        if children:
            wid = f"{socket.gethostname()}:{children[0].pid}"
            held = sum(client.hlen(k) for k in client.scan_iter(match=f"govaudit:run:*:inflight:{wid}"))
            sent = sum(int(client.hget(k, wid) or 0) for k in client.scan_iter(match="govaudit:run:*:pages_by_worker"))
            if held and sent >= 3:
                return wid
        time.sleep(0.05)
    raise AssertionError("the worker never got busy")
