"""Items the spider yields: plain facts, no judgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageRecord:
    """One fetched (or failed) page and what was read from it."""

    row: dict[str, Any]  # the `pages` table row (without run_id)
    links: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # (target, anchor, kind, hidden)
    items: list[dict[str, Any]] = field(default_factory=list)  # list_items rows (without run_id)
    column_url: str | None = None  # the column this list page belongs to
    column_name: str | None = None
    column_name_source: str | None = None
    meta_column_type: str | None = None
    empty_marker: str | None = None
    memo: tuple[str, int, str, bytes | None] | None = None  # extract_memo row (crawler/memo.py); value None: used


@dataclass
class LinkCheckRecord:
    """The result of checking one link target that is not crawled (outside links, attachments, images)."""

    row: dict[str, Any]  # the `link_checks` row (without run_id)
