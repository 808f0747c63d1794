"""The annual-report draft as a Word document (python-docx), in the official layout.

Layout follows the 政府信息公开工作年度报告格式 (国办公开办函〔2021〕30号) and
common 公文 typography: A4, title in 方正小标宋简体 二号, headings 黑体 / 楷体_GB2312
三号, body 仿宋_GB2312 三号 with a two-character first-line indent, page
numbers "— N —" in the footer. Missing fonts are substituted by Word or
LibreOffice; nothing else depends on them.

Everything the office must complete is a yellow-highlighted 【请填写…】 and a
yellow cell. Figures (S…) and findings (F…) in the text are internal links to
bookmarks in the appendix; URLs in the appendix are external links (http/https
only). Crawled text is inserted as text (python-docx escapes XML), with
characters that XML cannot hold removed.

    write_docx(report: AnnualReport, path)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.annual import (
    SECTION_TITLES,
    TABLE3_APPLICANTS,
    TABLE3_COLUMNS,
    TABLE3_NOTE,
    TABLE3_ROWS,
    TABLE4_GROUPS,
    TABLE4_RESULTS,
    AnnualReport,
)
from reports.untrusted import visible_controls

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LINK_COLOR = RGBColor(0x05, 0x63, 0xC1)
FILL_SHADE = "FFF2CC"  # cells for the office to fill
HEAD_SHADE = "F2F2F2"
DOCX_REFS = 20  # URLs listed per figure in the appendix

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PLACEHOLDER = re.compile(r"(【请[^】]*】)")


def clean(text: Any) -> str:
    """Text safe for WordprocessingML: characters XML 1.0 cannot hold are dropped."""
    return visible_controls(_BAD_XML.sub("", "" if text is None else str(text)))  # bidi overrides shown, not obeyed


def _set_font(target: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Font for a run or a style, East Asian script included."""
    font = target.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    fonts = target._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


class _Doc:
    def __init__(self, report: AnnualReport) -> None:
        self.r = report
        self.doc = Document()
        self._bookmark_id = 0
        self._rels: dict[str, str] = {}  # URL -> relationship id (python-docx's relate_to is linear per call)
        self._setup()

    # --- page and styles ----------------------------------------------------------
    def _setup(self) -> None:
        d = self.doc
        sec = d.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
        sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
        normal = d.styles["Normal"]
        _set_font(normal, BODY_FONT, 16)
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(28)
        pf.space_before = pf.space_after = Pt(0)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)
        for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT), ("Title", TITLE_FONT)):
            st = d.styles[name]
            _set_font(st, font, 22 if name == "Title" else 16, False)
            st.font.color.rgb = RGBColor(0, 0, 0)
            st.font.italic = False
            st.paragraph_format.space_before = Pt(0)
            st.paragraph_format.space_after = Pt(0)
            st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            st.paragraph_format.line_spacing = Pt(36 if name == "Title" else 28)
            st.paragraph_format.first_line_indent = Cm(0) if name == "Title" else Pt(32)
            st.paragraph_format.keep_with_next = True
        from docx.enum.style import WD_STYLE_TYPE

        table_style = d.styles.add_style("表格文字", WD_STYLE_TYPE.PARAGRAPH)
        table_style.base_style = normal
        _set_font(table_style, TABLE_FONT, 9)
        tpf = table_style.paragraph_format
        tpf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        tpf.first_line_indent = Cm(0)
        tpf.space_before = tpf.space_after = Pt(0)
        self.table_style_id = table_style.style_id
        title_ppr = d.styles["Title"].element.get_or_add_pPr()
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)
        d.core_properties.title = clean(self.r.title)
        d.core_properties.author = "govaudit（草稿）"
        d.core_properties.language = "zh-CN"
        d.core_properties.subject = "政府信息公开工作年度报告（草稿）"
        self._page_numbers()

    def _page_numbers(self) -> None:
        p = self.doc.sections[0].footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run("— "), "宋体", 14)
        run = p.add_run()
        _set_font(run, "宋体", 14)
        for tag, attr in (("w:fldChar", "begin"), ("w:instrText", None), ("w:fldChar", "separate"), ("w:t", None), ("w:fldChar", "end")):
            el = OxmlElement(tag)
            if tag == "w:fldChar":
                el.set(qn("w:fldCharType"), attr)
            elif tag == "w:instrText":
                el.set(qn("xml:space"), "preserve")
                el.text = " PAGE "
            else:
                el.text = "1"
            run._r.append(el)
        _set_font(p.add_run(" —"), "宋体", 14)

    # --- text ---------------------------------------------------------------------
    def para(self, text: str = "", *, indent: bool = True, bold_lead: str | None = None, size: float | None = None,
             align: Any = None, style: str | None = None) -> Any:
        p = self.doc.add_paragraph(style=style)
        if not indent:
            p.paragraph_format.first_line_indent = Cm(0)
        else:
            p.paragraph_format.first_line_indent = Pt(2 * (size or 16))
        if align is not None:
            p.alignment = align
        if bold_lead:
            run = p.add_run(clean(bold_lead))
            run.bold = True
            if size:
                run.font.size = Pt(size)
        self.text(p, text, size)
        return p

    def text(self, p: Any, text: str, size: float | None = None) -> None:
        """Add text to a paragraph; 【请…】 placeholders are highlighted."""
        for part in _PLACEHOLDER.split(clean(text)):
            if not part:
                continue
            run = p.add_run(part)
            if size:
                run.font.size = Pt(size)
            if _PLACEHOLDER.fullmatch(part):
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(clean(text), style=f"Heading {level}")

    def _link_run(self, parent: Any, text: str, size: float | None) -> None:
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        color = OxmlElement("w:color")  # schema order: color, sz, szCs, u
        color.set(qn("w:val"), "0563C1")
        rpr.append(color)
        if size:
            for tag in ("w:sz", "w:szCs"):
                sz = OxmlElement(tag)
                sz.set(qn("w:val"), str(int(size * 2)))
                rpr.append(sz)
        u = OxmlElement("w:u")
        u.set(qn("w:val"), "single")
        rpr.append(u)
        run.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = clean(text)
        run.append(t)
        parent.append(run)

    def anchor_link(self, p: Any, anchor: str, text: str, size: float | None = None) -> None:
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), anchor)
        link.set(qn("w:history"), "1")
        self._link_run(link, text, size)
        p._p.append(link)

    def url_link(self, p: Any, url: str, size: float | None = None) -> None:
        href = _safe_url(url)
        if not href:
            run = p.add_run(clean(url))
            if size:
                run.font.size = Pt(size)
            return
        rid = self._rels.get(href)
        if rid is None:
            rid = self._rels[href] = f"rIdGa{len(self._rels) + 1}"
            p.part.rels.add_relationship(RT.HYPERLINK, href, rid, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        link.set(qn("w:history"), "1")
        self._link_run(link, url, size)
        p._p.append(link)

    def bookmark(self, p: Any, name: str) -> None:
        self._bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_id))
        p._p.insert(0, start)
        p._p.append(end)

    def refs(self, p: Any, ids: list[str], size: float | None = None, prefix: str = "（依据：附录二 ", suffix: str = "）") -> None:
        if not ids:
            return
        self.text(p, prefix, size)
        for n, (first, last) in enumerate(_ranges(ids)):
            if n:
                self.text(p, "、", size)
            self.anchor_link(p, first, first if first == last else f"{first}—{last}", size)
        self.text(p, suffix, size)

    # --- tables -------------------------------------------------------------------
    def table(self, rows: int, cols: int, widths: list[float], header_rows: int = 1) -> Any:
        """A grid table; its first ``header_rows`` repeat on each page and no row splits across pages."""
        t = self.doc.add_table(rows=rows, cols=cols)
        for n, tr in enumerate(t._tbl.tr_lst):
            trpr = tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))  # schema order: cantSplit before tblHeader
            if n < header_rows:
                trpr.append(OxmlElement("w:tblHeader"))
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        for i, w in enumerate(widths):
            t.columns[i].width = Cm(w)
        for row in _grid(t):
            for cell, w in zip(row, widths):
                cell.width = Cm(w)
        return t

    def cell(self, cell: Any, text: str = "", *, size: float = 10.5, bold: bool = False, shade: str | None = None,
             center: bool = True, font: str = TABLE_FONT) -> Any:
        p = cell.paragraphs[0]
        p._p.style = self.table_style_id  # by id: python-docx's style setter is slow
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if text:
            run = p.add_run(clean(text))
            if size != 9:
                run.font.size = Pt(size)
            if bold:
                run.bold = True
            if font != TABLE_FONT:
                run.font.name = font  # Latin script only (SQL); Chinese keeps the style's font
        if shade:
            _shade(cell, shade)
        return p

    # --- the document -----------------------------------------------------------------
    def build(self) -> Any:
        r = self.r
        self.doc.add_paragraph(clean(r.title), style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.para("", indent=False)
        notes = "【草稿说明，定稿前删除：本稿由 govaudit 根据网站检查数据生成。" + "".join(clean(n) for n in r.notes) + "】"
        self.para(notes, size=12)
        self.para(r.intro)

        self.heading(SECTION_TITLES[0], 1)
        for o in r.overview:
            p = self.para("", bold_lead=None)
            run = p.add_run(clean(o["heading"]))
            _set_font(run, SUBHEADING_FONT, 16)
            self.text(p, o["text"])

        self.heading(SECTION_TITLES[1], 1)
        self._table2()
        self.para("网站数据辅助统计（供填报参考，定稿时可删除）：", indent=False, size=12).runs[0].bold = True
        self._column_docs()
        for g in r.stat_groups:
            self._stat_group(g)

        self.heading(SECTION_TITLES[2], 1)
        self.para("【请填写：依申请公开情况网站检查无法获取，请按下表据实填写。】", size=12)
        self._table3()

        self.heading(SECTION_TITLES[3], 1)
        self.para("【请填写：请按下表据实填写。】", size=12)
        self._table4()

        self.heading(SECTION_TITLES[4], 1)
        self.para(r.problems_intro)
        if r.problems:
            self.heading("（一）存在的主要问题", 2)
            for pr in r.problems:
                lead = f"{pr.number}是{pr.heading}。"
                p = self.para(pr.text[len(lead):] if pr.text.startswith(lead) else pr.text, bold_lead=lead)
                self.refs(p, pr.refs)
            self.heading("（二）改进情况及下一步措施", 2)
            for pr in r.problems:
                lead = f"{pr.number}是{pr.improvement_heading}。"
                self.para(pr.improvement[len(lead):] if pr.improvement.startswith(lead) else pr.improvement, bold_lead=lead)
        self.para(r.closing)

        self.heading(SECTION_TITLES[5], 1)
        self.para(r.other)

        self._appendix()
        return self.doc

    def _table2(self) -> None:
        blocks = self.r.table2
        n_rows = sum(2 + len(b["rows"]) for b in blocks)
        t = self.table(n_rows, 4, [4.6, 3.4, 3.4, 3.4], header_rows=0)
        g = _grid(t)
        i = 0
        for b in blocks:  # merges first
            g[i][0].merge(g[i][3])
            if len(b["headers"]) != 4:
                g[i + 1][1].merge(g[i + 1][3])
            for k, row in enumerate(b["rows"]):
                if len(row["cells"]) != 3:
                    g[i + 2 + k][1].merge(g[i + 2 + k][3])
            i += 2 + len(b["rows"])
        g = _grid(t)
        i = 0
        for b in blocks:
            self.cell(g[i][0], b["title"], bold=True, shade=HEAD_SHADE)
            i += 1
            heads = b["headers"]
            if len(heads) == 4:
                for j, h in enumerate(heads):
                    self.cell(g[i][j], h, bold=True)
            else:
                self.cell(g[i][0], heads[0], bold=True)
                self.cell(g[i][1], heads[1], bold=True)
            i += 1
            for row in b["rows"]:
                self.cell(g[i][0], row["label"])
                cells = row["cells"]
                for j, c in enumerate(cells):
                    target = g[i][1 + j]
                    if c["value"] is None:
                        self.cell(target, "", shade=FILL_SHADE)
                    else:
                        p = self.cell(target, str(c["value"]))
                        if c["figure"]:
                            self.text(p, "（", 8)
                            self.anchor_link(p, c["figure"], c["figure"], 8)
                            self.text(p, "）", 8)
                i += 1
        self.para("注：黄色单元格请据实填写；带编号（S…）的数字由网站检查数据推算，可在附录一复核。", indent=False, size=10.5)

    def _column_docs(self) -> None:
        cols = self.r.column_docs
        g = _grid(self.table(1 + max(1, len(cols)), 3, [8.6, 3.6, 2.6]))
        for j, h in enumerate(("栏目", "本年发布信息（条）", "来源")):
            self.cell(g[0][j], h, bold=True, shade=HEAD_SHADE)
        if not cols:
            self.cell(g[1][0], "（未统计到本年发布的信息）")
        for i, c in enumerate(cols, 1):
            self.cell(g[i][0], c["column"], center=False)
            self.cell(g[i][1], str(c["count"]))
            self.anchor_link(self.cell(g[i][2]), c["figure"], c["figure"], 10.5)
        self.para("", indent=False, size=8)

    def _stat_group(self, g: dict[str, Any]) -> None:
        figs = [self.r.figure(fid) for fid in g["figures"]]
        if not figs:
            return
        grid = _grid(self.table(1 + len(figs), 3, [8.6, 3.6, 2.6]))
        for j, h in enumerate((g["title"], "数值", "来源")):
            self.cell(grid[0][j], h, bold=True, shade=HEAD_SHADE)
        for i, f in enumerate(figs, 1):
            self.cell(grid[i][0], f.label, center=False)
            if f.value is None:
                self.cell(grid[i][1], "", shade=FILL_SHADE)
            else:
                self.cell(grid[i][1], f.text + ("" if f.unit == "%" else f.unit))
            self.anchor_link(self.cell(grid[i][2]), f.id, f.id, 10.5)
        self.para("", indent=False, size=8)

    def _table3(self) -> None:
        ncols = 3 + len(TABLE3_COLUMNS)
        rows = 3 + len(TABLE3_ROWS)
        t = self.table(rows, ncols, [1.3, 2.3, 3.6] + [1.18] * len(TABLE3_COLUMNS), header_rows=3)
        size = 8
        n_app = len(TABLE3_APPLICANTS)
        spans: list[tuple[int, int, int, int, str, bool]] = [
            (0, 0, 2, 2, TABLE3_NOTE, True),
            (0, 3, 0, ncols - 1, "申请人情况", True),
            (1, 3, 2, 3, "自然人", True),
            (1, 4, 1, 4 + n_app - 1, "法人或其他组织", True),
            (1, ncols - 1, 2, ncols - 1, "总计", True),
            *((2, 4 + j, 2, 4 + j, name, True) for j, name in enumerate(TABLE3_APPLICANTS)),
        ]
        base = 3
        i = 0
        while i < len(TABLE3_ROWS):
            l1, l2, _ = TABLE3_ROWS[i]
            if not l2:
                spans.append((base + i, 0, base + i, 2, l1, False))
                i += 1
                continue
            j = i
            while j + 1 < len(TABLE3_ROWS) and TABLE3_ROWS[j + 1][0] == l1:
                j += 1
            spans.append((base + i, 0, base + j, 0, l1, False))
            k = i
            while k <= j:
                _, m2, m3 = TABLE3_ROWS[k]
                if not m3:
                    spans.append((base + k, 1, base + k, 2, m2, False))
                    k += 1
                    continue
                e = k
                while e + 1 <= j and TABLE3_ROWS[e + 1][1] == m2:
                    e += 1
                spans.append((base + k, 1, base + e, 1, m2, False))
                spans += [(base + x, 2, base + x, 2, TABLE3_ROWS[x][2], False) for x in range(k, e + 1)]
                k = e + 1
            i = j + 1
        g = _grid(t)
        for r0, c0, r1, c1, _, _ in spans:  # merges first, texts after: merging concatenates texts
            if (r0, c0) != (r1, c1):
                g[r0][c0].merge(g[r1][c1])
        g = _grid(t)
        for r0, c0, _, _, text, head in spans:
            self.cell(g[r0][c0], text, size=size, bold=head, center=head, shade=HEAD_SHADE if text == "申请人情况" else None)
        for r in range(base, rows):
            for c in range(3, ncols):
                _shade(g[r][c], FILL_SHADE)

    def _table4(self) -> None:
        n = len(TABLE4_RESULTS)
        t = self.table(4, 3 * n, [0.98] * (3 * n), header_rows=3)
        size = 7.5
        g = _grid(t)
        g[0][0].merge(g[0][n - 1])
        g[0][n].merge(g[0][3 * n - 1])
        for j in range(n):
            g[1][j].merge(g[2][j])
        for k in (1, 2):
            g[1][k * n].merge(g[1][k * n + n - 1])
        g = _grid(t)
        self.cell(g[0][0], "行政复议", size=size, bold=True, shade=HEAD_SHADE)
        self.cell(g[0][n], "行政诉讼", size=size, bold=True, shade=HEAD_SHADE)
        for j, res in enumerate(TABLE4_RESULTS):
            self.cell(g[1][j], res, size=size, bold=True)
        for k, (_, sub) in enumerate(TABLE4_GROUPS[1:], 1):
            self.cell(g[1][k * n], sub, size=size, bold=True)
            for j, res in enumerate(TABLE4_RESULTS):
                self.cell(g[2][k * n + j], res, size=size, bold=True)
        for c in range(3 * n):
            _shade(g[3][c], FILL_SHADE)

    def _appendix(self) -> None:
        r = self.r
        self.doc.add_page_break()
        self.heading("附录一　统计数据来源", 1)
        self.para("以下数字均可在 govaudit 数据库中用所列查询复核（govaudit serve 打开的 Datasette 中可直接执行）。", size=12)
        g = _grid(self.table(1 + len(r.figures), 4, [1.2, 4.6, 1.8, 8.0]))
        for j, h in enumerate(("编号", "指标", "数值", "查询与明细")):
            self.cell(g[0][j], h, bold=True, shade=HEAD_SHADE, size=9)
        for i, f in enumerate(r.figures, 1):
            p = self.cell(g[i][0], f.id, size=9)
            self.bookmark(p, f.id)
            self.cell(g[i][1], f.label, size=9, center=False)
            self.cell(g[i][2], (f.text + ("" if f.unit == "%" else f.unit)) if f.value is not None else "暂无数据", size=9)
            c = g[i][3]
            self.cell(c, f.query or "—", size=7.5, center=False, font="Consolas")
            if f.note:
                self.cell_par(c, "说明：" + f.note, 8)
            for u in f.refs[:DOCX_REFS]:
                p = self.cell_par(c, "", 7.5)
                self.url_link(p, u, 7.5)
            if f.refs_total > min(len(f.refs), DOCX_REFS):
                self.cell_par(c, f"……共 {f.refs_total} 项", 7.5)

        self.heading("附录二　问题明细", 1)
        if not r.findings:
            self.para("本年度检查未发现问题。")
            return
        self.para("第五部分所述问题的明细，按类别排列；“整改情况”为年内最后一次检查时的状态。", size=12)
        g = _grid(self.table(1 + len(r.findings), 6, [1.2, 2.4, 6.0, 2.0, 2.3, 1.7]))
        for j, h in enumerate(("编号", "类别·问题", "问题描述与网址", "栏目", "发现时间", "整改情况")):
            self.cell(g[0][j], h, bold=True, shade=HEAD_SHADE, size=9)
        for i, f in enumerate(r.findings, 1):
            p = self.cell(g[i][0], f["id"], size=9)
            self.bookmark(p, f["id"])
            self.cell(g[i][1], f"{f['category']}·{f['rule_title']}", size=9, center=False)
            c = g[i][2]
            self.cell(c, f["message"], size=9, center=False)
            self.url_link(self.cell_par(c, "", 7.5), f["url"], 7.5)
            self.cell(g[i][3], f["column"] or "—", size=9, center=False)
            seen = f["first_seen"] if f["first_seen"] == f["last_seen"] else f"{f['first_seen']} 至 {f['last_seen']}"
            self.cell(g[i][4], f"{seen}（{f['runs_seen']} 次）", size=8)
            self.cell(g[i][5], f["status_label"] + (f"（{f['fixed_on']}）" if f["fixed_on"] else ""), size=9)

    def cell_par(self, cell: Any, text: str, size: float) -> Any:
        p = cell.add_paragraph()
        p._p.style = self.table_style_id
        if text:
            run = p.add_run(clean(text))
            run.font.size = Pt(size)
        return p


def _grid(t: Any) -> list[list[Any]]:
    """All cells by (row, column), merged cells repeated. python-docx's ``table.cell()`` rebuilds
    this list on every call, so tables are addressed through one grid (rebuilt after merges)."""
    cells = t._cells
    n = len(t.columns)
    return [cells[i : i + n] for i in range(0, len(cells), n)]


def _shade(cell: Any, color: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    tcpr.append(shd)


def _safe_url(url: Any) -> str:
    if not isinstance(url, str):
        return ""
    u = clean(url).strip()
    try:
        scheme = urlsplit(u).scheme.lower()
    except ValueError:
        return ""
    if scheme not in ("http", "https"):
        return ""
    return quote(u, safe=":/?#[]@!$&'()*+,;=%~")


def _ranges(ids: list[str]) -> list[tuple[str, str]]:
    """F1, F2, F3, F5 -> [(F1, F3), (F5, F5)]."""
    out: list[tuple[str, str]] = []
    nums = []
    for x in ids:
        m = re.fullmatch(r"([A-Z]+)(\d+)", x)
        nums.append((m.group(1), int(m.group(2))) if m else (x, None))
    for prefix, n in nums:
        if out and n is not None and out[-1][2] == prefix and out[-1][3] is not None and out[-1][3] + 1 == n:
            out[-1] = (out[-1][0], f"{prefix}{n}", prefix, n)
        else:
            label = f"{prefix}{n}" if n is not None else prefix
            out.append((label, label, prefix, n))
    return [(a, b) for a, b, _, _ in out]


def write_docx(report: AnnualReport, path: Path) -> Path:
    _Doc(report).build().save(str(path))
    return path
