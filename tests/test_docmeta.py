"""Document metadata (crawler/extract/docmeta.py) on many real-looking layouts and date forms.

Each synthetic page goes through the real page extractor (extract_page) and
then read_doc_meta, exactly as the audit reads stored facts.  Real pages
(shared/realpages, facts from MANIFEST.md) come last.
"""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from audits.documents import interpretation_links, is_interpretation_anchor
from crawler.extract.docmeta import (
    DocMeta,
    is_normative_doc_no,
    normalize_doc_no,
    read_doc_meta,
    signature_date,
    valid_until_from_text,
    validity_of,
)
from crawler.extract.links import extract_links
from crawler.extract.page import PageFacts, extract_page

T = dt.date(2026, 12, 15)
D = dt.date
BODY = "<p>" + "为进一步规范相关管理工作，根据有关法律法规，结合本县实际，制定本办法。" * 8 + "</p>"


def read(html: str, today: dt.date = T) -> tuple[PageFacts, DocMeta]:
    f = extract_page(Selector(text=html), "http://www.qingshan.gov.cn/zfxxgk/t1.html", today)
    m = read_doc_meta(
        f.doc_meta,
        title=f.meta.get("ArticleTitle") or f.title,
        main_text=f.main_text,
        pub_date=f.publish_date,
        pub_date_source=f.publish_date_source,
        pub_date_text=f.publish_date_text,
        today=today,
    )
    return f, m


def page(block: str, body: str = BODY, *, head: str = "", h1: str = "青山县人民政府关于印发青山县某某管理办法的通知", info: str = "") -> str:
    return (
        f"<html><head><title>{h1}_青山县人民政府</title>{head}</head><body>"
        f'<div class="nav"><a href="/">首页</a></div>{block}<h1>{h1}</h1>{info}'
        f'<div class="TRS_Editor">{body}</div><div class="footer">网站标识码：3311270001</div></body></html>'
    )


def dates(m: DocMeta) -> tuple[dt.date | None, dt.date | None]:
    return (m.written.value if m.written else None, m.published.value if m.published else None)


# ---------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------
def test_trs_four_column_table_with_spaced_labels():
    _, m = read(page(
        '<table class="xxgk"><tr><td>索 引 号：</td><td>002581234/2026-00012</td><td>主题分类：</td><td>综合政务</td></tr>'
        "<tr><td>发布机构：</td><td>青山县人民政府</td><td>成文日期：</td><td>2026年09月24日</td></tr>"
        "<tr><td>文\u3000\u3000号：</td><td>青政规〔2026〕5号</td><td>发布日期：</td><td>2026-10-29</td></tr>"
        '<tr><td>有 效 性：</td><td colspan="3">有效</td></tr></table>'
    ))
    assert m.doc_no and m.doc_no.text == "青政规〔2026〕5号" and m.doc_no_source == "doc_meta:文号"
    assert dates(m) == (D(2026, 9, 24), D(2026, 10, 29))
    assert (m.written.source, m.published.source) == ("doc_meta:成文日期", "doc_meta:发布日期")
    assert (m.validity, m.index_no, m.publisher, m.topic) == ("有效", "002581234/2026-00012", "青山县人民政府", "综合政务")
    assert m.warnings == [] and m.conflicts == []


def test_two_column_table_with_th_labels_and_chinese_numerals():
    _, m = read(page(
        "<table><tr><th>索引号</th><td>1</td></tr><tr><th>成文日期</th><td>二〇二六年九月二十四日</td></tr>"
        "<tr><th>发布日期</th><td>2026年10月29日</td></tr><tr><th>文号</th><td>青政办发[2026]3号</td></tr>"
        "<tr><th>时效性</th><td>现行有效</td></tr></table>"
    ))
    assert dates(m) == (D(2026, 9, 24), D(2026, 10, 29))
    assert m.doc_no.text == "青政办发〔2026〕3号" and m.validity == "有效"


def test_definition_list():
    _, m = read(page(
        '<dl class="xxgk"><dt>索引号：</dt><dd>11330000/2026-1</dd><dt>发文机关：</dt><dd>青山县人民政府办公室</dd>'
        "<dt>成文日期：</dt><dd>2026/02/05</dd><dt>发布日期：</dt><dd>2026.3.11</dd>"
        "<dt>发文字号：</dt><dd>青政办规【2026】2号</dd><dt>效力状态：</dt><dd>已废止</dd></dl>"
    ))
    assert dates(m) == (D(2026, 2, 5), D(2026, 3, 11))
    assert m.doc_no.text == "青政办规〔2026〕2号" and m.publisher == "青山县人民政府办公室"
    assert (m.validity, m.validity_raw) == ("废止", "已废止")


def test_div_span_pairs():
    _, m = read(page(
        '<div class="xxgk"><ul><li><span class="k">索引号：</span><span>A-1</span></li>'
        '<li><span class="k">文号：</span><span>岚综管办规（2023）12号</span></li>'
        '<li><span class="k">成文日期：</span><span>２０２３－０５－３０</span></li>'
        '<li><span class="k">发布日期：</span><span>2023-05-30 09:45</span></li>'
        '<li><span class="k">有效性：</span><span>失效</span></li></ul></div>'
    ))
    assert m.doc_no.text == "岚综管办规〔2023〕12号"
    assert dates(m) == (D(2023, 5, 30), D(2023, 5, 30))
    assert m.validity == "失效"


def test_one_line_of_text():
    _, m = read(page(
        '<p class="xxgk-line">索引号：002581234/2026-7 发布机构：青山县人民政府办公室 成文日期：2026-10-26 '
        "文号：青政办规〔2026〕7号 有效性：有效</p>",
        info='<div class="info">发布时间：2026-10-30 10:32 来源：青山县人民政府办公室</div>',
    ))
    assert m.doc_no.text == "青政办规〔2026〕7号" and m.validity == "有效"
    assert dates(m) == (D(2026, 10, 26), D(2026, 10, 30))
    assert m.published.source == "visible"  # no 发布日期 in the line: the info bar


def test_meta_tags_named_after_the_labels():
    _, m = read(page(
        "", head='<meta name="文号" content="青政发〔2026〕3号"><meta name="成文日期" content="2026-07-01">'
                 '<meta name="有效性" content="有效"><meta name="PubDate" content="2026-07-03 09:00">'
    ))
    assert m.doc_no.text == "青政发〔2026〕3号" and m.validity == "有效"
    assert dates(m) == (D(2026, 7, 1), D(2026, 7, 3))


def test_no_block_signature_and_info_bar():
    body = (
        "<p>青政办规〔2026〕8号</p><p>各乡镇人民政府，县政府各部门：</p><p>" + "现将有关事项通知如下。" * 20 + "</p>"
        "<p>本办法自2026年11月1日起施行。</p><p>青山县人民政府办公室</p><p>二〇二六年十月十六日</p><p>（此件公开发布）</p>"
    )
    _, m = read(page("", body, info='<div class="info">发布时间：2026-10-19 10:32 来源：青山县人民政府办公室</div>'))
    assert m.doc_no.text == "青政办规〔2026〕8号" and m.doc_no_source == "text"
    assert m.written.value == D(2026, 10, 16) and m.written.source == "signature"
    assert m.written.raw == "二〇二六年十月十六日"
    assert m.published.value == D(2026, 10, 19) and m.published.source == "visible"
    assert m.validity is None and not m.has_block


def test_labels_without_colons_in_table_cells():
    _, m = read(page(
        "<table><tr><td>索引号</td><td>X-1</td><td>发布机构</td><td>某局</td></tr>"
        "<tr><td>成文日期</td><td>2026-06-01</td><td>发布日期</td><td>2026-06-05</td></tr>"
        "<tr><td>文号</td><td>无</td><td>有效性</td><td></td></tr></table>"
    ))
    assert dates(m) == (D(2026, 6, 1), D(2026, 6, 5))
    assert m.doc_no is None and m.validity is None  # "无" and an empty cell are missing values
    assert "文号" in m.labels and "有效性" in m.labels


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-24", D(2026, 9, 24)),
        ("2026/9/24", D(2026, 9, 24)),
        ("2026.09.24", D(2026, 9, 24)),
        ("2026年9月24日", D(2026, 9, 24)),
        ("2026 年 09 月 24 日", D(2026, 9, 24)),
        ("二〇二六年九月二十四日", D(2026, 9, 24)),
        ("二零二六年十二月三十一日", D(2026, 12, 31)),
        ("２０２６－０９－２４", D(2026, 9, 24)),
        ("2026-09-24 10:32:59", D(2026, 9, 24)),
    ],
)
def test_date_forms_in_the_block(raw, expected):
    m = read_doc_meta({"成文日期": raw}, today=T)
    assert m.written is not None and m.written.value == expected and m.written.raw == raw
    assert m.warnings == []


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "text", "normative"),
    [
        ("青政〔2026〕12号", "青政〔2026〕12号", False),
        ("青政办发〔2026〕3号", "青政办发〔2026〕3号", False),
        ("青政办发[2026]3号", "青政办发〔2026〕3号", False),
        ("青政办规【2026】3号", "青政办规〔2026〕3号", True),
        ("岚综管办规〔2023〕12号", "岚综管办规〔2023〕12号", True),
        ("青政规（2026）5号", "青政规〔2026〕5号", True),
        ("青教规字〔2026〕第2号", "青教规字〔2026〕2号", True),
        ("青自然资规划发〔2026〕4号", "青自然资规划发〔2026〕4号", False),  # 规划, not 规
        ("文号：青政发〔2026〕1号", "青政发〔2026〕1号", False),
    ],
)
def test_doc_numbers(raw, text, normative):
    no = normalize_doc_no(raw)
    assert no is not None and no.text == text
    assert is_normative_doc_no(no) is normative


@pytest.mark.parametrize("raw", ["", "无", "—", "2026年12号", "青政发2026-12"])
def test_not_doc_numbers(raw):
    assert normalize_doc_no(raw) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [("有效", "有效"), ("现行有效", "有效"), ("失效", "失效"), ("已失效", "失效"), ("部分失效", "失效"), ("废止", "废止"),
     ("已废止", "废止"), ("已修改", "修改"), ("", None), ("—", None), ("待定", None)],
)
def test_validity_values(raw, value):
    assert validity_of(raw) == value


def test_unknown_validity_is_a_warning_with_the_raw_text():
    m = read_doc_meta({"有效性": "待定", "文号": "青政规〔2026〕1号"}, today=T)
    assert m.validity is None
    assert m.warnings == [{"field": "有效性", "issue": "unknown_value", "raw": "待定", "source": "doc_meta:有效性"}]


def test_abolished_stamp_in_the_body_when_there_is_no_block():
    m = read_doc_meta({}, main_text="（此件已废止） 各乡镇人民政府：现将……", today=T)
    assert (m.validity, m.validity_source) == ("废止", "text")
    m = read_doc_meta({}, title="【已失效】关于印发某办法的通知", today=T)
    assert m.validity == "失效"
    m = read_doc_meta({}, main_text="各乡镇人民政府：原《某办法》已废止，现将新办法印发给你们。", today=T)
    assert m.validity is None  # another document's status, not a stamp


@pytest.mark.parametrize(
    ("text", "until", "basis"),
    [
        ("第十一条 本办法自2023年1月1日起施行，有效期至2025年12月31日。", D(2025, 12, 31), "until"),
        ("本办法有效期至2025年12月。", D(2025, 12, 31), "until"),
        ("本规定自2021年1月1日起施行，有效期5年。", D(2025, 12, 31), "years"),
        ("本办法自2024年2月29日起施行，有效期两年。", D(2026, 2, 27), "years"),
        ("本意见有效期自2021年3月1日至2026年2月28日。", D(2026, 2, 28), "until"),
        ("本细则自印发之日起施行，有效期三年。", D(2029, 9, 23), "years"),  # 成文 2026-09-24
        ("本规定自发布之日起施行，有效期五年。", D(2031, 10, 28), "years"),  # 发布 2026-10-29
        ("本办法自２０２２年１月１日起实施，有效期为3年。", D(2024, 12, 31), "years"),
    ],
)
def test_validity_period_from_the_body(text, until, basis):
    vu = valid_until_from_text(text, T, written=D(2026, 9, 24), published=D(2026, 10, 29))
    assert vu is not None and (vu.value, vu.basis) == (until, basis)


@pytest.mark.parametrize(
    "text",
    ["本办法自发布之日起施行。", "有效期2年。", "有效期至2026年2月30日。", "有效期内，申请人应当……", ""],
)
def test_no_validity_period(text):
    assert valid_until_from_text(text, T) is None


def test_validity_period_from_the_block():
    m = read_doc_meta({"有效性": "有效", "有效期": "2021-01-01至2025-12-31"}, today=T)
    assert m.valid_until.value == D(2025, 12, 31) and m.valid_until.source == "doc_meta:有效期"
    m = read_doc_meta({"有效性": "有效", "失效日期": "2026年6月30日"}, today=T)
    assert (m.valid_until.value, m.valid_until.basis) == (D(2026, 6, 30), "abolished")
    m = read_doc_meta({"有效期": "5年", "施行日期": "2021-01-01"}, today=T)
    assert m.valid_until.value == D(2025, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("青山县人民政府 2026年9月24日 （此件公开发布）", D(2026, 9, 24)),
        ("……特此通知。 青山县人民政府办公室 二〇二六年九月二十四日", D(2026, 9, 24)),
        ("本办法自2026年1月1日起施行。 青山县财政局 2026年2月3日 附件：1.申请表", D(2026, 2, 3)),
        ("青山县教育局（青山县语言文字工作委员会办公室） 2026年3月1日", D(2026, 3, 1)),
    ],
)
def test_signature_dates(text, expected):
    found, _raw = signature_date(text, T)
    assert found is not None and found.value == expected


def test_dates_in_sentences_are_not_signatures():
    assert signature_date("本办法自2026年1月1日起施行，由县财政局负责解释。", T) == (None, None)


# ---------------------------------------------------------------------------
# Bad input: a warning with the raw text, never a crash, never a silent guess
# ---------------------------------------------------------------------------
def test_impossible_date_is_a_warning_not_a_date():
    m = read_doc_meta({"成文日期": "2026-02-30", "发布日期": "2026-03-02", "文号": "青政规〔2026〕1号"}, today=T)
    assert m.written is None
    assert m.warnings == [{"field": "成文日期", "issue": "impossible_date", "raw": "2026-02-30", "source": "doc_meta:成文日期"}]


def test_impossible_signature_date():
    m = read_doc_meta({}, main_text="特此通知。 青山县财政局 2026年2月30日", today=T)
    assert m.written is None
    assert m.warnings[0]["issue"] == "impossible_date" and m.warnings[0]["raw"] == "2026年2月30日"


def test_month_only_signature_is_recorded():
    m = read_doc_meta({}, main_text="现印发给你们。 平潭综合实验区管委会办公室 2023年5月 日 平潭综合实验区……", today=T)
    assert m.written is None
    assert m.warnings == [{"field": "成文日期", "issue": "no_day", "raw": "2023年5月 日", "source": "signature"}]


def test_written_after_published():
    m = read_doc_meta({"成文日期": "2026-10-30", "发布日期": "2026-10-29"}, today=T)
    assert dates(m) == (D(2026, 10, 30), D(2026, 10, 29))
    assert m.warnings[0]["issue"] == "written_after_published"
    assert (m.warnings[0]["raw"], m.warnings[0]["published_raw"]) == ("2026-10-30", "2026-10-29")


def test_block_and_info_bar_disagree_on_the_publish_date():
    _, m = read(page(
        "<table><tr><td>索引号：</td><td>1</td><td>文号：</td><td>青政规〔2026〕5号</td></tr>"
        "<tr><td>成文日期：</td><td>2026-09-24</td><td>发布日期：</td><td>2026-10-29</td></tr></table>",
        info='<div class="info">发布时间：2026-11-05 10:32</div>',
    ))
    assert m.published.value == D(2026, 10, 29)  # the 目录 value wins …
    assert m.conflicts == [{  # … and the disagreement is kept
        "field": "发布日期",
        "values": [
            {"date": "2026-10-29", "raw": "2026-10-29", "source": "doc_meta:发布日期"},
            {"date": "2026-11-05", "raw": "2026-11-05 10:32", "source": "visible"},
        ],
    }]


def test_two_dates_in_one_value():
    m = read_doc_meta({"发布日期": "2026-10-29（更新：2026-11-02）"}, today=T)
    assert m.published.value == D(2026, 10, 29)
    assert m.warnings[0]["issue"] == "several_dates" and m.warnings[0]["dates"] == ["2026-10-29", "2026-11-02"]


def test_two_written_dates_in_one_block():
    m = read_doc_meta({"成文日期": "2026-09-24", "签发日期": "2026-09-20"}, today=T)
    assert m.written.value == D(2026, 9, 24)
    assert m.conflicts[0]["field"] == "成文日期"


@pytest.mark.parametrize(
    "doc_meta",
    [{}, {"文号": "青政〔"}, {"成文日期": "2026年13月1日"}, {"发布日期": "明天"}, {"有效期": "长期"}, {"": ""}],
)
def test_garbage_never_crashes(doc_meta):
    m = read_doc_meta(doc_meta, title="《", main_text="有效期至 自 起施行 有效期五年", pub_date="not a date", today=T)
    assert isinstance(m, DocMeta)


# ---------------------------------------------------------------------------
# Real pages (shared/realpages, MANIFEST.md)
# ---------------------------------------------------------------------------
def real(realpage, name: str) -> tuple[PageFacts, DocMeta]:
    return read(realpage(name))


def test_009_normative_document(realpage):
    f, m = real(realpage, "009.html")
    assert m.doc_no.text == "岚综管办规〔2023〕12号" and is_normative_doc_no(m.doc_no)
    assert dates(m) == (D(2023, 5, 30), D(2023, 5, 30))
    assert (m.written.source, m.published.source) == ("doc_meta:成文日期", "doc_meta:发布日期")
    assert m.validity == "有效" and m.index_no == "PZ00108-0300-2023-00038"
    assert m.publisher == "平潭综合实验区财政金融局"
    # 第十一条: 自2023年1月1日起施行，有效期至2025年12月31日 -> stale 有效 for any date after it
    assert m.valid_until.value == D(2025, 12, 31) and m.valid_until.source == "text"
    assert "有效期至2025年12月31日" in m.valid_until.raw
    assert m.conflicts == []
    # the body's own signature leaves the day blank: "2023年5月 日" is read as month-only, never guessed
    assert signature_date(f.main_text, T) == (None, "2023年5月 日")


def test_009_has_no_static_interpretation_link(realpage):
    links = extract_links(Selector(text=realpage("009.html")), "https://www.pingtan.gov.cn/zwgk/t20230530_78342.htm")
    assert interpretation_links((lk.target, lk.anchor) for lk in links) == []  # the 文字解读 panel is AJAX


def test_001_related_interpretation_link(realpage):
    links = extract_links(Selector(text=realpage("001.html")), "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/x.shtml")
    assert interpretation_links((lk.target, lk.anchor) for lk in links) == [(
        "http://www.wanzai.gov.cn/wzxrmzf/tjjjdhy/202307/bb8049063e11403994c3d01d8813a11a.shtml",
        "图文解读：《万载县2022年国民经济和社会发展统计公报》",
    )]


def test_002_003_related_interpretations(realpage):
    def found(name):
        links = extract_links(Selector(text=realpage(name)), "https://www.yichun.gov.cn/ycsrmzf/tjgb/x.shtml")
        return interpretation_links((lk.target, lk.anchor) for lk in links)

    assert found("002.html") == []  # 关联稿件 panel empty, nothing in the body
    # 003: the 关联稿件 panel is empty too, but the body ends with "相关解读：《江西省 2022年…》解读"
    assert found("003.html") == [(
        "http://www.yichun.gov.cn/yctjj/jdhy/202304/e23e625ebadd49c18afe73a4caffbaeb.shtml",
        "《江西省 2022年国民经济和社会发展统计公报》解读",
    )]


def test_001_statistics_bulletin_metadata(realpage):
    _, m = real(realpage, "001.html")
    assert m.doc_no is None and m.validity is None and m.index_no == "014742224A/2023-0043406"
    assert m.written.value == D(2023, 5, 11) and m.written.source == "doc_meta:生成日期"


def test_002_003_dates(realpage):
    _, m = real(realpage, "002.html")
    assert m.written.value == D(2023, 4, 18) and m.written.source == "doc_meta:发文日期"
    _, m = real(realpage, "003.html")
    assert m.written.value == D(2023, 3, 31)


def test_010_annual_report_metadata(realpage):
    _, m = real(realpage, "010.html")
    assert m.published.value == D(2024, 1, 17) and m.published.source == "doc_meta:公开日期"
    assert m.written.value == D(2024, 1, 17) and m.written.source == "signature"
    assert m.doc_no is None and m.validity is None  # 文号 and 时效 are empty in the table


@pytest.mark.parametrize(
    ("anchor", "target", "yes"),
    [
        ("图文解读：《万载县2022年国民经济和社会发展统计公报》", "http://x/a/1.shtml", True),
        ("一图读懂《青山县农村集体经济组织财务管理办法》", "http://x/a/2.html", True),
        ("关于《青山县促进就业创业若干规定》的解读", "http://x/a/3.html", True),
        ("平潭政策解读", "https://www.pingtan.gov.cn/jdhy/zcjd/", False),
        ("解读回应", "https://www.pingtan.gov.cn/jdhy/", False),
        ("政策解读", "http://x/zcjd/index.html", False),
        ("青山县人民政府关于印发某办法的通知", "http://x/a/4.html", False),
    ],
)
def test_interpretation_anchors(anchor, target, yes):
    assert is_interpretation_anchor(anchor, target) is yes
