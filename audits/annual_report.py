"""政府信息公开工作年度报告: find them, parse their tables, check the 勾稽 rules.

Pure functions (no database) except ``run_reports`` / ``own_reports`` /
``report_columns``, which read the stored crawl facts of a run.

    parse_report(tables) -> ParsedReport        # tables: grids from crawler.extract.tables
    check_report(report) -> list[Violation]     # R1–R4 (国办公开办函〔2021〕30号)
    check_cross_year(this, last) -> list[Violation]   # R5, R6 (soft)
    report_title(title) -> (year, owner) | None
    site_kind(name, configured) -> (kind, source)     # government | department | township | unknown
    deadline(year, kind, ...) -> date                  # 条例 第四十九条

The tables follow the official layout (2021 format, and the older 2019 format
with its 第（九）项): header cells are found by their text, not their position,
so merged cells (expanded by tables.py into repeated texts), extra label
columns and spaces inside labels ("商业 企业") do not matter.  A blank cell
counts as 0; "1,234", "1，234", " 2 6 " and full-width digits are numbers.
Anything that cannot be read goes to ``warnings`` with the raw text, and a
check that would need it is skipped, never guessed.

勾稽 rules (``../shared/spec/standards.md`` section 4):

* R1 (stated in the format): per column of table 三, 一 + 二 = 三(七)总计 + 四.
* R2: 三(七)总计 = (一) + (二) + Σ(三)1–8 + Σ(四)1–3 + Σ(五)1–5 + Σ(六)1–3, per column.
* R3: per row of table 三, 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他.
* R4: table 四, each group's 总计 = 维持 + 纠正 + 其他 + 尚未审结.
* R5 (cross-year, soft): this year's 二 (上年结转) = last year's 四 (结转下年度).
* R6 (cross-year, soft): last year's 现行有效件数 + 本年制发件数 − 本年废止件数 = this year's 现行有效件数.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------
_FW = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "，": ",", "．": ".", "－": "-", "\u3000": " ", "\xa0": " "})
_BLANK = frozenset({"", "-", "—", "——", "/", "／", "无", "空", "—/—"})
_NUM_RE = re.compile(r"^(?P<n>-?\d+(?:\.\d+)?)(?:件|个|项|条|次|人|万元|元)?$")
_THOUSANDS_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass(frozen=True)
class Num:
    value: float | int | None  # None: unreadable
    raw: str
    blank: bool = False


def parse_number(raw: str | None) -> Num:
    """A table cell as a number: blank = 0, thousands separators and stray spaces removed."""
    text = (raw or "").translate(_FW)
    t = "".join(text.split())
    if t in _BLANK:
        return Num(0, raw or "", blank=True)
    if "," in t:
        if not _THOUSANDS_RE.match(t):
            return Num(None, raw or "")
        t = t.replace(",", "")
    m = _NUM_RE.match(t)
    if not m:
        return Num(None, raw or "")
    n = m["n"]
    value: float | int = float(n) if "." in n else int(n)
    if isinstance(value, float) and value.is_integer() and not n.endswith(".0"):
        value = int(value)
    return Num(value, raw or "")


def _norm(text: str) -> str:
    return "".join((text or "").translate(_FW).split()).replace("(", "（").replace(")", "）")


# --------------------------------------------------------------------------
# Parsed report
# --------------------------------------------------------------------------
T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T3_PARTS = T3_COLUMNS[:-1]
T4_GROUPS = ("行政复议", "未经复议直接起诉", "复议后起诉")
T4_RESULTS = ("维持", "纠正", "其他", "尚未审结", "总计")
_GROUP_ROWS = {"（三）": 8, "（四）": 3, "（五）": 5, "（六）": 3}
_GROUP_WORDS = (("不予公开", "（三）"), ("无法提供", "（四）"), ("不予处理", "（五）"), ("其他处理", "（六）"))
ROW_NAMES = {
    "一": "一、本年新收政府信息公开申请数量",
    "二": "二、上年结转政府信息公开申请数量",
    "三（一）": "三、（一）予以公开",
    "三（二）": "三、（二）部分公开",
    "三（三）": "三、（三）不予公开",
    "三（四）": "三、（四）无法提供",
    "三（五）": "三、（五）不予处理",
    "三（六）": "三、（六）其他处理",
    "三（七）": "三、（七）总计",
    "四": "四、结转下年度继续办理",
}


@dataclass
class Violation:
    check: str  # R1..R6
    table: str  # 三 | 四 | 二
    row: str
    column: str
    left: float | int
    right: float | int
    left_expr: str
    right_expr: str
    soft: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check, "table": self.table, "row": self.row, "column": self.column,
            "left": self.left, "right": self.right, "left_expr": self.left_expr, "right_expr": self.right_expr,
            "soft": self.soft,
        }

    def text(self) -> str:
        where = f"表{self.table}“{self.row}”" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.left_expr} = {self.left}，而 {self.right_expr} = {self.right}（{self.check}）"


@dataclass
class ParsedReport:
    format: str | None = None  # "2021" | "2019" | None
    table2: dict[str, dict[str, Num]] = field(default_factory=dict)  # row label -> column -> value
    table3: dict[str, dict[str, Num]] = field(default_factory=dict)  # row key -> column -> value
    table3_labels: dict[str, str] = field(default_factory=dict)  # row key -> label as written
    table3_columns: tuple[str, ...] = ()
    table4: dict[tuple[str, str], Num] = field(default_factory=dict)  # (group, result) -> value
    warnings: list[dict[str, Any]] = field(default_factory=list)
    blank_cells: int = 0

    @property
    def found(self) -> bool:
        return bool(self.table3 or self.table4 or self.table2)

    def t3(self, key: str, col: str) -> float | int | None:
        row = self.table3.get(key)
        if row is None or col not in row:
            return None
        return row[col].value


def _table_text(grid: list[list[str]]) -> str:
    return _norm("".join("".join(r) for r in grid))


def parse_report(tables: list[list[list[str]]] | None) -> ParsedReport:
    """The statistics tables (二, 三, 四) of one report page."""
    rep = ParsedReport()
    for grid in tables or []:
        text = _table_text(grid)
        if "本年新收" in text or "上年结转" in text:
            _parse_t3(grid, rep)
        elif "行政复议" in text and "行政诉讼" in text:
            _parse_t4(grid, rep)
        elif "第二十条" in text or ("信息内容" in text and ("规范性文件" in text or "行政许可" in text)):
            _parse_t2(grid, rep)
    if rep.format is None and rep.table3:
        rep.format = "2021" if any(k.startswith("三（六）") and k != "三（六）" for k in rep.table3) else "2019"
    if not rep.found:
        rep.warnings.append({"issue": "no_tables", "text": "页面上没有找到年报统计表格（表二、表三、表四）"})
    else:
        for name, present in (("三", rep.table3), ("四", rep.table4)):
            if not present:
                rep.warnings.append({"issue": "missing_table", "table": name, "text": f"没有找到表{name}"})
    return rep


def _parse_t2(grid: list[list[str]], rep: ParsedReport) -> None:
    cols: list[str] = []
    for row in grid:
        cells = [_norm(c) for c in row]
        if not cells:
            continue
        head = cells[0]
        if head.startswith("第二十条"):
            if "（九）" in head:
                rep.format = "2019"
            continue
        if head == "信息内容":
            cols = cells[1:]
            if any("本年新制作" in c for c in cols):
                rep.format = rep.format or "2019"
            elif any("本年制发" in c for c in cols):
                rep.format = rep.format or "2021"
            continue
        if not cols or not head:
            continue
        label = re.sub(r"（.*?）$", "", head) or head
        values: dict[str, Num] = {}
        for name, raw in zip(cols, row[1:]):
            if name and name not in values:
                values[name] = parse_number(raw)
                if values[name].value is None:
                    rep.warnings.append({"issue": "unreadable_number", "table": "二", "row": head, "column": name, "raw": raw})
        rep.table2[label] = values


def _t3_key(labels: list[str]) -> str | None:
    text = "".join(labels)
    if "本年新收" in text:
        return "一"
    if "上年结转" in text:
        return "二"
    if "结转下年度" in text or "结转下一年度" in text:
        return "四"
    if "总计" in text or "合计" in text:
        return "三（七）"
    last = labels[-1] if labels else ""
    num = re.match(r"^(\d{1,2})[.．、]", last)
    for word, group in _GROUP_WORDS:
        if word in text:
            return f"三{group}{num.group(1)}" if num else f"三{group}"
    if "予以公开" in text:
        return "三（一）"
    if "部分公开" in text:
        return "三（二）"
    return None


def _parse_t3(grid: list[list[str]], rep: ParsedReport) -> None:
    first_data = next(
        (i for i, row in enumerate(grid) if any("本年新收" in _norm(c) for c in row)), None
    )
    header = grid[:first_data] if first_data else []
    index: dict[str, int] = {}
    for row in header:
        for j, cell in enumerate(row):
            c = _norm(cell)
            c = "总计" if c == "合计" else c
            if c in T3_COLUMNS:
                index[c] = j  # the last header row wins (sub-headers under 法人或其他组织)
    if len(index) < len(T3_COLUMNS):
        width = max((len(r) for r in grid[first_data or 0:]), default=0)
        if first_data is None or width < len(T3_COLUMNS) + 1:
            rep.warnings.append({"issue": "unreadable_table", "table": "三", "text": "表三的表头无法识别"})
            return
        missing = [c for c in T3_COLUMNS if c not in index]
        rep.warnings.append({"issue": "header_guessed", "table": "三", "columns": missing,
                             "text": f"表三表头缺少{'、'.join(missing)}，按最后 7 列读取"})
        index = {c: width - len(T3_COLUMNS) + k for k, c in enumerate(T3_COLUMNS)}
    rep.table3_columns = tuple(c for c in T3_COLUMNS if c in index)
    first_value = min(index.values())
    for row in grid[first_data or 0:]:
        labels: list[str] = []
        for cell in row[:first_value]:
            c = _norm(cell)
            if c and c not in labels and not c.startswith("（本列数据"):
                labels.append(c)
        if not labels:
            continue
        key = _t3_key(labels)
        if key is None:
            continue
        if key in rep.table3:
            rep.warnings.append({"issue": "duplicate_row", "table": "三", "row": "".join(labels)})
            continue
        values: dict[str, Num] = {}
        for col, j in index.items():
            if j >= len(row):
                rep.warnings.append({"issue": "short_row", "table": "三", "row": labels[-1], "column": col,
                                     "text": f"表三“{labels[-1]}”行缺少“{col}”列"})
                continue
            n = parse_number(row[j])
            if n.value is None:
                rep.warnings.append({"issue": "unreadable_number", "table": "三", "row": labels[-1], "column": col,
                                     "raw": row[j], "text": f"表三“{labels[-1]}”行“{col}”列“{row[j]}”不是数字"})
                continue
            if n.value < 0:
                rep.warnings.append({"issue": "negative_number", "table": "三", "row": labels[-1], "column": col, "raw": row[j]})
            rep.blank_cells += n.blank
            values[col] = n
        rep.table3[key] = values
        rep.table3_labels[key] = labels[-1] if len(labels) == 1 else "".join(labels[-2:]) if key.startswith("三（") else labels[-1]
    # rows the format requires
    needed = ["一", "二", "三（一）", "三（二）", "三（七）", "四"]
    for group, n in _GROUP_ROWS.items():
        subs = [f"三{group}{k}" for k in range(1, n + 1)]
        have = [s for s in subs if s in rep.table3]
        if group == "（六）" and not have and f"三{group}" in rep.table3:
            continue  # 2019 format: one 其他处理 row
        if not have and f"三{group}" in rep.table3:
            continue  # one row for the whole group
        needed += subs
    for key in needed:
        if key not in rep.table3:
            rep.warnings.append({"issue": "missing_row", "table": "三", "row": _row_name(key),
                                 "text": f"表三缺少“{_row_name(key)}”行"})


def _row_name(key: str) -> str:
    if key in ROW_NAMES:
        return ROW_NAMES[key]
    m = re.match(r"^三(（.）)(\d+)$", key)
    if m:
        return f"{ROW_NAMES['三' + m.group(1)]} {m.group(2)}."
    return key


def _t4_result(text: str) -> str | None:
    for word, key in (("维持", "维持"), ("纠正", "纠正"), ("其他", "其他"), ("尚未审结", "尚未审结"), ("未审结", "尚未审结"), ("总计", "总计"), ("合计", "总计")):
        if word in text:
            return key
    return None


def _parse_t4(grid: list[list[str]], rep: ParsedReport) -> None:
    def numeric(row: list[str]) -> bool:
        return bool(row) and all(parse_number(c).value is not None for c in row) and any(_norm(c) for c in row)

    header = [r for r in grid if not numeric(r)]
    data = [r for r in grid if numeric(r)]
    if not data:
        rep.warnings.append({"issue": "unreadable_table", "table": "四", "text": "表四没有数据行"})
        return
    row = data[-1]
    width = len(row)
    for j in range(width):
        texts = [_norm(h[j]) for h in header if j < len(h)]
        group = None
        for t in texts:
            if "未经复议" in t:
                group = "未经复议直接起诉"
            elif "复议后" in t:
                group = "复议后起诉"
        if group is None and any(t == "行政复议" for t in texts):
            group = "行政复议"
        result = _t4_result(texts[-1]) if texts else None
        if group is None or result is None:
            continue
        n = parse_number(row[j])
        rep.blank_cells += n.blank
        rep.table4.setdefault((group, result), n)
    for g in T4_GROUPS:
        for r in T4_RESULTS:
            if (g, r) not in rep.table4:
                rep.warnings.append({"issue": "missing_cell", "table": "四", "row": g, "column": r,
                                     "text": f"表四缺少“{g}·{r}”"})


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------
def _fmt(n: float | int) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def check_report(rep: ParsedReport) -> list[Violation]:
    """R1–R4 on one report; checks whose cells are missing are skipped (see rep.warnings)."""
    out: list[Violation] = []
    t3 = rep.table3
    # R1
    for col in rep.table3_columns:
        a, b, c, d = (rep.t3(k, col) for k in ("一", "二", "三（七）", "四"))
        if None in (a, b, c, d):
            continue
        if a + b != c + d:  # type: ignore[operator]
            out.append(Violation(
                "R1", "三", "一+二 与 三(七)+四", col, a + b, c + d,  # type: ignore[operator]
                f"一、本年新收 {_fmt(a)} + 二、上年结转 {_fmt(b)}",  # type: ignore[arg-type]
                f"（七）总计 {_fmt(c)} + 四、结转下年度 {_fmt(d)}",  # type: ignore[arg-type]
            ))
    # R2
    for col in rep.table3_columns:
        total = rep.t3("三（七）", col)
        if total is None:
            continue
        parts: list[tuple[str, float | int]] = []
        ok = True
        for key in ("三（一）", "三（二）"):
            v = rep.t3(key, col)
            if v is None:
                ok = False
                break
            parts.append((key, v))
        for group, n in _GROUP_ROWS.items():
            subs = [f"三{group}{k}" for k in range(1, n + 1) if f"三{group}{k}" in t3]
            if subs and len(subs) < n:
                ok = False  # a sub-row is missing (see warnings): the sum cannot be trusted
                break
            keys = subs or ([f"三{group}"] if f"三{group}" in t3 else [])
            if not keys:
                ok = False
                break
            for k in keys:
                v = rep.t3(k, col)
                if v is None:
                    ok = False
                    break
                parts.append((k, v))
        if not ok:
            continue
        s = sum(v for _, v in parts)
        if s != total:
            expr = " + ".join(f"{_short(k)} {_fmt(v)}" for k, v in parts if v) or "各项"
            out.append(Violation("R2", "三", ROW_NAMES["三（七）"], col, total, s, f"（七）总计 {_fmt(total)}", expr))
    # R3
    if "总计" in rep.table3_columns and all(c in rep.table3_columns for c in T3_PARTS):
        for key, row in t3.items():
            if not all(c in row for c in T3_COLUMNS):
                continue
            total = row["总计"].value
            s = sum(row[c].value for c in T3_PARTS)  # type: ignore[misc]
            if s != total:
                expr = " + ".join(f"{c} {_fmt(row[c].value)}" for c in T3_PARTS)  # type: ignore[arg-type]
                out.append(Violation("R3", "三", rep.table3_labels.get(key, _row_name(key)), "总计", total, s,  # type: ignore[arg-type]
                                     f"总计 {_fmt(total)}", expr))  # type: ignore[arg-type]
    # R4
    for g in T4_GROUPS:
        cells = {r: rep.table4.get((g, r)) for r in T4_RESULTS}
        if any(c is None or c.value is None for c in cells.values()):
            continue
        total = cells["总计"].value  # type: ignore[union-attr]
        parts4 = [(r, cells[r].value) for r in T4_RESULTS[:-1]]  # type: ignore[union-attr]
        s = sum(v for _, v in parts4)  # type: ignore[misc]
        if s != total:
            out.append(Violation("R4", "四", g, "总计", total, s, f"{g}总计 {_fmt(total)}",  # type: ignore[arg-type]
                                 " + ".join(f"{r} {_fmt(v)}" for r, v in parts4)))  # type: ignore[arg-type]
    return out


def _short(key: str) -> str:
    m = re.match(r"^三(（.）)(\d*)$", key)
    if not m:
        return key
    return m.group(1) + (f"{m.group(2)}." if m.group(2) else "")


def _t2_row(rep: ParsedReport, *names: str) -> dict[str, Num] | None:
    for n in names:
        if n in rep.table2:
            return rep.table2[n]
    return None


def check_cross_year(this: ParsedReport, last: ParsedReport) -> list[Violation]:
    """R5 and R6 between two consecutive years' reports (soft: reported as minor)."""
    out: list[Violation] = []
    for col in this.table3_columns:
        a, b = this.t3("二", col), last.t3("四", col)
        if a is None or b is None or a == b:
            continue
        out.append(Violation("R5", "三", "二、上年结转 与 上年 四、结转下年度", col, a, b,
                             f"本年 二、上年结转 {_fmt(a)}", f"上年 四、结转下年度 {_fmt(b)}", soft=True))
    for label in ("规章", "规范性文件"):
        names = (label, "行政规范性文件") if label == "规范性文件" else (label,)
        now, prev = _t2_row(this, *names), _t2_row(last, *names)
        if not now or not prev:
            continue
        cur = now.get("现行有效件数")
        made = now.get("本年制发件数")
        gone = now.get("本年废止件数")
        before = prev.get("现行有效件数")
        if None in (cur, made, gone, before) or None in (cur.value, made.value, gone.value, before.value):  # type: ignore[union-attr]
            continue
        expect = before.value + made.value - gone.value  # type: ignore[union-attr,operator]
        if expect != cur.value:  # type: ignore[union-attr]
            out.append(Violation(
                "R6", "二", label, "现行有效件数", cur.value, expect,  # type: ignore[union-attr,arg-type]
                f"本年现行有效 {_fmt(cur.value)}",  # type: ignore[union-attr,arg-type]
                f"上年现行有效 {_fmt(before.value)} + 本年制发 {_fmt(made.value)} − 本年废止 {_fmt(gone.value)}",  # type: ignore[union-attr,arg-type]
                soft=True,
            ))
    return out


# --------------------------------------------------------------------------
# Titles, site kind, deadlines
# --------------------------------------------------------------------------
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT.update({"零": 0, "○": 0, "Ｏ": 0, "O": 0})
_YEAR = r"(?:19|20)\d\d|[〇零○一二三四五六七八九]{4}"
_REPORT_RE = re.compile(
    rf"^(?P<owner>.*?)(?P<year>{_YEAR})\s*年度?\s*(?:的)?\s*(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
)
_REPORT_TAIL_RE = re.compile(
    rf"^(?P<owner>.*?)(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报)\s*[（(]\s*(?P<year>{_YEAR})\s*年?度?\s*[）)]"
)
_NOT_REPORT = ("关于", "通知", "报表", "解读", "要点", "目录", "说明", "会议")


def _year(text: str) -> int:
    return int(text) if text.isdigit() else int("".join(str(_CN_DIGIT[c]) for c in text))


def strip_site_suffix(title: str) -> str:
    t = (title or "").strip()
    for sep in ("_", "|", "｜", " - ", "-", "－", "—"):
        if sep in t:
            head = t.split(sep)[0].strip()
            if len(head) >= 8:
                t = head
    return t


def report_title(title: str) -> tuple[int, str] | None:
    """(year, owner) of a 政府信息公开工作年度报告 title; owner is '' when unnamed."""
    t = "".join(strip_site_suffix(title).split())
    if not t or "信息公开" not in t or any(w in t for w in _NOT_REPORT):
        return None
    m = _REPORT_RE.search(t) or _REPORT_TAIL_RE.search(t)
    if not m:
        return None
    return _year(m["year"]), m["owner"].strip("：:（）() ")


KINDS = ("government", "department", "township")
_KIND_ALIASES = {
    "government": "government", "gov": "government", "county": "government", "city": "government",
    "政府": "government", "人民政府": "government",
    "department": "department", "dept": "department", "部门": "department",
    "township": "township", "town": "township", "乡镇": "township", "街道": "township",
}
_TOWNSHIP_RE = re.compile(r"(?:乡|镇)人民政府|街道办事处")
_GOV_RE = re.compile(r"人民政府(?!办公室|办公厅|[\u4e00-\u9fff]{0,10}(?:局|委员会|中心))|政府门户网站$|政府网$")
_DEPT_RE = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|院|署|管委会|管理处)(?:网站|门户网站)?$")


def site_kind(name: str | None, configured: str | None = None) -> tuple[str, str]:
    """(kind, source): the configured kind, else inferred from the site's name."""
    if configured:
        kind = _KIND_ALIASES.get(configured.strip().lower()) or _KIND_ALIASES.get(configured.strip())
        if kind:
            return kind, "config"
    n = "".join((name or "").split())
    if _TOWNSHIP_RE.search(n):
        return "township", "name"
    if _GOV_RE.search(n):
        return "government", "name"
    if _DEPT_RE.search(n):
        return "department", "name"
    return "unknown", "name"


def _month_day(text: str, default: tuple[int, int]) -> tuple[int, int]:
    m = re.match(r"^\s*(\d{1,2})\s*[-/月]\s*(\d{1,2})", text or "")
    return (int(m.group(1)), int(m.group(2))) if m else default


def deadline(year: int, kind: str, government: str = "03-31", department: str = "01-31") -> dt.date:
    """Publication deadline of the ``year`` report (条例 第四十九条): 1月31日 / 3月31日 of the next year.

    A county/city government's own report (and a site of unknown kind, the
    lenient choice) by 3月31日; departments and townships by 1月31日.
    """
    m, d = _month_day(government if kind in ("government", "unknown") else department,
                      (3, 31) if kind in ("government", "unknown") else (1, 31))
    return dt.date(year + 1, m, d)


def due_year(as_of: dt.date, kind: str, government: str = "03-31", department: str = "01-31") -> int:
    """The latest report year whose deadline has passed on ``as_of``."""
    year = as_of.year - 1
    if as_of <= deadline(year, kind, government, department):
        year -= 1
    return year


def is_own_report(owner: str, site_name: str, kind: str) -> bool:
    """Is a report titled with ``owner`` this site's own (not a department's listed on it)?"""
    o = "".join((owner or "").split())
    s = "".join((site_name or "").split())
    if not o or o == s:
        return True
    site_core = re.sub(r"(?:门户网站|网站|门户)$", "", s)
    if not site_core:
        return False
    if o == site_core:
        return True
    if kind in ("government", "unknown"):
        gov_core = re.sub(r"(?:人民政府|政府)$", "", site_core)
        if gov_core and o in (gov_core, gov_core + "人民政府", gov_core + "政府"):
            return True
        region = bool(re.search(r"(?:省|市|县|区|州|盟|旗)(?:人民政府)?$", o)) and not _DEPT_RE.search(o)
        return region and (kind == "unknown" or o in s)
    return o in s or site_core in o


# --------------------------------------------------------------------------
# The reports of one site (stored crawl facts)
# --------------------------------------------------------------------------
@dataclass
class FoundReport:
    url: str
    title: str
    year: int
    owner: str
    root: str | None  # the site the page belongs to (None: not crawled / other site)
    published: dt.date | None = None
    published_source: str | None = None
    crawled: bool = False
    attachment: bool = False
    tables: list[list[list[str]]] | None = None
    columns: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url, "title": self.title, "year": self.year, "owner": self.owner or None,
            "published": self.published.isoformat() if self.published else None,
            "published_source": self.published_source, "crawled": self.crawled,
            "attachment": self.attachment, "on_site": self.root,
        }


def report_columns(ctx: Any) -> list[dict[str, Any]]:
    """This site's 年报 columns (政府信息公开年报, 信息公开年度报告…)."""
    return [
        c for c in ctx.columns()
        if c.get("name") and ("年报" in c["name"] or "年度报告" in c["name"]) and "报表" not in c["name"]
    ]


def run_reports(ctx: Any) -> list[FoundReport]:
    """Every 政府信息公开工作年度报告 seen anywhere in the crawl run (pages, list items, link anchors).

    The same for every site of the run: computed once per run and database state
    (three rules and the statistics ask for it for every site; each time it reads
    the whole links table), then copied, since callers may change the reports
    (a pickle round trip: the same fresh copy as copy.deepcopy, ten times faster, which
    matters with 51 sites asking four times each for every report of the run).
    """
    import pickle

    version = ctx.db.conn.execute(
        "SELECT (SELECT max(rowid) FROM pages), (SELECT max(rowid) FROM links), (SELECT max(rowid) FROM list_items), "
        "(SELECT max(rowid) FROM columns)"
    ).fetchone()
    key = (ctx.run_id, *version, ctx.db.conn.execute("PRAGMA data_version").fetchone()[0])
    cache = ctx.db.__dict__.setdefault("_govaudit_run_reports", {})
    if key not in cache:
        cache.clear()
        cache[key] = pickle.dumps(_run_reports(ctx), protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.loads(cache[key])


def _run_reports(ctx: Any) -> list[FoundReport]:
    import json

    found: dict[str, FoundReport] = {}

    def add(url: str, title: str, root: str | None) -> FoundReport | None:
        parsed = report_title(title)
        if parsed is None:
            return None
        rep = found.get(url)
        if rep is None:
            rep = found[url] = FoundReport(url, strip_site_suffix(title), parsed[0], parsed[1], root)
        elif root and not rep.root:
            rep.root = root
        return rep

    from audits.textscan import facts_ready

    columns = "url, root, title, article_title, doc_meta_json, pub_date, pub_date_source, tables_json"
    if facts_ready(ctx):  # flagged when stored (crawler/facts.py): no scan of the run's pages
        pages_sql = f"SELECT {columns} FROM pages INDEXED BY idx_pages_report WHERE run_id = ? AND report_hint = 1 ORDER BY rowid"
    else:
        pages_sql = (
            f"SELECT {columns} FROM pages WHERE run_id = ? AND error IS NULL AND (status IS NULL OR status < 400) AND "
            "(title LIKE '%信息公开%' OR article_title LIKE '%信息公开%' OR doc_meta_json LIKE '%信息公开%')"
        )
    for r in ctx.query(pages_sql, [ctx.run_id]):
        title = r.get("article_title") or ""
        if report_title(title) is None:
            title = r.get("title") or ""
        if report_title(title) is None and r.get("doc_meta_json"):
            try:
                dm = json.loads(r["doc_meta_json"])
            except ValueError:
                dm = {}
            title = dm.get("名称") or dm.get("标题") or ""
        rep = add(r["url"], title, r["root"])
        if rep is None:
            continue
        rep.crawled = True
        d = ctx.parse_day(r.get("pub_date"))
        if d:
            rep.published, rep.published_source = d, f"page:{r.get('pub_date_source')}"
        if r.get("tables_json"):
            try:
                rep.tables = json.loads(r["tables_json"])
            except ValueError:
                rep.tables = None
    for r in ctx.query(
        "SELECT li.url, li.title, li.date, coalesce(c.root, p.root) AS root, c.name FROM list_items li "
        "LEFT JOIN columns c ON c.run_id = li.run_id AND c.url = li.column_url "
        "LEFT JOIN pages p ON p.run_id = li.run_id AND p.url = li.page_url "
        "WHERE li.run_id = ? AND li.title LIKE '%信息公开%'",
        [ctx.run_id],
    ):
        rep = add(r["url"], r["title"] or "", r.get("root"))
        if rep is None:
            continue
        if r.get("name") and r["name"] not in rep.columns:
            rep.columns.append(r["name"])
        d = ctx.parse_day(r.get("date"))
        if d and rep.published is None:
            rep.published, rep.published_source = d, "list"
    for r in ctx.query(
        "SELECT l.target, l.anchor, l.kind, p.root FROM links l INDEXED BY idx_links_report_anchor "
        "JOIN pages p INDEXED BY idx_pages_url_root ON p.run_id = l.run_id AND p.url = l.source "
        # a report's title has 信息公开 and 报告 or 年报 (report_title): the partial index idx_links_report_anchor
        "WHERE l.run_id = ? AND instr(l.anchor, '信息公开') > 0 AND instr(l.anchor, '报') > 0 "
        "AND l.kind IN ('page', 'attachment', 'external')",
        [ctx.run_id],
    ):
        rep = add(r["target"], r["anchor"] or "", r["root"])  # linked from this site: published on it
        if rep is not None and r["kind"] == "attachment":
            rep.attachment = True  # PDF/DOC/WPS content is not parsed
    return list(found.values())


def own_reports(ctx: Any, reports: list[FoundReport], kind: str) -> list[FoundReport]:
    """This site's own reports: on this site (or listed in its columns) and not another organ's;
    or anywhere in the crawl when the title names this site exactly (集约化 platforms)."""
    name = ctx.site_name
    out = []
    for rep in reports:
        here = rep.root == ctx.root
        if here and is_own_report(rep.owner, name, kind):
            out.append(rep)
        elif not here and rep.owner and "".join(rep.owner.split()) == "".join((name or "").split()):
            out.append(rep)
    return out
