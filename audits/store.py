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
