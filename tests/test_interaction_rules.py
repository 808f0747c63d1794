"""mailbox-*, newmedia-* and "not checked" on real SQLite facts: positives, boundaries, near misses."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crawler import store
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)  # a Tuesday; no holiday between October and T
MAILBOX = ROOT + "hdjl/xzxx/"
ZWXMT = ROOT + "zwxmt/"
NOT_RENDERED = {"render_reason": "script fills an empty list", "render_status": "unavailable", "render_error": "no Chromium found"}


def letter(n: int, received: str, replied: str | None = None, status: str | None = None, **kw) -> dict:
    return {"source": "list", "url": f"{MAILBOX}t{n}.html", "subject": f"来信{n}", "position": n, "received": received,
            "received_text": received, "replied": replied, "replied_text": replied, "unit": None, "status": status,
            "status_text": {"answered": "已回复", "pending": "办理中", "unanswered": "未回复"}.get(status or ""), **kw}


def mailbox(f: Facts, rows: list[dict], url: str = MAILBOX, name: str = "县长信箱", **extra) -> None:
    f.page(url, column_name=name, is_list=1, list_column=url, list_column_name=name,
           letters_json=json.dumps({"kind": "list", "letters": rows}, ensure_ascii=False) if rows else None, **extra)


def account(f: Facts, path: str, *, status: int | None = 200, newest: str | None = None, error: str | None = None,
            render_status: str | None = None, name: str = "青山发布") -> str:
    url = f"http://127.0.0.3:9/{path}"
    info = {"platform": "微信公众号", "anchor": f"微信公众号：{name}", "listed_on": ZWXMT, "name": name,
            "newest_post": newest, "newest_post_text": newest, "posts_dated": 3 if newest else 0}
    f.db["link_checks"].insert({"run_id": f.run_id, "url": url, "method": "GET", "status": status, "error": error,
                                "checked_at": f"{T}T02:00:00+08:00", "newmedia_json": json.dumps(info, ensure_ascii=False),
                                "render_reason": "platform" if render_status else None, "render_status": render_status})
    if not f.db["pages"].count_where("run_id = ? AND url = ?", [f.run_id, ZWXMT]):
        f.page(ZWXMT, title="政务新媒体")
    f.db["links"].insert({"run_id": f.run_id, "source": ZWXMT, "target": url, "anchor": info["anchor"], "kind": "newmedia"})
    return url


@pytest.fixture
def f(tmp_path):
    facts = Facts(tmp_path / "f.db")
    facts.home(ROOT)
    facts.items(ROOT, [T - dt.timedelta(days=1)])
    return facts


def found(rows, rule):
    return {r["url"]: r for r in rows if r["rule"] == rule}


def not_checked(f: Facts, rule: str) -> dict:
    row = next(f.db.query("SELECT not_checked_json FROM rule_results WHERE rule = ? ORDER BY audit_run_id DESC LIMIT 1", [rule]))
    return json.loads(row["not_checked_json"] or "{}").get(ROOT, {})


# -- mailbox-unanswered ----------------------------------------------------------------
def test_unanswered_working_day_limit(f):
    mailbox(f, [
        letter(1, "2026-11-24", status="pending"),  # 15 working days to T: inside the limit
        letter(2, "2026-11-23", status="pending"),  # 16
        letter(3, "2026-10-01", status="answered"),  # answered, no date given: not unanswered
        letter(4, "2026-10-01", "2026-10-09", status=None),  # a reply date says answered
    ])
    got = found(f.audit(T, rule="mailbox-unanswered"), "mailbox-unanswered")
    assert set(got) == {MAILBOX + "t2.html"}
    g = got[MAILBOX + "t2.html"]
    assert g["severity"] == "major" and g["evidence"]["workdays_waiting"] == 16 and g["evidence"]["limit_workdays"] == 15
    assert g["column_name"] == "县长信箱" and g["page"] == MAILBOX


def test_unanswered_veto_after_three_months_within_the_year(f):
    mailbox(f, [
        letter(1, "2026-09-15", status="unanswered"),  # exactly 3 months on T: major
        letter(2, "2026-09-14", status="unanswered"),  # one day more: veto
        letter(3, "2025-12-15", status="unanswered"),  # 365 days: still within the past year
        letter(4, "2025-12-14", status="unanswered"),  # 366 days: older than the window, major
    ])
    got = found(f.audit(T, rule="mailbox-unanswered"), "mailbox-unanswered")
    assert {u.rsplit("/", 1)[1]: g["severity"] for u, g in got.items()} == {
        "t1.html": "major", "t2.html": "veto", "t3.html": "veto", "t4.html": "major"}
    assert "单项否决" in got[MAILBOX + "t2.html"]["message"]
    assert got[MAILBOX + "t1.html"]["evidence"]["veto_after"] == "2026-12-15"


def test_a_letter_without_status_or_reply_is_not_judged(f):
    mailbox(f, [letter(1, "2026-06-01")])
    assert f.audit(T, rule="mailbox-unanswered") == []
    assert f.status("mailbox-unanswered") == "not_checked"
    assert MAILBOX + "t1.html" in not_checked(f, "mailbox-unanswered")


def test_detail_page_facts_win_over_the_list(f):
    mailbox(f, [letter(1, "2026-10-01", status="pending")])
    detail = {"source": "detail", "received": "2026-10-01", "replied": "2026-10-12", "unit": "青山县教育局",
              "status": "answered", "status_text": "已办结", "subject": "关于招生的咨询"}
    f.page(MAILBOX + "t1.html", letters_json=json.dumps({"kind": "detail", "letter": detail}, ensure_ascii=False))
    assert f.audit(T, rule="mailbox-unanswered") == []
    row = f.db["letters"].get((f.run_id, MAILBOX + "t1.html"))
    assert (row["source"], row["replied"], row["unit"], row["subject"], row["mailbox_name"]) == (
        "list+detail", "2026-10-12", "青山县教育局", "关于招生的咨询", "县长信箱")


def test_no_letters_anywhere_is_not_applicable(f):
    f.audit(T, rule="mailbox-unanswered")
    assert f.status("mailbox-unanswered") == "not_applicable"


# -- mailbox-slow -------------------------------------------------------------------------
def test_slow_reply(f):
    mailbox(f, [
        letter(1, "2026-11-02", "2026-11-23", "answered"),  # 15 working days: in time
        letter(2, "2026-11-02", "2026-11-24", "answered"),  # 16: slow
        letter(3, "2026-11-02", "2026-10-30", "answered"),  # reply before receipt: not judged
    ])
    got = found(f.audit(T, rule="mailbox-slow"), "mailbox-slow")
    assert set(got) == {MAILBOX + "t2.html"}
    assert got[MAILBOX + "t2.html"]["severity"] == "minor" and got[MAILBOX + "t2.html"]["evidence"]["reply_workdays"] == 16


def test_mailbox_statistics(f):
    mailbox(f, [
        letter(1, "2026-11-02", "2026-11-04", "answered"),  # 2 working days
        letter(2, "2026-11-02", "2026-11-24", "answered"),  # 16
        letter(3, "2026-11-02", "2026-11-09", "answered"),  # 5
        letter(4, "2026-12-10", status="pending"),  # 3 waiting: inside
        letter(5, "2026-09-01", status="unanswered"),  # waiting past the limit
        letter(6, "2025-05-06", "2025-05-08", "answered"),
    ])
    f.audit(T, rule="mailbox-slow")
    rows = {r["year"]: r for r in f.db.query("SELECT * FROM mailbox_stats WHERE site = ?", [ROOT])}
    r = rows[2026]
    assert (r["mailbox_url"], r["mailbox_name"], r["received"], r["answered"], r["unanswered"], r["answered_with_date"]) == (
        MAILBOX, "县长信箱", 5, 3, 2, 3)
    assert (r["median_reply_workdays"], r["max_reply_workdays"], r["over_limit"], r["limit_workdays"]) == (5.0, 16, 2, 15)
    assert r["worst_letter_url"] == MAILBOX + "t5.html"
    assert (rows[2025]["received"], rows[2025]["answered"], rows[2025]["max_reply_workdays"]) == (1, 1, 2)


# -- pages only a browser fills ----------------------------------------------------------
def test_unrendered_mailbox_and_column_are_not_checked(f):
    f.column(ROOT + "hdjl/bmxx/", "部门信箱", [])
    mailbox(f, [], url=ROOT + "hdjl/bmxx/", name="部门信箱", **NOT_RENDERED)  # its list page: not rendered
    f.column(ROOT + "zwgk/tjxx/", "统计信息", [])  # empty without any script: still empty
    rows = f.audit(T)
    assert set(found(rows, "column-empty")) == {ROOT + "zwgk/tjxx/"}
    assert ROOT + "hdjl/bmxx/" in not_checked(f, "column-empty")
    assert f.status("column-empty") == "fail"
    assert f.status("mailbox-unanswered") == "not_checked"
    assert "没有可用的浏览器" in not_checked(f, "mailbox-unanswered")[ROOT + "hdjl/bmxx/"]
    assert not found(rows, "mailbox-unanswered")


def test_rendered_column_is_judged(f):
    f.column(ROOT + "spxw/", "视频新闻", [], meta_type="动态")
    f.db["pages"].update((f.run_id, ROOT + "spxw/"), {"render_reason": "script fills an empty list", "render_status": "ok"})
    assert set(found(f.audit(T, rule="column-empty"), "column-empty")) == {ROOT + "spxw/"}


def test_script_filled_home_page_is_not_called_stale(tmp_path):
    f = Facts(tmp_path / "h.db")
    f.home(ROOT, **NOT_RENDERED)
    assert f.audit(T, rule="homepage-stale") == []
    assert f.status("homepage-stale") == "not_checked"
    g = Facts(tmp_path / "g.db")
    g.home(ROOT)  # the same page without a script: stale
    assert [r["rule"] for r in g.audit(T, rule="homepage-stale")] == ["homepage-stale"]


# -- newmedia-stale / newmedia-unreachable ---------------------------------------------------
def test_newmedia_stale_thresholds(f):
    fresh = account(f, "a", newest="2026-12-01")  # 14 days: fresh
    stale = account(f, "b", newest="2026-11-30")  # 15: stale
    year = account(f, "c", newest="2025-12-15")  # 365: stale, not yet a zombie
    zombie = account(f, "d", newest="2025-12-14", name="青山卫健")  # 366: 僵尸号
    got = found(f.audit(T, rule="newmedia-stale"), "newmedia-stale")
    assert set(got) == {stale, year, zombie} and fresh not in got
    assert all(g["severity"] == "veto" for g in got.values())
    assert got[zombie]["evidence"]["zombie"] and "僵尸号" in got[zombie]["message"] and "青山卫健" in got[zombie]["message"]
    assert not got[year]["evidence"]["zombie"] and "僵尸号" not in got[year]["message"]
    assert got[stale]["evidence"]["days_since_post"] == 15 and got[stale]["page"] == ZWXMT


def test_newmedia_not_rendered_or_unreadable_is_not_checked(f):
    norender = account(f, "a", render_status="unavailable")
    unread = account(f, "b")  # opened, but no date on the page
    broken = account(f, "c", status=404)
    assert f.audit(T, rule="newmedia-stale") == []
    assert f.status("newmedia-stale") == "not_checked"
    assert set(not_checked(f, "newmedia-stale")) == {norender, unread} and broken not in not_checked(f, "newmedia-stale")


def test_newmedia_unreachable(f):
    gone = account(f, "gone", status=404)
    refused = account(f, "down", status=None, error="ConnectionRefusedError: Connection was refused")
    skipped = account(f, "far", status=None, error="skipped: http://10.0.0.1/ is not a loopback address (GOVAUDIT_LOOPBACK_ONLY=1)")
    fine = account(f, "ok", newest="2026-12-14")
    got = found(f.audit(T, rule="newmedia-unreachable"), "newmedia-unreachable")
    assert set(got) == {gone, refused} and skipped not in got and fine not in got
    assert got[gone]["severity"] == "major" and got[gone]["evidence"]["status"] == 404


def test_account_history_across_runs(f):
    url = account(f, "acc", newest="2026-12-10")
    f.audit(T)
    f.run_id = store.start_run(f.db, f.roots, {}, T)  # the next night: the account is gone
    f.home(ROOT)
    f.items(ROOT, [T])
    account(f, "acc", status=404)
    got = found(f.audit(T + dt.timedelta(days=1), rule="newmedia-unreachable"), "newmedia-unreachable")
    ev = got[url]["evidence"]
    assert ev["last_opened"] == f"{T}T02:00:00+08:00"
    assert [(h["run_id"], h["status"], h["newest_post"]) for h in ev["history"]] == [(1, 200, "2026-12-10")]
    assert f.db.execute("SELECT count(*) FROM newmedia_accounts WHERE url = ?", [url]).fetchone()[0] == 2
