"""The extraction memo (crawler/memo.py): a home or list page fetched again with the same HTML is not
parsed again, and never gives facts a fresh parse would not give."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler import memo
from crawler.extract.bundle import extract_all
from crawler.store import open_db
from tests.routes import RouteServer, html
from tests.test_incremental import _article, facts, query, run, stats

T = dt.date(2026, 12, 15)


def _list(dates: list[str]) -> tuple[int, dict[str, str], bytes]:
    rows = "".join(f'<li><a href="/a{n}.html">关于第{n}项工作的通知</a><span>{d}</span></li>' for n, d in enumerate(dates))
    return html(f"""<html><head><title>通知公告</title><meta name="ColumnName" content="通知公告"></head>
<body><ul>{rows}</ul><a href="/">首页</a></body></html>""")


LIST_TEXT = _list(["2026-12-01", "2026-11-20", "2026-11-02"])[2].decode()
YEARLESS_TEXT = _list(["12-01", "11-20", "11-02"])[2].decode()


def test_the_extraction_says_whether_it_used_the_whole_reference_date():
    ex, day_dependent = memo.extract_tracked(YEARLESS_TEXT, "http://127.0.0.1/tzgg/", T, False)
    assert [i.date for i in ex.items][:1] == [dt.date(2026, 12, 1)] and day_dependent
    ex, day_dependent = memo.extract_tracked(LIST_TEXT, "http://127.0.0.1/tzgg/", T, False)
    assert len(ex.items) == 3 and not day_dependent  # full dates: only the year bound is used


def test_the_key_covers_text_url_home_flag_and_extractor_code(monkeypatch):
    key = memo.memo_key(LIST_TEXT, "http://127.0.0.1/tzgg/", False)
    assert key == memo.memo_key(LIST_TEXT, "http://127.0.0.1/tzgg/", False)
    assert key != memo.memo_key(LIST_TEXT + " ", "http://127.0.0.1/tzgg/", False)
    assert key != memo.memo_key(LIST_TEXT, "http://127.0.0.1/tzgg/index_1.html", False)
    assert key != memo.memo_key(LIST_TEXT, "http://127.0.0.1/tzgg/", True)
    monkeypatch.setattr(memo, "SOURCE_DIGEST", b"another extractor")
    assert key != memo.memo_key(LIST_TEXT, "http://127.0.0.1/tzgg/", False)


def test_an_entry_holds_for_its_year_or_for_its_day(tmp_path):
    db = open_db(tmp_path / "m.db")
    url = "http://127.0.0.1/tzgg/"
    rows = []
    for text in (LIST_TEXT, YEARLESS_TEXT):
        ex, day_dependent = memo.extract_tracked(text, url, T, False)
        rows.append(memo.entry(memo.memo_key(text, url, False), ex, T, day_dependent))
    with db.atomic():
        memo.write(db.conn, rows)
    full, yearless = rows[0][0], rows[1][0]
    kept = memo.lookup(db.conn, full, dt.date(2026, 12, 31))
    assert kept == extract_all(LIST_TEXT, url, T, False)  # the same facts as parsing again
    assert memo.lookup(db.conn, full, dt.date(2027, 1, 2)) is None  # another year bounds dates differently
    assert memo.lookup(db.conn, yearless, T) == extract_all(YEARLESS_TEXT, url, T, False)
    assert memo.lookup(db.conn, yearless, T + dt.timedelta(days=1)) is None  # 12-01 may mean another day
    assert memo.lookup(db.conn, "0" * 40, T) is None
    db.conn.execute("UPDATE extract_memo SET used_at = '2000-01-01' WHERE key = ?", [full])
    memo.prune(db.conn)
    assert [r[0] for r in db.conn.execute("SELECT key FROM extract_memo")] == [yearless]


@pytest.mark.e2e
def test_a_recrawl_parses_only_the_pages_whose_html_changed(tmp_path):
    pages = {
        "/": html('<html><head><title>青山县人民政府</title></head><body><a href="/tzgg/">通知公告</a>'
                  '<a href="/bmdt/">部门动态</a></body></html>'),
        "/tzgg/": _list(["2026-12-01", "2026-11-20", "2026-11-02"]),
        "/bmdt/": _list(["12-01", "11-20", "11-02"]),
        **{f"/a{n}.html": _article(f"关于第{n}项工作的通知") for n in range(4)},
    }
    db = tmp_path / "site.db"
    with RouteServer({p: (lambda m, p=p: pages[p]) for p in [*pages, "/a3.html"]}, validators="etag") as server:
        def crawl(today: dt.date = T, *extra: str) -> int:
            run("crawl", "--db", str(db), "--today", today.isoformat(), *extra, server.url)
            return query(db, "SELECT max(id) FROM crawl_runs")[0][0]

        first = crawl()
        assert stats(db, first)["govaudit/memo/kept"] == 3  # home and both lists; articles are reused by 304
        second = crawl()
        assert stats(db, second).get("govaudit/memo/hits") == 3
        assert facts(db, second) == facts(db, first)
        # a new item on one list: that list is parsed again, its new item stored
        pages["/tzgg/"] = _list(["2026-12-10", "2026-12-01", "2026-11-20", "2026-11-02"])
        third = crawl()
        assert stats(db, third).get("govaudit/memo/hits") == 2
        assert query(db, "SELECT count(*) FROM list_items WHERE run_id = ? AND page_url = ?", third, server.url + "tzgg/")[0][0] == 4
        # the next day: the list with year-less dates is parsed again, the other list and the home page are not
        fourth = crawl(T + dt.timedelta(days=1))
        assert stats(db, fourth).get("govaudit/memo/hits") == 2
        # --full parses everything and reads no entry
        fifth = crawl(T + dt.timedelta(days=1), "--full")
        assert "govaudit/memo/hits" not in stats(db, fifth)
        assert facts(db, fifth) == facts(db, fourth)
