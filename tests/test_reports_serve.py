"""`govaudit serve`: Datasette on 127.0.0.1 only, with labelled tables and the tracking table."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from crawler.store import open_db
from reports.serve import free_port, metadata
from tests.test_reports_tracking import two_runs


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as r:  # loopback only
        return r.read()


def test_metadata_labels_the_tables(tmp_path):
    f, _, _ = two_runs(tmp_path)
    meta = metadata(f.db, "two")
    tables = meta["databases"]["two"]["tables"]
    for name, title in (("findings", "问题（findings）"), ("columns", "栏目"), ("letters", "信件（领导信箱、咨询投诉）"),
                        ("crawl_runs", "抓取批次"), ("audit_runs", "审计批次"), ("site_year_stats", "年度统计（年报第二部分）")):
        assert tables[name]["title"] == title and tables[name]["description"]
    assert tables["findings"]["facets"] == ["site", "category", "severity", "rule"]
    assert tables["_sqlite_migrations"] == {"hidden": True}
    # every audit run records its tracking, so the ready-made rectification query is offered
    assert "latest_rectification" in meta["databases"]["two"]["queries"]


def test_serve_binds_loopback_and_serves_the_findings(tmp_path):
    f, _, a2 = two_runs(tmp_path)
    db_path = tmp_path / "two.db"
    expected = f.db.execute("SELECT count(*) FROM findings").fetchone()[0]
    f.db.conn.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(db_path), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    out, err = proc.communicate(timeout=5)
                    pytest.fail(f"serve did not start: {out}\n{err}")
                time.sleep(0.2)
        rows = json.loads(_get(base + "/two/findings.json?_shape=array&_size=max"))
        assert len(rows) == expected
        assert {r["rule"] for r in rows} >= {"column-stale", "hidden-link"}
        page = _get(base + "/two/findings").decode()
        assert "问题（findings）" in page
        meta = json.loads(_get(base + "/-/metadata.json"))
        assert meta["databases"]["two"]["tables"]["columns"]["title"] == "栏目"
        # the derived tracking table was brought up to date before serving
        fixed = json.loads(_get(base + f"/two/rectification.json?_shape=array&status=fixed&audit_run_id={a2}"))
        assert {r["url"] for r in fixed} == {"http://127.0.0.1:9/tzgg/", "http://127.0.0.1:9/tjxx/"}
        latest = json.loads(_get(base + "/two/latest_rectification.json?_shape=array"))
        assert {r["状态"] for r in latest} == {"new", "open", "fixed"}
        # bound to 127.0.0.1 only: another loopback address is refused
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.2", port), timeout=2).close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert open_db(db_path, create=False).execute("SELECT count(*) FROM tracking_runs").fetchone()[0] == 2


def test_serve_refuses_a_busy_port(tmp_path):
    from click.testing import CliRunner

    from crawler.cli import cli

    two_runs(tmp_path)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "two.db"), "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
