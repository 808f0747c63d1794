"""The report model: built from audit tables only, rendered by html/markdown."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from audits.columns import COLUMN_TYPES, classify
from audits.export import finding_dicts, latest_audit_run
from audits.model import CATEGORIES
from audits.registry import RULES, RULES_BY_ID

SEVERITY_LABEL = {"veto": "单项否决", "major": "扣分", "minor": "提示"}
SEVERITY_ORDER = {"veto": 0, "major": 1, "minor": 2}


@dataclass
class VetoItem:
    name: str
    status: str  # triggered | clear | unchecked
    detail: str


@dataclass
class SiteReport:
    root: str
    name: str
    home_status: str
    findings: list[dict[str, Any]]
    scorecard: list[VetoItem]
    by_category: dict[str, list[dict[str, Any]]]
    by_column: dict[str, list[dict[str, Any]]]
    columns: list[dict[str, Any]]
    counts: dict[str, int]

    @property
    def verdict(self) -> str:
        if any(v.status == "triggered" for v in self.scorecard):
            return "不合格（触发单项否决）"
        return "未触发单项否决"


@dataclass
class ReportModel:
    audit_run: dict[str, Any]
    crawl_run: dict[str, Any]
    sites: list[SiteReport]
    rules: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)


def _scorecard(findings: list[dict[str, Any]], rule_status: dict[str, str]) -> list[VetoItem]:
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_rule[f["rule"]].append(f)

    def checked(*rules: str) -> bool:
        return all(r in rule_status for r in rules)

    items: list[VetoItem] = []
    unreachable = by_rule.get("site-unreachable", [])
    if any(f["severity"] == "veto" for f in unreachable):
        items.append(VetoItem("站点无法访问", "triggered", "7 天内首页打不开的比例 ≥ 5%"))
    elif unreachable:
        items.append(VetoItem("站点无法访问", "clear", "本次抓取首页无法访问（扣分项）；单项否决需 7 天探测记录（govaudit probe）"))
    else:
        items.append(VetoItem("站点无法访问", "clear" if checked("site-unreachable") else "unchecked", "本次抓取首页可以访问"))
    stale_home = by_rule.get("homepage-stale", [])
    items.append(
        VetoItem("首页不更新", "triggered" if stale_home else ("clear" if checked("homepage-stale") else "unchecked"),
                 stale_home[0]["message"] if stale_home else "首页 2 周内有更新")
    )
    stale = by_rule.get("column-stale", [])
    dyn_notice = [f for f in stale if f["evidence"].get("column_type") in ("dynamic", "notice")]
    should = [f for f in stale if f["evidence"].get("column_type") == "should_update"]
    empty = by_rule.get("column-empty", [])
    reasons = []
    if len(dyn_notice) >= 5:
        reasons.append(f"动态要闻、通知公告类栏目不更新 {len(dyn_notice)} 个（≥5）")
    if len(should) >= 10:
        reasons.append(f"应更新栏目长期未更新 {len(should)} 个（≥10）")
    if len(empty) >= 5:
        reasons.append(f"空白栏目 {len(empty)} 个（≥5）")
    detail = "；".join(reasons) or (
        f"动态/通知类不更新 {len(dyn_notice)} 个，应更新类不更新 {len(should)} 个，空白栏目 {len(empty)} 个，均未达否决线"
    )
    items.append(VetoItem("栏目不更新", "triggered" if reasons else ("clear" if checked("column-stale", "column-empty") else "unchecked"), detail))
    for name in ("严重表述错误", "暗链等安全问题", "互动回应差", "服务不实用", "政务新媒体不更新"):
        items.append(VetoItem(name, "unchecked", "本版本尚未检查此项"))
    return items


def _column_table(db: sqlite_utils.Database, crawl_run_id: int, root: str, as_of: str) -> list[dict[str, Any]]:
    from datetime import date

    rows = []
    for c in db.query("SELECT * FROM columns WHERE run_id = ? AND root = ? ORDER BY url", [crawl_run_id, root]):
        ctype, _ = classify(c["meta_column_type"], c["name"])
        days = None
        if c["newest_date"]:
            days = (date.fromisoformat(as_of) - date.fromisoformat(c["newest_date"])).days
        rows.append({"name": c["name"] or c["url"], "url": c["url"], "type": COLUMN_TYPES[ctype], "n_items": c["items"], "newest": c["newest_date"], "days": days})
    return rows


def build_model(db: sqlite_utils.Database, audit_run_id: int | None = None) -> ReportModel:
    audit = latest_audit_run(db, audit_run_id)
    crawl = db["crawl_runs"].get(audit["crawl_run_id"])
    findings = finding_dicts(db, audit["id"])
    for f in findings:
        rule = RULES_BY_ID.get(f["rule"])
        f["rule_title"] = rule.title if rule else f["rule"]
        f["severity_label"] = SEVERITY_LABEL.get(f["severity"], f["severity"])
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule"], f["url"]))
    rule_status = {r["rule"]: r["status"] for r in db.query("SELECT rule, status FROM rule_results WHERE audit_run_id = ?", [audit["id"]])}
    sites = []
    roots = json.loads(crawl["roots_json"])
    root_rows = {r["root"]: r for r in db.query("SELECT * FROM run_roots WHERE run_id = ?", [crawl["id"]])}
    for root in roots:
        fs = [f for f in findings if f["site"] == root]
        rr = root_rows.get(root, {})
        by_cat: dict[str, list[dict[str, Any]]] = {c: [] for c in CATEGORIES}
        by_col: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in fs:
            by_cat.setdefault(f["category"], []).append(f)
            by_col[f["column"] or "（不属于栏目）"].append(f)
        home = rr.get("home_error") or (f"HTTP {rr['home_status']}" if rr.get("home_status") else "未抓取")
        sites.append(
            SiteReport(
                root=root,
                name=rr.get("site_name") or root,
                home_status=home,
                findings=fs,
                scorecard=_scorecard(fs, rule_status),
                by_category={k: v for k, v in by_cat.items() if v},
                by_column=dict(by_col),
                columns=_column_table(db, crawl["id"], root, audit["as_of"]),
                counts=dict(Counter(f["severity"] for f in fs)),
            )
        )
    rules = [
        {"id": r.id, "title": r.title, "category": r.category, "severity": SEVERITY_LABEL[r.severity], "status": rule_status.get(r.id, "未运行")}
        for r in RULES
    ]
    return ReportModel(audit, crawl, sites, rules, dict(Counter(f["severity"] for f in findings)))
