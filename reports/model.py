"""The report model: built from audit tables (plus crawl_runs / run_roots / columns
for site and column facts), rendered by the HTML, Markdown, Word and JSON
renderers, which never touch SQL.

    build_model(db, audit_run_id=None, year=None, sites=None) -> ReportModel
    model_json(model) -> dict            # what `govaudit report --format json` writes
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from audits import tracking
from audits.annual_report import site_kind
from audits.columns import COLUMN_TYPES, classify
from audits.export import finding_dicts, latest_audit_run
from audits.model import CATEGORIES
from audits.registry import RULES, RULES_BY_ID

SEVERITY_LABEL = {"veto": "单项否决", "major": "扣分", "minor": "提示"}
SEVERITY_ORDER = {"veto": 0, "major": 1, "minor": 2}
STATUS_LABEL = {"triggered": "触发", "clear": "未触发", "unchecked": "未检查"}
FOUR_NOTS = ("不及时", "不准确", "不回应", "不实用")  # 四不; 不安全 is reported beside them
RAN = ("pass", "fail", "not_applicable")
KIND_LABEL = {"government": "政府门户网站", "department": "部门网站", "township": "乡镇（街道）网站", "unknown": "未确定"}
GROUP_STATUS_LABEL = {"unreachable": "无法访问", "vetoed": "单项否决", "clear": "未触发"}
TREND_RUNS = 12

# column-stale defaults (used when the audit run did not store its parameters)
_STALE_DEFAULTS = {"dynamic": 14, "notice": 183, "should_update": 365}


@dataclass
class VetoItem:
    name: str
    status: str  # triggered | clear | unchecked
    detail: str
    rules: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)  # anchors of the findings that trigger it

    @property
    def status_label(self) -> str:
        return STATUS_LABEL[self.status]


@dataclass
class SiteReport:
    index: int
    root: str
    name: str
    home_status: str
    verdict: str
    vetoed: bool
    findings: list[dict[str, Any]]
    scorecard: list[VetoItem]
    groups: list[dict[str, Any]]  # [{category, count, rules: [{rule, title, count, refs}]}]
    by_column: list[dict[str, Any]]  # [{column, count, rules, refs}]
    columns: list[dict[str, Any]]  # freshness table
    counts: dict[str, int]  # by severity
    category_counts: dict[str, int]  # every category, zeros included
    changes: dict[str, Any]  # {previous, new: [refs], open: n, fixed: [...], unverified: [...]}
    trend: list[dict[str, Any]]  # tracking.TrendPoint as dicts, oldest first
    kind: str = "unknown"  # government | department | township | unknown (govaudit.toml, else the name)
    kind_label: str = KIND_LABEL["unknown"]
    unreachable: bool = False  # a site-unreachable finding in this run
    veto_findings: int = 0  # findings of severity veto
    group_status: str = "clear"  # unreachable | vetoed (any veto finding or triggered scorecard item) | clear

    @property
    def group_status_label(self) -> str:
        return GROUP_STATUS_LABEL[self.group_status]

    @property
    def by_ref(self) -> dict[str, dict[str, Any]]:
        return {f["ref"]: f for f in self.findings}


@dataclass
class GroupSummary:
    """The site group (网站群) when a run covers more than one site: the summary table's totals."""

    name: str
    name_source: str  # config ([group] name in govaudit.toml) | portal (the portal's site name)
    sites: int
    by_kind: list[dict[str, Any]]  # [{kind, label, sites}] for the kinds present, in KIND_LABEL order
    by_status: dict[str, int]  # unreachable | vetoed | clear -> number of sites
    counts: dict[str, int]  # by severity, every severity
    category_counts: dict[str, int]  # every category
    new: int  # findings new since each site's previous audit
    fixed: int


@dataclass
class ReportModel:
    audit_run: dict[str, Any]
    crawl_run: dict[str, Any]
    sites: list[SiteReport]
    rules: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)
    year: int = 0
    annual: list[Any] = field(default_factory=list)  # reports.annual.AnnualReport per site
    categories: tuple[str, ...] = CATEGORIES
    group: GroupSummary | None = None  # set when the report covers more than one site

    @property
    def total(self) -> int:
        return sum(len(s.findings) for s in self.sites)


def default_year(as_of: str) -> int:
    """The year an annual report is written about: the previous year until 31 March, else this year."""
    d = dt.date.fromisoformat(as_of[:10])
    return d.year - 1 if d.month <= 3 else d.year


# --- scorecard (rules.md "Site verdict") ---------------------------------------


def _ran(rule_status: dict[str, str], rules: list[str]) -> list[str]:
    return [r for r in rules if rule_status.get(r) in RAN]


def _unchecked_detail(rule_status: dict[str, str], rules: list[str]) -> str:
    if not any(r in RULES_BY_ID for r in rules):
        return "本版本尚未检查此项"
    if any(rule_status.get(r) == "error" for r in rules):
        return "检查规则运行出错，请查看审计日志"
    if any(rule_status.get(r) == "not_checked" for r in rules):
        return "相关页面需浏览器执行脚本才能显示内容，本次未能渲染，未检查（见 rule_results.not_checked_json）"
    return "本次审计未运行此项检查"


def _triggers(fs: list[dict[str, Any]], limit: int = 3) -> str:
    head = "；".join(f["message"] for f in fs[:limit])
    return head + (f"；等共 {len(fs)} 项" if len(fs) > limit else "")


def _scorecard(findings: list[dict[str, Any]], rule_status: dict[str, str]) -> list[VetoItem]:
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_rule[f["rule"]].append(f)

    def veto_of(*rules: str) -> list[dict[str, Any]]:
        return [f for r in rules for f in by_rule.get(r, []) if f["severity"] == "veto"]

    def item(name: str, rules: list[str], hits: list[dict[str, Any]], clear_detail: str) -> VetoItem:
        if hits:
            return VetoItem(name, "triggered", _triggers(hits), rules, [f["ref"] for f in hits])
        ran = _ran(rule_status, rules)
        if not ran:
            return VetoItem(name, "unchecked", _unchecked_detail(rule_status, rules), rules)
        missing = [r for r in rules if r not in ran]
        if missing:
            clear_detail += f"（{'、'.join(missing)} 未检查）"
        return VetoItem(name, "clear", clear_detail, rules)

    items: list[VetoItem] = []
    unreachable = by_rule.get("site-unreachable", [])
    clear = "本次抓取首页可以访问"
    if unreachable and not veto_of("site-unreachable"):
        clear = "本次抓取首页无法访问（扣分项）；单项否决需 7 天内 ≥ 5% 的探测失败"
    items.append(item("站点无法访问", ["site-unreachable"], veto_of("site-unreachable"), clear))
    items.append(item("首页不更新", ["homepage-stale"], by_rule.get("homepage-stale", []), "首页 2 周内有更新"))

    stale = by_rule.get("column-stale", [])
    dyn_notice = [f for f in stale if f["evidence"].get("column_type") in ("dynamic", "notice")]
    should = [f for f in stale if f["evidence"].get("column_type") == "should_update"]
    empty = by_rule.get("column-empty", [])
    reasons, hits = [], []
    if len(dyn_notice) >= 5:
        reasons.append(f"动态要闻、通知公告类栏目不更新 {len(dyn_notice)} 个（≥5）")
        hits += dyn_notice
    if len(should) >= 10:
        reasons.append(f"应更新栏目长期未更新 {len(should)} 个（≥10）")
        hits += should
    if len(empty) >= 5:
        reasons.append(f"空白栏目 {len(empty)} 个（≥5）")
        hits += empty
    col_rules = ["column-stale", "column-empty"]
    if reasons:
        items.append(VetoItem("栏目不更新", "triggered", "；".join(reasons), col_rules, [f["ref"] for f in hits]))
    else:
        items.append(
            item("栏目不更新", col_rules, [],
                 f"动态/通知类不更新 {len(dyn_notice)} 个，应更新类不更新 {len(should)} 个，空白栏目 {len(empty)} 个，均未达否决线")
        )
    items.append(item("严重表述错误", ["typo"], veto_of("typo"), "未发现严重表述错误"))
    items.append(item("安全问题（暗链、篡改）", ["hidden-link"], veto_of("hidden-link"), "未发现暗链"))
    items.append(
        item("互动回应差", ["mailbox-unanswered", "consultation-channel-missing"], veto_of("mailbox-unanswered", "consultation-channel-missing"),
             "未发现超过 3 个月未回应的留言，有咨询建言渠道")
    )
    items.append(_service_item(by_rule.get("service-guide-incomplete", []), item))
    items.append(item("政务新媒体不更新", ["newmedia-stale"], veto_of("newmedia-stale"), "政务新媒体 2 周内有更新"))
    return items


def _service_item(found: list[dict[str, Any]], item: Any) -> VetoItem:
    """服务不实用: no 办事服务 at all (a veto finding), or enough guides missing enough element classes
    (rules.md: ≥ veto_min_missing classes in ≥ veto_min_guides guides; the thresholds travel in the evidence)."""
    rules = ["service-guide-incomplete"]
    no_service = [f for f in found if f["severity"] == "veto"]
    guides = [f for f in found if f["severity"] != "veto"]
    ev = guides[0]["evidence"] if guides else {}
    min_missing, min_guides = int(ev.get("veto_min_missing", 4)), int(ev.get("veto_min_guides", 5))
    serious = [f for f in guides if len(f["evidence"].get("missing") or []) >= min_missing]
    reasons = [f["message"] for f in no_service[:1]]
    if len(serious) >= min_guides:
        reasons.append(f"缺少 {min_missing} 类及以上要素的办事指南 {len(serious)} 份（≥{min_guides}）")
    if reasons:
        return VetoItem("服务不实用", "triggered", "；".join(reasons), rules, [f["ref"] for f in no_service + (serious if len(serious) >= min_guides else [])])
    return item("服务不实用", rules, [],
                f"缺少 {min_missing} 类及以上要素的办事指南 {len(serious)} 份，未达否决线（{min_guides} 份）")


# --- columns --------------------------------------------------------------------


def _stored_config(audit: dict[str, Any]) -> dict[str, Any]:
    """The configuration the audit run stored (Config.as_json()), {} when absent or unreadable."""
    try:
        cfg = json.loads(audit.get("config_json") or "{}")
    except ValueError:
        return {}
    return cfg if isinstance(cfg, dict) else {}


def _config_sites(audit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """[[site]] tables per site root (without the trailing slash) from the stored configuration."""
    return {
        s["root"].rstrip("/"): s
        for s in _stored_config(audit).get("sites") or []
        if isinstance(s, dict) and isinstance(s.get("root"), str)
    }


def _config_pins(audit: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Column type pins per site root from the audit run's stored configuration."""
    return {root: dict(s.get("columns") or {}) for root, s in _config_sites(audit).items()}


def _stale_params(db: sqlite_utils.Database, audit_run_id: int, root: str) -> dict[str, int]:
    rows = list(db.query("SELECT params_json FROM rule_results WHERE audit_run_id = ? AND rule = 'column-stale'", [audit_run_id]))
    params = dict(_STALE_DEFAULTS)
    if rows and rows[0]["params_json"]:
        try:
            site = json.loads(rows[0]["params_json"]).get(root) or {}
        except ValueError:
            site = {}
        params.update({k.removesuffix("_days"): v for k, v in site.items() if k.endswith("_days")})
    return params


def _column_table(db: sqlite_utils.Database, audit: dict[str, Any], crawl_run_id: int, root: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pins = _config_pins(audit).get(root.rstrip("/"), {})
    limits = _stale_params(db, audit["id"], root)
    as_of = dt.date.fromisoformat(audit["as_of"][:10])
    state_by_url = {}
    for f in findings:
        if f["rule"] == "column-stale":
            state_by_url[f["url"]] = ("stale", f["ref"])
        elif f["rule"] == "column-empty":
            state_by_url[f["url"]] = ("empty", f["ref"])
    rows = []
    for c in db.query("SELECT * FROM columns WHERE run_id = ? AND root = ? ORDER BY url", [crawl_run_id, root]):
        ctype = pins.get(c["url"]) or pins.get(c["name"] or "") or classify(c["meta_column_type"], c["name"])[0]
        days = None
        if c["newest_date"]:
            days = (as_of - dt.date.fromisoformat(c["newest_date"][:10])).days
        state, ref = state_by_url.get(c["url"], (None, None))
        if state is None:
            state = "exempt" if ctype not in limits else "ok"
        rows.append(
            {
                "name": c["name"] or c["url"],
                "url": c["url"],
                "type": ctype,
                "type_label": COLUMN_TYPES.get(ctype, ctype),
                "n_items": c["items"],
                "newest": c["newest_date"],
                "days": days,
                "threshold": limits.get(ctype),
                "state": state,
                "state_label": {"stale": "不更新", "empty": "空白栏目", "ok": "正常", "exempt": "不检查"}[state],
                "ref": ref,
            }
        )
    return rows


# --- the model ------------------------------------------------------------------


def _decorate(f: dict[str, Any], site_index: int) -> dict[str, Any]:
    rule = RULES_BY_ID.get(f["rule"])
    f["rule_title"] = rule.title if rule else f["rule"]
    f["severity_label"] = SEVERITY_LABEL.get(f["severity"], f["severity"])
    f["ref"] = f"s{site_index}-{f['fingerprint']}"
    return f


def _change_dict(c: tracking.Change) -> dict[str, Any]:
    rule = RULES_BY_ID.get(c.rule)
    return {
        "status": c.status,
        "status_label": c.status_label,
        "rule": c.rule,
        "rule_title": rule.title if rule else c.rule,
        "category": c.category,
        "severity": c.severity,
        "severity_label": SEVERITY_LABEL.get(c.severity, c.severity),
        "url": c.url,
        "page": c.page,
        "column": c.column,
        "message": c.message,
        "first_seen": c.first_seen,
        "open_since": c.open_since,
        "last_seen": c.last_seen,
        "fixed_on": c.fixed_on,
        "days_open": c.days_open,
        "fingerprint": c.fingerprint,
        "note": c.note,
    }


def _groups(fs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for cat in CATEGORIES:
        in_cat = [f for f in fs if f["category"] == cat]
        if not in_cat:
            continue
        rules: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in in_cat:
            rules[f["rule"]].append(f)
        out.append(
            {
                "category": cat,
                "count": len(in_cat),
                "rules": [
                    {"rule": r, "title": v[0]["rule_title"], "count": len(v),
                     "refs": [f["ref"] for f in sorted(v, key=lambda f: (f["column"] or "\uffff", f["url"]))]}
                    for r, v in sorted(rules.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[1][0]["severity"], 9), kv[0]))
                ],
            }
        )
    return out


def _by_column(fs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cols: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in fs:
        cols[f["column"] or "（不属于栏目）"].append(f)
    return [
        {"column": c, "count": len(v), "rules": sorted({f["rule_title"] for f in v}), "refs": [f["ref"] for f in v]}
        for c, v in sorted(cols.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def group_title(name: str) -> str:
    """青山县人民政府门户网站 → 青山县人民政府网站群 (a group named after its portal)."""
    n = name.strip()
    return n if n.endswith("网站群") else re.sub(r"(门户网站|网站)$", "", n) + "网站群"


def _group(configured: Any, sites: list[SiteReport], shown: list[dict[str, Any]]) -> GroupSummary:
    if isinstance(configured, str) and configured.strip():
        name, source = configured.strip(), "config"
    else:  # the portal: the first government site, else the first site
        portal = next((s for s in sites if s.kind == "government"), sites[0])
        name, source = group_title(portal.name), "portal"
    kinds = Counter(s.kind for s in sites)
    by_kind = [{"kind": k, "label": label, "sites": kinds[k]} for k, label in KIND_LABEL.items() if kinds.get(k)]
    by_status = {k: 0 for k in GROUP_STATUS_LABEL}
    by_status.update(Counter(s.group_status for s in sites))
    counts = {k: 0 for k in SEVERITY_LABEL}
    counts.update(Counter(f["severity"] for f in shown))
    cats = {c: 0 for c in CATEGORIES}
    cats.update(Counter(f["category"] for f in shown))
    new = sum(len(s.changes["new"]) for s in sites)
    fixed = sum(len(s.changes["fixed"]) for s in sites)
    return GroupSummary(name, source, len(sites), by_kind, by_status, counts, cats, new, fixed)


def build_model(db: sqlite_utils.Database, audit_run_id: int | None = None, year: int | None = None, sites: list[str] | None = None) -> ReportModel:
    audit = latest_audit_run(db, audit_run_id)
    crawl = db["crawl_runs"].get(audit["crawl_run_id"])
    findings = finding_dicts(db, audit["id"])
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule"], f["url"]))
    rule_rows = list(db.query("SELECT * FROM rule_results WHERE audit_run_id = ?", [audit["id"]]))
    rule_status = {r["rule"]: r["status"] for r in rule_rows}
    # subjects a rule could not judge on a site (pages only a browser fills, not rendered)
    unchecked = {r["rule"]: json.loads(r["not_checked_json"]) for r in rule_rows if r.get("not_checked_json")}
    roots = json.loads(crawl["roots_json"])
    if sites:
        norm = {s.rstrip("/") for s in sites}
        roots = [r for r in roots if r.rstrip("/") in norm]
    root_rows = {r["root"]: r for r in db.query("SELECT * FROM run_roots WHERE run_id = ?", [crawl["id"]])}
    all_runs = tracking.runs(db)
    known = any(r.id == audit["id"] for r in all_runs)
    changes = tracking.compare(db, audit["id"], roots, all_runs=all_runs) if known else {}
    configured = _config_sites(audit)
    site_reports = []
    for i, root in enumerate(roots, 1):
        fs = [_decorate(f, i) for f in findings if f["site"] == root]
        ch = changes.get(root)
        status = {(c.fingerprint): c for c in ch.items} if ch else {}
        for f in fs:
            c = status.get(f["fingerprint"])
            f["status"] = c.status if c else "new"
            f["status_label"] = c.status_label if c else tracking.STATUS_LABEL["new"]
            f["open_since"] = c.open_since if c else audit["as_of"]
            f["days_open"] = c.days_open if c else 0
            f["recurring"] = c.recurring if c else False
        rr = root_rows.get(root, {})
        home = rr.get("home_error") or (f"HTTP {rr['home_status']}" if rr.get("home_status") else "未抓取")
        card = _scorecard(fs, {**rule_status, **{k: "not_checked" for k, v in unchecked.items() if v.get(root) and rule_status.get(k) == "pass"}})
        vetoed = any(v.status == "triggered" for v in card)
        cat_counts = {c: 0 for c in CATEGORIES}
        cat_counts.update(Counter(f["category"] for f in fs))
        conf = configured.get(root.rstrip("/"), {})
        name = conf.get("name") or rr.get("site_name") or root  # the office's name for the site first
        kind = site_kind(name, conf.get("kind"))[0]
        unreachable = any(f["rule"] == "site-unreachable" for f in fs)
        veto_findings = sum(1 for f in fs if f["severity"] == "veto")
        site_reports.append(
            SiteReport(
                index=i,
                root=root,
                name=name,
                home_status=home,
                verdict="不合格（触发单项否决）" if vetoed else "未触发单项否决",
                vetoed=vetoed,
                findings=fs,
                scorecard=card,
                groups=_groups(fs),
                by_column=_by_column(fs),
                columns=_column_table(db, audit, crawl["id"], root, fs),
                counts=dict(Counter(f["severity"] for f in fs)),
                category_counts=cat_counts,
                changes={
                    "previous": ch.previous if ch else None,
                    "new": [f["ref"] for f in fs if f["status"] == "new"],
                    "open": sum(1 for f in fs if f["status"] == "open"),
                    "fixed": [_change_dict(c) for c in ch.of(tracking.FIXED)] if ch else [],
                    "unverified": [_change_dict(c) for c in ch.of(tracking.UNVERIFIED)] if ch else [],
                },
                trend=[dataclasses.asdict(p) for p in tracking.trend(db, root, audit["id"], TREND_RUNS, all_runs=all_runs)] if known else [],
                kind=kind,
                kind_label=KIND_LABEL.get(kind, kind),
                unreachable=unreachable,
                veto_findings=veto_findings,
                group_status="unreachable" if unreachable else "vetoed" if vetoed or veto_findings else "clear",
            )
        )
    rules = [
        {"id": r.id, "title": r.title, "category": r.category, "severity": SEVERITY_LABEL[r.severity], "status": rule_status.get(r.id, "未运行")}
        for r in RULES
    ]
    shown = [f for s in site_reports for f in s.findings]
    model = ReportModel(audit, crawl, site_reports, rules, dict(Counter(f["severity"] for f in shown)), year or default_year(audit["as_of"]))
    if len(site_reports) > 1:
        model.group = _group(_stored_config(audit).get("group_name"), site_reports, shown)
    from reports.annual import build_annual  # the annual-report draft reads the same tables

    model.annual = build_annual(db, model, all_runs if known else None)
    return model


def model_json(model: ReportModel) -> dict[str, Any]:
    """The model as plain JSON data (what the renderers see)."""

    def conv(o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            d = {f.name: conv(getattr(o, f.name)) for f in dataclasses.fields(o)}
            if isinstance(o, VetoItem):
                d["status_label"] = o.status_label
            if isinstance(o, SiteReport):
                d["group_status_label"] = o.group_status_label
            if hasattr(o, "text") and isinstance(getattr(type(o), "text", None), property):
                d["text"] = o.text  # annual.Figure: the value as printed
            return d
        if isinstance(o, dict):
            return {str(k): conv(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [conv(v) for v in o]
        return o

    out = conv(model)
    out["total"] = model.total
    out["format"] = {"name": "govaudit-report", "version": 1}
    return out
