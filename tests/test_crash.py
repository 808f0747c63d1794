"""Crash safety: `kill -9` a crawl ten times at random moments.

After every kill the database passes `PRAGMA integrity_check`, the earlier complete
run's rows are byte-for-byte unchanged, and the killed run is marked partial the next
time the database is opened; at the end `--resume` completes the last killed run and a
fresh crawl completes too.
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
TABLES = ("pages", "links", "list_items", "columns", "link_checks", "run_roots")


run = govaudit


def digest(db: Path, run_id: int) -> dict[str, str]:
    conn = sqlite3.connect(db)
    out = {}
    for table in TABLES:
        rows = conn.execute(f"SELECT * FROM {table} WHERE run_id = ? ORDER BY 1, 2, 3", [run_id]).fetchall()
        out[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest() + f" ({len(rows)} rows)"
    out["run"] = repr(conn.execute("SELECT * FROM crawl_runs WHERE id = ?", [run_id]).fetchone())
    conn.close()
    return out


def test_kill_nine_ten_times(tmp_path):
    rng = random.Random(20261126)
    db = tmp_path / "crash.db"
    with FixtureSite(today=T) as site:
        first = run("crawl", "--db", str(db), "--today", T.isoformat(), *site.roots)
        assert first.returncode == 0, first.stderr
        before = digest(db, 1)
        for k in range(10):
            proc = subprocess.Popen(
                [*GOVAUDIT, "crawl", "--db", str(db), "--today", T.isoformat(),
                 "--concurrency", "2", "--per-host", "1", "--delay", "0.02", *site.roots],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )
            time.sleep(rng.uniform(0.2, 4.0))  # from start-up to mid-batch
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            conn = sqlite3.connect(db)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"kill {k}"
            conn.close()
            assert digest(db, 1) == before, f"run 1 changed by kill {k}"
            # the next opening marks the killed run partial (or it never got started)
            listed = run("runs", "--db", str(db))
            assert listed.returncode == 0, listed.stderr
            assert "running" not in listed.stdout, listed.stdout
        conn = sqlite3.connect(db)
        statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
        conn.close()
        assert statuses[0] == "complete" and set(statuses[1:]) <= {"partial"} and len(statuses) >= 2, statuses
        resumed = run("crawl", "--db", str(db), "--resume")
        assert resumed.returncode == 0 and ": complete" in resumed.stdout, resumed.stdout + resumed.stderr
        again = run("crawl", "--db", str(db), "--today", T.isoformat(), *site.roots)
        assert again.returncode == 0 and ": complete" in again.stdout, again.stdout + again.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    pages = [r[0] for r in conn.execute("SELECT pages FROM crawl_runs WHERE status = 'complete' ORDER BY id")]
    conn.close()
    assert len(pages) == 3 and len(set(pages)) == 1, pages  # first, resumed and fresh runs saw the same site
    assert digest(db, 1) == before
