"""Build small crawl-fact databases (real SQLite files) for rule tests."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from audits.config import Config
from audits.runner import run_audit
from crawler import store
from crawler.facts import backfill


def _same(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[k] for k in ("rule", "severity", "site", "url", "page", "column_name", "message", "evidence_json", "fingerprint"))

ROOT = "http://127.0.0.1:9/"


class Facts:
    def __init__(self, path: Path, roots: list[str] | None = None) -> None:
        self.path = Path(path)
        self.db = store.open_db(path)
        self.roots = roots or [ROOT]
        self.run_id = store.start_run(self.db, self.roots, {}, dt.date(2026, 12, 15))

    def page(self, url: str, root: str = ROOT, *, status: int | None = 200, error: str | None = None, home: bool = False, meta: dict[str, str] | None = None, **extra: Any) -> None:
        self.db["pages"].insert(
            {"run_id": self.run_id, "url": url, "root": root, "status": status, "error": error, "is_home": int(home),
             "meta_json": json.dumps(meta or {}, ensure_ascii=False), **extra},
            replace=True,
        )

    def home(self, root: str = ROOT, **kw: Any) -> None:
        self.page(root, root, home=True, **kw)

    def link(self, source: str, target: str, kind: str = "page") -> None:
        self.db["links"].insert({"run_id": self.run_id, "source": source, "target": target, "anchor": "", "kind": kind})

    def items(self, page_url: str, dates: list[dt.date | None], column_url: str | None = None) -> None:
        self.db["list_items"].insert_all(
            {"run_id": self.run_id, "page_url": page_url, "column_url": column_url, "position": n,
             "title": f"条目{n}", "url": f"{page_url}item{n}.html", "date": d.isoformat() if d else None}
            for n, d in enumerate(dates)
        )

    def column(self, url: str, name: str, dates: list[dt.date], *, root: str = ROOT, meta_type: str | None = None, empty_marker: str | None = None) -> None:
        self.page(url, root, column_name=name, column_type=meta_type, is_list=1)
        dated = sorted(d for d in dates if d)
        self.db["columns"].insert(
            {"run_id": self.run_id, "url": url, "root": root, "name": name, "meta_column_type": meta_type, "pages": 1,
             "items": len(dates), "empty_marker": empty_marker, "newest_date": dated[-1].isoformat() if dated else None,
             "oldest_date": dated[0].isoformat() if dated else None, "undated_items": 0}
        )
        self.items(url, dates, column_url=url)

    def finish(self) -> None:
        for root in self.roots:
            home = self.db["pages"].get((self.run_id, root)) if self.db["pages"].count_where("run_id = ? AND url = ?", [self.run_id, root]) else {}
            self.db["run_roots"].insert({"run_id": self.run_id, "root": root, "home_status": home.get("status"), "home_error": home.get("error")}, replace=True)
        store.finish_run(self.db, self.run_id, "complete", "finished", {})

    def audit(self, as_of: dt.date, config: Config | None = None, rule: str | None = None) -> list[dict[str, Any]]:
        from audits.registry import RULES

        self.finish()
        rules = tuple(r for r in RULES if rule is None or r.id == rule)
        # twice: on a copy without stored facts (the audit reads the pages), then here with the facts the
        # crawler stores with each page (crawler/facts.py): both must find the same
        copy_path = self.path.with_name(self.path.name + ".read.db")
        copy_path.unlink(missing_ok=True)
        with sqlite3.connect(copy_path) as dest:
            self.db.conn.backup(dest)
        dest.close()
        copy = store.open_db(copy_path)
        copy.execute("UPDATE pages SET facts_v = NULL")  # an audit reading the pages
        result = run_audit(copy, as_of, self.run_id, config, rules=rules)
        read = self._findings(result.audit_run_id, copy)
        copy.conn.close()
        backfill(self.db, self.run_id)  # the facts the crawler stores with each page (crawler/facts.py)
        result = run_audit(self.db, as_of, self.run_id, config, rules=rules)
        rows = self._findings(result.audit_run_id, self.db)
        assert [_same(r) for r in rows] == [_same(r) for r in read], "findings differ with the stored page facts"
        return rows

    def _findings(self, audit_run_id: int, db: Any) -> list[dict[str, Any]]:
        rows = list(db.query("SELECT * FROM findings WHERE audit_run_id = ? ORDER BY id", [audit_run_id]))
        for r in rows:
            r["evidence"] = json.loads(r["evidence_json"])
        return rows

    def status(self, rule: str) -> str:
        rows = list(self.db.query("SELECT status FROM rule_results WHERE rule = ? ORDER BY audit_run_id DESC LIMIT 1", [rule]))
        return rows[0]["status"]
