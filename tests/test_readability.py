"""Readability of policy interpretations: measures move in the expected direction."""

from __future__ import annotations

import datetime as dt
import json

from audits.readability import common_characters, measure, sentences
from tests.facts import ROOT, Facts

PLAIN = ("这次调整主要有三点变化。一是补贴标准提高了，每人每月多发五十元。二是申请更方便，在手机上就能办。"
         "三是办理时间缩短到五个工作日。符合条件的居民可以到村里或者社区服务中心申请。有问题可以打电话咨询。") * 3
DENSE = ("根据《中华人民共和国政府信息公开条例》《国务院办公厅关于进一步做好政务公开工作的意见》（国办发〔2018〕37号）"
         "和《浙江省人民政府关于推进基层政务公开标准化规范化工作的实施意见》（浙政发〔2019〕12号）等有关文件精神，"
         "结合我县城乡居民最低生活保障对象认定工作实际情况和县委县政府关于社会救助体系建设工作部署要求，"
         "县民政局会同县财政局、县人力资源和社会保障局、县医疗保障局等部门研究制定了本办法并经县政府常务会议审议通过。") * 3


def test_dense_text_scores_worse_than_plain_text():
    plain, dense = measure(PLAIN), measure(DENSE)
    assert plain.avg_sentence_chars < 25 < 100 < dense.avg_sentence_chars
    assert plain.long_sentence_share == 0.0 and dense.long_sentence_share == 1.0
    assert plain.doc_numbers_per_1000 == 0 < dense.doc_numbers_per_1000
    assert plain.citations_per_1000 == 0 < dense.citations_per_1000
    assert dense.worst_sentences[0].startswith("根据《中华人民共和国政府信息公开条例》")
    assert dense.reading_minutes > 0


def test_rare_characters_and_sentence_split():
    common = common_characters()
    assert len(common) == 3500 and {"的", "政", "府"} <= common and "饕" not in common
    assert measure("饕餮耄耋魑魅魍魉，龃龉踟蹰。" * 5).rare_char_share > 0.5
    assert sentences("这是第一句。这是第二句！这是第三句？\n这是第四句；好。") == ["这是第一句。", "这是第二句！", "这是第三句？", "这是第四句；"]


def _site_with_interpretation(tmp_path, text):
    f = Facts(tmp_path / "r.db")
    f.home(ROOT)
    meta = {"ArticleTitle": "关于《青山县最低生活保障办法》的政策解读", "PubDate": "2026-12-01 10:00"}
    f.page(ROOT + "zcjd/1.html", title=meta["ArticleTitle"], article_title=meta["ArticleTitle"], meta=meta,
           is_article=1, main_text=text, pub_date="2026-12-01", doc_meta_json=json.dumps({}))
    return f


def test_rule_flags_a_dense_interpretation(tmp_path):
    found = _site_with_interpretation(tmp_path, DENSE).audit(dt.date(2026, 12, 15), rule="interpretation-hard-to-read")
    assert [x["url"] for x in found] == [ROOT + "zcjd/1.html"]
    ev = found[0]["evidence"]
    assert {"avg_sentence_chars", "long_sentence_share", "doc_numbers_per_1000"} <= set(ev["failed"])
    assert ev["worst_sentences"] and found[0]["severity"] == "minor"


def test_rule_passes_a_plain_interpretation(tmp_path):
    f = _site_with_interpretation(tmp_path, PLAIN)
    assert f.audit(dt.date(2026, 12, 15), rule="interpretation-hard-to-read") == []
    assert f.status("interpretation-hard-to-read") == "pass"
