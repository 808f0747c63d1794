"""The set-based shortcuts of the audit (bench/auditscale.py): they pick candidates, never judge,
so each must let through everything the rule would report, and drop what it would not."""

from __future__ import annotations

import datetime as dt

import pytest

from audits import readability
from audits.links import RESULT_OF_NOTE
from audits.rules.soft_404 import PHRASES
from audits.textscan import non_ascii_digits
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)

# one text for each branch of soft_404.PHRASES
ERROR_TEXTS = [
    "页面不存在", "页面未找到", "找不到您访问的页面", "访问的页面不存在", "页面已被删除", "信息已删除", "内容已被删除",
    "文章不存在", "信息不存在", "内容不存在", "无法找到该页面", "页面已失效", "链接已失效", "Error 404", "Not  Found",
    "PAGE NOT FOUND",
]


@pytest.mark.parametrize("text", ERROR_TEXTS)
def test_every_error_phrase_reaches_the_link_rules(tmp_path, text):
    """A 200 page whose title or body head holds an error phrase is selected by the partial-index
    predicate; a page without one (and without error, redirect or hidden link) is not."""
    assert PHRASES.search(text)
    f = Facts(tmp_path / "p.db")
    f.home(ROOT)
    f.page(ROOT + "t.html", title=text, final_url=ROOT + "t.html")
    f.page(ROOT + "b.html", title="通知", body_head=f"很抱歉，{text}。", final_url=ROOT + "b.html")
    f.page(ROOT + "ok.html", title="关于开展安全生产检查的通知", body_head="各乡镇：现将有关事项通知如下。", final_url=ROOT + "ok.html")
    picked = {r["url"] for r in f.db.query(f"SELECT url FROM pages WHERE run_id = ? AND {RESULT_OF_NOTE}", [f.run_id])}
    assert picked == {ROOT + "t.html", ROOT + "b.html"}
    # the rules name the partial index (INDEXED BY): it must exist and fit the predicate
    plan = " ".join(r["detail"] for r in f.db.query(
        f"EXPLAIN QUERY PLAN SELECT url FROM pages INDEXED BY idx_pages_link_result WHERE run_id = 1 AND {RESULT_OF_NOTE}"))
    assert "idx_pages_link_result" in plan


def _soft_404_site(tmp_path, target_a: str, target_b: str):
    f = Facts(tmp_path / "s.db")
    f.home(ROOT, final_url=ROOT)
    f.page(ROOT + "gone.html", status=404, final_url=ROOT + "gone.html")
    f.page(ROOT + "a.html", final_url=ROOT + "a.html")
    f.page(ROOT + "fine.html", final_url=ROOT + "fine.html", title="通知")
    f.link(ROOT, target_a)
    f.link(ROOT + "a.html", target_b)
    f.link(ROOT + "a.html", ROOT + "fine.html")
    return f


def test_dead_link_with_and_without_session_id_both_reported(tmp_path):
    """Both forms of a link to one dead page are judged by that page (before, the second form seen
    lost the page's result and was never reported)."""
    f = _soft_404_site(tmp_path, ROOT + "gone.html", ROOT + "gone.html;jsessionid=ABC123")
    found = f.audit(T, rule="dead-link")
    assert sorted(x["url"] for x in found) == [ROOT + "gone.html", ROOT + "gone.html;jsessionid=ABC123"]
    assert all("HTTP 404" in x["message"] for x in found)


def test_working_page_with_session_id_is_not_dead(tmp_path):
    f = _soft_404_site(tmp_path, ROOT + "fine.html;jsessionid=ABC123", ROOT + "fine.html")
    assert f.audit(T, rule="dead-link") == []


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        # \d also matches full-width digits after the ASCII "1[3-9]" the rule's pattern starts with
        ("公示名单：张三 13８１２３４５６７８；李四 13９１２３４５６７８；王五 15０１２３４５６７８。", True),
        ("公示名单：张三 １３８１２３４５６７８；李四 １３９１２３４５６７８；王五 １５０１２３４５６７８。", False),
        ("公示名单：张三 13812345678；李四 13912345678；王五 15012345678。", True),
        ("公示名单：张三 1381234567；李四 1391234567；王五 1501234567。", False),  # ten digits: not a mobile number
    ],
)
def test_privacy_prefilter_keeps_any_kind_of_digit(tmp_path, text, reported):
    f = Facts(tmp_path / "p.db")
    f.home(ROOT, main_text="首页")
    f.page(ROOT + "gs.html", title="公示", main_text=text, is_article=1)
    found = f.audit(T, rule="privacy-exposed")
    assert bool(found) is reported
    assert f.status("privacy-exposed") == ("fail" if reported else "pass")


def test_non_ascii_digits_are_what_the_regex_calls_digits():
    import re

    digits = set(non_ascii_digits())
    assert {"０", "９", "٣", "३"} <= digits and not digits & set("0123456789一二十〇")
    assert all(re.fullmatch(r"\d", d) for d in digits)


def test_typo_found_in_any_text_field_only(tmp_path):
    f = Facts(tmp_path / "t.db")
    f.home(ROOT, main_text="欢迎访问。")
    f.page(ROOT + "a.html", title="工作动态", main_text="截止目前，全县已完成八成以上任务。", is_article=1)
    f.page(ROOT + "b.html", title="请各单位按排专人负责", main_text="正文没有问题。", is_article=1)
    f.page(ROOT + "c.html", title="通知", main_text="截止日期为十二月底。", is_article=1)  # 截止日期 is right
    found = f.audit(T, rule="typo")
    assert sorted(x["url"] for x in found) == [ROOT + "a.html", ROOT + "b.html"]


def test_readability_measures_are_kept_by_text_hash(tmp_path):
    f = Facts(tmp_path / "r.db")
    text = "为进一步优化营商环境，现就有关政策解读如下。" * 20
    first = readability.measure_all(f.db, {"a": text, "b": text + "。"}, 80)
    assert first["a"] == readability.measure(text, 80)
    rows = list(f.db.query("SELECT key, value_json FROM text_measures WHERE kind = 'readability'"))
    assert len(rows) == 2
    # a stored value is used as it is (proof that the second audit reads it instead of measuring)
    f.db.execute("UPDATE text_measures SET value_json = json_set(value_json, '$.sentences', 999)")
    again = readability.measure_all(f.db, {"a": text}, 80)
    assert again["a"].sentences == 999
    assert readability.measure_all(f.db, {"a": text}, 60)["a"].sentences == first["a"].sentences  # other setting: measured


def test_memoised_tagging_gives_the_tags_of_the_original(monkeypatch):
    import jieba.posseg as pseg

    text = "青山县人民政府办公室关于印发青山县优化营商环境三年行动方案的通知，请张晓明同志负责。"
    readability.nominal_chains(text)  # installs the memo
    memo_tags = [(w.word, w.flag) for w in pseg.cut(text)]
    assert pseg._govaudit_memo  # filled
    monkeypatch.setattr(pseg, "viterbi", pseg._govaudit_original)
    assert [(w.word, w.flag) for w in pseg.cut(text)] == memo_tags


def test_measure_many_in_workers_equals_one_process(monkeypatch):
    texts = [f"第{i}条：为进一步优化营商环境，根据《青山县关于优化营商环境的实施意见》（青政发〔2025〕{i}号），现解读如下。" * 3 for i in range(6)]
    one = [readability.measure(t, 80) for t in texts]
    monkeypatch.setattr(readability, "POOL_MIN_TEXTS", 2)
    assert readability._measure_many(texts, 80) == one
