"""List-page extraction: dated items, pagination, empty markers — real and synthetic pages."""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from crawler.extract.lists import extract_list_items, extract_pagination, has_empty_marker

TODAY = dt.date(2026, 11, 26)


def items_of(html: str, url: str = "http://127.0.0.1/col/", today: dt.date = TODAY):
    return extract_list_items(Selector(text=html), url, today)


def test_realpage_008_trs_list_reads_shown_dates_not_url_dates(realpage):
    html = realpage("008.html")
    url = "https://www.pingtan.gov.cn/zwgk/ghxx/ztgh/"
    items = extract_list_items(Selector(text=html), url, TODAY)
    dates = [i.date.isoformat() for i in items]
    assert dates == [
        "2026-01-30", "2022-11-14", "2022-11-13", "2022-06-08", "2022-05-13", "2022-04-08",
        "2021-12-02", "2018-03-23", "2017-06-02", "2017-05-24", "2017-05-24",
    ]
    assert items[0].url.endswith("/202601/t20260130_104907.htm")
    assert items[0].title.startswith("中共福建省委平潭综合实验区工作委员会关于制定")
    # the URL says 2023-12-14, the page shows 2022-11-13: the shown date wins
    third = items[2]
    assert "t20231214_83258" in third.url and third.date == dt.date(2022, 11, 13)
    assert items[-1].title == "平潭综合实验区国民经济和社会发展第十三个五年规划纲要"
    # pagination there is JavaScript through /fjdzapp/search: no static page links
    assert extract_pagination(Selector(text=html), html, url) == []


def test_li_span_and_table_rows():
    html = """<ul><li><a href="a.html">县政府召开常务会议</a><span>2026-11-25</span></li>
    <li><a href="b.html" title="完整标题：关于做好冬季安全生产工作的通知">关于做好冬季…</a><span>2026/11/03</span></li></ul>
    <table><tr><td><a href="c.html">乡镇动态一</a></td><td>2026年11月11日</td></tr></table>"""
    items = items_of(html)
    assert [(i.url.rsplit("/", 1)[1], i.date.isoformat()) for i in items] == [
        ("a.html", "2026-11-25"), ("b.html", "2026-11-03"), ("c.html", "2026-11-11")]
    assert items[1].title == "完整标题：关于做好冬季安全生产工作的通知"


def test_date_in_title_is_not_the_item_date():
    html = '<ul><li><a href="a.html">2026年1月5日全县安全生产会议纪要</a></li></ul>'
    assert items_of(html) == []


def test_navigation_links_are_not_items():
    html = """<nav><a href="/a/">2026-11-25 专题</a></nav><header><a href="/b/">首页</a> 2026-11-26</header>
    <div class="nav"><a href="/x/">新闻中心</a><a href="/y/">政务公开</a><a href="/z/">互动交流</a> 今天是2026年11月26日</div>"""
    assert items_of(html) == []


def test_yearless_dates_take_the_most_recent_year():
    html = """<ul><li><a href="a.html">教育公告一</a><span>[01-05]</span></li>
    <li><a href="b.html">教育公告二</a><span>[12-20]</span></li></ul>"""
    dec = items_of(html, today=dt.date(2026, 12, 15))
    assert [i.date for i in dec] == [dt.date(2026, 1, 5), dt.date(2025, 12, 20)]
    jan = items_of(html, today=dt.date(2027, 1, 6))
    assert [i.date for i in jan] == [dt.date(2027, 1, 5), dt.date(2026, 12, 20)]


def test_hanweb_datastore_records():
    html = """<div id="list"><script type="text/xml"><datastore>
    <nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&columnid=1201"></a>]]></nextgroup>
    <recordset>
    <record><![CDATA[<li><a href="/art/2026/11/12/art_1201_5001.html" title="教育动态一">教育动态一</a><span>2026-11-12</span></li>]]></record>
    <record><![CDATA[<li><a href="/art/2026/11/7/art_1201_5002.html" title="教育动态二">教育动态二</a><span>2026-11-07</span></li>]]></record>
    </recordset></datastore></script></div>"""
    url = "http://127.0.0.1/col/col1201/index.html"
    items = items_of(html, url)
    assert [i.date.isoformat() for i in items] == ["2026-11-12", "2026-11-07"]
    assert items[0].url == "http://127.0.0.1/art/2026/11/12/art_1201_5001.html"
    pages = extract_pagination(Selector(text=html), html, url)
    assert pages == ["http://127.0.0.1/module/jpage/dataproxy.jsp?page=1&columnid=1201"]


def test_trs_create_page_html_gives_every_other_page():
    html = '<div class="page"><script>createPageHTML(3, 1, "index", "shtml");</script></div>'
    url = "http://127.0.0.1/xwzx/bdyw/index_1.shtml"
    assert extract_pagination(Selector(text=html), html, url) == [
        "http://127.0.0.1/xwzx/bdyw/index.shtml",
        "http://127.0.0.1/xwzx/bdyw/index_2.shtml",
    ]


def test_realpage_006_single_page_detail_pagination(realpage):
    html = realpage("006.html")
    url = "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"
    # createPageHTML(1, 0, …): one page, nothing else to fetch
    assert extract_pagination(Selector(text=html), html, url) == []


def test_next_page_links_stay_in_the_list_directory():
    html = """<div><a href="index_1.html">下一页</a><a href="/other/index.html">尾页</a>
    <a href="/">首页</a></div><div class="pager"><a href="index_2.html">3</a></div>"""
    url = "http://127.0.0.1/tzgg/index.html"
    assert extract_pagination(Selector(text=html), html, url) == [
        "http://127.0.0.1/tzgg/index_1.html", "http://127.0.0.1/tzgg/index_2.html"]


def test_empty_markers():
    assert has_empty_marker("栏目 暂无信息 ") == "暂无信息"
    assert has_empty_marker("暂无数据") == "暂无数据"
    assert has_empty_marker("本栏目信息齐全，暂无其他说明以外") is None
