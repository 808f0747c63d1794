"""Run every registered rule over one crawl run and store the findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from audits.config import Config
from audits.context import SiteContext
from audits.model import Finding, NotApplicable, NotChecked, Rule
from audits.registry import RULES
from crawler.store import now_iso

RULESET_VERSION = "2026.11-1"
DOCUMENT_RULES = frozenset({"normative-doc-late", "normative-doc-incomplete", "normative-doc-expired", "interpretation-missing",
                            "interpretation-late", "interpretation-hard-to-read"})


class AuditError(Exception):
    """Nothing to audit, or the requested run does not exist."""


@dataclass
class AuditResult:
    audit_run_id: int
    crawl_run_id: int
    as_of: str
    total: int
    by_severity: dict[str, int]
    errors: dict[str, str] = field(default_factory=dict)


def fingerprint(rule: str, subject: str) -> str:
    """The finding's identity across runs: its rule and subject, a URL's session id left out (a site
    that hands out a new ``sid=`` on every visit would make the same finding new every night)."""
    if subject.startswith(("http://", "https://")):
        from crawler.extract.links import strip_session

        subject = strip_session(subject)
    return hashlib.sha1(f"{rule}\x00{subject}".encode()).hexdigest()[:16]


def _pick_run(db: sqlite_utils.Database, crawl_run_id: int | None) -> dict[str, Any]:
    if crawl_run_id is not None:
        rows = list(db.query("SELECT * FROM crawl_runs WHERE id = ?", [crawl_run_id]))
        if not rows:
            raise AuditError(f"no crawl run {crawl_run_id} in this database")
        if rows[0]["status"] == "running":
            raise AuditError(f"crawl run {crawl_run_id} is still running")
        return rows[0]
    rows = list(db.query("SELECT * FROM crawl_runs WHERE status IN ('complete', 'partial') ORDER BY id DESC LIMIT 1"))
    if not rows:
        raise AuditError("no finished crawl run in this database (run 'govaudit crawl' first)")
    return rows[0]


def _first_seen(db: sqlite_utils.Database, fp: str, as_of: str) -> str:
    row = next(
        db.query(
            "SELECT min(a.as_of) AS first FROM findings f JOIN audit_runs a ON a.id = f.audit_run_id "
            "WHERE f.fingerprint = ? AND a.as_of <= ?",
            [fp, as_of],
        )
    )
    return row["first"] or as_of


def _row(rule: Rule, f: Finding, site: str, audit_run_id: int, as_of: str, db: sqlite_utils.Database) -> dict[str, Any]:
    fp = fingerprint(rule.id, f.subject or f.url)
    return {
        "audit_run_id": audit_run_id,
        "rule": rule.id,
        "severity": f.severity or rule.severity,
        "category": rule.category,
        "site": site,
        "url": f.url.split("#", 1)[0],
        "page": f.page,
        "column_name": f.column,
        "message": f.message,
        "evidence_json": json.dumps(f.evidence, ensure_ascii=False, default=str),
        "fingerprint": fp,
        "first_seen": _first_seen(db, fp, as_of),
    }


def run_audit(db: sqlite_utils.Database, as_of: dt.date, crawl_run_id: int | None = None, config: Config | None = None, rules: tuple[Rule, ...] = RULES) -> AuditResult:
    config = config or Config()
    run = _pick_run(db, crawl_run_id)
    roots = json.loads(run["roots_json"])
    as_of_s = as_of.isoformat()
    with db.atomic():
        runs_table = db["audit_runs"]
        runs_table.insert(
            {
                "crawl_run_id": run["id"],
                "as_of": as_of_s,
                "started_at": now_iso(),
                "config_json": json.dumps(config.as_json(), ensure_ascii=False),
                "ruleset": RULESET_VERSION,
            }
        )
        audit_run_id = int(runs_table.last_pk)
        counts: Counter[str] = Counter()
        # one context per site for all rules: what one rule computed (link targets) serves the next
        contexts = {root: SiteContext(db, run["id"], root, as_of, config) for root in roots}
        errors: dict[str, str] = {}
        t_run = time.perf_counter()
        timing: dict[str, Any] = {"rule_seconds": {}, "rule_cpu_seconds": {}}
        if any(r.id in DOCUMENT_RULES for r in rules):
            try:  # every site's documents index at once, on all cores; the rules then find it built
                from audits.documents import prefetch

                timing["prefetch_sites"] = prefetch(db, run["id"], roots, as_of, config)
            except Exception as exc:  # the rules build what is missing themselves: not an audit error
                timing["prefetch_error"] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
            timing["prefetch_seconds"] = round(time.perf_counter() - t_run, 3)
        for rule in rules:
            t_rule, c_rule = time.perf_counter(), time.process_time()
            rows: list[dict[str, Any]] = []
            status, error, params_by_site = "pass", None, {}
            applicable = 0
            unchecked: dict[str, dict[str, str]] = {}  # root -> {subject: why it could not be judged}
            for root in roots:
                ctx = contexts[root]
                params = config.params_for(rule, root)
                params_by_site[root] = dataclasses.asdict(params)
                found: list[Finding] = []
                try:
                    for f in rule.check(ctx, params):
                        found.append(f)
                    applicable += 1
                except NotApplicable:
                    continue
                except NotChecked as exc:  # what it judged stays; what it could not is said, not guessed
                    unchecked[root] = exc.subjects
                except Exception as exc:  # one broken rule must not sink the audit
                    error = f"{type(exc).__name__}: {exc}"
                    errors[rule.id] = error
                    traceback.print_exc()
                    continue
                for f in found:
                    rows.append(_row(rule, f, root, audit_run_id, as_of_s, db))
            if error:
                status = "error"
            elif rows:
                status = "fail"
            elif unchecked:
                status = "not_checked"
            elif not applicable:
                status = "not_applicable"
            if rows:
                db["findings"].insert_all(rows)
            for r in rows:
                counts[r["severity"]] += 1
            seconds = round(time.perf_counter() - t_rule, 3)
            timing["rule_seconds"][rule.id] = seconds
            timing["rule_cpu_seconds"][rule.id] = round(time.process_time() - c_rule, 3)
            db["rule_results"].insert(
                {
                    "audit_run_id": audit_run_id,
                    "rule": rule.id,
                    "status": status,
                    "n_findings": len(rows),
                    "params_json": json.dumps(params_by_site, ensure_ascii=False),
                    "error": error,
                    "seconds": seconds,
                    "not_checked_json": json.dumps(unchecked, ensure_ascii=False) if unchecked else None,
                }
            )
        timing["rules_seconds"] = round(time.perf_counter() - t_run, 3)
        t_stats = time.perf_counter()
        try:  # statistics for the report writer (site_year_stats); never sinks the audit
            from audits.stats import write_stats

            write_stats(db, audit_run_id, run["id"], roots, as_of, config)
        except Exception as exc:
            errors["site_year_stats"] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        timing["stats_seconds"] = round(time.perf_counter() - t_stats, 3)
        try:  # letters per mailbox and year (mailbox_stats), for the reports; never sinks the audit
            from audits.mailbox_stats import write_mailbox_stats

            write_mailbox_stats(db, audit_run_id, run["id"], roots, as_of, config)
        except Exception as exc:
            errors["mailbox_stats"] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        db["audit_runs"].update(audit_run_id, {"finished_at": now_iso()})
        t_track = time.perf_counter()
        try:  # rectification tracking: new / open / fixed since the site's previous audit
            from audits.tracking import record

            record(db, audit_run_id)
        except Exception as exc:
            errors["tracking"] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        timing["tracking_seconds"] = round(time.perf_counter() - t_track, 3)
        timing["seconds"] = round(time.perf_counter() - t_run, 3)
        db["audit_runs"].update(audit_run_id, {"stats_json": json.dumps(timing)})
    return AuditResult(audit_run_id, run["id"], as_of_s, sum(counts.values()), dict(counts), errors)
