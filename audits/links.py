"""Shared view of link targets for the link rules: who links where, and what came back."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from audits.context import SiteContext
from crawler.extract.links import strip_session

CHECKED_KINDS = ("page", "external", "attachment", "image", "invalid")
MAX_LISTED_PAGES = 50


class Source(NamedTuple):
    """One link to a target: where it is, its text, whether on a home page, why hidden."""

    page: str
    anchor: str
    home: bool
    hidden: str | None

    def __getitem__(self, key: Any) -> Any:  # s["page"] as well as s[0]
        return getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)


@dataclass
class Target:
    url: str
    kind: str
    sources: list[Source] = field(default_factory=list)
    result: dict[str, Any] | None = None  # page row or link_checks row
    result_source: str | None = None  # "page" | "check"

    @property
    def on_home(self) -> bool:
        return any(s["home"] for s in self.sources)

    def evidence_pages(self) -> list[dict[str, Any]]:
        return [{"page": s["page"], "anchor": s["anchor"]} for s in self.sources[:MAX_LISTED_PAGES]]


def targets(ctx: SiteContext) -> list[Target]:
    """Every link target seen on this site's pages, with its linking pages and its result.

    The three link rules share one computation per site context (the runner
    keeps one context per site for all rules): the link table is the biggest
    one, so it is streamed once, not once per rule.
    """
    cached = getattr(ctx, "_link_targets", None)
    if cached is None:
        cached = _targets(ctx)
        ctx._link_targets = cached  # type: ignore[attr-defined]
    return cached


def _targets(ctx: SiteContext) -> list[Target]:
    marks = ",".join("?" * len(CHECKED_KINDS))
    rows = ctx.db.query(
        f"SELECT l.source, l.target, l.anchor, l.kind, l.hidden, p.is_home FROM links l "
        f"JOIN pages p ON p.run_id = l.run_id AND p.url = l.source "
        f"WHERE l.run_id = ? AND p.root = ? AND l.kind IN ({marks}) ORDER BY p.is_home DESC, l.source",
        [ctx.run_id, ctx.root, *CHECKED_KINDS],
    )
    by_url: dict[str, Target] = {}
    for r in rows:
        t = by_url.setdefault(r["target"], Target(r["target"], r["kind"]))
        t.sources.append(Source(r["source"], r["anchor"] or "", bool(r["is_home"]), r["hidden"]))
    if not by_url:
        return []
    results = _results(ctx, list(by_url))
    for url, t in by_url.items():
        t.result, t.result_source = results.get(url, (None, None))
    return list(by_url.values())


def _results(ctx: SiteContext, urls: list[str]) -> dict[str, tuple[dict[str, Any], str]]:
    out: dict[str, tuple[dict[str, Any], str]] = {}
    lookup = {strip_session(u): u for u in urls}
    for chunk_start in range(0, len(urls), 500):
        chunk = urls[chunk_start : chunk_start + 500]
        keys = [strip_session(u) for u in chunk]
        marks = ",".join("?" * len(keys))
        for row in ctx.query(f"SELECT * FROM pages WHERE run_id = ? AND url IN ({marks})", [ctx.run_id, *keys]):
            out[lookup.get(row["url"], row["url"])] = (row, "page")
        marks = ",".join("?" * len(chunk))
        for row in ctx.query(f"SELECT * FROM link_checks WHERE run_id = ? AND url IN ({marks})", [ctx.run_id, *chunk]):
            out.setdefault(row["url"], (row, "check"))
    return out


def failure(result: dict[str, Any] | None, kind: str | None = None) -> str | None:
    """Why a fetched target counts as dead, or None (working, or never checked)."""
    if kind == "invalid":
        return "invalid URL"
    if result is None:
        return None
    error = result.get("error")
    if error:
        if error.startswith("skipped") or "binary content" in error or "robots" in error.lower():
            return None
        if "larger than download max size" in error:
            return None  # it answered; only too big for us to read
        return error
    status = result.get("status")
    if status is not None and status >= 400:
        return f"HTTP {status}"
    return None


def chain(result: dict[str, Any] | None) -> list[str]:
    if result and result.get("redirect_chain_json"):
        return json.loads(result["redirect_chain_json"])
    return []


def group_by_final(results: list[Target]) -> dict[str, list[Target]]:
    groups: dict[str, list[Target]] = defaultdict(list)
    for t in results:
        if t.result and t.result.get("final_url") and t.result["final_url"] != t.url and (t.result.get("status") or 0) < 400:
            groups[t.result["final_url"]].append(t)
    return groups
