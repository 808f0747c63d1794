"""The service, consultation, search, catalog and yearly-report rules on stored facts (real SQLite),
positives and near misses; their extractors on real and written pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from parsel import Selector

from audits.config import parse_config
from crawler.extract.bundle import visible_text
from crawler.extract.forms import extract_forms, search_form
from crawler.extract.labels import extract_labels
from reports.model import _scorecard
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)
EXT = "http://127.0.0.9:9/"  # another host (a province's service platform)


def facts(tmp_path, name: str = "青山县人民政府") -> Facts:
    tmp_path.mkdir(parents=True, exist_ok=True)
    f = Facts(tmp_path / "f.db")
    f.home(ROOT, meta={"SiteName": name}, forms_json="[]")
    link(f, ROOT, ROOT + "gk/", "走进青山")  # home pages link their own pages (a script-built one is not judged)
    f.page(ROOT + "gk/")
    return f


def link(f: Facts, source: str, target: str, anchor: str, kind: str = "page") -> None:
    f.db["links"].insert({"run_id": f.run_id, "source": source, "target": target, "anchor": anchor, "kind": kind})


def labels_page(f: Facts, url: str, labels: list[str], *, title: str = "", **extra) -> None:
    f.page(url, title=title, labels_json=json.dumps(labels, ensure_ascii=False), **extra)


def rule_findings(f: Facts, rule: str, as_of: dt.date = T, config=None) -> list[dict]:
    return [r for r in f.audit(as_of, config=config, rule=rule)]


# -- extractors ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "action", "method", "field", "hidden"),
    [
        ("005.html", "http://search.zj.gov.cn/jrobotfront/search.do", "GET", "q", {"websiteid": "330000002000000", "tpl": "492"}),
        ("006.html", "http://x.gov.cn/search/sxgovsearch.jsp", "POST", "sword", {}),
        ("008.html", "http://x.gov.cn/ssp/main/index.html", "GET", "key", {"siteId": "402804278b376967018b3771d3370002"}),
        ("010.html", "http://x.gov.cn/search4/s", "POST", "searchWord", {"uc": "1", "siteCode": "3213220037", "column": "全部"}),
    ],
)
def test_search_form_of_real_pages(realpage, page, action, method, field, hidden):
    forms = extract_forms(Selector(text=realpage(page)), "http://x.gov.cn/a/b.html")
    form = search_form(forms)
    assert (form["action"], form["method"], form["query_field"]) == (action, method, field)
    got = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
    assert hidden.items() <= got.items()


def test_script_driven_search_form_is_not_submitted(realpage):
    forms = extract_forms(Selector(text=realpage("008.html")), "http://x.gov.cn/a/b.html")
    assert [f["scripted"] for f in forms if f["role"] == "search"] == [False, True, False]  # avalon ms-attr-action
    only_scripted = '<form ms-attr-action="searchAction"><input type="text" name="key"></form>'
    assert search_form(extract_forms(Selector(text=only_scripted), "http://x.gov.cn/")) is None


def test_message_form_and_login_form():
    html = """<form action="/hd/save" method="post"><input name="title"><textarea name="content"></textarea></form>
    <form action="/login" method="post"><input name="user"><input type="password" name="pw"></form>"""
    forms = extract_forms(Selector(text=html), "http://x.gov.cn/hd/")
    assert [f["role"] for f in forms] == ["message", "other"]
    assert forms[0]["action"] == "http://x.gov.cn/hd/save"


GUIDE_TABLE = """<html><head><title>食品经营许可办事指南</title></head><body>
<div class="header"><a href="/">首页</a></div>
<table><tr><td>服务事项</td><td>食品经营许可</td></tr><tr><td>受理条件</td><td>具有与经营的食品品种、数量相适应的经营场所和设施设备</td></tr>
<tr><th>申报材料</th><td>申请书</td></tr></table>
<p>三、办理程序</p><div><strong>咨询电话：</strong>0571-86012346</div><p>办公地址：青山县行政服务中心</p>
<div class="footer">联系电话：0571-12345678 主办单位：青山县人民政府</div></body></html>"""


def test_labels_of_a_guide_in_tables_headings_and_colon_labels():
    sel = Selector(text=GUIDE_TABLE)
    labels = extract_labels(sel, visible_text(sel), "食品经营许可办事指南")
    assert {"服务事项", "受理条件", "申报材料", "办理程序", "咨询电话", "办公地址"} <= set(labels)
    assert "联系电话" not in labels  # the footer's phone is the site's, not the guide's
    assert not any("具有与经营" in x for x in labels)  # a value, not a label


def test_labels_are_not_read_on_ordinary_articles(realpage):
    for page in ("001.html", "009.html"):  # an article with a 信息公开 metadata block; a 规范性文件
        sel = Selector(text=realpage(page))
        assert extract_labels(sel, visible_text(sel), sel.xpath("//title/text()").get() or "") is None


# -- service-guide-incomplete -----------------------------------------------------------
def test_guide_with_synonyms_for_every_class_passes_and_deadline_is_not_office_hours(tmp_path):
    f = facts(tmp_path)
    labels_page(f, ROOT + "g2.html", ["服务事项", "法定依据", "受理条件", "申报材料", "受理地点", "受理时间", "咨询电话", "办理程序"], title="食品经营许可办事指南")
    labels_page(f, ROOT + "g3.html", ["事项名称", "申请条件", "申请材料", "办理地点", "办理时限", "设定依据", "联系电话", "办理流程"], title="宅基地审批办事指南")
    found = rule_findings(f, "service-guide-incomplete")
    assert [(x["url"], x["evidence"]["missing"]) for x in found] == [(ROOT + "g3.html", ["办理时间"])]
    assert found[0]["severity"] == "major"


def test_guide_found_by_its_labels_without_a_guide_title(tmp_path):
    f = facts(tmp_path)
    labels_page(f, ROOT + "a.html", ["事项名称", "申请条件", "办理材料", "办理地点"], title="个体工商户设立登记")
    labels_page(f, ROOT + "b.html", ["事项名称", "申请条件", "办理材料"], title="个体工商户变更登记")  # 3 classes, no 指南: not a guide
    assert [x["url"] for x in rule_findings(f, "service-guide-incomplete")] == [ROOT + "a.html"]


def test_lists_disclosure_guides_and_catalogs_are_not_service_guides(tmp_path):
    f = facts(tmp_path)
    labels_page(f, ROOT + "bszn/", ["办事指南", "事项名称"], title="办事指南", is_list=1)
    labels_page(f, ROOT + "gkzn/", ["办公地址", "办公时间", "联系电话", "政府信息公开工作机构"], title="青山县人民政府信息公开指南")
    labels_page(f, ROOT + "ml/", ["公开事项", "公开依据", "公开时限"], title="就业领域基层政务公开标准目录")
    labels_page(f, ROOT + "g.html", ["事项名称"] + ["设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程"], title="某某办事指南")
    assert rule_findings(f, "service-guide-incomplete") == []
    assert f.status("service-guide-incomplete") == "pass"


def test_guide_on_another_host_is_judged_with_its_linking_page(tmp_path):
    f = facts(tmp_path)
    f.page(ROOT + "bszn/", title="办事指南", is_list=1)
    link(f, ROOT + "bszn/", EXT + "guide/1.html", "企业开办", "external")
    f.db["link_checks"].insert({"run_id": f.run_id, "url": EXT + "guide/1.html", "status": 200, "title": "企业开办办事指南",
                                "labels_json": json.dumps(["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话"], ensure_ascii=False)})
    found = rule_findings(f, "service-guide-incomplete")
    assert [(x["url"], x["page"], x["evidence"]["missing"], x["evidence"]["host"]) for x in found] == [(EXT + "guide/1.html", ROOT + "bszn/", ["办理流程"], "outside")]


def test_government_portal_without_any_service_is_a_veto(tmp_path):
    f = facts(tmp_path)
    found = rule_findings(f, "service-guide-incomplete")
    assert [(x["url"], x["severity"]) for x in found] == [(ROOT, "veto")]


def test_service_entry_to_the_province_platform_counts_and_departments_are_exempt(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, EXT + "bs/", "网上办事", "external")
    f.db["link_checks"].insert({"run_id": f.run_id, "url": EXT + "bs/", "status": 200})
    assert rule_findings(f, "service-guide-incomplete") == []
    g = facts(tmp_path / "d", name="青山县教育局")
    assert rule_findings(g, "service-guide-incomplete") == []
    assert g.status("service-guide-incomplete") == "not_applicable"


def test_broken_service_entry_does_not_count(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, EXT + "bs/", "网上办事", "external")
    f.db["link_checks"].insert({"run_id": f.run_id, "url": EXT + "bs/", "status": 404})
    assert [x["severity"] for x in rule_findings(f, "service-guide-incomplete")] == ["veto"]


def _guide_finding(n_missing: int) -> dict:
    return {"rule": "service-guide-incomplete", "severity": "major", "ref": f"f{n_missing}", "message": "缺",
            "evidence": {"missing": ["x"] * n_missing, "veto_min_missing": 4, "veto_min_guides": 5}}


@pytest.mark.parametrize(("guides", "triggered"), [([4] * 5, True), ([4] * 4 + [3], False), ([8] * 4, False), ([5] * 6, True)])
def test_scorecard_service_veto_threshold(guides, triggered):
    items = {i.name: i for i in _scorecard([_guide_finding(n) for n in guides], {"service-guide-incomplete": "fail"})}
    assert (items["服务不实用"].status == "triggered") is triggered


# -- consultation-channel-missing ----------------------------------------------------------
def test_working_channel_passes_and_petition_only_fails(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "zxzx/", "在线咨询")
    f.page(ROOT + "zxzx/", forms_json=json.dumps([{"role": "message"}]))
    assert rule_findings(f, "consultation-channel-missing") == []
    g = Facts(tmp_path / "g.db")
    g.home(ROOT, meta={"SiteName": "青山县人民政府"})
    for url, anchor in (("xf/", "网上信访"), ("jb/", "纪检监察举报"), ("ft/", "在线访谈"), ("zc/", "我为政府网站找错")):
        link(g, ROOT, ROOT + url, anchor)
        g.page(ROOT + url)
    found = rule_findings(g, "consultation-channel-missing")
    assert [(x["url"], x["severity"]) for x in found] == [(ROOT, "veto")]
    assert {e["anchor"] for e in found[0]["evidence"]["excluded_channels"]} == {"网上信访", "纪检监察举报", "在线访谈", "我为政府网站找错"}


def test_channel_that_does_not_load_or_whose_form_page_does_not(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "jzxx/", "局长信箱")
    f.page(ROOT + "jzxx/")
    link(f, ROOT + "jzxx/", ROOT + "jzxx/write.html", "我要写信")
    f.page(ROOT + "jzxx/write.html", status=404)
    found = rule_findings(f, "consultation-channel-missing")
    assert [(x["url"], x["page"]) for x in found] == [(ROOT + "jzxx/", ROOT)]
    assert "write.html" in found[0]["message"]
    # near miss: the same mailbox, but its own page holds the message form
    f.db["pages"].update((f.run_id, ROOT + "jzxx/"), {"forms_json": json.dumps([{"role": "message"}])})
    assert rule_findings(f, "consultation-channel-missing") == []


def test_channel_reached_through_the_interaction_section_on_another_host(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "hdjl/", "互动交流")
    f.page(ROOT + "hdjl/")
    link(f, ROOT + "hdjl/", EXT + "12345/", "12345政务服务便民热线网上咨询", "external")
    f.db["link_checks"].insert({"run_id": f.run_id, "url": EXT + "12345/", "status": 200})
    assert rule_findings(f, "consultation-channel-missing") == []
    f.db["link_checks"].update((f.run_id, EXT + "12345/"), {"status": 502})
    assert [x["url"] for x in rule_findings(f, "consultation-channel-missing")] == [EXT + "12345/"]


def test_soft_404_channel_fails_and_unchecked_channel_is_not_judged(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "zx/", "在线咨询")
    f.page(ROOT + "zx/", title="页面不存在", body_head="页面不存在")
    assert len(rule_findings(f, "consultation-channel-missing")) == 1
    g = facts(tmp_path / "g")
    link(g, ROOT, EXT + "xzxx/", "县长信箱", "external")  # never checked (--no-check-links)
    assert rule_findings(g, "consultation-channel-missing") == []


# -- site-search-broken ------------------------------------------------------------------------
def probe(f: Facts, query: str, article: str, links: list[list[str]], **extra) -> None:
    row = {"run_id": f.run_id, "root": ROOT, "form_page": ROOT, "action": ROOT + "so/", "method": "GET", "field": "q",
           "query": query, "article_url": article, "request_url": ROOT + "so/?q=x", "status": 200,
           "final_url": ROOT + "so/?q=x", "links_json": json.dumps(links, ensure_ascii=False), **extra}
    f.db["search_probes"].insert(row)


def test_search_finding_one_title_passes_even_after_a_redirect(tmp_path):
    f = facts(tmp_path)
    probe(f, "青山县召开全县经济工作会议", ROOT + "a.html", [], empty_marker="共找到 0 条结果")
    probe(f, "县政府召开第四十二次常务会议", ROOT + "b.html", [[ROOT + "b.html", "县政府召开第四十二次常务会议"]],
          redirect_chain_json=json.dumps([ROOT + "so/?q=x", ROOT + "s/result?q=x"]))
    assert rule_findings(f, "site-search-broken") == []


def test_search_match_by_url_or_truncated_title(tmp_path):
    f = facts(tmp_path)
    probe(f, "青山县人民政府办公室关于进一步加强农村宅基地管理的实施意见", ROOT + "c.html",
          [[ROOT + "other.html", "青山县人民政府办公室关于进一步加强农村宅..."]])
    assert rule_findings(f, "site-search-broken") == []
    g = facts(tmp_path / "g")
    probe(g, "青山县全域旅游发展规划", ROOT + "d.html", [[ROOT + "d.html?from=search", "查看"], [ROOT + "d.html", "点击查看"]])
    assert rule_findings(g, "site-search-broken") == []


def test_search_that_finds_nothing_or_fails(tmp_path):
    f = facts(tmp_path)
    for q in ("青山县召开全县经济工作会议", "县领导调研全县冬季安全生产工作"):
        probe(f, q, ROOT + "x.html", [[ROOT, "网站首页"], [ROOT + "y.html", "青山县召开全县经济"]], empty_marker="共找到 0 条结果")
    found = rule_findings(f, "site-search-broken")
    assert [(x["url"], x["evidence"]["reason"]) for x in found] == [(ROOT, "not_found")]
    assert [p["outcome"] for p in found[0]["evidence"]["probes"]] == ["not_found", "not_found"]
    g = facts(tmp_path / "g")
    probe(g, "青山县召开全县经济工作会议", ROOT + "x.html", [], status=500)
    probe(g, "县领导调研全县冬季安全生产工作", ROOT + "x.html", [], status=None, error="TimeoutError: took longer than 15.0 seconds")
    assert [x["evidence"]["reason"] for x in rule_findings(g, "site-search-broken")] == ["failed"]


def test_search_message_does_not_depend_on_the_order_probes_finished(tmp_path):
    """Probes answer in any order; the finding quotes them in a fixed one (form page, query)."""
    queries = ["县领导调研全县冬季安全生产工作", "青山县召开全县经济工作会议", "青山县全域旅游发展规划"]
    messages = []
    for n, order in enumerate((queries, list(reversed(queries)))):
        f = facts(tmp_path / f"o{n}")
        for q in order:
            probe(f, q, ROOT + "x.html", [], empty_marker="共找到 0 条结果")
        found = rule_findings(f, "site-search-broken")
        assert len(found) == 1
        messages.append((found[0]["message"], [p["query"] for p in found[0]["evidence"]["probes"]]))
    assert messages[0] == messages[1]
    assert messages[0][1] == sorted(queries)


def test_no_search_box_is_reported_unless_forms_were_not_recorded(tmp_path):
    f = facts(tmp_path)  # home forms recorded: none
    assert [x["evidence"]["reason"] for x in rule_findings(f, "site-search-broken")] == ["no_search_form"]
    g = Facts(tmp_path / "g.db")
    g.home(ROOT)  # an older crawl: forms not recorded
    assert rule_findings(g, "site-search-broken") == []
    h = Facts(tmp_path / "h.db")  # a script-driven search box: cannot be probed, not judged
    h.home(ROOT, forms_json=json.dumps([{"role": "search", "scripted": True}]))
    assert rule_findings(h, "site-search-broken") == []
    assert h.status("site-search-broken") == "not_applicable"


# -- standard-catalog-missing --------------------------------------------------------------------
ALL_HEAD = ["序号", "公开事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "公开方式"]
NEWER = {"城乡规划": "国土空间规划", "扶贫": "乡村振兴", "卫生健康": "医疗卫生"}


def catalog_site(f: Facts, skip: tuple[str, ...] = (), heads: dict[str, list[str]] | None = None) -> None:
    from audits.services import DOMAINS

    link(f, ROOT, ROOT + "zwgk/", "政务公开")
    f.page(ROOT + "zwgk/")
    link(f, ROOT + "zwgk/", ROOT + "jcgk/", "基层政务公开标准化规范化")
    f.page(ROOT + "jcgk/")
    for n, spec in enumerate(DOMAINS):
        name = spec.split("|")[0]
        if name in skip:
            continue
        url = f"{ROOT}jcgk/{n}/"
        link(f, ROOT + "jcgk/", url, f"{NEWER.get(name, name)}领域标准目录")
        labels_page(f, url, (heads or {}).get(name, ALL_HEAD), title=f"{NEWER.get(name, name)}领域基层政务公开标准目录")


def test_catalog_column_with_newer_domain_names_is_complete(tmp_path):
    f = facts(tmp_path)
    catalog_site(f)
    assert rule_findings(f, "standard-catalog-missing") == []


def test_missing_domain_and_catalog_without_elements(tmp_path):
    f = facts(tmp_path)
    catalog_site(f, skip=("公共资源交易",), heads={"就业": ["序号", "公开事项", "公开内容", "公开依据", "公开主体", "公开对象", "公开方式"]})
    found = rule_findings(f, "standard-catalog-missing")
    got = sorted((x["url"], tuple(x["evidence"].get("missing") or [x["evidence"]["domain"]])) for x in found)
    jy = next(x for x in found if x["url"].endswith("/11/"))
    assert got == sorted([(ROOT + "jcgk/", ("公共资源交易",)), (jy["url"], ("公开时限", "公开渠道"))])
    assert jy["evidence"]["domain"] == "就业"


def test_catalog_published_as_an_attachment_is_not_judged_on_elements(tmp_path):
    f = facts(tmp_path)
    catalog_site(f, heads={"就业": []})
    f.db["pages"].update((f.run_id, ROOT + "jcgk/11/"), {"labels_json": None})
    link(f, ROOT + "jcgk/11/", ROOT + "files/jy.xlsx", "就业领域标准目录.xlsx", "attachment")
    assert rule_findings(f, "standard-catalog-missing") == []


def test_no_catalog_column_on_a_county_site_but_not_on_city_or_department_sites(tmp_path):
    f = facts(tmp_path)
    found = rule_findings(f, "standard-catalog-missing")
    assert [(x["url"], len(x["evidence"]["missing"])) for x in found] == [(ROOT, 26)]
    for name in ("某某市人民政府", "青山县教育局"):
        g = facts(tmp_path / name, name=name)
        assert rule_findings(g, "standard-catalog-missing") == []
    # a site the office configures as a township is checked whatever its name says
    cfg = parse_config({"site": [{"root": ROOT, "kind": "township"}]})
    h = facts(tmp_path / "h", name="某某市人民政府")
    assert len(rule_findings(h, "standard-catalog-missing", config=cfg)) == 1


# -- site-yearly-report-missing ------------------------------------------------------------------
def test_yearly_report_on_the_home_page(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "ndbb/2025/", "青山县人民政府门户网站2025年政府网站工作年度报表")
    assert rule_findings(f, "site-yearly-report-missing") == []


@pytest.mark.parametrize(("as_of", "missing"), [(dt.date(2026, 1, 31), False), (dt.date(2026, 2, 1), True)])
def test_yearly_report_deadline(tmp_path, as_of, missing):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "ndbb/2024/", "2024年度政府网站工作年度报表")
    found = rule_findings(f, "site-yearly-report-missing", as_of=as_of)
    assert bool(found) is missing
    if found:
        assert found[0]["evidence"]["year"] == 2025 and found[0]["evidence"]["own_reports_found"][0]["year"] == 2024


def test_yearly_report_in_the_home_linked_column_and_other_units_reports(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "bb/", "政府网站年度报表")
    f.page(ROOT + "bb/", is_list=1)
    link(f, ROOT + "bb/", ROOT + "bb/jyj2025.html", "青山县教育局2025年政府网站工作年度报表")
    found = rule_findings(f, "site-yearly-report-missing")
    assert [(x["url"], x["page"]) for x in found] == [(ROOT + "bb/", ROOT)]
    assert found[0]["evidence"]["other_units_reports"][0]["year"] == 2025
    f.db["list_items"].insert({"run_id": f.run_id, "page_url": ROOT + "bb/", "column_url": ROOT + "bb/", "position": 0,
                               "title": "政府网站工作年度报表（2025年度）", "url": ROOT + "bb/2025.html"})
    assert rule_findings(f, "site-yearly-report-missing") == []


def test_a_report_deep_in_the_site_is_not_prominent(tmp_path):
    f = facts(tmp_path)
    link(f, ROOT, ROOT + "zwgk/", "政务公开")
    f.page(ROOT + "zwgk/")
    link(f, ROOT + "zwgk/", ROOT + "zwgk/bb2025.html", "2025年政府网站工作年度报表")
    assert len(rule_findings(f, "site-yearly-report-missing")) == 1
