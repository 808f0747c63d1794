"""Render the report model: self-contained HTML, Markdown, JSON, and the annual-report drafts (Markdown; Word in reports/word.py).

Renderers only read the model (reports/model.py); they never query the database."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import sqlite_utils
from markupsafe import Markup

from audits.export import ExportError
from reports.annual import (
    SECTION_TITLES,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_GROUPS,
    TABLE4_RESULTS,
    AnnualReport,
)
from reports.model import ReportModel, build_model, model_json
from reports.untrusted import visible_controls


class ReportError(Exception):
    pass


def safe_href(url: Any) -> str:
    """An http(s) URL to put in href, or "" (never javascript:, data: …)."""
    if not isinstance(url, str):
        return ""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


def _json_cn(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
    undefined=jinja2.StrictUndefined,
    finalize=visible_controls,  # every {{ }}: bidi overrides in crawled text shown, not obeyed
)
_ENV.filters["safe_href"] = safe_href
_ENV.filters["tojson_cn"] = _json_cn


def render_html(model: ReportModel, charts: bool = True) -> str:
    """The inspector's self-contained HTML report (inline CSS, JS and SVG charts)."""
    svgs: dict[int, Markup] = {}
    for s in model.sites:
        svg = ""
        if charts:
            from reports.charts import site_chart

            svg = site_chart(s.category_counts, s.trend, f"c{s.index}", model.categories)
        svgs[s.index] = Markup(svg)  # generated from counts and dates only, never crawled text
    return _ENV.get_template("report.html.j2").render(m=model, charts=svgs)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")


def md(text: Any) -> str:
    """Escape crawled text for Markdown: no raw HTML, no links, no table breaks."""
    s = visible_controls("" if text is None else str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())


def md_url(url: Any) -> str:
    href = safe_href(url)
    if not href:
        return md(url)
    return "<" + href.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") + ">"


def render_markdown(model: ReportModel) -> str:
    """The inspector's report in Markdown (same content as the HTML, without charts)."""
    a, c = model.audit_run, model.crawl_run
    out = [
        "# 政府网站检查报告",
        "",
        f"检查日期（as of）：{a['as_of']}；抓取批次 {c['id']}（{c['status']}，{c['pages']} 个页面）；审计批次 {a['id']}。",
        "",
        f"问题总数 {model.total}：单项否决 {model.totals.get('veto', 0)}，"
        f"扣分 {model.totals.get('major', 0)}，提示 {model.totals.get('minor', 0)}。",
        "",
    ]
    g = model.group
    if g:
        kinds = "，".join(f"{k['label']} {k['sites']} 个" for k in g.by_kind)
        out += [
            f"## {md(g.name)}检查汇总",
            "",
            f"共 {g.sites} 个网站（{kinds}）：触发单项否决 {g.by_status['vetoed']} 个，无法访问 {g.by_status['unreachable']} 个，"
            f"未触发 {g.by_status['clear']} 个。",
            "",
        ]
    cats = list(model.categories)
    out += [
        "| 站点 | 类型 | 首页 | 单项否决状态 | 否决 | 扣分 | 提示 | " + " | ".join(cats) + " | 新发现 | 已整改 |",
        "|---|---|---|---|---|---|---|" + "---|" * len(cats) + "---|---|",
    ]
    for s in model.sites:
        out.append(
            f"| [{md(s.name)}](#site{s.index}) {md_url(s.root)} | {s.kind_label} | {md(s.home_status)} | {s.group_status_label} | "
            f"{s.counts.get('veto', 0)} | {s.counts.get('major', 0)} | {s.counts.get('minor', 0)} | "
            + " | ".join(str(s.category_counts.get(c, 0)) for c in cats)
            + f" | {len(s.changes['new'])} | {len(s.changes['fixed'])} |"
        )
    if g:
        out.append(
            f"| **合计（{g.sites} 个网站）** | | | 否决 {g.by_status['vetoed']}，无法访问 {g.by_status['unreachable']} | "
            f"{g.counts['veto']} | {g.counts['major']} | {g.counts['minor']} | "
            + " | ".join(str(g.category_counts.get(c, 0)) for c in cats)
            + f" | {g.new} | {g.fixed} |"
        )
    for s in model.sites:
        by_ref = s.by_ref
        out += ["", f'<a id="site{s.index}"></a>', "", f"## {md(s.name)}", "", f"站点：{md_url(s.root)}（{s.kind_label}）；首页：{md(s.home_status)}；结论：{s.verdict}", ""]
        out += ["### 单项否决指标", "", "| 指标 | 结果 | 说明 |", "|---|---|---|"]
        out += [f"| {v.name} | {'**触发**' if v.status == 'triggered' else v.status_label} | {md(v.detail)} |" for v in s.scorecard]
        out += ["", "### “四不”问题统计", "", "| " + " | ".join(model.categories) + " |", "|" + "---|" * len(model.categories),
                "| " + " | ".join(str(s.category_counts.get(k, 0)) for k in model.categories) + " |"]
        if len(s.trend) > 1:
            out += ["", "| 检查日期 | " + " | ".join(model.categories) + " | 合计 | 新发现 | 已整改 |", "|---|" + "---|" * (len(model.categories) + 3)]
            for p in s.trend:
                cells = " | ".join(str(p["by_category"].get(k, 0)) for k in model.categories)
                out.append(f"| {p['as_of']} | {cells} | {p['total']} | {_dash(p['new'])} | {_dash(p['fixed'])} |")
        ch = s.changes
        out += ["", "### 整改跟踪", ""]
        if ch["previous"]:
            out.append(f"与上次检查（{ch['previous']['as_of']}，审计批次 {ch['previous']['id']}）相比：新发现 {len(ch['new'])} 个，"
                       f"仍未整改 {ch['open']} 个，已整改 {len(ch['fixed'])} 个，未能复查 {len(ch['unverified'])} 个。")
            for r in ch["new"]:
                f = by_ref[r]
                out.append(f"- 新发现：{f['rule_title']}{_col(f)}：{md(f['message'])}")
            for x in ch["fixed"]:
                out.append(f"- 已整改（{x['fixed_on']}，用时 {x['days_open']} 天）：{x['rule_title']}{_col(x)}：{md(x['message'])}")
            for x in ch["unverified"]:
                out.append(f"- 未能复查（{md(x['note'])}）：{x['rule_title']}{_col(x)}：{md(x['message'])}")
        else:
            out.append("这是该站点的第一次检查。")
        out += ["", "### 问题清单", ""]
        if not s.findings:
            out.append("未发现问题。")
        for g in s.groups:
            out += [f"#### {g['category']}（{g['count']}）", ""]
            for rg in g["rules"]:
                out += [f"##### {rg['title']}（`{rg['rule']}`，{rg['count']} 项）", ""]
                for r in rg["refs"]:
                    f = by_ref[r]
                    out.append(f"- **{f['severity_label']}** [{f['status_label']}]{_col(f)}：{md(f['message'])}")
                    out.append(f"  - 网址：{md_url(f['url'])}" + (f"；所在页面：{md_url(f['page'])}" if f["page"] and f["page"] != f["url"] else "")
                               + f"；首次发现：{f['first_seen']}；持续 {f['days_open']} 天")
                    ev = "；".join(f"{md(k)}={md(v)}" for k, v in f["evidence"].items() if v not in (None, "", []))
                    out.append(f"  - 证据：{ev}")
                out.append("")
        if s.columns:
            out += ["### 栏目更新情况", "", "| 栏目 | 类型 | 条目数 | 最新日期 | 距今天数 | 阈值 | 状态 |", "|---|---|---|---|---|---|---|"]
            for col in s.columns:
                out.append(f"| {md(col['name'])} | {col['type_label']} | {col['n_items']} | {col['newest'] or '—'} | "
                           f"{_dash(col['days'])} | {_dash(col['threshold'])} | {col['state_label']} |")
    return "\n".join(out) + "\n"


def _dash(v: Any) -> str:
    return "—" if v is None else str(v)


def _col(f: dict[str, Any]) -> str:
    return f"【{md(f['column'])}】" if f.get("column") else ""


def render_json(model: ReportModel) -> str:
    return json.dumps(model_json(model), ensure_ascii=False, indent=2, default=str) + "\n"


def annual_name(report: AnnualReport, ext: str) -> str:
    """File name of a site's annual-report draft: annual-report-2026-www.example.gov.cn-jyj.docx"""
    parts = urlsplit(report.site)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", (parts.netloc + parts.path).strip("/")).strip("-") or "site"
    return f"annual-report-{report.year}-{slug}.{ext}"


def render_annual_markdown(r: AnnualReport) -> str:
    """The annual-report draft in Markdown; figures (S…) and findings (F…) link to the appendix."""

    def fref(fid: str | None) -> str:
        return f"[{fid}](#{fid.lower()})" if fid else ""

    out = [f"# {md(r.title)}", "", md(r.intro), ""]
    out += [f"> 草稿说明：{md(n)}" for n in r.notes] + [""]
    out += [f"## {SECTION_TITLES[0]}", ""]
    for o in r.overview:
        out += [f"**{o['heading']}** {md(o['text'])}", ""]
    out += [f"## {SECTION_TITLES[1]}", ""]
    for block in r.table2:
        heads = block["headers"]
        out += [f"| {block['title']} |" + " |" * (len(heads) - 1), "|" + "---|" * len(heads), "| " + " | ".join(heads) + " |"]
        for row in block["rows"]:
            cells = [(f"{cell['value']}（{fref(cell['figure'])}）" if cell["value"] is not None else "（待填）") for cell in row["cells"]]
            out.append(f"| {row['label']} | " + " | ".join(cells) + " |")
        out.append("")
    out += ["**网站数据辅助统计（供填报参考）**", "", "| 栏目 | 本年发布信息（条） | 来源 |", "|---|---|---|"]
    for c in r.column_docs:
        out.append(f"| {md(c['column'])} | {c['count']} | {fref(c['figure'])} |")
    if not r.column_docs:
        out.append("| （未统计到本年发布的信息） | — | |")
    out.append("")
    for g in r.stat_groups:
        out += [f"| {g['title']} | 数值 | 来源 |", "|---|---|---|"]
        for fid in g["figures"]:
            f = r.figure(fid)
            out.append(f"| {md(f.label)} | {f.text if f.value is not None else '（待填）'} | {fref(f.id)} |")
        out.append("")
    out += [f"## {SECTION_TITLES[2]}", "", "（依申请公开情况，网站检查无法获取，请按统一格式表三据实填写。）", ""]
    out += ["| 项目 | " + " | ".join(TABLE3_COLUMNS) + " |", "|---|" + "---|" * len(TABLE3_COLUMNS)]
    for l1, l2, l3 in TABLE3_ROWS:
        label = " ".join(x for x in (l1, l2, l3) if x)
        out.append(f"| {label} |" + " |" * len(TABLE3_COLUMNS))
    out += ["", f"## {SECTION_TITLES[3]}", "", "（请按统一格式表四据实填写。）", ""]
    heads = [f"{g}{'·' + sub if sub else ''}·{res}" for g, sub in TABLE4_GROUPS for res in TABLE4_RESULTS]
    out += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads), "|" + " |" * len(heads), ""]
    out += [f"## {SECTION_TITLES[4]}", "", md(r.problems_intro), ""]
    if r.problems:
        out += ["**（一）存在的主要问题**", ""]
        for p in r.problems:
            out += [md(p.text) + "（依据：" + "、".join(fref(x) for x in p.refs) + "）", ""]
        out += ["**（二）改进情况及下一步措施**", ""]
        for p in r.problems:
            out += [md(p.improvement), ""]
    out += [md(r.closing), "", f"## {SECTION_TITLES[5]}", "", md(r.other), ""]
    out += ["## 附录一　统计数据来源", ""]
    for f in r.figures:
        out.append(f'<a id="{f.id.lower()}"></a>**{f.id}** {md(f.label)}：{f.text if f.value is not None else "暂无数据"}' + (f"{f.unit}" if f.value is not None and f.unit != "%" else ""))
        if f.query:
            out.append(f"  - 查询：`{f.query.replace('`', '')}`")
        if f.note:
            out.append(f"  - 说明：{md(f.note)}")
        for u in f.refs:
            out.append(f"  - {md_url(u)}")
        if f.refs_total > len(f.refs):
            out.append(f"  - ……共 {f.refs_total} 项")
    out += ["", "## 附录二　问题明细", ""]
    if not r.findings:
        out.append("本年度检查未发现问题。")
    for f in r.findings:
        out.append(f'<a id="{f["id"].lower()}"></a>**{f["id"]}** 【{f["category"]}·{f["rule_title"]}】{_col(f)}{md(f["message"])}')
        out.append(f"  - 网址：{md_url(f['url'])}；年内首次发现 {f['first_seen']}，最后发现 {f['last_seen']}，检查 {f['runs_seen']} 次；"
                   f"整改情况：{f['status_label']}" + (f"（{f['fixed_on']} 确认）" if f["fixed_on"] else ""))
    return "\n".join(out) + "\n"


def write_reports(
    db: sqlite_utils.Database,
    out_dir: Path,
    formats: list[str],
    audit_run_id: int | None = None,
    year: int | None = None,
    sites: list[str] | None = None,
) -> list[Path]:
    """Write the requested formats into ``out_dir``; returns the files written.

    html → report.html; md → report.md and one annual-report draft per site (.md);
    docx → one annual-report draft per site; json → report.json (the model).
    """
    try:
        model = build_model(db, audit_run_id, year=year, sites=sites)
    except ExportError as exc:
        raise ReportError(str(exc)) from exc
    if sites and not model.sites:
        raise ReportError(f"no site {', '.join(sites)} in crawl run {model.crawl_run['id']} (see 'govaudit runs')")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{out_dir}: cannot create output directory: {exc}") from exc
    paths: list[Path] = []
    for fmt in dict.fromkeys(formats):
        if fmt == "html":
            path = out_dir / "report.html"
            path.write_text(render_html(model), encoding="utf-8")
            paths.append(path)
        elif fmt == "md":
            path = out_dir / "report.md"
            path.write_text(render_markdown(model), encoding="utf-8")
            paths.append(path)
            for r in model.annual:
                path = out_dir / annual_name(r, "md")
                path.write_text(render_annual_markdown(r), encoding="utf-8")
                paths.append(path)
        elif fmt == "docx":
            from reports.word import write_docx

            for r in model.annual:
                path = out_dir / annual_name(r, "docx")
                write_docx(r, path)
                paths.append(path)
        elif fmt == "json":
            path = out_dir / "report.json"
            path.write_text(render_json(model), encoding="utf-8")
            paths.append(path)
        else:
            raise ReportError(f"unknown report format {fmt!r}")
    return paths
