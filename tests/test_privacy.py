"""privacy-exposed: unmasked ID numbers always, mobile numbers only as lists."""

from __future__ import annotations

import datetime as dt

import pytest

from audits.rules.privacy_exposed import mask, valid_id
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)
VALID = "11010519491231002X"  # the GB 11643 sample number


@pytest.mark.parametrize(
    ("number", "ok"),
    [(VALID, True), ("110105194912310021", False), ("110105194902301234", False), ("1101051949123100", False)],
)
def test_id_checksum_and_birth_date(number, ok):
    assert valid_id(number) is ok


def audit(tmp_path, text):
    f = Facts(tmp_path / "p.db")
    f.home(ROOT)
    f.page(ROOT + "gs.html", title="低保对象公示", main_text=text, is_article=1)
    return f.audit(T, rule="privacy-exposed")


def test_unmasked_id_is_reported_masked(tmp_path):
    found = audit(tmp_path, f"经审核，张三（身份证号：{VALID}）符合低保条件，现予公示。")
    assert [x["url"] for x in found] == [ROOT + "gs.html"]
    ev = found[0]["evidence"]
    assert ev["id_numbers"] == ["1101**********002X"] and VALID not in found[0]["message"] + str(ev)
    assert found[0]["category"] == "不安全"


def test_mobile_list_is_reported_single_contact_is_not(tmp_path):
    listed = audit(tmp_path, "公示名单：张三 13812345678；李四 13912345678；王五 15012345678。")
    assert listed and listed[0]["evidence"]["mobile_count"] == 3
    assert listed[0]["evidence"]["mobile_numbers"][0] == mask("13812345678") == "1381***5678"


@pytest.mark.parametrize(
    "text",
    [
        "联系人：县民政局王科长，电话：13812345678。",  # one published contact number
        "身份证号：1101**********002X（已打码）",  # masked
        "身份证号：110105194912310021",  # wrong check character: not a real number
        "文件编号 2026110105194912310021987 与合同号 A11010519491231002X9",  # inside longer codes
    ],
)
def test_near_misses(tmp_path, text):
    assert audit(tmp_path, text) == []
