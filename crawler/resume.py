"""`govaudit crawl --resume`: finish a killed or interrupted crawl run as one run.

Everything needed is already in the database, written batch by batch while the
run went on (so it survives even ``kill -9``):

- the pages stored so far are the spider's seen set and page budget;
- the frontier is rebuilt from them: their in-scope links not yet stored (one level
  deeper), their pagination URLs (same depth, same column), and their outside links
  not yet checked;
- column aggregates (items, newest/oldest dates) are replayed from the stored list
  pages and their items, in the order they were stored.

A page fetched but not yet flushed when the process died is simply fetched again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from crawler.extract.links import dedupe_key


class ResumeError(ValueError):
    """There is no run to resume."""


def resumable_run(db: sqlite_utils.Database, run_id: int | None = None) -> dict[str, Any]:
    """The run to resume: the given one, else the most recent partial run."""
    if run_id is not None:
        rows = list(db.query("SELECT * FROM crawl_runs WHERE id = ?", [run_id]))
        if not rows:
            raise ResumeError(f"no crawl run {run_id} (see 'govaudit runs')")
        if rows[0]["status"] != "partial":
            raise ResumeError(f"crawl run {run_id} is {rows[0]['status']}, only a partial run can be resumed")
        return rows[0]
    rows = list(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
    if not rows or rows[0]["status"] != "partial":
        state = f"the last run ({rows[0]['id']}) is {rows[0]['status']}" if rows else "there is no run"
        raise ResumeError(f"nothing to resume: {state}")
    return rows[0]


def reopen(db: sqlite_utils.Database, run: dict[str, Any], pid: int) -> None:
    db["crawl_runs"].update(run["id"], {"status": "running", "finished_at": None, "reason": None, "pid": pid})


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def resume_requests(spider: Any, db_path: str, run_id: int) -> Iterator[Any]:
    """Restore the spider's state from the stored run; yield the requests still to make."""
    conn = _connect(db_path)
    try:
        pages = conn.execute(
            "SELECT url, final_url, depth, is_home, status, error, list_column, column_name, pagination_json "
            "FROM pages WHERE run_id = ? ORDER BY depth, rowid",
            [run_id],
        ).fetchall()
        for p in pages:
            spider.seen.add(dedupe_key(p["url"]))
            spider.scheduled += 1
            parts = urlsplit(p["url"])
            if parts.query:
                spider.query_variants[(parts.netloc, parts.path)] += 1
            if p["is_home"] and p["final_url"] and p["final_url"] != p["url"]:
                root = spider.root_of(p["url"])
                if root is not None:
                    root.add_alias(p["final_url"])
                    spider._root_cache.clear()
            if p["list_column"] and p["url"] == p["list_column"]:
                key = (parts.netloc, parts.path, p["column_name"] or "")
                spider.column_by_path.setdefault(key, p["list_column"])
        spider.checked.update(r[0] for r in conn.execute("SELECT url FROM link_checks WHERE run_id = ?", [run_id]))
        spider.crawler.stats.set_value("govaudit/resumed_pages", len(pages))
        max_depth = spider._setting("GOVAUDIT_MAX_DEPTH")
        for p in pages:
            ok = p["error"] is None and (p["status"] or 0) < 400
            if not ok:
                continue
            root = spider.root_of(p["url"])
            for url in json.loads(p["pagination_json"] or "[]"):
                if spider.root_of(url) is root:
                    admitted = spider._admit(url)
                    request = spider._request(admitted, p["depth"], column=p["list_column"], referer=p["url"]) if admitted else None
                    if request is not None:
                        yield request
            links = conn.execute("SELECT target, anchor, kind FROM links WHERE run_id = ? AND source = ? ORDER BY rowid", [run_id, p["url"]]).fetchall()
            if p["depth"] < max_depth:
                for lk in links:
                    if lk["kind"] == "page" and spider.root_of(lk["target"]) is not None:
                        admitted = spider._admit(lk["target"])
                        request = spider._request(admitted, p["depth"] + 1, anchor=lk["anchor"] or "", referer=p["url"]) if admitted else None
                        if request is not None:  # None: a page in a batch answered 304 ahead
                            yield request
            outside = [
                SimpleNamespace(target=lk["target"], anchor=lk["anchor"] or "", kind="page" if lk["kind"] == "external" else lk["kind"])
                for lk in links
                if lk["kind"] in ("external", "attachment", "image") and lk["target"] not in spider.checked
            ]
            if outside:
                yield from spider._check_links(outside, bool(p["is_home"]))
            accounts = [lk for lk in links if lk["kind"] == "newmedia" and lk["target"] not in spider.checked]
            if accounts and hasattr(spider, "_find_accounts"):
                # new-media accounts found before the stop but not fetched yet (crawler/interaction.py)
                meta: dict[str, Any] = {}
                found = [SimpleNamespace(target=lk["target"], anchor=lk["anchor"] or "", kind="page") for lk in accounts]
                spider._find_accounts(found, ("新媒体矩阵",), meta, p["url"])
                yield from spider._account_requests(meta)
    finally:
        conn.close()


def replay_columns(pipeline: Any, db_path: str, run_id: int) -> int:
    """Rebuild the pipeline's column aggregates from the list pages stored so far."""
    conn = _connect(db_path)
    try:
        pages = conn.execute(
            "SELECT url, root, list_column, list_column_name, list_column_name_source, column_type, empty_marker "
            "FROM pages WHERE run_id = ? AND list_column IS NOT NULL ORDER BY rowid",
            [run_id],
        ).fetchall()
        for p in pages:
            items = [
                dict(r)
                for r in conn.execute(
                    "SELECT url, date FROM list_items WHERE run_id = ? AND page_url = ? ORDER BY rowid", [run_id, p["url"]]
                )
            ]
            record = SimpleNamespace(
                row={"url": p["url"], "root": p["root"]},
                items=items,
                column_url=p["list_column"],
                column_name=p["list_column_name"],
                column_name_source=p["list_column_name_source"],
                meta_column_type=p["column_type"] or None,
                empty_marker=p["empty_marker"],
            )
            pipeline._add_to_column(record)
        pipeline.written = conn.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()[0]
        return len(pages)
    finally:
        conn.close()
