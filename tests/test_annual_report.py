"""政府信息公开工作年度报告: table parsing and the 勾稽 checks (audits/annual_report.py).

The passing fixture is a report in the official 2021 layout (国办公开办函〔2021〕30号)
as the fixture site renders it (merged header cells, 三、本年度办理结果 spanning
22 rows, blank 法人 cells, "1,256"), run through the real page extractor.  Each
variant breaks one rule.  The real report 010 (沭阳县发改局 2023) must pass.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest
from parsel import Selector

from audits import annual_report as A
from crawler.extract.page import extract_page
from tests.site import disclosure as S

T = dt.date(2026, 12, 15)


def tables_of(html_body: str, title: str = "青山县人民政府2025年政府信息公开工作年度报告") -> list[list[list[str]]]:
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><div class='TRS_Editor'>{html_body}</div></body></html>"
    return extract_page(Selector(text=html), "http://x/r.html", T).tables


@pytest.fixture(scope="module")
def official():
    return tables_of(S.report_body(S._portal_report(2025)))


@pytest.fixture(scope="module")
def last_year():
    return tables_of(S.report_body(S._portal_report(2024)))


def t3(tables):
    return next(g for g in tables if any("本年新收" in c for r in g for c in r))


def t4(tables):
    return next(g for g in tables if any(c == "行政复议" for r in g for c in r))


def t2(tables):
    return next(g for g in tables if any("第二十条" in c for r in g for c in r))


def col_index(grid, name):
    for row in grid[:3]:
        for j, c in enumerate(row):
            if "".join(c.split()) == name:
                idx = j
    return idx


def row_of(grid, word):
    return next(r for r in grid if any(word in c for c in r[:3]))


def edit(tables, table, word, col, value):
    out = copy.deepcopy(tables)
    grid = table(out)
    row = row_of(grid, word)
    row[col_index(grid, col) if isinstance(col, str) else col] = value
    return out


# ---------------------------------------------------------------------------
def test_official_layout_passes(official):
    rep = A.parse_report(official)
    assert rep.format == "2021"
    assert rep.warnings == []
    assert rep.table3_columns == A.T3_COLUMNS
    assert len(rep.table3) == 2 + 2 + 8 + 3 + 5 + 3 + 1 + 1  # every row of the format
    assert rep.t3("一", "自然人") == 41 and rep.t3("一", "总计") == 44
    assert rep.t3("三（七）", "总计") == 44 and rep.t3("四", "总计") == 1
    assert rep.blank_cells > 100  # 法人或其他组织 cells left blank = 0
    assert rep.table2["行政许可"]["本年处理决定数量"].value == 1256  # "1,256"
    assert rep.table2["行政规范性文件"]["现行有效件数"].value > 0
    assert rep.table4[("行政复议", "总计")].value == 2
    assert A.check_report(rep) == []


def test_consecutive_years_agree(official, last_year):
    assert A.check_cross_year(A.parse_report(official), A.parse_report(last_year)) == []


def test_r1_broken(official):
    bad = edit(edit(official, t3, "本年新收", "自然人", "42"), t3, "本年新收", "总计", "45")
    v = A.check_report(A.parse_report(bad))
    assert [(x.check, x.column) for x in v] == [("R1", "自然人"), ("R1", "总计")]
    first = v[0]
    assert (first.table, first.left, first.right) == ("三", 43, 42)
    assert first.left_expr == "一、本年新收 42 + 二、上年结转 1" and first.right_expr == "（七）总计 41 + 四、结转下年度 1"
    assert "自然人" in first.text() and "R1" in first.text()


def test_r2_broken(official):
    bad = edit(edit(official, t3, "保护第三方合法权益", "自然人", "3"), t3, "保护第三方合法权益", "总计", "3")
    v = A.check_report(A.parse_report(bad))
    assert [(x.check, x.column, x.left, x.right) for x in v] == [("R2", "自然人", 41, 42), ("R2", "总计", 44, 45)]
    assert v[0].row == "三、（七）总计" and "（三）4." in v[0].right_expr


def test_r3_broken(official):
    bad = edit(official, t3, "予以公开", "总计", "29")
    v = A.check_report(A.parse_report(bad))
    r3 = [x for x in v if x.check == "R3"]
    assert len(r3) == 1 and "予以公开" in r3[0].row
    assert (r3[0].left, r3[0].right) == (29, 28)
    assert "自然人 26" in r3[0].right_expr and "商业企业 2" in r3[0].right_expr
    assert {x.check for x in v} == {"R2", "R3"}  # 29 also breaks the 总计 column's R2


def test_r4_broken(official):
    grid_copy = copy.deepcopy(official)
    data = t4(grid_copy)[-1]
    data[4] = "3"  # 行政复议 总计 3 ≠ 1 + 0 + 0 + 1
    v = A.check_report(A.parse_report(grid_copy))
    assert [(x.check, x.row, x.left, x.right) for x in v] == [("R4", "行政复议", 3, 2)]
    assert v[0].right_expr == "维持 1 + 纠正 0 + 其他 0 + 尚未审结 1"


def test_r5_broken(official, last_year):
    prev = edit(edit(last_year, t3, "结转下年度", "自然人", "2"), t3, "结转下年度", "总计", "2")
    v = A.check_cross_year(A.parse_report(official), A.parse_report(prev))
    assert [(x.check, x.column, x.left, x.right, x.soft) for x in v] == [("R5", "自然人", 1, 2, True), ("R5", "总计", 1, 2, True)]


def test_r6_broken(official, last_year):
    grid = copy.deepcopy(official)
    row = row_of(t2(grid), "规范性文件")
    row[3] = str(int(row[3]) + 2)
    v = A.check_cross_year(A.parse_report(grid), A.parse_report(last_year))
    assert [(x.check, x.table, x.row, x.soft) for x in v] == [("R6", "二", "规范性文件", True)]
    assert v[0].left == v[0].right + 2


def test_blank_cells_separators_and_stray_spaces(official):
    grid = edit(official, t3, "本年新收", "自然人", " 4 1 ")
    grid = edit(grid, t3, "本年新收", "总计", "４４")
    grid = edit(grid, t3, "予以公开", "商业企业", "")  # blank = 0 …
    grid = edit(grid, t3, "予以公开", "总计", "26")  # … and the 总计 follows
    grid = edit(grid, t3, "（七）总计", "商业企业", "1")
    grid = edit(grid, t3, "（七）总计", "总计", "4 2")
    grid = edit(grid, t3, "本年新收", "商业企业", "1")
    grid = edit(grid, t3, "本年新收", "总计", "4,2")  # not a thousands separator: unreadable
    rep = A.parse_report(grid)
    assert rep.t3("一", "自然人") == 41 and rep.t3("三（一）", "商业企业") == 0
    assert [w["issue"] for w in rep.warnings] == ["unreadable_number"]
    assert rep.warnings[0]["raw"] == "4,2"
    assert A.check_report(rep) == []  # the 总计 checks that need the unreadable cell are skipped


def test_missing_row_is_a_warning_and_its_group_sum_is_not_guessed(official):
    grid = copy.deepcopy(official)
    g = t3(grid)
    g.remove(row_of(g, "3.其他"))
    g.remove(row_of(g, "结转下年度"))
    rep = A.parse_report(grid)
    texts = [w["text"] for w in rep.warnings]
    assert texts == ["表三缺少“四、结转下年度继续办理”行", "表三缺少“三、（六）其他处理 3.”行"]
    assert A.check_report(rep) == []  # R1 and R2 skipped, not failed


def test_short_rows_and_garbage_never_crash(official):
    grid = copy.deepcopy(official)
    g = t3(grid)
    row_of(g, "上年结转")[:] = row_of(g, "上年结转")[:5]
    rep = A.parse_report(grid + [[["x"]], [], [["本年新收"]]])
    assert any(w["issue"] == "short_row" for w in rep.warnings)
    A.check_report(rep)
    for junk in ([], [[]], [[["行政复议", "行政诉讼"], ["a", "b"]]], [[["本年新收", "1"]]]):
        A.check_report(A.parse_report(junk))


def test_no_tables():
    rep = A.parse_report([[["名称", "某年报"], ["索引号", "1"]]])
    assert not rep.found and rep.warnings[0]["issue"] == "no_tables"


def test_2019_format_with_item_nine():
    rep_data = dataclasses.replace(S.jyj_reports(T)[0], t3={"一": (10, 1, 0, 0, 0, 0), "三（一）": (8, 1, 0, 0, 0, 0),
                                                          "三（四）1": (2, 0, 0, 0, 0, 0)})
    rep = A.parse_report(tables_of(S.report_body(rep_data), rep_data.title))
    assert rep.format == "2019"
    assert "三（六）" in rep.table3 and "三（六）1" not in rep.table3  # one 其他处理 row
    assert rep.table2["政府集中采购"]["采购项目数量"].value == 4
    assert rep.table2["行政许可"]["处理决定数量"].value == 1024
    assert rep.warnings == []
    assert A.check_report(rep) == []


def test_fixture_jyj_report_breaks_r1():
    rep_data = S.jyj_reports(T)[0]
    rep = A.parse_report(tables_of(S.report_body(rep_data), rep_data.title))
    v = A.check_report(rep)
    assert [(x.check, x.column, x.left, x.right) for x in v] == [("R1", "自然人", 11, 10), ("R1", "总计", 12, 11)]


# ---------------------------------------------------------------------------
def test_010_real_report_passes(realpage):
    f = extract_page(Selector(text=realpage("010.html")), "http://www.shuyang.gov.cn/sygfj/gknb/x.shtml", T)
    rep = A.parse_report(f.tables)
    assert rep.format == "2021" and rep.warnings == []
    # the five 法人或其他组织 cells are blank, not "0": 26 + 0 = 26 + 0
    assert (rep.t3("一", "自然人"), rep.t3("二", "自然人"), rep.t3("三（七）", "自然人"), rep.t3("四", "自然人")) == (26, 0, 26, 0)
    assert rep.table3["一"]["商业企业"].blank and rep.t3("一", "商业企业") == 0
    assert rep.t3("三（一）", "总计") == 26
    # table 4: 行政复议 总计 1 = 0 + 0 + 0 + 1
    assert [rep.table4[("行政复议", r)].value for r in A.T4_RESULTS] == [0, 0, 0, 1, 1]
    assert all(rep.table4[(g, r)].value == 0 for g in A.T4_GROUPS[1:] for r in A.T4_RESULTS)
    assert rep.table2["规范性文件"]["本年制发件数"].value == 8 and rep.table2["规范性文件"]["现行有效件数"].value == 18
    assert A.check_report(rep) == []
    assert A.report_title(f.title) == (2023, "沭阳县发展和改革局")
    assert "收到依申请信息公开26件" in f.main_text  # the narrative agrees with table 三's 一 总计


# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("青山县人民政府2025年政府信息公开工作年度报告", (2025, "青山县人民政府")),
        ("青山县2025年政府信息公开工作年度报告_青山县人民政府", (2025, "青山县")),
        ("2025年政府信息公开工作年度报告", (2025, "")),
        ("青山县教育局2025年度政府信息公开工作年度报告", (2025, "青山县教育局")),
        ("青山县卫生健康局二〇二五年政府信息公开年报", (2025, "青山县卫生健康局")),
        ("青山县政府信息公开工作年度报告（2025年度）", (2025, "青山县")),
        ("关于做好2025年政府信息公开工作年度报告编制工作的通知", None),
        ("青山县人民政府2025年政府网站工作年度报表", None),
        ("2025年政府信息公开工作要点", None),
    ],
)
def test_report_titles(title, expected):
    assert A.report_title(title) == expected


@pytest.mark.parametrize(
    ("name", "configured", "kind"),
    [
        ("青山县人民政府", None, "government"),
        ("万载县人民政府门户网站", None, "government"),
        ("青山县人民政府办公室", None, "department"),
        ("青山县教育局", None, "department"),
        ("青山县发展和改革委员会", None, "department"),
        ("溪口镇人民政府", None, "township"),
        ("中国宜春", None, "unknown"),
        ("中国宜春", "government", "government"),
        ("青山县人民政府", "部门", "department"),
    ],
)
def test_site_kind(name, configured, kind):
    assert A.site_kind(name, configured)[0] == kind


@pytest.mark.parametrize(
    ("as_of", "kind", "year", "deadline"),
    [
        (dt.date(2026, 12, 15), "government", 2025, dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 31), "government", 2024, dt.date(2025, 3, 31)),  # on the deadline: not yet due
        (dt.date(2026, 4, 1), "government", 2025, dt.date(2026, 3, 31)),
        (dt.date(2026, 2, 1), "department", 2025, dt.date(2026, 1, 31)),
        (dt.date(2026, 1, 31), "department", 2024, dt.date(2025, 1, 31)),
        (dt.date(2026, 2, 10), "unknown", 2024, dt.date(2025, 3, 31)),
    ],
)
def test_due_year_and_deadline(as_of, kind, year, deadline):
    assert A.due_year(as_of, kind) == year
    assert A.deadline(year, kind) == deadline


@pytest.mark.parametrize(
    ("owner", "site", "kind", "own"),
    [
        ("", "青山县教育局", "department", True),
        ("青山县人民政府", "青山县人民政府", "government", True),
        ("青山县", "青山县人民政府", "government", True),
        ("青山县教育局", "青山县人民政府", "government", False),
        ("青山县人民政府办公室", "青山县人民政府", "government", False),
        ("白沙县", "青山县人民政府", "government", False),
        ("宜春市", "中国宜春", "unknown", True),
        ("青山县教育局", "青山县教育局", "department", True),
        ("青山县财政局", "青山县教育局", "department", False),
    ],
)
def test_own_report(owner, site, kind, own):
    assert A.is_own_report(owner, site, kind) is own


@pytest.mark.parametrize(
    ("raw", "value", "blank"),
    [("26", 26, False), ("", 0, True), ("\u3000", 0, True), ("—", 0, True), ("1,234", 1234, False), ("1，234", 1234, False),
     (" 2 6 ", 26, False), ("２６", 26, False), ("12.5", 12.5, False), ("26件", 26, False), ("1,23", None, False),
     ("约26", None, False)],
)
def test_numbers(raw, value, blank):
    n = A.parse_number(raw)
    assert (n.value, n.blank) == (value, blank)
