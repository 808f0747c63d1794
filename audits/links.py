"""Shared view of link targets for the link rules: who links where, and what came back."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from audits.context import SiteContext
from audits.runcache import run_cached
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


# Words of which every error phrase of soft_404.PHRASES holds at least one (tests/test_links_scale.py
# checks it): a page or link check without any of them, without an error status and without a
# redirect cannot make a link dead, a soft 404 or part of a redirect funnel.
PHRASE_PARTS = ("页面", "删除", "不存在", "失效", "404")


def _phrase_sql(col: str) -> str:
    return " OR ".join([*(f"instr({col}, '{w}') > 0" for w in PHRASE_PARTS), f"{col} LIKE '%not%found%'"])


# A result worth judging (pages: the partial index idx_pages_link_result of audits/store.py m005;
# the query must repeat this text for SQLite to use it).
RESULT_OF_NOTE = (
    f"(error IS NOT NULL OR status >= 400 OR final_url != url OR {_phrase_sql('title')} OR {_phrase_sql('body_head')})"
)
# links to judge whatever their result: hidden, or not a valid URL (partial index idx_links_flagged)
FLAGGED_LINK = "(hidden IS NOT NULL OR kind = 'invalid')"
# targets the crawler may have stored under another URL (strip_session: session ids, the query re-encoded)
ODD_TARGET = "(instr(target, '?') > 0 OR instr(target, ';') > 0)"


def targets(ctx: SiteContext) -> list[Target]:
    """The link targets of this site's pages that a link rule can report, with their linking pages and result.

    Not every target: only those that can make a finding of dead-link, soft-404 or hidden-link
    (a failing or redirected result, an error phrase, a hidden or invalid link, a URL stored
    under another form).  They are found from the results side first, through partial indexes,
    and their linking pages are then read through the (run_id, target) index, once per run for
    all sites; the link table (26 links a page) is never read whole.  Each target has all its
    linking pages of this site, in the order of the whole-table pass this replaces
    (home page first, then by page URL and link order), and the targets come in the order of
    their first linking page.
    """
    per_root = run_cached(ctx, "link-targets", None, _candidate_targets)
    return per_root.get(ctx.root, [])


def _candidate_targets(ctx: SiteContext) -> dict[str, list[Target]]:
    run = ctx.run_id
    urls: set[str] = {r["url"] for r in ctx.query(f"SELECT url FROM pages INDEXED BY idx_pages_link_result WHERE run_id = ? AND {RESULT_OF_NOTE}", [run])}
    urls |= {r["url"] for r in ctx.query(f"SELECT url FROM link_checks WHERE run_id = ? AND {RESULT_OF_NOTE}", [run])}
    urls |= {r["target"] for r in ctx.query(f"SELECT DISTINCT target FROM links INDEXED BY idx_links_flagged WHERE run_id = ? AND {FLAGGED_LINK}", [run])}
    # a target stored in another form than its page is always judged (its page's final URL differs from it)
    urls |= {
        t for t in (r["target"] for r in ctx.query(f"SELECT DISTINCT target FROM links INDEXED BY idx_links_odd_target WHERE run_id = ? AND {ODD_TARGET}", [run]))
        if strip_session(t) != t
    }
    marks_k = ",".join("?" * len(CHECKED_KINDS))
    rows: list[tuple[Any, ...]] = []
    todo = sorted(urls)
    for i in range(0, len(todo), 500):
        chunk = todo[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows += ctx.db.conn.execute(
            f"SELECT p.root, l.target, l.source, l.anchor, l.kind, l.hidden, p.is_home, l.rowid FROM links l "
            f"JOIN pages p INDEXED BY idx_pages_url_root ON p.run_id = l.run_id AND p.url = l.source "  # covering (m007)
            f"WHERE l.run_id = ? AND l.target IN ({marks}) AND l.kind IN ({marks_k})",
            [run, *chunk, *CHECKED_KINDS],
        ).fetchall()
    # the order of the old pass: ORDER BY p.is_home DESC (NULL last), l.source, link order
    rows.sort(key=lambda r: (r[6] is None, -(r[6] or 0), r[2], r[7]))
    by_root: dict[str, dict[str, Target]] = defaultdict(dict)
    for root, target, source, anchor, kind, hidden, is_home, _rowid in rows:
        t = by_root[root].get(target)
        if t is None:
            t = by_root[root][target] = Target(target, kind)
        t.sources.append(Source(source, anchor or "", bool(is_home), hidden))
    linked = sorted({t for ts in by_root.values() for t in ts})
    results = _results(ctx, linked) if linked else {}
    for ts in by_root.values():
        for url, t in ts.items():
            t.result, t.result_source = results.get(url, (None, None))
    return {root: list(ts.values()) for root, ts in by_root.items()}


def _results(ctx: SiteContext, urls: list[str]) -> dict[str, tuple[dict[str, Any], str]]:
    """Per URL: the page stored for it (under its URL without session ids), else its link check."""
    out: dict[str, tuple[dict[str, Any], str]] = {}
    lookup: dict[str, list[str]] = defaultdict(list)  # two URLs can share a page (with and without a session id)
    for u in urls:
        lookup[strip_session(u)].append(u)
    for chunk_start in range(0, len(urls), 500):
        chunk = urls[chunk_start : chunk_start + 500]
        keys = sorted({strip_session(u) for u in chunk})
        marks = ",".join("?" * len(keys))
        for row in ctx.query(f"SELECT * FROM pages WHERE run_id = ? AND url IN ({marks})", [ctx.run_id, *keys]):
            for u in lookup.get(row["url"], [row["url"]]):
                out[u] = (row, "page")
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
