"""The disclosure and document rules over real SQLite facts: positives and near misses.

Working days follow the official calendar (chinesecalendar): the cases around
国庆 2026 and 春节 2026 pin "exactly 20 passes, 21 fails" and the two ways a
naive Monday–Friday count disagrees with it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from parsel import Selector

from audits.config import parse_config
from crawler.extract.page import extract_page
from tests.facts import ROOT, Facts
from tests.site import disclosure as S

T = dt.date(2026, 12, 15)
D = dt.date
GFXWJ = ROOT + "gfxwj/"
ZCJD = ROOT + "zcjd/"


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def new_facts(tmp_path, name: str = "f.db", site_name: str = "青山县人民政府", roots: list[str] | None = None) -> Facts:
    f = Facts(tmp_path / name, roots=roots)
    f.home(ROOT, meta={"SiteName": site_name})
    f.items(ROOT, [T - dt.timedelta(days=1)])
    return f


def doc(
    f: Facts,
    url: str,
    title: str,
    *,
    no: str | None = "青政规〔2026〕5号",
    written: dt.date | None = None,
    published: dt.date | None = None,
    validity: str | None = "有效",
    main_text: str = "各乡镇人民政府：现将有关事项通知如下。",
    column: str = "规范性文件",
    extra: dict[str, str] | None = None,
    pub_source: str = "doc_meta",
) -> None:
    dm: dict[str, str] = {"索引号": "002581234/2026-1"}
    if no is not None:
        dm["文号"] = no
    if written:
        dm["成文日期"] = written.isoformat()
    if published:
        dm["发布日期"] = published.isoformat()
    if validity is not None:
        dm["有效性"] = validity
    dm.update(extra or {})
    f.page(url, title=f"{title}_青山县人民政府", article_title=title, is_article=1, column_name=column,
           doc_meta_json=json.dumps(dm, ensure_ascii=False), main_text=main_text,
           pub_date=iso(published), pub_date_source=pub_source if published else None,
           pub_date_text=iso(published), breadcrumb_json=json.dumps(["首页", "政府信息公开", column], ensure_ascii=False))


def interp(f: Facts, url: str, title: str, published: dt.date, links_to: str | None = None) -> None:
    f.page(url, title=f"{title}_青山县人民政府", article_title=title, is_article=1, column_name="政策解读",
           doc_meta_json="{}", main_text="一、制定背景……", pub_date=iso(published), pub_date_source="visible",
           breadcrumb_json=json.dumps(["首页", "政策解读"], ensure_ascii=False))
    if links_to:
        f.link(url, links_to)


def only(found, rule):
    return [x for x in found if x["rule"] == rule]


# ---------------------------------------------------------------------------
# normative-doc-late
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "published", "late", "workdays", "naive"),
    [
        (D(2026, 9, 24), D(2026, 10, 29), False, 20, 25),  # 国庆/中秋 2026: exactly 20 passes …
        (D(2026, 9, 24), D(2026, 10, 30), True, 21, 26),  # … 21 fails
        (D(2026, 2, 5), D(2026, 3, 11), False, 20, 24),  # 春节 2026: exactly 20 (naive says 24: late)
        (D(2026, 2, 5), D(2026, 3, 12), True, 21, 25),
        (D(2026, 2, 24), D(2026, 3, 24), True, 21, 20),  # 调休 Saturday 2-28 works: naive says on time
        (D(2025, 10, 9), D(2025, 11, 6), True, 21, 20),  # 调休 Saturday 2025-10-11
        (D(2026, 11, 2), D(2026, 11, 2), False, 0, 0),  # same day
    ],
)
def test_normative_doc_late_working_days(tmp_path, written, published, late, workdays, naive):
    f = new_facts(tmp_path)
    doc(f, GFXWJ + "a.html", "青山县人民政府关于印发青山县某某管理办法的通知", written=written, published=published)
    as_of = published + dt.timedelta(days=30)
    found = f.audit(as_of, rule="normative-doc-late")
    assert [x["url"] for x in found] == ([GFXWJ + "a.html"] if late else [])
    if late:
        ev = found[0]["evidence"]
        assert ev["workdays"] == workdays and ev["threshold_workdays"] == 20
        assert ev["written"] == {"date": written.isoformat(), "raw": written.isoformat(), "source": "doc_meta:成文日期"}
        assert ev["published"]["source"] == "doc_meta:发布日期"
        assert ev.get("naive_workdays") == (naive if naive != workdays else None)
        assert f"{workdays} 个工作日" in found[0]["message"] and found[0]["severity"] == "major"
        assert found[0]["category"] == "不及时"


def test_normative_doc_late_without_calendar_data_says_so(tmp_path):
    f = new_facts(tmp_path)
    doc(f, GFXWJ + "a.html", "青山县人民政府关于印发某某办法的通知", no="青政规〔2027〕1号",
        written=D(2027, 3, 1), published=D(2027, 3, 30))
    found = f.audit(D(2027, 4, 15), rule="normative-doc-late")
    ev = found[0]["evidence"]
    assert ev["workdays"] == 21 and ev["calendar_fallback_years"] == [2027] and "周一至周五" in ev["calendar_note"]


def test_holiday_file_fills_a_year(tmp_path):
    f = new_facts(tmp_path)
    doc(f, GFXWJ + "a.html", "青山县人民政府关于印发某某办法的通知", no="青政规〔2027〕1号",
        written=D(2027, 3, 1), published=D(2027, 3, 30))
    hol = tmp_path / "h.json"
    hol.write_text(json.dumps({"holidays": ["2027-03-15"]}), encoding="utf-8")
    from audits.config import load_config

    assert f.audit(D(2027, 4, 15), load_config(None, hol), rule="normative-doc-late") == []


def test_normative_doc_late_near_misses(tmp_path):
    f = new_facts(tmp_path)
    # 成文 after 发布: not judged here (normative-doc-incomplete reports it)
    doc(f, GFXWJ + "b.html", "关于印发某某办法的通知", written=D(2026, 11, 1), published=D(2026, 10, 1))
    # no 成文日期 at all
    doc(f, GFXWJ + "c.html", "关于印发某某细则的通知", written=None, published=D(2026, 11, 1))
    # late, but published more than 365 days ago
    doc(f, GFXWJ + "d.html", "关于印发某某规定的通知", written=D(2025, 1, 2), published=D(2025, 6, 2))
    assert f.audit(T, rule="normative-doc-late") == []
    cfg = parse_config({"rules": {"normative-doc-late": {"since_days": 0}}})
    assert [x["url"] for x in f.audit(T, cfg, rule="normative-doc-late")] == [GFXWJ + "d.html"]


def test_signature_date_and_info_bar_when_there_is_no_block(tmp_path):
    f = new_facts(tmp_path)
    f.page(GFXWJ + "e.html", title="青山县人民政府办公室关于印发青山县某某管理办法的通知", is_article=1,
           doc_meta_json="{}", column_name="规范性文件", pub_date="2026-10-30", pub_date_source="visible",
           pub_date_text="2026-10-30 10:32",
           main_text="青政办规〔2026〕6号 各乡镇人民政府：…… 青山县人民政府办公室 二〇二六年九月二十四日 （此件公开发布）")
    found = f.audit(T, rule="normative-doc-late")
    ev = found[0]["evidence"]
    assert (ev["written"]["source"], ev["written"]["raw"]) == ("signature", "二〇二六年九月二十四日")
    assert (ev["published"]["source"], ev["published"]["raw"]) == ("visible", "2026-10-30 10:32")
    assert ev["workdays"] == 21 and ev["doc_no"] == "青政办规〔2026〕6号"


def test_not_applicable_without_normative_documents(tmp_path):
    f = new_facts(tmp_path)
    doc(f, ROOT + "news.html", "县领导调研安全生产工作", no=None, column="本地要闻", written=D(2026, 1, 1), published=D(2026, 6, 1))
    assert f.audit(T, rule="normative-doc-late") == []
    assert f.status("normative-doc-late") == "not_applicable"


@pytest.mark.parametrize(
    ("title", "no", "column", "config", "normative"),
    [
        ("关于做好某项工作的通知", "青政办规〔2026〕1号", "通知公告", None, True),  # 规 in the 文号
        ("关于做好某项工作的通知", "青政办发〔2026〕1号", "行政规范性文件", None, True),  # the column
        ("关于印发青山县某某实施细则的通知", "青政办发〔2026〕1号", "通知公告", None, True),  # title word + 文号
        ("关于印发青山县某某实施细则的通知", None, "通知公告", None, False),  # title word, no 文号
        ("关于做好某项工作的通知", "青政办发〔2026〕1号", "通知公告", None, False),
        ("关于印发青山县某某实施意见的通知", "青政办发〔2026〕1号", "通知公告", {"title_words": ["意见"]}, True),
        ("关于做好某项工作的通知", "青政办发〔2026〕1号", "政策文件", {"column_words": ["政策文件"]}, True),
        ("《青山县某某办法》政策解读", "青政办发〔2026〕1号", "规范性文件", None, False),  # an interpretation
    ],
)
def test_which_pages_are_normative_documents(tmp_path, title, no, column, config, normative):
    f = new_facts(tmp_path)
    doc(f, ROOT + "x.html", title, no=no, column=column, written=D(2026, 9, 24), published=D(2026, 10, 30))
    cfg = parse_config({"rules": {"normative-doc-late": config}}) if config else None
    found = f.audit(T, cfg, rule="normative-doc-late")
    assert len(found) == (1 if normative else 0)
    if normative:
        assert found[0]["evidence"]["normative_because"]


def test_listed_in_a_normative_column(tmp_path):
    f = new_facts(tmp_path)
    f.column(GFXWJ, "规范性文件", [D(2026, 10, 30)])
    doc(f, GFXWJ + "item0.html", "关于做好某项工作的通知", no="青政办发〔2026〕1号", column="",
        written=D(2026, 9, 24), published=D(2026, 10, 30))
    found = f.audit(T, rule="normative-doc-late")
    assert found[0]["evidence"]["normative_because"] == "所在栏目“规范性文件”"
    assert found[0]["column_name"] == "规范性文件"


# ---------------------------------------------------------------------------
# normative-doc-incomplete
# ---------------------------------------------------------------------------
def test_normative_doc_incomplete(tmp_path):
    f = new_facts(tmp_path)
    doc(f, GFXWJ + "ok.html", "关于印发某某办法的通知", written=D(2026, 9, 1), published=D(2026, 9, 3))
    doc(f, GFXWJ + "a.html", "关于印发某某办法的通知", no="青政规〔2026〕2号", written=D(2026, 9, 1), published=D(2026, 9, 3), validity=None)
    doc(f, GFXWJ + "b.html", "关于印发某某规定的通知", no=None, written=None, published=D(2026, 9, 3), validity="")
    doc(f, GFXWJ + "c.html", "关于印发某某细则的通知", written=None, published=D(2026, 3, 2),
        extra={"成文日期": "2026-02-30"})
    doc(f, GFXWJ + "d.html", "关于印发某某办法的通知", written=D(2026, 10, 30), published=D(2026, 10, 29))
    doc(f, GFXWJ + "e.html", "关于印发某某办法的通知", written=D(2026, 9, 1), published=D(2026, 9, 3), validity="待定")
    doc(f, GFXWJ + "g.html", "关于印发某某办法的通知", written=D(2026, 9, 1), published=D(2026, 9, 3), pub_source="doc_meta")
    f.db["pages"].update((f.run_id, GFXWJ + "g.html"), {"pub_date": "2026-09-10", "pub_date_source": "visible", "pub_date_text": "2026-09-10 10:00"})
    found = {x["url"].rsplit("/", 1)[1]: x for x in f.audit(T, rule="normative-doc-incomplete")}
    assert sorted(found) == ["a.html", "b.html", "c.html", "d.html", "e.html", "g.html"]
    assert found["a.html"]["evidence"]["missing"] == ["有效性"]
    assert "缺少有效性" in found["a.html"]["message"] and found["a.html"]["severity"] == "minor"
    assert found["b.html"]["evidence"]["missing"] == ["文号", "成文日期", "有效性"]
    c = found["c.html"]["evidence"]
    assert c["missing"] == [] and c["inaccurate"][0]["raw"] == "2026-02-30" and c["inaccurate"][0]["issue"] == "impossible_date"
    assert "“2026-02-30”不是有效日期" in found["c.html"]["message"]
    assert found["d.html"]["evidence"]["inaccurate"][0]["issue"] == "written_after_published"
    assert "晚于发布日期" in found["d.html"]["message"]
    assert "“待定”" in found["e.html"]["message"]
    g = found["g.html"]["evidence"]["inaccurate"][0]
    assert g["issue"] == "conflict" and [v["date"] for v in g["values"]] == ["2026-09-03", "2026-09-10"]


# ---------------------------------------------------------------------------
# normative-doc-expired
# ---------------------------------------------------------------------------
def test_normative_doc_expired(tmp_path):
    f = new_facts(tmp_path)
    body = "第十一条 本办法自2023年1月1日起施行，有效期至2025年12月31日。"
    doc(f, GFXWJ + "a.html", "关于印发某某办法的通知", written=D(2022, 12, 1), published=D(2022, 12, 5), main_text=body)
    doc(f, GFXWJ + "b.html", "关于印发某某规定的通知", written=D(2022, 12, 1), published=D(2022, 12, 5), main_text=body, validity="失效")
    doc(f, GFXWJ + "c.html", "关于印发某某细则的通知", written=D(2022, 12, 1), published=D(2022, 12, 5), main_text=body, validity=None)
    doc(f, GFXWJ + "d.html", "关于印发某某办法的通知", written=D(2021, 1, 1), published=D(2021, 1, 5),
        main_text="本办法自2021年1月1日起施行，有效期5年。")
    doc(f, GFXWJ + "e.html", "关于印发某某办法的通知", written=D(2022, 1, 1), published=D(2022, 1, 5),
        main_text="本办法自2022年1月1日起施行，有效期5年。")
    found = f.audit(T, rule="normative-doc-expired")
    assert sorted(x["url"] for x in found) == [GFXWJ + "a.html", GFXWJ + "d.html"]
    a = next(x for x in found if x["url"].endswith("a.html"))
    assert a["evidence"]["valid_until"]["date"] == "2025-12-31" and a["evidence"]["days_since_expiry"] == 349
    assert "2025-12-31" in a["message"] and "失效" in a["message"] and a["severity"] == "major"
    d = next(x for x in found if x["url"].endswith("d.html"))["evidence"]["valid_until"]
    assert (d["basis"], d["effective_from"], d["years"]) == ("years", "2021-01-01", 5)


@pytest.mark.parametrize(("as_of", "expired"), [(D(2025, 12, 31), False), (D(2026, 1, 1), True)])
def test_real_page_009_expires_after_2025(tmp_path, realpage, as_of, expired):
    """009: 岚综管办规〔2023〕12号, 有效性 有效, 有效期至2025年12月31日 -> expired as of 2026."""
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/t20230530_78342.htm"
    root = "https://www.pingtan.gov.cn/"
    facts = extract_page(Selector(text=realpage("009.html")), url, as_of)
    f = Facts(tmp_path / "r.db", roots=[root])
    f.home(root, meta={"SiteName": "平潭综合实验区党工委管委会"})
    f.page(url, root, title=facts.title, article_title=facts.meta.get("ArticleTitle"), is_article=1,
           doc_meta_json=json.dumps(facts.doc_meta, ensure_ascii=False), main_text=facts.main_text,
           column_name=facts.meta.get("ColumnName"), breadcrumb_json=json.dumps(facts.breadcrumb, ensure_ascii=False),
           pub_date=iso(facts.publish_date), pub_date_source=facts.publish_date_source, pub_date_text=facts.publish_date_text)
    found = f.audit(as_of)
    assert [x["url"] for x in only(found, "normative-doc-expired")] == ([url] if expired else [])
    assert only(found, "normative-doc-late") == [] and only(found, "normative-doc-incomplete") == []
    if expired:
        ev = only(found, "normative-doc-expired")[0]["evidence"]
        assert ev["doc_no"] == "岚综管办规〔2023〕12号" and ev["valid_until"]["date"] == "2025-12-31"
        assert ev["normative_because"] == "文号“岚综管办规〔2023〕12号”含“规”字"


# ---------------------------------------------------------------------------
# interpretation-missing / interpretation-late
# ---------------------------------------------------------------------------
def _doc_and_interp(f: Facts, key: str, *, doc_links: bool, interp_links: bool, interp_title: str | None = None,
                    published: dt.date = T - dt.timedelta(days=27), interp_date: dt.date | None = None) -> tuple[str, str]:
    durl, iurl = f"{GFXWJ}{key}.html", f"{ZCJD}{key}.html"
    doc(f, durl, f"青山县人民政府关于印发青山县{key}管理办法的通知", written=published - dt.timedelta(days=2), published=published)
    interp(f, iurl, interp_title or f"《青山县{key}管理办法》政策解读", interp_date or published, links_to=durl if interp_links else None)
    if doc_links:
        f.link(durl, iurl)
    return durl, iurl


def test_interpretation_missing_ways(tmp_path):
    f = new_facts(tmp_path)
    both, _ = _doc_and_interp(f, "甲", doc_links=True, interp_links=True)
    back, _ = _doc_and_interp(f, "乙", doc_links=False, interp_links=True, interp_title="一图读懂：某某事项")  # interp -> doc only
    fwd, _ = _doc_and_interp(f, "丙", doc_links=True, interp_links=False, interp_title="图解：某某事项")  # doc -> interp only
    title, _ = _doc_and_interp(f, "丁", doc_links=False, interp_links=False)  # title only
    none = GFXWJ + "戊.html"
    doc(f, none, "青山县人民政府关于印发青山县戊管理办法的通知", written=D(2026, 11, 16), published=D(2026, 11, 18))
    found = {x["url"]: x for x in f.audit(T, rule="interpretation-missing")}
    assert set(found) == {back, fwd, title, none}
    assert found[none]["severity"] == "major" and "没有发布政策解读" in found[none]["message"]
    assert found[none]["evidence"]["interpretations"] == []
    for url, ways, text in ((back, ["interp→doc"], "文件页面没有链接到解读"), (fwd, ["doc→interp"], "解读页面没有链接回文件原文"),
                            (title, ["title"], "没有互相链接")):
        assert found[url]["severity"] == "minor", url
        assert found[url]["evidence"]["ways"] == ways and found[url]["evidence"]["two_way"] is False
        assert text in found[url]["message"]
    assert both not in found
    cfg = parse_config({"rules": {"interpretation-missing": {"require_two_way": False}}})
    assert [x["url"] for x in f.audit(T, cfg, rule="interpretation-missing")] == [none]


def test_navigation_links_are_not_associations(tmp_path):
    f = new_facts(tmp_path)
    durl = GFXWJ + "a.html"
    doc(f, durl, "青山县人民政府关于印发青山县甲管理办法的通知", written=D(2026, 11, 16), published=D(2026, 11, 18))
    side = ZCJD + "other.html"
    interp(f, side, "《青山县乙规定》政策解读", D(2026, 11, 18))
    for n in range(8):  # a "最新解读" sidebar on every page
        f.link(ROOT + f"p{n}.html", side)
    f.link(durl, side)
    found = f.audit(T, rule="interpretation-missing")
    assert found[0]["severity"] == "major" and found[0]["evidence"]["interpretations"] == []


def test_interpretation_on_another_site_by_link_text(tmp_path):
    f = new_facts(tmp_path)
    durl = GFXWJ + "a.html"
    doc(f, durl, "青山县人民政府关于印发青山县甲管理办法的通知", written=D(2026, 11, 16), published=D(2026, 11, 18))
    f.db["links"].insert({"run_id": f.run_id, "source": durl, "target": "http://jd.example.gov.cn/1.html",
                          "anchor": "图文解读：《青山县甲管理办法》", "kind": "external"})
    found = f.audit(T, rule="interpretation-missing")
    assert found[0]["severity"] == "minor"
    assert found[0]["evidence"]["interpretations"][0]["crawled"] is False


def test_government_policy_documents_need_interpretations_too(tmp_path):
    f = new_facts(tmp_path)
    doc(f, ROOT + "zcwj/a.html", "青山县人民政府关于加快推进现代农业发展的若干意见", no="青政发〔2026〕3号",
        column="政策文件", written=D(2026, 11, 10), published=D(2026, 11, 12), validity=None)
    doc(f, ROOT + "zcwj/b.html", "青山县财政局关于做好年终结算工作的通知", no="青财发〔2026〕9号",
        column="政策文件", written=D(2026, 11, 10), published=D(2026, 11, 12), validity=None,
        extra={"发布机构": "青山县财政局"})
    found = f.audit(T, rule="interpretation-missing")
    assert [x["url"] for x in found] == [ROOT + "zcwj/a.html"]
    assert found[0]["evidence"]["doc_kind"] == "政策文件"
    cfg = parse_config({"rules": {"interpretation-missing": {"include_policy_docs": False}}})
    assert f.audit(T, cfg, rule="interpretation-missing") == []
    assert f.status("interpretation-missing") == "not_applicable"


@pytest.mark.parametrize(
    ("doc_date", "interp_date", "late", "workdays"),
    [
        (D(2026, 11, 18), D(2026, 11, 23), False, 3),  # exactly 3
        (D(2026, 11, 18), D(2026, 11, 24), True, 4),
        (D(2026, 11, 18), D(2026, 11, 17), False, 0),  # the day before the document
        (D(2026, 2, 12), D(2026, 2, 24), False, 3),  # 春节: 8 Mon–Fri days, 3 working days (2-14 调休)
        (D(2026, 2, 12), D(2026, 2, 25), True, 4),
    ],
)
def test_interpretation_late(tmp_path, doc_date, interp_date, late, workdays):
    f = new_facts(tmp_path)
    durl, iurl = _doc_and_interp(f, "甲", doc_links=True, interp_links=False, published=doc_date, interp_date=interp_date)
    found = f.audit(doc_date + dt.timedelta(days=60), rule="interpretation-late")
    assert [x["url"] for x in found] == ([iurl] if late else [])
    if late:
        ev = found[0]["evidence"]
        assert (ev["workdays"], ev["threshold_workdays"], ev["two_way"], ev["document"]) == (workdays, 3, False, durl)
        assert found[0]["page"] == durl and found[0]["severity"] == "minor"


def test_interpretation_late_takes_the_earliest(tmp_path):
    f = new_facts(tmp_path)
    durl, _ = _doc_and_interp(f, "甲", doc_links=True, interp_links=True, interp_date=D(2026, 12, 10))
    interp(f, ZCJD + "b.html", "一图读懂《青山县甲管理办法》", D(2026, 11, 18), links_to=durl)
    assert f.audit(T, rule="interpretation-late") == []


# ---------------------------------------------------------------------------
# annual reports
# ---------------------------------------------------------------------------
def report(f: Facts, url: str, title: str, published: dt.date | None, root: str = ROOT, tables=None, column: str | None = None) -> None:
    f.page(url, root, title=title, article_title=title, is_article=1, doc_meta_json="{}", pub_date=iso(published),
           pub_date_source="doc_meta" if published else None,
           tables_json=json.dumps(tables, ensure_ascii=False) if tables is not None else None)
    if column:
        f.db["list_items"].insert({"run_id": f.run_id, "page_url": column, "column_url": column, "position": 0,
                                   "title": title, "url": url, "date": iso(published)})


@pytest.mark.parametrize(
    ("site", "published", "rules"),
    [
        ("青山县人民政府", D(2026, 3, 31), set()),  # on the deadline
        ("青山县人民政府", D(2026, 4, 1), {"annual-report-late"}),
        ("青山县教育局", D(2026, 1, 31), set()),
        ("青山县教育局", D(2026, 2, 1), {"annual-report-late"}),
        ("青山县人民政府", None, {"annual-report-missing"}),
    ],
)
def test_annual_report_deadlines(tmp_path, site, published, rules):
    f = new_facts(tmp_path, site_name=site)
    f.column(ROOT + "gknb/", "政府信息公开年报", [D(2026, 3, 1)])
    if published:
        report(f, ROOT + "gknb/r2025.html", f"{site}2025年政府信息公开工作年度报告", published, column=ROOT + "gknb/")
    report(f, ROOT + "gknb/r2024.html", f"{site}2024年政府信息公开工作年度报告", D(2025, 1, 10), column=ROOT + "gknb/")
    found = f.audit(T)
    got = {x["rule"] for x in found if x["rule"].startswith("annual-report")}
    assert got == rules
    if "annual-report-late" in rules:
        x = only(found, "annual-report-late")[0]
        assert x["url"] == ROOT + "gknb/r2025.html" and x["severity"] == "minor"
        assert x["evidence"]["deadline"] == ("2026-03-31" if "政府" in site else "2026-01-31")
    if "annual-report-missing" in rules:
        x = only(found, "annual-report-missing")[0]
        assert x["url"] == ROOT + "gknb/" and x["evidence"]["year"] == 2025
        assert "2025 年度" in x["message"] and x["severity"] == "major"


def test_other_organs_reports_do_not_count_and_kind_is_configurable(tmp_path):
    f = new_facts(tmp_path, site_name="青山县人民政府")
    report(f, ROOT + "gknb/jyj.html", "青山县教育局2025年政府信息公开工作年度报告", D(2026, 1, 20))
    report(f, ROOT + "gknb/own.html", "青山县人民政府2025年政府信息公开工作年度报告", D(2026, 3, 10))
    assert only(f.audit(T), "annual-report-missing") == []
    cfg = parse_config({"site": [{"root": ROOT, "kind": "department"}]})
    late = only(f.audit(T, cfg), "annual-report-late")
    assert [x["url"] for x in late] == [ROOT + "gknb/own.html"]
    assert late[0]["evidence"]["site_kind_source"] == "config"


def test_own_report_on_a_central_platform_counts(tmp_path):
    other = "http://127.0.0.2:9/"
    f = Facts(tmp_path / "c.db", roots=[ROOT, other])
    f.home(ROOT, meta={"SiteName": "青山县人民政府"})
    f.home(other, meta={"SiteName": "青山县卫生健康局"})
    report(f, ROOT + "gknb/wjj.html", "青山县卫生健康局2025年政府信息公开工作年度报告", D(2026, 1, 20))
    found = f.audit(T, rule="annual-report-missing")
    assert [x["url"] for x in found] == [ROOT]  # the county's own report is missing, the bureau's is on the portal


def test_attachment_report_counts_as_published_but_is_not_parsed(tmp_path):
    f = new_facts(tmp_path, site_name="青山县教育局")
    f.column(ROOT + "gknb/", "信息公开年报", [D(2026, 1, 20)])
    f.db["links"].insert({"run_id": f.run_id, "source": ROOT + "gknb/", "target": ROOT + "gknb/2025nb.pdf",
                          "anchor": "2025年政府信息公开工作年度报告.pdf", "kind": "attachment"})
    found = f.audit(T)
    assert [x for x in found if x["rule"].startswith("annual-report")] == []
    assert f.status("annual-report-inconsistent") == "not_applicable"
    assert f.status("annual-report-late") == "pass"  # no publication date known: no verdict


def test_unreachable_site_is_not_judged(tmp_path):
    f = Facts(tmp_path / "u.db")
    f.home(ROOT, status=503)
    found = f.audit(T)
    assert [x["rule"] for x in found] == ["site-unreachable"]


def _tables(year: int):
    rep = S._portal_report(year)
    html = f"<html><head><title>{rep.title}</title></head><body>{S.report_body(rep)}</body></html>"
    return extract_page(Selector(text=html), "http://x/", T).tables


def test_annual_report_inconsistent(tmp_path):
    f = new_facts(tmp_path)
    good, last = _tables(2025), _tables(2024)
    bad = json.loads(json.dumps(good))
    t3 = next(g for g in bad if any("本年新收" in c for r in g for c in r))
    row = next(r for r in t3 if "本年新收" in r[0])
    row[3] = "42"  # 自然人 41 -> 42
    row[9] = "45"  # 总计 44 -> 45
    report(f, ROOT + "a.html", "青山县人民政府2025年政府信息公开工作年度报告", D(2026, 3, 20), tables=bad)
    report(f, ROOT + "b.html", "青山县人民政府2024年政府信息公开工作年度报告", D(2025, 3, 20), tables=last)
    found = f.audit(T, rule="annual-report-inconsistent")
    assert [(x["url"], x["severity"]) for x in found] == [(ROOT + "a.html", "major")]
    v = found[0]["evidence"]["violations"]
    assert [(x["check"], x["column"], x["left"], x["right"]) for x in v] == [("R1", "自然人", 43, 42), ("R1", "总计", 46, 45)]
    assert "一、本年新收 42 + 二、上年结转 1" in found[0]["message"]


def test_annual_report_cross_year_and_format_problems(tmp_path):
    f = new_facts(tmp_path)
    good, last = _tables(2025), _tables(2024)
    t3 = next(g for g in good if any("本年新收" in c for r in g for c in r))
    t3.remove(next(r for r in t3 if "要求提供公开出版物" in r[2]))  # a missing row
    t2 = next(g for g in good if any("第二十条" in c for r in g for c in r))
    row = next(r for r in t2 if "规范性文件" in r[0])
    row[3] = str(int(row[3]) + 1)  # R6
    report(f, ROOT + "a.html", "青山县人民政府2025年政府信息公开工作年度报告", D(2026, 3, 20), tables=good)
    report(f, ROOT + "b.html", "青山县人民政府2024年政府信息公开工作年度报告", D(2025, 3, 20), tables=last)
    found = f.audit(T, rule="annual-report-inconsistent")
    assert [(x["url"], x["severity"]) for x in found] == [(ROOT + "a.html", "minor"), (ROOT + "a.html", "minor")]
    soft = next(x for x in found if "violations" in x["evidence"])
    assert soft["evidence"]["violations"][0]["check"] == "R6" and soft["evidence"]["previous_report"] == ROOT + "b.html"
    fmt = next(x for x in found if "problems" in x["evidence"])
    assert "要求提供公开出版物" not in fmt["message"] and "（五）不予处理 3." in fmt["message"]
    cfg = parse_config({"rules": {"annual-report-inconsistent": {"cross_year": False, "report_format_problems": False}}})
    assert f.audit(T, cfg, rule="annual-report-inconsistent") == []


def test_real_report_010(tmp_path, realpage):
    """010 (沭阳县发改局 2023): consistent tables, published 2024-01-17 before 1月31日."""
    root = "http://www.shuyang.gov.cn/sygfj/"
    url = root + "gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"
    facts = extract_page(Selector(text=realpage("010.html")), url, T)
    f = Facts(tmp_path / "r.db", roots=[root])
    f.home(root, meta={"SiteName": "沭阳县发展和改革局"})
    f.page(url, root, title=facts.title, is_article=1, doc_meta_json=json.dumps(facts.doc_meta, ensure_ascii=False),
           pub_date=iso(facts.publish_date), pub_date_source=facts.publish_date_source,
           tables_json=json.dumps(facts.tables, ensure_ascii=False))
    found = f.audit(D(2024, 6, 1))
    assert [x for x in found if x["rule"].startswith("annual-report")] == []
    assert f.status("annual-report-inconsistent") == "pass"
    assert only(f.audit(D(2025, 6, 1)), "annual-report-missing")[0]["evidence"]["year"] == 2024


# ---------------------------------------------------------------------------
# disclosure-column-missing
# ---------------------------------------------------------------------------
def _section(f: Facts, anchors: list[str], name: str = "政府信息公开") -> str:
    sec = ROOT + "zfxxgk/"
    f.db["links"].insert({"run_id": f.run_id, "source": ROOT, "target": sec, "anchor": name, "kind": "page"})
    f.page(sec, title=f"{name}_青山县人民政府", column_name=name, is_list=1)
    for n, a in enumerate(anchors):
        f.db["links"].insert({"run_id": f.run_id, "source": sec, "target": sec + f"c{n}/", "anchor": a, "kind": "page"})
    return sec


def test_disclosure_column_missing(tmp_path):
    f = new_facts(tmp_path)
    sec = _section(f, ["信息公开指南", "法定主动公开内容", "公开年报", "首页"])
    found = f.audit(T, rule="disclosure-column-missing")
    assert sorted(x["evidence"]["missing"] for x in found) == ["依申请公开", "政府信息公开制度"]
    assert {x["url"] for x in found} == {sec}
    assert "“政府信息公开制度”" in found[0]["message"] or "“依申请公开”" in found[0]["message"]


def test_disclosure_column_complete_by_variants_and_breadcrumbs(tmp_path):
    f = new_facts(tmp_path)
    _section(f, ["政府信息公开指南", "政府信息公开制度", "主动公开目录"], name="政务公开")
    f.page(ROOT + "zfxxgk/nb/", title="年报", breadcrumb_json=json.dumps(["首页", "政务公开", "政府信息公开年报"], ensure_ascii=False))
    f.page(ROOT + "zfxxgk/ysq/", title="x", breadcrumb_json=json.dumps(["首页", "政务公开", "依申请公开"], ensure_ascii=False))
    assert f.audit(T, rule="disclosure-column-missing") == []
    cfg = parse_config({"rules": {"disclosure-column-missing": {"required": ["政府信息公开指南", "机构职能|机构信息"]}}})
    found = f.audit(T, cfg, rule="disclosure-column-missing")
    assert [x["evidence"]["missing"] for x in found] == ["机构职能"]


def test_no_disclosure_section(tmp_path):
    f = new_facts(tmp_path, site_name="青山县人民政府")
    found = f.audit(T, rule="disclosure-column-missing")
    assert [x["url"] for x in found] == [ROOT] and "没有设置“政府信息公开”栏目" in found[0]["message"]
    g = new_facts(tmp_path, "g.db", site_name="青山县教育局")
    assert g.audit(T, rule="disclosure-column-missing") == []
    assert g.status("disclosure-column-missing") == "not_applicable"


# ---------------------------------------------------------------------------
# statistics
# ---------------------------------------------------------------------------
def test_site_year_stats(tmp_path):
    f = new_facts(tmp_path)
    f.column(GFXWJ, "规范性文件", [D(2026, 10, 29), D(2026, 10, 30)])
    _doc_and_interp(f, "甲", doc_links=True, interp_links=True, published=D(2026, 10, 29))
    doc(f, GFXWJ + "b.html", "青山县人民政府关于印发青山县乙管理办法的通知", written=D(2026, 9, 24), published=D(2026, 10, 30))
    doc(f, GFXWJ + "c.html", "青山县人民政府关于印发青山县丙管理办法的通知", written=D(2025, 12, 20), published=D(2026, 1, 5),
        main_text="本办法自2026年1月1日起施行，有效期至2026年6月30日。")
    f.audit(T, rule="column-stale")
    rows = {r["year"]: r for r in f.db.query("SELECT * FROM site_year_stats WHERE site = ?", [ROOT])}
    r = rows[2026]
    assert (r["normative_published"], r["normative_on_time"], r["normative_late"]) == (3, 2, 1)
    assert r["normative_formed"] == 2 and rows[2025]["normative_formed"] == 1
    assert (r["policy_docs"], r["interpreted"], r["interpreted_two_way"], r["interpretation_coverage"]) == (3, 1, 1, 0.3333)
    assert (r["normative_marked_valid"], r["normative_expired_unmarked"]) == (2, 1)
    assert json.loads(r["docs_by_column_json"]) == {"规范性文件": 2}
    details = json.loads(r["details_json"])
    assert details["normative_late"] == [GFXWJ + "b.html"] and details["max_workdays"] == 20
