"""Audit-results schema: audit runs, one result row per rule, findings."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

audit_migrations = Migrations("govaudit-audit")


@audit_migrations()
def m001_audit_schema(db: sqlite_utils.Database) -> None:
    db["audit_runs"].create(
        {
            "id": int,
            "crawl_run_id": int,
            "as_of": str,
            "started_at": str,
            "finished_at": str,
            "config_json": str,
            "ruleset": str,
        },
        pk="id",
    )
    db["rule_results"].create(
        {
            "audit_run_id": int,
            "rule": str,
            "status": str,  # pass | fail | not_applicable | error
            "n_findings": int,
            "params_json": str,
            "error": str,
        },
        pk=("audit_run_id", "rule"),
    )
    db["findings"].create(
        {
            "id": int,
            "audit_run_id": int,
            "rule": str,
            "severity": str,
            "category": str,
            "site": str,
            "url": str,
            "page": str,
            "column_name": str,
            "message": str,
            "evidence_json": str,
            "fingerprint": str,
            "first_seen": str,
        },
        pk="id",
    )
    db["findings"].create_index(["audit_run_id"])
    db["findings"].create_index(["fingerprint"])


@audit_migrations()
def m002_site_year_stats(db: sqlite_utils.Database) -> None:
    """Per audit run, site and year: what the site published (for the annual report's section 二)."""
    db["site_year_stats"].create(
        {
            "audit_run_id": int,
            "site": str,
            "year": int,
            "docs_published": int,  # distinct dated items in the site's column lists
            "docs_by_column_json": str,  # {column name: items dated that year}
            "articles_published": int,  # article pages whose publish date is in that year
            "normative_formed": int,  # 规范性文件 with 成文日期 in that year
            "normative_published": int,  # 规范性文件 with 发布日期 in that year
            "normative_on_time": int,  # of those published: within the working-day limit
            "normative_late": int,
            "normative_timeliness_unknown": int,  # a date missing or inconsistent
            "normative_marked_valid": int,  # published by the year's end, marked 有效, period not ended by then
            "normative_marked_invalid": int,  # marked 失效/废止 (now)
            "normative_expired_unmarked": int,  # marked 有效 but the stated period ended by the year's end
            "policy_docs": int,  # 规范性文件 + government policy documents published that year
            "interpreted": int,  # of those: with at least one interpretation
            "interpreted_two_way": int,  # of those: linked both ways
            "interpretation_coverage": float,  # interpreted / policy_docs (null when no policy docs)
            "interpretations_published": int,  # interpretation pages published that year
            "details_json": str,  # lists behind the counts (urls), annual report status, settings used
        },
        pk=("audit_run_id", "site", "year"),
    )


@audit_migrations()
def m004_interaction_mailbox_stats(db: sqlite_utils.Database) -> None:
    """Subjects a rule could not judge (a page only a browser could fill), and the letters statistics."""
    db["rule_results"].add_column("not_checked_json", str)  # {site: {subject: why}}
    # per audit run, site, mailbox and year of receipt (audits/mailbox_stats.py): for the reports
    db["mailbox_stats"].create(
        {
            "audit_run_id": int,
            "site": str,
            "mailbox_url": str,  # "" for letters whose mailbox is not known (a letter page found alone)
            "mailbox_name": str,
            "year": int,
            "received": int,  # letters received that year
            "answered": int,  # of those, answered (a reply date, or a status saying so)
            "unanswered": int,
            "answered_with_date": int,  # answered letters whose reply date is stated
            "median_reply_workdays": float,
            "max_reply_workdays": int,
            "over_limit": int,  # answered later than the working-day limit, or still unanswered past it
            "limit_workdays": int,
            "worst_letter_url": str,
        },
        pk=("audit_run_id", "site", "mailbox_url", "year"),
    )


@audit_migrations()
def m003_audit_timing(db: sqlite_utils.Database) -> None:
    """How long each rule took (seconds, all sites together) and the run's own timings.

    Listed after m004 (written at the same time); idempotent, so the order databases
    saw them in does not matter."""
    if "seconds" not in db["rule_results"].columns_dict:
        db["rule_results"].add_column("seconds", float)
    if "stats_json" not in db["audit_runs"].columns_dict:
        db["audit_runs"].add_column("stats_json", str)  # {"seconds": …, "rule_seconds": {rule: s}, "rule_cpu_seconds": …, …}


@audit_migrations()
def m005_audit_scale_indexes(db: sqlite_utils.Database) -> None:
    """Partial indexes so the link rules start from the few results and links worth judging
    (audits/links.py) instead of reading every link of a run.  On an existing database this
    reads the pages and links tables once (bench/README.md: about N s at 1,000,000 pages)."""
    from audits.links import FLAGGED_LINK, ODD_TARGET, RESULT_OF_NOTE

    db.execute(f"CREATE INDEX IF NOT EXISTS idx_pages_link_result ON pages(run_id, url) WHERE {RESULT_OF_NOTE}")
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_links_flagged ON links(run_id, target) WHERE {FLAGGED_LINK}")
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_links_odd_target ON links(run_id, target) WHERE {ODD_TARGET}")


@audit_migrations()
def m006_text_measures(db: sqlite_utils.Database) -> None:
    """Measures of a text kept by its hash (audits/readability.py measure_all), so a re-audit
    does not compute them again."""
    db["text_measures"].create({"kind": str, "key": str, "value_json": str}, pk=("kind", "key"), if_not_exists=True)


@audit_migrations()
def m007_audit_scale_covering(db: sqlite_utils.Database) -> None:
    """Indexes that let set-based rule queries skip the wide page rows (a page row is a 4 KB leaf
    page of its own, so every row read is a page read): the root and home flag of a linking page,
    the link texts (政府信息公开 section links), the breadcrumbs under a 公开 section."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_pages_url_root ON pages(run_id, url, root, is_home)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_links_anchor ON links(run_id, replace(anchor, ' ', ''))")
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_pages_disclosure_crumbs ON pages(run_id, root, breadcrumb_json, column_name) "
        "WHERE breadcrumb_json LIKE '%公开%'"
    )


@audit_migrations()
def m008_list_items_by_url(db: sqlite_utils.Database) -> None:
    """The columns that list a given page (audits/documents.py): without it every lookup read all
    the run's list items."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_list_items_run_id_url ON list_items(run_id, url)")
