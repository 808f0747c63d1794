"""typo rule: dictionary matches on jieba word boundaries, context, grouping, severity."""

from __future__ import annotations

import datetime as dt

import pytest

from audits import registry
from audits.config import parse_config
from audits.rules import typo
from audits.typos import (
    SERIOUS_TSV,
    TYPOS_TSV,
    DictionaryError,
    load_dictionary,
    matcher_with,
    parse_dictionary,
    tokens,
)
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)


def test_typo_is_registered():
    assert registry.RULES_BY_ID["typo"] is typo.RULE


@pytest.fixture
def facts(tmp_path):
    f = Facts(tmp_path / "x.db")
    f.home(ROOT, title="某某县人民政府", body_head="首页 政务公开 政务服务 互动交流")
    return f


def article(f: Facts, n: int, text: str, title: str = "工作动态", **kw) -> str:
    url = f"{ROOT}art/{n}.html"
    f.page(url, ROOT, title=title, article_title=title, main_text=text, is_article=1, **kw)
    return url


def typos(found):
    return sorted((x["evidence"]["wrong"], x["evidence"]["correct"]) for x in found if x["rule"] == "typo")


# -- the shipped dictionaries ----------------------------------------------------
def test_shipped_dictionaries_parse():
    common = load_dictionary(TYPOS_TSV, "typos")
    serious = load_dictionary(SERIOUS_TSV, "serious")
    assert len(common) >= 80
    assert 3 <= len(serious) < len(common)
    wrong = {e.wrong: e.correct for e in common}
    for w, c in [("截止", "截至"), ("既使", "即使"), ("布署", "部署"), ("按装", "安装"), ("再接再励", "再接再厉"),
                 ("一如继往", "一如既往"), ("针贬时弊", "针砭时弊"), ("度过难关", "渡过难关")]:
        assert wrong[w] == c
    assert "厉行节约" not in wrong and "渡过难关" not in wrong  # the right forms are not listed as wrong
    assert len(wrong) == len(common)  # no duplicate wrong words


# -- matching: positives and near misses -------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们要再接再励，争取更大成绩。", [("再接再励", "再接再厉")]),
        ("我们要再接再厉，争取更大成绩。", []),
        ("既使遇到困难也要按时完成。", [("既使", "即使")]),
        ("即使遇到困难也要按时完成。", []),
        ("会议对下一步工作进行了布署。", [("布署", "部署")]),
        ("会议对下一步工作进行了部署。", []),
        ("为居民免费按装燃气报警器。", [("按装", "安装")]),
        ("为居民免费安装燃气报警器。", []),
        ("全体干部一如继往地做好服务。", [("一如继往", "一如既往")]),
        ("帮助企业度过难关。", [("度过难关", "渡过难关")]),
        ("帮助企业渡过难关。", []),
        ("坚持勤俭节约，厉行节约反对浪费。", []),
        ("请登陆网站查询办理进度。", [("登陆网站", "登录网站")]),
        ("台风将于今晚登陆我省沿海。", []),
    ],
)
def test_entries_positive_and_near_miss(text, expected):
    m = matcher_with()
    assert sorted((h.entry.wrong, h.entry.correct) for h in m.scan(text)) == expected


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("截止目前，全县已完成改造120户。", True),
        ("截止今年10月底，全县共受理申请。", True),
        ("截止到6月底，共发放补贴300万元。", True),
        ("截止2025年底，累计建成基站80个。", True),
        ("截至目前，全县已完成改造120户。", False),
        ("报名截止日期为2026年6月30日。", False),
        ("报名截止时间：6月30日17时。", False),
        ("报名于6月30日截止。", False),
        ("报名截止后不再受理。", False),
    ],
)
def test_jiezhi_jiezhi_context(text, wrong):
    hits = list(matcher_with().scan(text))
    assert [(h.entry.wrong, h.entry.correct) for h in hits] == ([("截止", "截至")] if wrong else [])


def test_jiezhi_reverse_direction():
    hits = list(matcher_with().scan("申报截至日期为12月31日。"))
    assert [(h.entry.wrong, h.entry.correct) for h in hits] == [("截至日期", "截止日期")]


def test_token_boundary_near_miss():
    m = matcher_with()
    # "按装" (-> 安装) occurs as a string in 按|装修, across two real words
    text = "按装修标准执行验收。"
    assert "按装" in text
    assert tokens(text, m.words)[:2] == ["按", "装修"]
    assert list(m.scan(text)) == []
    # the same characters as a word are matched
    assert tokens("为用户按装空调。", m.words)[:3] == ["为", "用户", "按装"]
    assert [h.entry.wrong for h in m.scan("为用户按装空调。")] == ["按装"]
    # 庄严|历史 contains 严历 (-> 严厉), 预防|犯罪 contains 防犯 (-> 防范)
    for text, s in [("回顾庄严历史。", "严历"), ("做好预防犯罪宣传。", "防犯")]:
        assert s in text and s not in tokens(text, m.words)
        assert list(m.scan(text)) == []


# -- the rule over stored facts ------------------------------------------------------
def test_rule_finding_shape(facts):
    url = article(facts, 1, "截止目前，全县已完成改造120户。下一步将继续推进。")
    found = facts.audit(T, rule="typo")
    assert len(found) == 1
    f = found[0]
    assert (f["rule"], f["url"], f["page"], f["severity"], f["category"]) == ("typo", url, None, "major", "不准确")
    ev = f["evidence"]
    assert ev["wrong"] == "截止" and ev["correct"] == "截至"
    assert ev["sentence"] == "【截止】目前，全县已完成改造120户"
    assert ev["pages"] == [url] and ev["count"] == 1 and ev["dictionary"] == "typos"
    assert "截至" in f["message"] and "【截止】目前" in f["message"]


def test_title_typo_found(facts):
    url = article(facts, 1, "正文没有问题。", title="关于做好防汛工作布署的通知_某某县人民政府")
    found = facts.audit(T, rule="typo")
    assert typos(found) == [("布署", "部署")]
    assert found[0]["url"] == url and found[0]["evidence"]["count"] == 1


def test_template_typo_reported_once(facts):
    slogan = "再接再励 建设美丽家园。首页 政务公开 政务服务"
    urls = [article(facts, n, f"第{n}篇文章的正文。", body_head=slogan) for n in range(7)]
    facts.home(ROOT, title="某某县人民政府", body_head=slogan)
    found = facts.audit(T, rule="typo")
    assert typos(found) == [("再接再励", "再接再厉")]
    ev = found[0]["evidence"]
    assert ev["count"] == 8
    assert ev["pages"] == [ROOT, *sorted(urls)]
    assert found[0]["url"] == ROOT
    assert "8 个页面" in found[0]["message"]


def test_template_typo_in_site_name_of_titles(facts):
    urls = [article(facts, n, "正文。", title=f"第{n}条消息_某某县人民政府门户网站（既使）") for n in range(3)]
    found = facts.audit(T, rule="typo")
    # the site-name part after "_" is the same sentence on every page
    assert len(found) == 1 and found[0]["evidence"]["count"] == 3
    assert found[0]["evidence"]["pages"] == sorted(urls)


def test_same_page_body_head_and_main_text_once(facts):
    text = "会议对下一步工作进行了布署。其他内容。"
    article(facts, 1, text, body_head="首页 工作动态 " + text)
    found = facts.audit(T, rule="typo")
    assert len(found) == 1 and found[0]["evidence"]["count"] == 1


def test_cut_off_body_head_sentence_ignored(facts):
    head = "再接再励。" + "甲" * 591 + "再接再励"  # 600 characters, the last sentence cut by the crawler
    assert len(head) == 600
    facts.page(ROOT + "list/", ROOT, title="列表", body_head=head)
    found = facts.audit(T, rule="typo")
    assert len(found) == 1 and found[0]["evidence"]["sentence"] == "【再接再励】"


def test_serious_is_veto(facts):
    url = article(facts, 1, "庆祝中华人名共和国成立77周年。中华人民共和国国务院发布通知。")
    found = facts.audit(T, rule="typo")
    assert len(found) == 1
    f = found[0]
    assert f["severity"] == "veto" and f["url"] == url
    assert f["evidence"]["dictionary"] == "serious"
    assert f["evidence"]["correct"] == "中华人民共和国"
    assert f["message"].startswith("严重表述错误")


def test_user_extra_dictionary(facts, tmp_path):
    extra = tmp_path / "local.tsv"
    extra.write_text("# 本地补充\n某某县政务服务中新\t某某县政务服务中心\t机构名称\n", encoding="utf-8")
    url = article(facts, 1, "请到某某县政务服务中新办理。")
    assert facts.audit(T, rule="typo") == []
    cfg = parse_config({"rules": {"typo": {"extra_dictionary": str(extra)}}})
    found = facts.audit(T, cfg, rule="typo")
    assert typos(found) == [("某某县政务服务中新", "某某县政务服务中心")]
    assert found[0]["url"] == url and found[0]["severity"] == "major"


def test_bad_extra_dictionary_is_an_error(facts, tmp_path):
    with pytest.raises(DictionaryError):
        parse_dictionary("只有一列\n", "typos")
    cfg = parse_config({"rules": {"typo": {"extra_dictionary": str(tmp_path / "missing.tsv")}}})
    facts.audit(T, cfg, rule="typo")
    assert facts.status("typo") == "error"


def test_no_text_no_findings(tmp_path):
    f = Facts(tmp_path / "x.db")
    f.home(ROOT)
    f.page(ROOT + "a.html", ROOT, status=404, error="http 404")
    assert f.audit(T, rule="typo") == []
    assert f.status("typo") == "pass"


def test_fingerprint_stable_across_pages(facts):
    article(facts, 2, "既使下雨也要出行。")
    first = facts.audit(T, rule="typo")
    article(facts, 1, "既使下雨也要出行。")
    second = facts.audit(T, rule="typo")
    assert first[0]["fingerprint"] == second[0]["fingerprint"]
    assert second[0]["evidence"]["count"] == 2


def test_context_conditions_and_long_sentence_marking():
    from audits.typos import Matcher, mark

    m = Matcher(parse_dictionary("反映\t反应\t化学变化\tbefore=化学$\n", "typos"))
    assert [h.entry.correct for h in m.scan("发生化学反映。")] == ["反应"]
    assert list(m.scan("及时向上级反映。")) == []
    long = "甲" * 100 + "既使" + "乙" * 100
    hit = next(matcher_with().scan(long))
    marked = mark(hit.sentence, [(hit.start, hit.end)])
    assert marked == "…" + "甲" * 60 + "【既使】" + "乙" * 60 + "…"


def test_every_entry_matches_itself_and_not_its_correction():
    m = matcher_with()
    bad = []
    for e in m.entries:
        if e.after or e.before:
            continue
        wrong = [h.entry.wrong for h in m.scan(f"我们要求{e.wrong}。")]
        right = [h.entry.wrong for h in m.scan(f"我们要求{e.correct}。")]
        if wrong != [e.wrong] or right:
            bad.append((e.wrong, e.correct, wrong, right))
    assert bad == []
