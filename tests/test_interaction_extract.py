"""Letters, new-media accounts and the render decision, read from HTML (pure functions)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crawler.extract import letters as L
from crawler.extract import newmedia as N
from crawler.render import find_chromium, render_reason, render_settings

T = dt.date(2026, 12, 15)
URL = "http://127.0.0.1:9/hdjl/xzxx/"


# -- mailboxes ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("names", "mailbox"),
    [
        (("县长信箱",), True),
        ((None, "书记信箱"), True),
        (("咨询投诉",), True),
        (("网上留言板",), True),
        (("在线访谈",), False),  # excluded from 互动回应 by the indicators
        (("网上信访",), False),
        (("纪检举报信箱",), False),
        (("意见征集",), False),
        (("本地要闻",), False),
    ],
)
def test_is_mailbox(names, mailbox):
    assert L.is_mailbox(*names) is mailbox


def test_status_words_longest_first():
    assert L.status_of("未回复") == ("unanswered", "未回复")
    assert L.status_of("已回复") == ("answered", "已回复")
    assert L.status_of("办理中") == ("pending", "办理中")
    assert L.status_of("已办结") == ("answered", "已办结")
    assert L.status_of("") == (None, None)


TABLE = """<table><thead><tr><th>信件标题</th><th>来信时间</th><th>答复单位</th><th>答复时间</th><th>办理状态</th></tr></thead>
<tbody>
<tr><td><a href="202611/t1.html" title="关于公交的咨询">关于公交的咨询</a></td><td>2026-11-05</td><td>交通运输局</td><td>2026-11-09</td><td>已办结</td></tr>
<tr><td><a href="202611/t2.html">关于停车的建议</a></td><td>2026年11月10日</td><td></td><td></td><td>未回复</td></tr>
<tr><td>没有日期的行</td><td></td><td></td><td></td><td></td></tr>
</tbody></table>"""


def test_read_list_table_with_header():
    rows = L.read_list(TABLE, URL, T)
    assert [(r["url"], r["received"], r["replied"], r["status"], r["unit"]) for r in rows] == [
        (URL + "202611/t1.html", "2026-11-05", "2026-11-09", "answered", "交通运输局"),
        (URL + "202611/t2.html", "2026-11-10", None, "unanswered", None),
    ]
    assert rows[0]["subject"] == "关于公交的咨询" and rows[1]["status_text"] == "未回复"


def test_read_list_rows_without_header():
    html = """<ul class="list">
<li><a href="a.html">关于路灯的咨询</a><span>2026-12-01</span><span>2026-12-03</span><em>已回复</em></li>
<li><a href="b.html">关于噪音的投诉</a><span>2026-12-02</span><em>办理中</em></li>
</ul>"""
    rows = L.read_list(html, URL, T)
    assert [(r["received"], r["replied"], r["status"]) for r in rows] == [
        ("2026-12-01", "2026-12-03", "answered"), ("2026-12-02", None, "pending")]


def test_read_list_row_without_link_gets_a_row_anchor():
    html = "<table><tr><th>标题</th><th>留言时间</th><th>状态</th></tr><tr><td>关于路灯</td><td>2026-12-01</td><td>未回复</td></tr></table>"
    rows = L.read_list(html, URL, T)
    assert rows[0]["url"] == URL + "#row-1" and rows[0]["subject"] == "关于路灯"


DETAIL = ("信件标题： 关于公交线路调整的咨询 来信人： 张** 来信时间： 2026-11-05 09:12 来信内容： 希望增开班次。"
          " 答复单位： 青山县交通运输局 答复时间： 2026-11-09 16:30 答复内容： 您好，已安排。 办理状态： 已办结")


def test_read_detail_answered():
    d = L.read_detail(DETAIL, T)
    assert (d["subject"], d["received"], d["replied"], d["unit"], d["status"]) == (
        "关于公交线路调整的咨询", "2026-11-05", "2026-11-09", "青山县交通运输局", "answered")


def test_read_detail_unanswered_and_not_a_letter():
    d = L.read_detail("留言标题： 关于路灯 留言时间： 2026-12-01 办理状态： 办理中", T)
    assert (d["received"], d["replied"], d["status"]) == ("2026-12-01", None, "pending")
    assert L.read_detail("发布时间：2026-12-01 来源：县政府办", T) is None  # an article, not a letter
    assert L.read_detail("受理时间：工作日 9:00-17:00 办理状态：正常", T) is None  # office hours: no date
    assert L.looks_like_letter(DETAIL) and not L.looks_like_letter("来信时间：2026-12-01 就这样")


# -- new-media accounts -------------------------------------------------------------
HOSTS = {**N.NEWMEDIA_HOSTS, "127.0.0.3": N.GENERIC}


@pytest.mark.parametrize(
    ("url", "anchor", "listing", "platform"),
    [
        ("https://weibo.com/u/123456", "青山发布", False, "微博"),
        ("https://m.weibo.cn/u/123456", "", False, "微博"),  # a subdomain of a platform host
        ("https://www.douyin.com/user/abc", "", False, "抖音"),
        ("https://weibo.com/", "微博", False, None),  # the platform's front page
        ("https://service.weibo.com/share/share.php?url=http://x", "分享到微博", False, None),  # a share button
        ("http://127.0.0.3:9/wx/qs", "微信公众号：青山发布", False, "微信公众号"),  # a configured host
        ("http://127.0.0.3:9/x", "青山发布", False, N.GENERIC),
        ("http://10.1.1.1/acc", "抖音：青山卫健", True, "抖音"),  # on a 政务新媒体 page, the text names it
        ("http://10.1.1.1/acc", "抖音：青山卫健", False, None),
        ("http://www.gov.cn/", "中国政府网", True, None),
    ],
)
def test_account_links(url, anchor, listing, platform):
    assert N.account_of(url, anchor, listing=listing, hosts=HOSTS) == platform


def test_listing_page_names():
    assert N.is_listing_page(None, "政务新媒体_青山县人民政府")
    assert N.is_listing_page("微信公众号矩阵")
    assert not N.is_listing_page("本地要闻", None)


def test_read_account_dates_and_name():
    html = """<html><head><title>青山教育的微博 - 微博</title><meta property="og:title" content="青山教育"></head><body>
<div class="card">今天的通知<span class="time">2小时前</span></div>
<div class="card">上周的活动<span class="time">3天前</span></div>
<div class="card">旧文<span>2026-11-20 08:00</span></div>
<div class="card">未来的日期<span>2027-01-05</span></div>
<p>注册于 2015-03-01 © 2026</p></body></html>"""
    info = N.read_account(html, "http://x/", T)
    assert info["name"] == "青山教育"
    assert info["newest_post"] == T.isoformat() and info["newest_post_text"] == "2小时前"
    assert info["posts_dated"] == 4  # the future date is not a post
    static = N.read_account("<title>青山发布 - 微信公众平台</title><h1>青山发布</h1>", "http://x/", T)
    assert static["name"] == "青山发布" and static["newest_post"] is None


# -- the render decision ---------------------------------------------------------------
FETCH = "<script>fetch('data.json').then(r => r.json()).then(show)</script>"


@pytest.mark.parametrize(
    ("html", "url", "readable", "reason"),
    [
        ('<ul class="list" id="news"></ul>' + FETCH, "http://127.0.0.1/a/", False, "script fills an empty list"),
        ('<tbody id="letter-rows">\n</tbody>' + "<script>$.ajax({url: 'x'})</script>", "http://127.0.0.1/a/", False, "script fills an empty list"),
        ('<div id="feed"><p>内容加载中，请稍候…</p></div>' + FETCH, "http://127.0.0.1/a/", False, "script replaces a placeholder"),
        ('<ul class="list"></ul>', "http://127.0.0.1/a/", False, None),  # an empty list, no script: empty
        ('<ul class="list"></ul>' + FETCH, "http://127.0.0.1/a/", True, None),  # items already read: decoration
        ('<div class="nodata">暂无信息</div>' + FETCH, "http://127.0.0.1/a/", False, None),
        ("<p>hello</p>", "https://weibo.com/u/1", True, "platform"),  # script-only platforms always
        ("<p>hello</p>", "https://m.weibo.cn/u/1", True, "platform"),
    ],
)
def test_render_reason(html, url, readable, reason):
    assert render_reason(html, url, readable=readable) == reason


def test_render_patterns_and_settings():
    pattern = re.compile(r"/app/")
    assert render_reason("<p></p>", "http://127.0.0.1/app/x", readable=True, patterns=(pattern,)) == "pattern /app/"
    s = render_settings(False, 3, 5.0, [r"/app/"], [" 127.0.0.3 "])
    assert s["GOVAUDIT_RENDER"] is False and s["GOVAUDIT_NEWMEDIA_HOSTS"] == ["127.0.0.3"]
    with pytest.raises(ValueError, match="not a regular expression"):
        render_settings(patterns=["("])


def test_find_chromium_respects_the_configured_path(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVAUDIT_CHROMIUM", str(tmp_path / "missing"))
    assert find_chromium() is None  # asked for one that is not there: no other is guessed
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GOVAUDIT_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)
    assert find_chromium(str(tmp_path / "nope")) is None
