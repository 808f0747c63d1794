"""`govaudit run` (the nightly job), its lock, log and exit codes, and `govaudit schedule`.

The fixture county site is served on loopback and crawled by real subprocesses;
the lock is a real flock held by this test process.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest

from crawler.lock import DbLock
from tests.cli import govaudit
from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)


run = govaudit


def write_config(path: Path, roots: list[str], extra: str = "") -> Path:
    sites = "".join(f'[[site]]\nroot = "{r}"\n' for r in roots)
    path.write_text(f'[group]\nname = "青山县人民政府网站群"\n[run]\ndb = "nightly.db"\nout = "report"\nlog = "logs/govaudit.log"\n{extra}{sites}', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site():
    with FixtureSite(today=T) as s:
        yield s


@pytest.fixture(scope="module")
def nightly(site, tmp_path_factory):
    """Two nightly runs of the fixture site: the first with --fail-on veto, the second without."""
    d = tmp_path_factory.mktemp("nightly")
    cfg = write_config(d / "govaudit.toml", site.roots)
    first = run("run", "--config", str(cfg), "--fail-on", "veto", "--as-of", T.isoformat(), "--today", T.isoformat())
    second = run("run", "--config", str(cfg), "--as-of", T.isoformat(), "--today", T.isoformat())
    return d, cfg, first, second


def test_run_crawls_audits_and_reports(nightly, site):
    d, _, first, _ = nightly
    assert first.stderr.strip() == "", first.stderr  # quiet under cron: no progress, no Scrapy log
    assert (d / "report" / "report.html").exists() and (d / "report" / "report.md").exists()
    conn = sqlite3.connect(d / "nightly.db")
    runs = conn.execute("SELECT status, roots_json FROM crawl_runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["complete", "complete"]
    assert json.loads(runs[0][1]) == site.roots
    n_findings = conn.execute("SELECT count(*) FROM findings WHERE audit_run_id = 1").fetchone()[0]
    vetoes = conn.execute("SELECT rule, url FROM findings WHERE audit_run_id = 1 AND severity = 'veto' ORDER BY rule, url").fetchall()
    assert vetoes, "the fixture site has vetoes (hidden link, stale subsite home page)"
    head = first.stdout.splitlines()[0]
    assert f"audit run 1 as of {T.isoformat()}: {n_findings} findings ({len(vetoes)} veto" in head
    # new vetoes come first in the summary, then the majors
    new_lines = [ln for ln in first.stdout.splitlines() if ln.startswith("  NEW ")]
    severities = [ln.split()[1] for ln in new_lines]
    assert severities == sorted(severities, key=["VETO", "MAJOR"].index)
    assert {tuple(ln.split()[2:4]) for ln in new_lines if ln.split()[1] == "VETO"} == set(vetoes)
    log = (d / "logs" / "govaudit.log").read_text(encoding="utf-8")
    assert "govaudit run started: 4 sites" in log and "Scrapy" in log and "govaudit run finished" in log


def test_run_exit_codes_and_second_run_summary(nightly):
    _, _, first, second = nightly
    assert first.returncode == 1, first.stdout + first.stderr  # --fail-on veto and vetoes exist
    assert second.returncode == 0, second.stdout + second.stderr  # same findings, no --fail-on
    assert "  NEW " not in second.stdout  # nothing new on an unchanged site
    assert "new: 0 (0 veto, 0 major, 0 minor)" in second.stdout


def test_fail_on_thresholds(tmp_path):
    """A site with major findings but no veto: --fail-on major exits 1, --fail-on veto exits 0."""
    from tests.routes import RouteServer, html

    today = dt.date.today().isoformat()
    items = "".join(f'<li><a href="/a{n}.html">工作动态{n}</a><span>{today}</span></li>' for n in range(3))
    # a working 在线咨询 channel: without one the site would have a veto (consultation-channel-missing)
    home = html(f'<title>县政府</title><meta name="SiteName" content="县政府"><ul>{items}</ul><a href="/zx.html">在线咨询</a>')
    routes = {"/": home, "/zx.html": html("<title>在线咨询</title><form action='/zx/save' method='post'><textarea name='c'></textarea></form>"),
              **{f"/a{n}.html": html(f"<title>工作动态{n}</title><p>发布时间：{today}</p>") for n in range(3)}}
    with RouteServer(routes) as srv:
        cfg = write_config(tmp_path / "govaudit.toml", [srv.url])
        major = run("run", "--config", str(cfg), "--fail-on", "major")
        veto = run("run", "--config", str(cfg), "--fail-on", "veto")
    conn = sqlite3.connect(tmp_path / "nightly.db")
    for audit_run in (1, 2):
        severities = {r[0] for r in conn.execute("SELECT severity FROM findings WHERE audit_run_id = ?", [audit_run])}
        assert "major" in severities and "veto" not in severities, severities
    assert major.returncode == 1, major.stdout + major.stderr
    assert veto.returncode == 0, veto.stdout + veto.stderr


def test_lock_refuses_an_overlapping_run(tmp_path, site):
    cfg = write_config(tmp_path / "govaudit.toml", site.roots[:1])
    with DbLock(tmp_path / "nightly.db", "run"):
        busy = run("run", "--config", str(cfg))
        crawl = run("crawl", "--db", str(tmp_path / "nightly.db"), site.roots[0])
    for proc in (busy, crawl):
        assert proc.returncode == 2
        assert "in use by govaudit run" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "nightly.db").exists()  # nothing started
    # the lock is gone with its holder: the next run works
    assert run("run", "--config", str(cfg)).returncode in (0, 1)


_HOLDER = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from crawler.lock import DbLock, forked_worker

def nap(_):
    time.sleep(60)

lock = DbLock(sys.argv[1], "audit").acquire()
with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"), initializer=forked_worker,
                         initargs=(os.getpid(),)) as pool:
    futures = [pool.submit(nap, k) for k in range(2)]
    time.sleep(1.5)  # the workers are busy
    print("ready", flush=True)
    time.sleep(60)
"""


def test_lock_dies_with_a_killed_holder_even_while_its_workers_run(tmp_path):
    """An audit's forked workers share its lock file: killed with kill -9 mid-audit, the database
    must be free again at once, not when the workers finish (tests/test_crash_audit.py)."""
    import signal
    import sys
    import time

    db = tmp_path / "w.db"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db)], stdout=subprocess.PIPE, text=True,
                              cwd=str(Path(__file__).resolve().parent.parent))
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(Exception, match="in use by govaudit audit"):
            DbLock(db, "run").acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 5
        while True:
            try:
                DbLock(db, "run").acquire().release()
                break
            except Exception:
                assert time.monotonic() < deadline, "the killed holder's workers still hold the database"
                time.sleep(0.1)
    finally:
        holder.kill()


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[group]\nname = "县"\n', "no [[site]] to check"),
        ('[run]\ndb = "x.db"\nformat = "html"\n[[site]]\nroot = "http://127.0.0.1:9/"\n', "line 3: [run]: unknown key 'format'"),
        ('[[site]]\nroot = "http://127.0.0.1:9/"\n[[site]]\nroot = "http://127.0.0.1:9"\n', "line 4: site #2: root http://127.0.0.1:9 is listed twice"),
        ('[[site]\nroot = 1\n', "not valid TOML"),
    ],
)
def test_run_bad_config(tmp_path, toml, needle):
    cfg = tmp_path / "govaudit.toml"
    cfg.write_text(toml, encoding="utf-8")
    proc = run("run", "--config", str(cfg))
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not list(tmp_path.glob("*.db"))


def test_run_refuses_a_foreign_database(tmp_path):
    foreign = tmp_path / "nightly.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)")
    before = foreign.read_bytes()
    cfg = write_config(tmp_path / "govaudit.toml", ["http://127.0.0.1:9/"])
    proc = run("run", "--config", str(cfg))
    assert proc.returncode == 2 and "another tool" in proc.stderr
    assert foreign.read_bytes() == before


# -- progress ----------------------------------------------------------------------
def test_progress_only_when_asked_off_a_terminal(tmp_path, site):
    quiet = run("crawl", "--db", str(tmp_path / "a.db"), "--today", T.isoformat(), site.roots[1])
    shown = run("crawl", "--db", str(tmp_path / "b.db"), "--today", T.isoformat(), "--progress", site.roots[1])
    assert quiet.returncode == 0 and shown.returncode == 0
    assert quiet.stderr == ""
    pages = sqlite3.connect(tmp_path / "b.db").execute("SELECT count(*) FROM pages").fetchone()[0]
    last = [ln for ln in shown.stderr.splitlines() if ln.startswith("crawl ")][-1]
    assert f"pages {pages:,}" in last and "queue 0" in last and "pages/s" in last


# -- schedule ----------------------------------------------------------------------
def test_schedule_cron_lines(tmp_path):
    cfg = write_config(tmp_path / "govaudit.toml", ["http://127.0.0.1:9/"])
    proc = run("schedule", "--config", str(cfg), "--at", "01:30", "--probe-every", "30")
    assert proc.returncode == 0, proc.stderr
    jobs = [ln for ln in proc.stdout.splitlines() if not ln.startswith("#")]
    assert jobs[0].startswith("30 1 * * * cd ") and f"run --config {cfg}" in jobs[0] and "--fail-on veto" in jobs[0]
    assert jobs[1].startswith("*/30 * * * * ") and f"probe --config {cfg} --quiet" in jobs[1]
    bad = run("schedule", "--config", str(cfg), "--at", "25:00")
    assert bad.returncode == 2 and "not a time of day" in bad.stderr


def test_schedule_systemd_units_run(tmp_path):
    """The units are written, and the probe unit's ExecStart really probes."""
    from tests.routes import RouteServer, html

    with RouteServer({"/": html("<title>首页</title>")}) as srv:
        cfg = write_config(tmp_path / "govaudit.toml", [srv.url])
        units = tmp_path / "units"
        proc = run("schedule", "--config", str(cfg), "--systemd", "--install", "--unit-dir", str(units), "--at", "03:00")
        assert proc.returncode == 0, proc.stderr
        names = sorted(p.name for p in units.iterdir())
        assert names == ["govaudit-probe.service", "govaudit-probe.timer", "govaudit.service", "govaudit.timer"]
        assert "OnCalendar=*-*-* 03:00:00" in (units / "govaudit.timer").read_text()
        service = (units / "govaudit-probe.service").read_text()
        exec_start = next(ln for ln in service.splitlines() if ln.startswith("ExecStart="))[len("ExecStart="):]
        done = subprocess.run(shlex.split(exec_start), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = sqlite3.connect(tmp_path / "nightly.db").execute("SELECT root, ok FROM probes").fetchall()
    assert rows == [(srv.url, 1)]
