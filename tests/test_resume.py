"""`govaudit crawl --resume`: a crawl killed (SIGKILL) or interrupted (SIGINT) part-way
is finished as the same run, and its stored facts equal an uninterrupted crawl's."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.extract.links import strip_session
from tests.cli import GOVAUDIT, govaudit
from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)
SLOW = ["--concurrency", "2", "--per-host", "1", "--delay", "0.05"]  # slow enough to stop part-way


run = govaudit


def facts(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    q = lambda sql: Counter(conn.execute(sql).fetchall())  # noqa: E731
    return {
        "pages": q("SELECT url, final_url, status, error, title, pub_date, is_list, is_article, column_name, list_column FROM pages"),
        # the fixture hands out a new session id per visit (a trap): compare targets without it
        "links": Counter((s, strip_session(t), a, k, h) for s, t, a, k, h in conn.execute("SELECT source, target, anchor, kind, hidden FROM links")),
        "items": q("SELECT page_url, column_url, position, title, url, date FROM list_items"),
        "columns": q("SELECT url, root, name, name_source, meta_column_type, pages, items, empty_marker, newest_date, oldest_date, undated_items FROM columns"),
        "checks": q("SELECT url, status, error IS NULL FROM link_checks"),
        "roots": q("SELECT root, home_status FROM run_roots"),
    }


def stored_pages(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        return conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def site():
    with FixtureSite(today=T) as s:
        yield s


@pytest.fixture(scope="module")
def reference(site, tmp_path_factory):
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    run("crawl", "--db", str(db), "--today", T.isoformat(), *site.roots)
    return db, facts(db)


def _stop_part_way(site, db: Path, sig: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen([*GOVAUDIT, "crawl", "--db", str(db), "--today", T.isoformat(), *SLOW, *site.roots],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while stored_pages(db) < 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, "the crawl ended before it could be stopped part-way"
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    return proc


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_resumed_run_equals_an_uninterrupted_one(site, reference, tmp_path, sig):
    ref_db, ref = reference
    db = tmp_path / "r.db"
    stopped = _stop_part_way(site, db, sig)
    assert stopped.returncode == (-9 if sig == signal.SIGKILL else 130)
    before = stored_pages(db)
    total = sum(ref["pages"].values())
    assert 0 < before < total, (before, total)  # really part-way

    proc = run("crawl", "--db", str(db), "--resume")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("crawl run 1: complete")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT id, status FROM crawl_runs").fetchall() == [(1, "complete")]
    # no page stored twice, no duplicated links or items, and the same facts as one clean crawl
    got = facts(db)
    for table in ("pages", "links", "items", "columns", "checks", "roots"):
        assert got[table] == ref[table], table
    # and the audit of the resumed run says what the audit of the clean run says
    for d in (ref_db, db):
        assert run("audit", "--db", str(d), "--as-of", T.isoformat()).returncode == 0
    pairs = [
        Counter(sqlite3.connect(d).execute(
            "SELECT rule, url, severity FROM findings WHERE audit_run_id = (SELECT max(id) FROM audit_runs)").fetchall()) for d in (ref_db, db)
    ]
    assert pairs[0] == pairs[1]


def test_resume_refusals(site, tmp_path):
    db = tmp_path / "n.db"
    none = run("crawl", "--db", str(db), "--resume")
    assert none.returncode == 2 and "nothing to resume: there is no run" in none.stderr
    assert run("crawl", "--db", str(db), "--today", T.isoformat(), site.roots[2]).returncode == 0
    done = run("crawl", "--db", str(db), "--resume")
    assert done.returncode == 2 and "the last run (1) is complete" in done.stderr
    both = run("crawl", "--db", str(db), "--resume", site.roots[0])
    assert both.returncode == 2 and "give no URLs" in both.stderr
    nothing = run("crawl", "--db", str(db))
    assert nothing.returncode == 2 and "at least one site root URL" in nothing.stderr
