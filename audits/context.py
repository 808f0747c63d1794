"""Read-only queries over one crawl run, for one site root."""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import Any

import sqlite_utils

from audits.columns import classify
from audits.config import Config, SiteConfig
from audits.workdays import WorkdayCalendar


class SiteContext:
    def __init__(self, db: sqlite_utils.Database, crawl_run_id: int, root: str, as_of: dt.date, config: Config) -> None:
        self.db = db
        self.run_id = crawl_run_id
        self.root = root
        self.as_of = as_of
        self.config = config
        self.site_config: SiteConfig | None = config.site(root)

    @property
    def calendar(self) -> WorkdayCalendar:
        return self.config.calendar

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or []))

    @cached_property
    def root_row(self) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM run_roots WHERE run_id = ? AND root = ?", [self.run_id, self.root])
        return rows[0] if rows else None

    @cached_property
    def home(self) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM pages WHERE run_id = ? AND url = ?", [self.run_id, self.root])
        return rows[0] if rows else None

    @cached_property
    def site_name(self) -> str:
        if self.site_config and self.site_config.name:
            return self.site_config.name
        if self.home and self.home.get("meta_json"):
            name = json.loads(self.home["meta_json"]).get("SiteName")
            if name:
                return name
        return (self.home or {}).get("title") or self.root

    def columns(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM columns WHERE run_id = ? AND root = ? ORDER BY url", [self.run_id, self.root])

    def column_type(self, column: dict[str, Any]) -> tuple[str, str]:
        pins = self.site_config.columns if self.site_config else {}
        for key in (column["url"], column.get("name")):
            if key and key in pins:
                return pins[key], "config"
        return classify(column.get("meta_column_type"), column.get("name"))

    def items_on(self, page_urls: list[str]) -> list[dict[str, Any]]:
        if not page_urls:
            return []
        marks = ",".join("?" * len(page_urls))
        # one indexed lookup per side (an OR of the two would read every item of the run),
        # in the order of the page_url index as before
        return self.query(
            f"SELECT * FROM list_items WHERE rowid IN (SELECT rowid FROM list_items WHERE run_id = ? AND page_url IN ({marks}) "
            f"UNION SELECT rowid FROM list_items WHERE run_id = ? AND column_url IN ({marks})) ORDER BY page_url, rowid",
            [self.run_id, *page_urls, self.run_id, *page_urls],
        )

    def links_from(self, url: str, kinds: tuple[str, ...] = ("page",)) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(kinds))
        return self.query(
            f"SELECT * FROM links WHERE run_id = ? AND source = ? AND kind IN ({marks})", [self.run_id, url, *kinds]
        )

    def page(self, url: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM pages WHERE run_id = ? AND url = ?", [self.run_id, url])
        return rows[0] if rows else None

    def pages_in(self, urls: list[str]) -> list[dict[str, Any]]:
        if not urls:
            return []
        marks = ",".join("?" * len(urls))
        return self.query(f"SELECT * FROM pages WHERE run_id = ? AND url IN ({marks})", [self.run_id, *urls])

    def parse_day(self, value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value[:10]) if value else None
