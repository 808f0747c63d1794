"""Per site and year statistics for the report writer (年报 section 二, 解读 coverage).

Written by every audit run into ``site_year_stats`` (audits/store.py), keyed by
``audit_run_id + site + year``.  The counts use the same document
classification, working-day limit and interpretation pairing as the rules,
with the thresholds configured for them (normative-doc-late,
interpretation-missing), so a report that quotes these numbers agrees with
the findings.

    site_stats(ctx, config) -> list[dict]        # one row per year, not stored
    write_stats(db, audit_run_id, crawl_run_id, roots, as_of, config) -> int   # rows written

Years: every year from the oldest date seen on the site up to the audit date
(``max_years`` at most, newest first).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from typing import Any

import sqlite_utils

from audits import annual_report as A
from audits import documents as D
from audits.config import Config
from audits.context import SiteContext

MAX_YEARS = 10
MAX_LISTED = 200


def _params(config: Config, rule_id: str, root: str) -> Any:
    from audits.registry import RULES_BY_ID

    return config.params_for(RULES_BY_ID[rule_id], root)


def site_stats(ctx: SiteContext, config: Config, max_years: int = MAX_YEARS) -> list[dict[str, Any]]:
    """The statistics rows of one site (empty when the home page was not fetched)."""
    if not D.home_fetched(ctx):
        return []
    late_p = _params(config, "normative-doc-late", ctx.root)
    interp_p = _params(config, "interpretation-missing", ctx.root)
    report_p = _params(config, "annual-report-missing", ctx.root)
    site = D.load(
        ctx,
        title_words=D.words(late_p.title_words, D.DEFAULT_TITLE_WORDS),
        column_words=D.words(late_p.column_words, D.DEFAULT_COLUMN_WORDS),
        template_links=interp_p.template_links,
        include_policy_docs=interp_p.include_policy_docs,
    )
    # dated list items per year and column (each distinct column, item and date once), counted in SQL
    by_col: dict[int, Counter[str]] = defaultdict(Counter)
    items_seen: Counter[int] = Counter()  # distinct items per year
    listed = (
        "SELECT DISTINCT c.name AS name, li.url AS url, li.date AS date FROM columns c "  # the site's columns, then their items
        "CROSS JOIN list_items li ON c.run_id = li.run_id AND c.url = li.column_url "
        "WHERE li.run_id = ? AND c.root = ? AND li.date IS NOT NULL"
    )
    days: dict[str, dt.date | None] = {}

    def day(value: str) -> dt.date | None:
        if value not in days:
            d = ctx.parse_day(value)
            days[value] = d if d is not None and d <= ctx.as_of else None
        return days[value]

    for name, date, n in ctx.db.conn.execute(
        f"SELECT name, date, count(*) FROM ({listed}) GROUP BY name, date ORDER BY count(*) DESC, name, date",
        [ctx.run_id, ctx.root],
    ):
        d = day(date)
        if d is not None:
            by_col[d.year][name or "(未命名栏目)"] += n
    per_date: dict[int, set[str]] = defaultdict(set)
    for date, url in ctx.db.conn.execute(
        f"SELECT DISTINCT date, url FROM ({listed}) ORDER BY date", [ctx.run_id, ctx.root]
    ):
        d = day(date)
        if d is not None:
            per_date[d.year].add(url)
    for year, urls in per_date.items():
        items_seen[year] = len(urls)

    years: set[int] = set(by_col)
    years.update(d.year for d in site.published if d <= ctx.as_of)  # every article's publish date
    for doc in site.docs:  # and the written dates of documents and interpretations
        for d in (doc.published, doc.meta.written.value if doc.meta.written else None):
            if d is not None and d <= ctx.as_of:
                years.add(d.year)
    years = {y for y in years if y >= ctx.as_of.year - max_years + 1}
    if not years:
        return []

    kind, kind_source = A.site_kind(ctx.site_name, report_p.kind or (ctx.site_config.kind if ctx.site_config else None))
    reports = A.run_reports(ctx)
    own = A.own_reports(ctx, reports, kind)

    rows = []
    for year in sorted(years, reverse=True):
        year_end = min(dt.date(year, 12, 31), ctx.as_of)
        normative = site.normative
        formed = [d for d in normative if d.meta.written and d.meta.written.value.year == year]
        published = [d for d in normative if d.published and d.published.year == year]
        on_time, late, unknown = [], [], []
        for d in published:
            span = D.lateness(d, ctx, late_p.max_workdays)
            (unknown if span is None else late if span["late"] else on_time).append(d.url)
        existing = [d for d in normative if d.published and d.published <= year_end]
        marked_valid = [
            d.url for d in existing
            if d.meta.validity == "有效" and not (d.meta.valid_until and d.meta.valid_until.value < year_end)
        ]
        marked_invalid = [d.url for d in existing if d.meta.validity in ("失效", "废止")]
        expired_unmarked = [
            d.url for d in existing
            if d.meta.validity == "有效" and d.meta.valid_until and d.meta.valid_until.value < year_end
        ]
        policy = [d for d in site.policy if d.published and d.published.year == year]
        interpreted = [d for d in policy if site.associations.get(d.url)]
        two_way = [d for d in interpreted if any(a.two_way for a in site.associations[d.url])]
        interps = [d.url for d in site.interpretations if d.published and d.published.year == year]
        articles_published = sum(n for d, n in site.published.items() if d.year == year)
        report = [r for r in own if r.year == year]
        report_json = None
        if report:
            r = min(report, key=lambda x: (x.published or dt.date.max))
            pr = A.parse_report(r.tables) if r.tables else None
            report_json = {
                **r.as_json(),
                "deadline": A.deadline(year, kind, report_p.government_deadline, report_p.department_deadline).isoformat(),
                "parsed": bool(pr and pr.found),
                "format": pr.format if pr else None,
                "parse_warnings": pr.warnings if pr else [{"issue": "not_parsed", "text": "附件或未抓取的页面，未解析"}],
            }
        rows.append({
            "site": ctx.root,
            "year": year,
            "docs_published": items_seen[year],
            "docs_by_column_json": json.dumps(dict(by_col[year].most_common()), ensure_ascii=False),
            "articles_published": articles_published,
            "normative_formed": len(formed),
            "normative_published": len(published),
            "normative_on_time": len(on_time),
            "normative_late": len(late),
            "normative_timeliness_unknown": len(unknown),
            "normative_marked_valid": len(marked_valid),
            "normative_marked_invalid": len(marked_invalid),
            "normative_expired_unmarked": len(expired_unmarked),
            "policy_docs": len(policy),
            "interpreted": len(interpreted),
            "interpreted_two_way": len(two_way),
            "interpretation_coverage": round(len(interpreted) / len(policy), 4) if policy else None,
            "interpretations_published": len(interps),
            "details_json": json.dumps(
                {
                    "normative_formed": [d.url for d in formed][:MAX_LISTED],
                    "normative_published": [d.url for d in published][:MAX_LISTED],
                    "normative_late": late[:MAX_LISTED],
                    "normative_timeliness_unknown": unknown[:MAX_LISTED],
                    "normative_expired_unmarked": expired_unmarked[:MAX_LISTED],
                    "policy_without_interpretation": [d.url for d in policy if not site.associations.get(d.url)][:MAX_LISTED],
                    "interpretations": interps[:MAX_LISTED],
                    "annual_report": report_json,
                    "site_kind": kind,
                    "site_kind_source": kind_source,
                    "max_workdays": late_p.max_workdays,
                    "as_of": ctx.as_of.isoformat(),
                    "note": "现行有效件数为近似值：按发布日期、当前有效性标注和文中有效期推算到当年年底（或检查日）。",
                },
                ensure_ascii=False,
            ),
        })
    return rows


def write_stats(
    db: sqlite_utils.Database, audit_run_id: int, crawl_run_id: int, roots: list[str], as_of: dt.date, config: Config
) -> int:
    """Compute and store the statistics of every site of a run; returns the number of rows."""
    rows: list[dict[str, Any]] = []
    ready = db.__dict__.pop("_govaudit_site_stats", {})  # built with the documents index for this audit (documents.prefetch)
    for root in roots:
        ctx = SiteContext(db, crawl_run_id, root, as_of, config)
        site_rows = ready.get((crawl_run_id, root, as_of))
        for r in site_rows if site_rows is not None else site_stats(ctx, config):
            rows.append({"audit_run_id": audit_run_id, **r})
    if rows:
        db["site_year_stats"].insert_all(rows, replace=True)
    return len(rows)
