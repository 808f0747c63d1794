"""Export findings as JSON lines or CSV (spec/findings.md), with their rectification status."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

import sqlite_utils

FIELDS = ("rule", "url", "page", "severity", "category", "message", "evidence", "first_seen", "run_id", "site", "column", "fingerprint",
          "status", "open_since", "days_open")


class ExportError(Exception):
    pass


def latest_audit_run(db: sqlite_utils.Database, audit_run_id: int | None = None) -> dict[str, Any]:
    if audit_run_id is not None:
        rows = list(db.query("SELECT * FROM audit_runs WHERE id = ?", [audit_run_id]))
        if not rows:
            raise ExportError(f"no audit run {audit_run_id} in this database")
        return rows[0]
    rows = list(db.query("SELECT * FROM audit_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"))
    if not rows:
        raise ExportError("no audit run in this database (run 'govaudit audit' first)")
    return rows[0]


def finding_dict(r: dict[str, Any]) -> dict[str, Any]:
    """A ``findings`` row in the contract's shape (spec/findings.md)."""
    return {
        "rule": r["rule"],
        "url": r["url"],
        "page": r["page"],
        "severity": r["severity"],
        "category": r["category"],
        "message": r["message"],
        "evidence": json.loads(r["evidence_json"] or "{}"),
        "first_seen": r["first_seen"],
        "run_id": r["audit_run_id"],
        "site": r["site"],
        "column": r["column_name"],
        "fingerprint": r["fingerprint"],
    }


def finding_dicts(db: sqlite_utils.Database, audit_run_id: int) -> list[dict[str, Any]]:
    return [finding_dict(r) for r in db.query("SELECT * FROM findings WHERE audit_run_id = ? ORDER BY id", [audit_run_id])]


def with_tracking(db: sqlite_utils.Database, audit_run_id: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add rectification tracking (audits/tracking.py): ``status`` new|open since the site's previous
    audit run, ``open_since`` (start of the current streak) and ``days_open``."""
    from audits import tracking

    try:
        changes = tracking.compare(db, audit_run_id)
    except KeyError:  # an unfinished run: no tracking
        changes = {}
    current = {(c.site, c.fingerprint): c for ch in changes.values() for c in ch.items if c.status in (tracking.NEW, tracking.OPEN)}
    for r in rows:
        c = current.get((r["site"], r["fingerprint"]))
        r["status"] = c.status if c else None
        r["open_since"] = c.open_since if c else None
        r["days_open"] = c.days_open if c else None
    return rows


def export_findings(db: sqlite_utils.Database, stream: IO[str], fmt: str, audit_run_id: int | None = None) -> int:
    run = latest_audit_run(db, audit_run_id)
    rows = with_tracking(db, run["id"], finding_dicts(db, run["id"]))
    if fmt == "jsonl":
        for r in rows:
            stream.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "evidence": json.dumps(r["evidence"], ensure_ascii=False)})
    else:
        raise ExportError(f"unknown format {fmt!r}")
    return len(rows)
