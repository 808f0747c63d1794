"""Render the report model to a self-contained HTML page and to Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import sqlite_utils

from audits.export import ExportError
from reports.model import ReportModel, build_model


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
)
_ENV.filters["safe_href"] = safe_href
_ENV.filters["tojson_cn"] = _json_cn


def render_html(model: ReportModel) -> str:
    total = sum(len(s.findings) for s in model.sites)
    return _ENV.get_template("report.html.j2").render(m=model, total=total)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")


def md(text: Any) -> str:
    """Escape crawled text for Markdown: no raw HTML, no links, no table breaks."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())


def md_url(url: Any) -> str:
    href = safe_href(url)
    if not href:
        return md(url)
    return "<" + href.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") + ">"


_STATUS = {"triggered": "**触发**", "clear": "未触发", "unchecked": "未检查"}


def render_markdown(model: ReportModel) -> str:
    a, c = model.audit_run, model.crawl_run
    out = [
        "# 政府网站检查报告",
        "",
        f"检查日期（as of）：{a['as_of']}；抓取批次 {c['id']}（{c['status']}，{c['pages']} 个页面）；审计批次 {a['id']}。",
        "",
        f"问题总数 {sum(len(s.findings) for s in model.sites)}：单项否决 {model.totals.get('veto', 0)}，"
        f"扣分 {model.totals.get('major', 0)}，提示 {model.totals.get('minor', 0)}。",
        "",
        "| 站点 | 首页 | 结论 | 否决 | 扣分 | 提示 |",
        "|---|---|---|---|---|---|",
    ]
    for s in model.sites:
        out.append(
            f"| {md(s.name)} {md_url(s.root)} | {md(s.home_status)} | {s.verdict} | {s.counts.get('veto', 0)} | "
            f"{s.counts.get('major', 0)} | {s.counts.get('minor', 0)} |"
        )
    for s in model.sites:
        out += ["", f"## {md(s.name)}", "", f"站点：{md_url(s.root)}；首页：{md(s.home_status)}；结论：{s.verdict}", ""]
        out += ["### 单项否决指标", "", "| 指标 | 结果 | 说明 |", "|---|---|---|"]
        out += [f"| {v.name} | {_STATUS[v.status]} | {md(v.detail)} |" for v in s.scorecard]
        out += ["", "### 问题清单", ""]
        if not s.findings:
            out.append("未发现问题。")
        for cat, fs in s.by_category.items():
            out += [f"#### {cat}（{len(fs)}）", ""]
            for f in fs:
                col = f"【{md(f['column'])}】" if f["column"] else ""
                out.append(f"- **{f['severity_label']}** {f['rule_title']}（`{f['rule']}`）{col}：{md(f['message'])}")
                out.append(f"  - 网址：{md_url(f['url'])}；首次发现：{f['first_seen']}")
                ev = "；".join(f"{md(k)}={md(v)}" for k, v in f["evidence"].items() if v not in (None, "", []))
                out.append(f"  - 证据：{ev}")
            out.append("")
        if s.columns:
            out += ["### 栏目更新情况", "", "| 栏目 | 类型 | 条目数 | 最新日期 | 距今天数 |", "|---|---|---|---|---|"]
            for col in s.columns:
                days = col["days"] if col["days"] is not None else "—"
                out.append(f"| {md(col['name'])} | {col['type']} | {col['n_items']} | {col['newest'] or '—'} | {days} |")
    return "\n".join(out) + "\n"


def write_reports(db: sqlite_utils.Database, out_dir: Path, formats: list[str], audit_run_id: int | None = None) -> list[Path]:
    try:
        model = build_model(db, audit_run_id)
    except ExportError as exc:
        raise ReportError(str(exc)) from exc
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{out_dir}: cannot create output directory: {exc}") from exc
    paths = []
    for fmt in formats:
        if fmt == "html":
            path = out_dir / "report.html"
            path.write_text(render_html(model), encoding="utf-8")
        elif fmt == "md":
            path = out_dir / "report.md"
            path.write_text(render_markdown(model), encoding="utf-8")
        else:
            raise ReportError(f"unknown report format {fmt!r}")
        paths.append(path)
    return paths
