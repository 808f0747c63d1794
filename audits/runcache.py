"""Facts computed once per crawl run and shared by every site context of an audit.

The runner keeps one SiteContext per site; a rule that needs a run-wide set (the link
targets worth judging, the pages whose text can hold a typo) computes it on the first
site and the other 50 sites reuse it.  Cached on the database object; the key holds the
newest row ids of the fact tables and SQLite's data version, so facts added later (by
this connection or another) are seen without counting any big table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from audits.context import SiteContext

T = TypeVar("T")


def _version(ctx: SiteContext) -> tuple[Any, ...]:
    row = ctx.query(
        "SELECT (SELECT max(rowid) FROM pages) AS p, (SELECT max(rowid) FROM links) AS l, "
        "(SELECT max(rowid) FROM link_checks) AS c"
    )[0]
    data_version = ctx.db.conn.execute("PRAGMA data_version").fetchone()[0]
    return (row["p"], row["l"], row["c"], data_version)


def run_cached(ctx: SiteContext, name: str, key: Hashable, compute: Callable[[SiteContext], T]) -> T:
    """``compute(ctx)`` for this run, name and key, once per database object and data version."""
    full = (name, ctx.run_id, key, _version(ctx))
    cache: dict[Any, Any] = ctx.db.__dict__.setdefault("_govaudit_run_cache", {})
    if full in cache:
        return cache[full]
    stale = [k for k in cache if k[:3] == full[:3]]
    for k in stale:  # an older version of the same fact: drop it (they can be large)
        del cache[k]
    if len(cache) > 64:
        cache.clear()
    cache[full] = value = compute(ctx)
    return value
