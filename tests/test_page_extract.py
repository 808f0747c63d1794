"""extract_page() against real government pages (shared/realpages) + tiny synthetic cases.

The expected values for 001–010 come from shared/realpages/MANIFEST.md (every
fact there was checked against the saved HTML).  A few extra expectations are
marked "derived": they are not spelled out in the manifest but follow from the
HTML and the extraction rules (e.g. which date is the true publish date when
meta PubDate is only the page-regeneration stamp).
"""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import parsel
import pytest

from crawler.extract.page import FooterIdentity, PageFacts, extract_page

PAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages" / "pages"
TODAY = dt.date(2026, 7, 1)
ALL_PAGES = [f"{i:03d}" for i in range(1, 11)]


@functools.lru_cache(maxsize=None)
def facts(name: str) -> PageFacts:
    path = PAGES / f"{name}.html"
    if not PAGES.is_dir():
        pytest.fail(
            f"real-page corpus not found at {PAGES} (expected shared/realpages/pages "
            "next to the repository checkout); these tests must not be skipped"
        )
    if not path.is_file():
        pytest.fail(f"real page {path} is missing from the corpus")
    sel = parsel.Selector(text=path.read_text(encoding="utf-8"))
    return extract_page(sel, f"file://{path}", TODAY)


def page(html: str, url: str = "http://www.example.gov.cn/a/t20260720_1.html") -> PageFacts:
    return extract_page(parsel.Selector(text=html), url, TODAY)


# ---------------------------------------------------------------------------
# Real pages: meta tags
# ---------------------------------------------------------------------------
META = {
    "001": {
        "SiteName": "万载县人民政府",
        "SiteDomain": "www.wanzai.gov.cn",
        "SiteIDCode": "3609220011",
        "ColumnName": "统计数据",
        "ColumnType": "统计数据",
        "ArticleTitle": "万载县2022年国民经济和社会发展统计公报",
        "PubDate": "2023-08-16 10:33:59",
        "ContentSource": "万载县统计局",
        "others": "页面生成时间 2023-08-16 10:33:59",
    },
    "002": {
        "SiteName": "中国宜春",
        "SiteIDCode": "3609000002",
        "ColumnName": "统计公报",
        "ArticleTitle": "宜春市2022年国民经济和社会发展统计公报",
        "PubDate": "2023-05-16 12:34:05",
        "ContentSource": "宜春市统计局",
    },
    "003": {
        "SiteIDCode": "3609000002",
        "ColumnName": "统计公报",
        "ArticleTitle": "江西省2022年国民经济和社会发展统计公报",
        "PubDate": "2023-05-16 12:34:10",
        "ContentSource": "江西统计 公众号",
    },
    "004": {
        "ColumnName": "统计公报",
        "ArticleTitle": "万载县2015年国民经济和社会发展统计公报",
        "ContentSource": "",  # present but empty
        "PubDate": "2022-04-24 10:00:43",
        "others": "页面生成时间 2022-04-24 10:00:43",
    },
    "005": {
        "Maketime": "2019-03-22 12:28:37",
        "SiteName": "浙江省发展和改革委员会",
        "SiteDomain": "fgw.zj.gov.cn,www.zjdpc.gov.cn",
        "SiteIDCode": "",  # present but empty (the footer shows 3300000020)
        "ColumnName": "投资运行",
        "ArticleTitle": "1-10月德清县固定资产投资结构趋稳趋优",
        "PubDate": "2016-11-22 09:53",
        "ContentSource": "省发改委",  # <meta name="contentSource">
        "Url": "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",  # name="url"
    },
    "006": {
        "SiteName": "山西省人民政府门户网站",
        "SiteIDCode": "1400000045",
        "ColumnName": "山西要闻",
        "ArticleTitle": "山西品牌丝路行（南美站）正式启动",
        "PubDate": "2019-09-18 06:23",
        "ContentSource": "山西日报",
        "Url": "./t20190918_693227.shtml",
    },
    "007": {
        "others": "页面生成时间 2023-10-23 11:23:36",
        "Author": "马娟",  # name='author'
        "firstpublishedtime": "2007-08-20-23:59:59",
    },
    "008": {
        "SiteName": "平潭综合实验区党工委管委会",
        "SiteDomain": "www.pingtan.gov.cn",
        "SiteIDCode": "3590000001",
        "ColumnName": "中长期发展规划",
    },
    "009": {
        "ColumnName": "财税相关政策及解读",
        "ArticleTitle": "平潭综合实验区管委会办公室关于印发平潭综合实验区向上争取专项转移支付补助资金考评管理办法的通知",
        "PubDate": "2023-05-30 09:45",
        "ContentSource": "平潭综合实验区财政金融局",
        "Url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqczj/fdzdgknr/6csxgzcjjd/202305/t20230530_78342.htm",
    },
    "010": {
        "SiteName": "沭阳县人民政府",
        "SiteIDCode": "3213220037",
        "ColumnName": "头部",  # the header include's column, read as-is
        "others": "页面生成时间 2024-05-28 15:46:43",
    },
}
META_ABSENT = {
    "007": ["SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"],
    "008": ["ArticleTitle", "PubDate"],
    "010": ["ArticleTitle", "PubDate"],
}


@pytest.mark.parametrize("name", sorted(META))
def test_meta_values(name: str) -> None:
    meta = facts(name).meta
    for key, value in META[name].items():
        assert key in meta, f"{name}: meta {key} missing"
        assert meta[key] == value, f"{name}: meta {key}"


@pytest.mark.parametrize("name", sorted(META_ABSENT))
def test_meta_absent(name: str) -> None:
    meta = facts(name).meta
    for key in META_ABSENT[name]:
        assert key not in meta, f"{name}: meta {key} should be missing, got {meta.get(key)!r}"


# ---------------------------------------------------------------------------
# Real pages: footer identity
# ---------------------------------------------------------------------------
FOOTER = {
    "001": ("3609220011", "赣ICP备11002306号-1", "赣公网安备 36092202000105号"),
    "002": ("3609000002", "赣ICP备06000141号", "赣公网安备 36090202000004号"),  # 政府网站标识码
    "003": ("3609000002", "赣ICP备06000141号", "赣公网安备 36090202000004号"),
    "004": ("3609220011", "赣ICP备11002306号-1", "赣公网安备 36092202000105号"),
    "005": ("3300000020", "浙ICP备05018911号", "浙公网安备 33010602009328号"),
    "006": ("1400000045", "晋ICP备12000773号", "晋公网安备 14010502050691号"),
    "007": ("bm01000001", "京ICP备05070218号", "京公网安备11010202000001号"),  # no colon
    "008": ("3590000001", "闽ICP备09032658号", "35012899001-19002"),  # 公安备案号：
    "009": ("3590000001", "闽ICP备09032658号", "35012899001-19002"),
    "010": (None, None, None),  # footer is an <iframe>: nothing in the file
}


@pytest.mark.parametrize("name", ALL_PAGES)
def test_footer_identity(name: str) -> None:
    sid, icp, police = FOOTER[name]
    assert facts(name).footer == FooterIdentity(site_id_code=sid, icp=icp, police=police)


def test_005_footer_site_id_differs_from_empty_meta() -> None:
    f = facts("005")
    assert f.meta["SiteIDCode"] == ""
    assert f.footer.site_id_code == "3300000020"


# ---------------------------------------------------------------------------
# Real pages: 信息公开 metadata block
# ---------------------------------------------------------------------------
DOC_META = {
    "001": {  # labels with U+2002 spaces: 索 引 号
        "索引号": "014742224A/2023-0043406",
        "生成日期": "2023-05-11",
        "公开方式": "主动公开",
        "公开时限": "常年公开",
        "公开范围": "面向全社会",
        "责任部门": "万载县统计局",
    },
    "002": {
        "索引号": "014717475N/2023-0040295",
        "发布机构": "宜春市统计局",
        "发文日期": "2023-04-18",
        "公开方式": "主动公开",
        "公开时限": "常年公开",
        "公开范围": "面向全社会",
        "分类": "统计公报",
    },
    "003": {
        "索引号": "014717475N/2023-0032866",
        "发布机构": "宜春市统计局",
        "发文日期": "2023-03-31",
    },
    "009": {  # <li> "label：<font>value</font>", 索&ensp;引&ensp;号, 有&ensp;效&ensp;性
        "索引号": "PZ00108-0300-2023-00038",
        "主题分类": "无",
        "发文机关": "平潭综合实验区财政金融局",
        "成文日期": "2023-05-30",
        "标题": "平潭综合实验区管委会办公室关于印发平潭综合实验区向上争取专项转移支付补助资金考评管理办法的通知",
        "发文字号": "岚综管办规〔2023〕12号",
        "发布日期": "2023-05-30",
        "有效性": "有效",
    },
    "010": {  # label td -> value td, no colons; empty cells kept as ""
        "名称": "沭阳县发展和改革局2023年政府信息公开年度报告",
        "索引号": "014314799/2024-00002",
        "分类": "信息公开年报 其他 报告",
        "发布机构": "沭阳县发展和改革局",
        "公开日期": "2024-01-17",
        "文号": "",
        "关键词": "",
        "时效": "",
    },
}
DOC_META_ABSENT = {
    "001": ["发布机构", "成文日期", "文号", "发文字号", "有效性"],
}


@pytest.mark.parametrize("name", sorted(DOC_META))
def test_doc_meta_values(name: str) -> None:
    doc = facts(name).doc_meta
    for key, value in DOC_META[name].items():
        assert key in doc, f"{name}: doc_meta {key} missing (got {sorted(doc)})"
        assert doc[key] == value, f"{name}: doc_meta {key}"


def test_001_doc_meta_has_no_fields_the_page_lacks() -> None:
    doc = facts("001").doc_meta
    for key in DOC_META_ABSENT["001"]:
        assert key not in doc


@pytest.mark.parametrize("name", ["004", "005", "006", "007", "008"])
def test_no_doc_meta_block(name: str) -> None:
    assert facts(name).doc_meta == {}


# ---------------------------------------------------------------------------
# Real pages: publish date (with the traps)
# ---------------------------------------------------------------------------
PUBLISH = {
    # name: (date, source, substring of publish_date_text)
    "004": (dt.date(2017, 5, 15), "visible", "2017-05-15"),  # meta PubDate is the 2022 regeneration time
    "005": (dt.date(2016, 11, 22), "visible", "2016-11-22"),
    "006": (dt.date(2019, 9, 18), "visible", "2019-09-18 06:23"),  # not the stale alt= 2017-11-08
    "007": (dt.date(2007, 8, 20), "meta:firstpublishedtime", "2007-08-20"),
    "009": (dt.date(2023, 5, 30), "visible", "2023-05-30 09:45"),  # 时间：2023-05-30 09:45
    "010": (dt.date(2024, 1, 17), "doc_meta", "2024-01-17"),  # 公开日期
    # derived: meta PubDate == 页面生成时间 there, the block's document date is shown
    "001": (dt.date(2023, 5, 11), "doc_meta", "2023-05-11"),  # 生成日期
    "002": (dt.date(2023, 4, 18), "doc_meta", "2023-04-18"),  # 发文日期 (not body 2023-04-12)
    "003": (dt.date(2023, 3, 31), "doc_meta", "2023-03-31"),  # 发文日期 (not body 2023-03-28)
}


@pytest.mark.parametrize("name", sorted(PUBLISH))
def test_publish_date(name: str) -> None:
    date, source, text = PUBLISH[name]
    f = facts(name)
    assert (f.publish_date, f.publish_date_source) == (date, source)
    assert f.publish_date_text is not None and text in f.publish_date_text


def test_004_regeneration_pubdate_is_not_the_publish_date() -> None:
    f = facts("004")
    assert f.meta["PubDate"].startswith("2022-04-24")
    assert f.publish_date != dt.date(2022, 4, 24)


def test_006_stale_alt_attribute_is_ignored() -> None:
    f = facts("006")
    assert f.publish_date != dt.date(2017, 11, 8)
    assert "2017-11-08" not in (f.publish_date_text or "")


def test_001_related_item_date_is_not_the_publish_date() -> None:
    # the 关联稿件 list shows 2023-07-12 next to the 解读 link
    assert facts("001").publish_date != dt.date(2023, 7, 12)


def test_008_list_page_has_no_publish_date() -> None:
    # derived: the dates on a column list belong to its items, not to the page
    f = facts("008")
    assert f.publish_date is None and f.publish_date_source is None


# ---------------------------------------------------------------------------
# Real pages: title, breadcrumb, main text, is_article
# ---------------------------------------------------------------------------
TITLES = {
    "001": "万载县2022年国民经济和社会发展统计公报 | 万载县人民政府",
    "002": "宜春市2022年国民经济和社会发展统计公报 | 中国宜春",  # spread over lines in <title>
    # U+3000 inside "2007　年末" normalised to a plain space
    "007": "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007 年末国债余额限额的决议"
    "__2007年第23号国务院公报_中国政府网",
    "008": "中长期发展规划_平潭综合实验区党工委管委会",
    "010": "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局",  # the wrapper's <title>
}


@pytest.mark.parametrize("name", sorted(TITLES))
def test_title(name: str) -> None:
    assert facts(name).title == TITLES[name]


def test_007_title_has_no_ideographic_space_left() -> None:
    assert "\u3000" not in facts("007").title
    assert "调整2007 年末" in facts("007").title


def test_001_breadcrumb() -> None:
    crumb = facts("001").breadcrumb
    assert crumb[0] == "首页"
    assert crumb[-4:] == ["统计局", "法定主动公开内容", "工作动态", "统计数据"]


BREADCRUMBS = {
    "004": ["网站首页", "数据开放", "政府数据", "统计信息", "统计公报"],  # 您当前的位置：
    "005": ["首页", "发展改革工作", "投资管理和项目推进", "投资运行"],  # nested tables
    "006": ["首页", "要闻", "山西要闻"],  # ul.breadcrumb, last item plain text
    "007": ["首页", "国务院公报", "2007年第23号"],  # no label; 字号/打印 tools inside the box
    "008": ["首页", "政务公开", "规划信息", "中长期发展规划"],  # separators drawn by CSS
    "009": ["首页", "政务公开", "政府信息公开", "平潭综合实验区财政金融局", "法定主动公开内容", "财税相关政策及解读"],
}


@pytest.mark.parametrize("name", sorted(BREADCRUMBS))
def test_breadcrumb(name: str) -> None:
    assert facts(name).breadcrumb == BREADCRUMBS[name]


MAIN_TEXT = {
    "001": ["（2023年5月）"],
    "002": ["（2023年4月12日）"],
    "003": ["2023年3月28日"],
    "004": ["万载县2015年国民经济和社会发展统计公报"],
    "005": ["1-10月，全县固定资产投资完成246.79亿元"],
    "006": ["2019年山西品牌丝路行（南美站）活动在巴西圣保罗正式启动"],
    "007": ["第十届全国人民代表大会常务委员会第二十八次会议"],
    "009": ["自2023年1月1日起施行", "有效期至2025年12月31日", "2023年5月 日"],
    "010": [
        "全年共审核发布各类公开政府信息249条",
        "收到依申请信息公开26件",
        "受理网络问政182件",
        "未发生收费",
        "沭阳县发展和改革局 2024年1月17日",
    ],
}


@pytest.mark.parametrize("name", sorted(MAIN_TEXT))
def test_main_text_has_body(name: str) -> None:
    text = facts(name).main_text
    for needle in MAIN_TEXT[name]:
        assert needle in text, f"{name}: {needle!r} not in main_text"


@pytest.mark.parametrize("name", sorted(MAIN_TEXT))
def test_main_text_excludes_chrome(name: str) -> None:
    text = facts(name).main_text
    assert "ICP" not in text  # footer
    assert "索引号" not in text and "索 引 号" not in text  # metadata block
    assert "发布日期：" not in text and "访问量" not in text  # info bar
    assert "  " not in text and "\n" not in text and "\u3000" not in text  # whitespace-normalised


@pytest.mark.parametrize("name", ALL_PAGES)
def test_is_article(name: str) -> None:
    assert facts(name).is_article is (name != "008")


# ---------------------------------------------------------------------------
# Synthetic pages: label variants
# ---------------------------------------------------------------------------
LONG_BODY = "<p>" + "为进一步做好政府信息公开工作，现将有关事项通知如下。" * 20 + "</p>"


def test_dl_dt_dd_metadata_block() -> None:
    f = page(
        "<html><head><title>t</title></head><body><h1>关于做好某项工作的通知</h1>"
        '<dl class="xxgk"><dt>索\u2002引\u2002号：</dt><dd> 000014349/2026-00012 </dd>'
        "<dt>发布机构:</dt><dd>某某市人民政府办公室</dd>"
        "<dt>成文日期</dt><dd>2026年07月01日</dd>"
        "<dt>发布日期：</dt><dd>2026-07-02</dd>"
        "<dt>文\u3000\u3000号：</dt><dd>某政办发〔2026〕3号</dd>"
        "<dt>有 效 性：</dt><dd></dd></dl>"
        f'<div id="zoom">{LONG_BODY}</div></body></html>'
    )
    assert f.doc_meta == {
        "索引号": "000014349/2026-00012",
        "发布机构": "某某市人民政府办公室",
        "成文日期": "2026年07月01日",
        "发布日期": "2026-07-02",
        "文号": "某政办发〔2026〕3号",
        "有效性": "",
    }
    assert (f.publish_date, f.publish_date_source) == (dt.date(2026, 7, 2), "doc_meta")
    assert "索引号" not in f.main_text and f.is_article


def test_div_span_pairs_and_table_cells() -> None:
    # one block split in two parts (div/span rows + a table) inside a wrapper
    f = page(
        '<html><body><div class="xxgk"><div class="info">'
        '<div class="row"><span class="k">索引号：</span><span class="v">11350000/2026-1</span></div>'
        '<div class="row"><span class="k">发文机关：</span><span class="v">某某厅</span></div>'
        '<div class="row"><span class="k">发文字号：</span><span class="v"></span></div>'
        "</div><table><tr><td>主题分类</td><td>综合政务</td><td>时效</td><td>有效</td></tr>"
        "<tr><td>文号</td><td> </td></tr><tr><td>附件</td><td>附件1.pdf</td></tr></table></div>"
        f'<div class="TRS_Editor">{LONG_BODY}</div></body></html>'
    )
    assert f.doc_meta == {
        "索引号": "11350000/2026-1",
        "发文机关": "某某厅",
        "发文字号": "",
        "主题分类": "综合政务",
        "时效": "有效",
        "文号": "",  # empty cell: the value stops at the end of its row
    }


def test_info_bar_publish_time_beats_traps() -> None:
    f = page(
        "<html><head>"
        '<meta name="PubDate" content="2026-07-25 08:00:00">'
        '<meta name="others" content="页面生成时间 2026-07-25 08:00:00">'
        "</head><body>"
        '<ul class="side"><li><a href="/x.html">另一篇很长的新闻标题在这里</a><span>时间：2026-06-30</span></li></ul>'
        "<h1>某某县召开2026年政务公开工作会议</h1>"
        '<div class="info"><span alt="发布时间：2017-11-08 20:26">发布时间：2026-07-20 10:32</span>'
        "<span>来源：某某县政府办</span></div>"
        f'<div class="article-content">{LONG_BODY}</div></body></html>'
    )
    assert f.publish_date == dt.date(2026, 7, 20)
    assert f.publish_date_source == "visible"
    assert f.publish_date_text is not None and "2026-07-20 10:32" in f.publish_date_text
    assert f.is_article  # visible date + substantial body, no ArticleTitle meta


def test_info_bar_chinese_date_and_label_without_colon() -> None:
    f = page(
        "<html><body><h1>标题</h1><p>发布日期 2026年7月3日 浏览次数：12</p>"
        f'<div class="pages_content">{LONG_BODY}</div></body></html>'
    )
    assert (f.publish_date, f.publish_date_source) == (dt.date(2026, 7, 3), "visible")


def test_no_date_at_all() -> None:
    f = page(
        "<html><head><title>联系我们</title></head><body><h1>联系我们</h1>"
        "<p>地址：某某市某某路1号</p><p>电话：0591-12345678</p></body></html>"
    )
    assert (f.publish_date, f.publish_date_text, f.publish_date_source) == (None, None, None)
    assert f.is_article is False


def test_meta_pubdate_used_when_not_a_regeneration_stamp() -> None:
    f = page(
        '<html><head><meta name="PubDate" content="2026-05-04 09:00">'
        '<meta name="others" content="页面生成时间 2026-06-30 23:00:00"></head>'
        f"<body><h1>x</h1><div id='zoom'>{LONG_BODY}</div></body></html>"
    )
    assert (f.publish_date, f.publish_date_source) == (dt.date(2026, 5, 4), "meta:PubDate")


def test_meta_case_insensitive_first_wins_empty_kept() -> None:
    f = page(
        '<html><head><meta name="sitename" content="甲"><meta name="SiteName" content="乙">'
        '<meta name="COLUMNNAME" content=""><meta name="contentsource" content=" 某局 ">'
        '<meta name="viewport" content="width=device-width"></head><body></body></html>'
    )
    assert f.meta == {"SiteName": "甲", "ColumnName": "", "ContentSource": "某局"}


def test_title_whitespace_normalised() -> None:
    f = page("<html><head><title>\n  通知\u3000公告\xa0 列表 \n</title></head><body></body></html>")
    assert f.title == "通知 公告 列表"


def test_footer_variants() -> None:
    f = page(
        "<html><body><div>网站标识码：1111111111 京ICP备11111111号</div>"
        '<div class="footer"><p>网站标识码3400000001 <a>皖ICP备05004400號-1</a>'
        "<span>皖公安備案 34180202000313</span></p></div>"
        "<script>var c='网站标识码：9999999999 京ICP备99999999号 京公网安备99999999999999号';</script>"
        "<style>.x:after{content:'网站标识码：8888888888'}</style></body></html>"
    )
    # script/style text is ignored; the footer (last occurrence) wins over the header
    assert f.footer == FooterIdentity(
        site_id_code="3400000001", icp="皖ICP备05004400號-1", police="皖公安備案 34180202000313"
    )


def test_footer_traditional_label_and_full_width_digits() -> None:
    f = page("<html><body><p>網站標識碼：3500000001</p></body></html>")
    assert f.footer.site_id_code == "3500000001"
    f = page("<html><body><p>网站标识码：３６０９２２００１１　赣ICP备１１００２３０６号－１</p></body></html>")
    assert (f.footer.site_id_code, f.footer.icp) == ("3609220011", "赣ICP备11002306号-1")


def test_footer_public_security_number_only() -> None:
    f = page("<html><body><p>政府网站标识码：bm12000001 公安备案号：35012899001-19002</p></body></html>")
    assert f.footer == FooterIdentity(site_id_code="bm12000001", icp=None, police="35012899001-19002")


def test_breadcrumb_label_with_text_separators() -> None:
    f = page(
        '<html><body><div class="top">您的位置：<a href="/">首页</a> &gt; '
        '<a href="/xw/">新闻中心</a> &gt; <a href="/xw/tzgg/">通知公告</a></div></body></html>'
    )
    assert f.breadcrumb == ["首页", "新闻中心", "通知公告"]


def test_fallback_main_text_skips_navigation() -> None:
    nav = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(30))
    f = page(
        f'<html><body><ul class="menu">{nav}</ul><div class="wrap"><div class="box">{LONG_BODY}'
        f"{LONG_BODY}</div></div><div class='foot'>版权所有</div></body></html>"
    )
    assert f.main_text.startswith("为进一步做好政府信息公开工作")
    assert "栏目1" not in f.main_text and "版权所有" not in f.main_text


def test_main_text_capped() -> None:
    body = "<p>" + "字" * 250_000 + "</p>"
    f = page(f"<html><body><div id='zoom'>{body}</div></body></html>")
    assert len(f.main_text) == 200_000


def test_hanweb_markers_bound_the_body() -> None:
    f = page(
        '<html><body><div id="zoom"><p>【字体：大 中 小】</p>'
        f"<!--ZJEG_RSS.content.begin-->{LONG_BODY}<!--ZJEG_RSS.content.end-->"
        "<p>【打印本页】【关闭窗口】</p></div></body></html>"
    )
    assert f.main_text.startswith("为进一步做好政府信息公开工作")
    assert "字体" not in f.main_text and "打印本页" not in f.main_text


def test_share_and_nav_blocks_inside_body_are_dropped() -> None:
    f = page(
        f'<html><body><div class="article-content">{LONG_BODY}'
        '<div class="bdsharebuttonbox share-box">分享到：微信 微博</div>'
        "<nav>上一篇 下一篇</nav></div></body></html>"
    )
    assert f.main_text.startswith("为进一步做好政府信息公开工作")
    assert "分享到" not in f.main_text and "上一篇" not in f.main_text


def test_list_page_item_dates_are_not_a_publish_date() -> None:
    items = "".join(
        f'<li><a href="./2026/t202606{i:02d}_{i}.html">某某县关于第{i}批项目的公示公告</a>'
        f"<span>发布时间：2026-06-{i:02d}</span></li>"
        for i in range(1, 16)
    )
    f = page(
        '<html><head><meta name="ColumnName" content="通知公告"></head><body>'
        f'<div class="list"><ul>{items}</ul></div></body></html>'
    )
    assert (f.publish_date, f.publish_date_source) == (None, None)
    assert f.is_article is False


def test_sidebar_list_dates_are_not_the_article_date() -> None:
    items = "".join(
        f'<li><a href="/xw/t2026060{i}_{i}.html">某某市召开第{i}次常务会议研究部署工作</a>'
        f"<span>发布时间：2026-06-0{i}</span></li>"
        for i in range(1, 6)
    )
    f = page(
        f'<html><body><div class="side"><h3>最新动态</h3><ul>{items}</ul></div>'
        f'<div class="TRS_Editor">{LONG_BODY}</div></body></html>'
    )
    assert (f.publish_date, f.publish_date_source) == (None, None)


def test_duplicated_metadata_block_and_labels_outside_it() -> None:
    block = (
        '<table class="{cls}"><tr><td>索引号：</td><td>{idx}</td><td>发布机构：</td><td>某局</td></tr>'
        "<tr><td>成文日期：</td><td>2026-06-01</td><td>文号：</td><td>某发〔2026〕1号</td></tr></table>"
    )
    f = page(
        "<html><body>"
        + block.format(cls="pc", idx="A-1")
        + '<h1>标题</h1><div class="info"><span>来源：某某日报</span></div>'
        + f'<div id="zoom">{LONG_BODY * 4}</div>'
        + block.format(cls="mobile", idx="B-2")
        + "</body></html>"
    )
    assert f.doc_meta == {
        "索引号": "A-1",
        "发布机构": "某局",
        "成文日期": "2026-06-01",
        "文号": "某发〔2026〕1号",
    }
