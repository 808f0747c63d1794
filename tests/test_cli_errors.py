"""Bad input: a one-line message, a non-zero exit, no traceback, nothing stored lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import pytest

from tests.cli import GOVAUDIT, govaudit
from tests.routes import RouteServer, html


run = govaudit


def wait_for_pages(db, proc, run_id: int, timeout: float = 120) -> None:
    """Wait until the crawl has stored a page of its run (or ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            if conn.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()[0]:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.1)


def assert_clean_failure(proc: subprocess.CompletedProcess[str], needle: str, code: int = 2) -> None:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], proc.stderr


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "not a url", "http://", "http://127.0.0.1:99999/"])
def test_bad_root_url(tmp_path, url):
    proc = run("crawl", "--db", str(tmp_path / "x.db"), url)
    assert_clean_failure(proc, "URL")


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for args in (["crawl", "--db", str(path), "http://127.0.0.1:9/"], ["audit", "--db", str(path)], ["report", "--db", str(path), "--out", str(tmp_path / "r")]):
        assert_clean_failure(run(*args), "another tool")
    assert path.read_bytes() == before


def test_not_a_database_file(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库\n" * 100, encoding="utf-8")
    assert_clean_failure(run("audit", "--db", str(path)), "not a SQLite database")
    assert path.read_text(encoding="utf-8").startswith("这不是数据库")


def test_missing_database_for_audit(tmp_path):
    assert_clean_failure(run("audit", "--db", str(tmp_path / "none.db")), "no such database")
    assert_clean_failure(run("findings", "--db", str(tmp_path / "none.db")), "no such database")


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("[rules.column-stale\ndynamic_days = 3", "not valid TOML"),
        ("[rules.no-such-rule]\nx = 1", "unknown rule 'no-such-rule'"),
        ("[rules.column-stale]\ndynamic_dayz = 3", "unknown parameter 'dynamic_dayz'"),
        ("[rules.column-stale]\ndynamic_days = \"two weeks\"", "expected int"),
        ("[[site]]\nroot = \"http://127.0.0.1/\"\n[site.columns]\n\"人事信息\" = \"sometimes\"", "unknown type 'sometimes'"),
        ("[sites]\nroot = 1", "unknown section 'sites'"),
    ],
)
def test_bad_config(tmp_path, toml, needle):
    cfg = tmp_path / "govaudit.toml"
    cfg.write_text(toml, encoding="utf-8")
    db = tmp_path / "e.db"
    with RouteServer({"/": html("<title>首页</title>")}) as srv:
        assert run("crawl", "--db", str(db), srv.url).returncode == 0
    assert_clean_failure(run("audit", "--db", str(db), "--config", str(cfg)), needle)
    # nothing stored lost: the crawl is still there, and no half-made audit
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 0


def test_bad_dates(tmp_path):
    assert_clean_failure(run("crawl", "--db", str(tmp_path / "a.db"), "--today", "2026-13-01", "http://127.0.0.1:9/"), "--today")
    with RouteServer({"/": html("<title>首页</title>")}) as srv:
        run("crawl", "--db", str(tmp_path / "a.db"), srv.url)
    assert_clean_failure(run("audit", "--db", str(tmp_path / "a.db"), "--as-of", "yesterday"), "--as-of")


def test_audit_before_any_crawl(tmp_path):
    from crawler.store import open_db

    open_db(tmp_path / "empty.db")
    assert_clean_failure(run("audit", "--db", str(tmp_path / "empty.db")), "no finished crawl run")
    assert_clean_failure(run("findings", "--db", str(tmp_path / "empty.db")), "no audit run")


def test_non_html_root(tmp_path):
    pdf = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with RouteServer({"/": pdf}) as srv:
        proc = run("crawl", "--db", str(tmp_path / "p.db"), srv.url)
    assert_clean_failure(proc, "not an HTML page (application/pdf)")


def test_unreachable_root_is_a_finding_not_a_failure(tmp_path):
    db = str(tmp_path / "u.db")
    with RouteServer({"/": html("<title>首页</title><ul><li><a href='/a.html'>要闻</a><span>2026-12-14</span></li></ul>")}) as srv:
        # 127.0.0.3 on a port nobody listens on: connection refused
        dead = "http://127.0.0.3:9/"
        proc = run("crawl", "--db", db, "--retries", "0", srv.url, dead)
    assert proc.returncode == 0, proc.stderr
    assert run("audit", "--db", db, "--as-of", "2026-12-15").returncode == 0
    out = run("findings", "--db", db).stdout
    assert '"site-unreachable"' in out and "127.0.0.3" in out
    assert out.count("site-unreachable") == 1


def test_malformed_html_unknown_charset_and_binary(tmp_path):
    routes = {
        "/": html("<title>首页</title><a href='/broken.html'>坏页面</a><a href='/bin.html'>二进制</a><a href='/gbk.html'>GBK</a>"),
        "/broken.html": (200, {"Content-Type": "text/html; charset=x-unknown-7"},
                         "<html><head><title>未闭合<!-- 注释<body><form><form><p class='a>政务公开<table><td>2026-12-01".encode()),
        "/bin.html": (200, {"Content-Type": "text/html"}, b"\x00\x01\x02" * 1000),
        "/gbk.html": (200, {"Content-Type": "text/html; charset=utf-8"},
                      "<html><head><meta charset='gbk'><title>卫生健康局</title></head><body>发布时间：2026-12-01</body></html>".encode("gb18030")),
    }
    db = tmp_path / "m.db"
    with RouteServer(routes) as srv:
        proc = run("crawl", "--db", str(db), srv.url)
    assert proc.returncode == 0, proc.stderr
    conn = sqlite3.connect(db)
    rows = {r[0].rsplit("/", 1)[1]: r[1:] for r in conn.execute("SELECT url, status, error, encoding, title FROM pages")}
    assert rows["bin.html"][1] == "binary content served as text"
    assert rows["gbk.html"][2] == "gb18030" and rows["gbk.html"][3] == "卫生健康局"
    assert rows["broken.html"][0] == 200 and rows["broken.html"][2] == "utf-8"
    assert conn.execute("SELECT status FROM crawl_runs").fetchone()[0] == "complete"


def test_interrupt_marks_run_partial_and_keeps_earlier_runs(tmp_path):
    # 60 pages, each answered after 0.3 s with one connection: the crawl takes ~20 s
    routes = {"/": html("<title>首页</title>" + "".join(f"<a href='/p{i}.html'>页面{i}</a>" for i in range(60)))}
    routes.update({f"/p{i}.html": html(f"<title>页面{i}</title>") for i in range(60)})
    db = tmp_path / "i.db"
    with RouteServer({"/": routes["/"]}) as quick:
        assert run("crawl", "--db", str(db), quick.url).returncode == 0
    conn = sqlite3.connect(db)
    first_pages = conn.execute("SELECT count(*) FROM pages WHERE run_id = 1").fetchone()[0]
    conn.close()
    with RouteServer(routes, delay=0.3) as slow:
        proc = subprocess.Popen([*GOVAUDIT, "crawl", "--db", str(db), "--concurrency", "1", slow.url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_pages(db, proc, run_id=2)  # start-up is slow on a loaded machine
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "partial" in err and "Traceback" not in err
    conn = sqlite3.connect(db)
    runs = conn.execute("SELECT id, status FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [(1, "complete"), (2, "partial")]
    assert conn.execute("SELECT count(*) FROM pages WHERE run_id = 1").fetchone()[0] == first_pages
    n2 = conn.execute("SELECT count(*) FROM pages WHERE run_id = 2").fetchone()[0]
    assert 1 <= n2 < 61
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_killed_crawl_is_marked_partial_on_next_open(tmp_path):
    routes = {"/": html("<title>首页</title>" + "".join(f"<a href='/p{i}.html'>页面{i}</a>" for i in range(40)))}
    routes.update({f"/p{i}.html": html(f"<title>页面{i}</title>") for i in range(40)})
    db = tmp_path / "k.db"
    with RouteServer(routes, delay=0.3) as slow:
        proc = subprocess.Popen([*GOVAUDIT, "crawl", "--db", str(db), "--concurrency", "1", slow.url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_pages(db, proc, run_id=1)  # start-up is slow on a loaded machine
        proc.kill()
        proc.wait(timeout=30)
    listing = run("runs", "--db", str(db))
    assert listing.returncode == 0
    assert "crawl 1: partial" in listing.stdout and "process ended" in listing.stdout


def test_page_budget_makes_a_partial_run(tmp_path):
    routes = {"/": html("<title>首页</title>" + "".join(f"<a href='/p{i}.html'>页面{i}</a>" for i in range(30)))}
    routes.update({f"/p{i}.html": html(f"<title>页面{i}</title>") for i in range(30)})
    db = tmp_path / "b.db"
    with RouteServer(routes) as srv:
        proc = run("crawl", "--db", str(db), "--max-pages", "10", srv.url)
    assert proc.returncode == 0, proc.stderr
    assert "partial (max pages reached)" in proc.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 10


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("[rules.normative-doc-late]\ntitle_words = 3", "expected a list of strings"),
        ("[[site]]\nroot = \"http://127.0.0.1/\"\nkind = \"ministry\"", "unknown kind 'ministry'"),
    ],
)
def test_bad_config_lists_and_kinds(tmp_path, toml, needle):
    from audits.config import ConfigError, parse_config

    import tomllib

    with pytest.raises(ConfigError, match=needle):
        parse_config(tomllib.loads(toml))


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[group]\nname = "某县"\n\n[crawl]\nmax_pages = 10\nmax_pagez = 10\n', r"line 6: \[crawl\]: unknown key 'max_pagez'"),
        ('[run]\nformats = ["html", "pdf"]\n', r"line 2: \[run\]\.formats: unknown format 'pdf'"),
        ('[probe]\ntimeout = "15"\n', r"line 2: \[probe\]\.timeout: expected float"),
        ('[crawl]\nobey_robots = 1\n', r"line 2: \[crawl\]\.obey_robots: expected bool"),
        ('x = 1\n', r"line 1: unknown section 'x'"),
        ('[[site]]\nroot = "http://127.0.0.1/"\n\n[[site]]\nroot = "http://127.0.0.2/"\ncolour = "red"\n', r"line 6: site #2: unknown key\(s\) colour"),
        ('[[site]]\nroot = "http://127.0.0.1/a/"\n[[site]]\nroot = "http://127.0.0.1/a"\n', r"line 4: site #2: root .* listed twice \(also line 2, site #1\)"),
    ],
)
def test_bad_config_names_the_line(tmp_path, toml, needle):
    from audits.config import ConfigError, load_config

    path = tmp_path / "govaudit.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle):
        load_config(path)


def test_config_sections_near_misses(tmp_path):
    """Different paths under one host are different roots; every known key loads."""
    from audits.config import load_config

    path = tmp_path / "govaudit.toml"
    path.write_text(
        '[group]\nname = "某某县人民政府网站群"\n[run]\ndb = "n.db"\nformats = ["html", "docx"]\n'
        '[crawl]\nmax_pages = 10\ntimeout = 5\nobey_robots = false\n[probe]\ntimeout = 2.5\n'
        '[[site]]\nroot = "http://127.0.0.1/a/"\n[[site]]\nroot = "http://127.0.0.1/b/"\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.group_name == "某某县人民政府网站群"
    assert cfg.run_path("db", "x.db") == tmp_path / "n.db"
    assert cfg.crawl == {"max_pages": 10, "timeout": 5, "obey_robots": False}
    assert [s.root for s in cfg.sites] == ["http://127.0.0.1/a/", "http://127.0.0.1/b/"]
    assert cfg.as_json()["group_name"] == "某某县人民政府网站群"
