"""Crash safety beyond the crawl (tests/test_crash.py): `kill -9` during `audit` and during
the nightly `run`, and two processes on one database at once.

After every kill the database passes `PRAGMA integrity_check`, the earlier audit run's rows
are unchanged, no audit run is left half-written (an audit is one transaction: it is there
with a result for every rule, or not at all), and the next audit or run completes. A second
writer started while the first one works fails at once with a one-line message naming it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli import GOVAUDIT, govaudit
from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)
AUDIT_TABLES = ("rule_results", "findings", "site_year_stats", "mailbox_stats")


run = govaudit


def audit_digest(db: Path, audit_run_id: int) -> dict[str, str]:
    conn = sqlite3.connect(db)
    out = {}
    for table in AUDIT_TABLES:
        rows = conn.execute(f"SELECT * FROM {table} WHERE audit_run_id = ?", [audit_run_id]).fetchall()
        out[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest() + f" ({len(rows)} rows)"
    out["run"] = repr(conn.execute("SELECT * FROM audit_runs WHERE id = ?", [audit_run_id]).fetchone())
    conn.close()
    return out


def check_db(db: Path, n_rules: int, what: str) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", what
        for audit_id, finished, results in conn.execute(
            "SELECT a.id, a.finished_at, (SELECT count(*) FROM rule_results r WHERE r.audit_run_id = a.id) FROM audit_runs a"
        ):
            assert finished and results == n_rules, f"{what}: audit run {audit_id} is half-written"
    finally:
        conn.close()


def kill_at(args: list[str], seconds: float) -> None:
    proc = subprocess.Popen([*GOVAUDIT, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_nine_during_audit_and_nightly_run(tmp_path):
    rng = random.Random(20261215)
    db = tmp_path / "crash.db"
    as_of = ["--as-of", T.isoformat()]
    with FixtureSite(today=T) as site:
        assert run("crawl", "--db", str(db), "--today", T.isoformat(), *site.roots).returncode == 0
        first = run("audit", "--db", str(db), *as_of)
        assert first.returncode == 0, first.stderr
        # the first audit also measures the interpretations (kept by text hash): time a second one,
        # which is what the audits killed below are like
        started = time.monotonic()
        assert run("audit", "--db", str(db), *as_of).returncode == 0
        audit_seconds = time.monotonic() - started  # the kills below land inside an audit of this length
        conn = sqlite3.connect(db)
        n_rules = conn.execute("SELECT count(*) FROM rule_results WHERE audit_run_id = 1").fetchone()[0]
        conn.close()
        before = audit_digest(db, 1)
        for k in range(3):  # three kills (five took 30 s more of a suite close to its 10 minutes)
            kill_at(["audit", "--db", str(db), *as_of], rng.uniform(0.2, 0.9) * audit_seconds)
            check_db(db, n_rules, f"audit kill {k}")
            assert audit_digest(db, 1) == before, f"audit run 1 changed by kill {k}"
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT count(*) FROM audit_runs").fetchone()[0] < 5  # some kills did land mid-audit
        conn.close()
        cfg = tmp_path / "govaudit.toml"
        sites = "".join(f'[[site]]\nroot = "{r}"\n' for r in site.roots)
        cfg.write_text(f'[run]\ndb = "crash.db"\nout = "report"\nlog = "govaudit.log"\n{sites}', encoding="utf-8")
        nightly = ["run", "--config", str(cfg), *as_of, "--today", T.isoformat()]
        started = time.monotonic()
        assert run(*nightly).returncode in (0, 1)  # 1: findings over --fail-on (none given)
        run_seconds = time.monotonic() - started
        for k in range(2):  # the nightly job: crawl, audit, reports; killed anywhere in it
            kill_at(nightly, rng.uniform(0.1, 0.95) * run_seconds)
            check_db(db, n_rules, f"run kill {k}")
            assert audit_digest(db, 1) == before, f"audit run 1 changed by run kill {k}"
        done = run(*nightly)
        assert done.returncode in (0, 1), done.stdout + done.stderr
    check_db(db, n_rules, "after the last run")
    conn = sqlite3.connect(db)
    statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
    last_audit = conn.execute("SELECT crawl_run_id FROM audit_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert "running" not in statuses and statuses[-1] == "complete" and last_audit == len(statuses), statuses
    assert (tmp_path / "report" / "report.html").exists()
    assert audit_digest(db, 1) == before


def test_second_writer_fails_clearly_while_the_first_works(tmp_path):
    db = tmp_path / "busy.db"
    with FixtureSite(today=T) as site:
        slow = subprocess.Popen(
            [*GOVAUDIT, "crawl", "--db", str(db), "--today", T.isoformat(), "--concurrency", "1", "--delay", "0.5", *site.roots],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not db.exists() and time.monotonic() < deadline:  # the first writer has the lock and the file
                time.sleep(0.1)
            second = [run("crawl", "--db", str(db), site.roots[0]), run("audit", "--db", str(db))]
            assert slow.poll() is None, "the first crawl ended before the second writers tried"
        finally:
            slow.send_signal(signal.SIGKILL)
            slow.wait(timeout=30)
    for proc in second:
        assert proc.returncode == 2, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "in use by govaudit crawl (pid" in lines[0] and "Traceback" not in proc.stderr
    # readers are not writers: with the writer gone the database opens, the killed run is partial
    listed = run("runs", "--db", str(db))
    assert listed.returncode == 0 and "partial" in listed.stdout, listed.stdout + listed.stderr
