"""Build small crawl-fact databases (real SQLite files) for rule tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from audits.config import Config
from audits.runner import run_audit
from crawler import store

ROOT = "http://127.0.0.1:9/"


class Facts:
    def __init__(self, path: Path, roots: list[str] | None = None) -> None:
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
        result = run_audit(self.db, as_of, self.run_id, config, rules=rules)
        rows = list(self.db.query("SELECT * FROM findings WHERE audit_run_id = ?", [result.audit_run_id]))
        for r in rows:
            r["evidence"] = json.loads(r["evidence_json"])
        return rows

    def status(self, rule: str) -> str:
        rows = list(self.db.query("SELECT status FROM rule_results WHERE rule = ? ORDER BY audit_run_id DESC LIMIT 1", [rule]))
        return rows[0]["status"]
