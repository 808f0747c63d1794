"""Export findings as JSON lines or CSV (spec/findings.md)."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

import sqlite_utils

FIELDS = ("rule", "url", "page", "severity", "category", "message", "evidence", "first_seen", "run_id", "site", "column", "fingerprint")


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


def finding_dicts(db: sqlite_utils.Database, audit_run_id: int) -> list[dict[str, Any]]:
    out = []
    for r in db.query("SELECT * FROM findings WHERE audit_run_id = ? ORDER BY id", [audit_run_id]):
        out.append(
            {
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
        )
    return out


def export_findings(db: sqlite_utils.Database, stream: IO[str], fmt: str, audit_run_id: int | None = None) -> int:
    run = latest_audit_run(db, audit_run_id)
    rows = finding_dicts(db, run["id"])
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
