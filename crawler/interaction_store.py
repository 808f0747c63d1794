"""The ``letters`` and ``newmedia_accounts`` tables of a crawl run, made when the run finishes.

The spider stores what it read on each page (``pages.letters_json``: a mailbox list's rows,
or one letter's own page) and on each account page (``link_checks.newmedia_json``).  Here
they become one row per letter (list row and detail page merged: the detail page's facts
win) and one row per account and site, with every page that links it.  Rows carry
``run_id``: an account's rows over the runs are its history.  A resumed run is made again
from all of its stored pages.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlite_utils

log = logging.getLogger(__name__)
LETTER_FIELDS = ("subject", "received", "received_text", "replied", "replied_text", "unit", "status", "status_text")
NOT_RENDERED = ("unavailable", "failed", "off")


def materialize(db: sqlite_utils.Database, run_id: int) -> None:
    """(Re)write the run's letters and accounts; a failure is logged, never raised."""
    try:
        letters = _letters(db, run_id)
        accounts = _accounts(db, run_id)
        with db.atomic():
            db.execute("DELETE FROM letters WHERE run_id = ?", [run_id])
            db.execute("DELETE FROM newmedia_accounts WHERE run_id = ?", [run_id])
            if letters:
                db["letters"].insert_all(letters, batch_size=500)
            if accounts:
                db["newmedia_accounts"].insert_all(accounts, batch_size=500)
    except Exception:  # the crawl's facts are stored; only these derived tables are missing
        log.exception("could not write the letters and new-media accounts of run %s", run_id)


def _mailbox_of(page: dict[str, Any]) -> str | None:
    from crawler.extract.letters import is_mailbox

    crumbs = json.loads(page.get("breadcrumb_json") or "[]")
    for name in reversed(crumbs):
        if is_mailbox(name):
            return name
    return page.get("column_name") or None


def _letters(db: sqlite_utils.Database, run_id: int) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    details: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for page in db.query(
        "SELECT url, final_url, root, list_column, list_column_name, column_name, breadcrumb_json, title, "
        "letters_json, render_status FROM pages WHERE run_id = ? AND letters_json IS NOT NULL ORDER BY rowid",
        [run_id],
    ):
        data = json.loads(page["letters_json"])
        if data.get("kind") == "detail":
            details.append((page, data["letter"]))
            continue
        for letter in data.get("letters", []):
            if letter["url"] in out:
                continue  # listed again (another page of the list, or another mailbox)
            out[letter["url"]] = {
                "run_id": run_id,
                "url": letter["url"],
                "root": page["root"],
                "mailbox_url": page["list_column"] or page["url"],
                "mailbox_name": page["list_column_name"] or page["column_name"] or page["title"],
                "list_page": page["url"],
                "position": letter.get("position"),
                **{k: letter.get(k) for k in LETTER_FIELDS},
                "source": "list",
                "list_render_status": page["render_status"],
            }
    for page, letter in details:
        row = out.get(page["url"]) or out.get(page["final_url"] or "")
        if row is None:
            row = out[page["url"]] = {
                "run_id": run_id, "url": page["url"], "root": page["root"], "mailbox_url": None,
                "mailbox_name": _mailbox_of(page), "list_page": None, "position": None,
                **{k: None for k in LETTER_FIELDS}, "source": "detail", "list_render_status": None,
            }
        else:
            row["source"] = "list+detail"
        for k in LETTER_FIELDS:
            if letter.get(k) is not None:
                row[k] = letter[k]
        if row.get("replied") and row.get("status") != "answered":
            row["status"] = "answered"
    return list(out.values())


def _accounts(db: sqlite_utils.Database, run_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for check in db.query("SELECT * FROM link_checks WHERE run_id = ? AND newmedia_json IS NOT NULL", [run_id]):
        info = json.loads(check["newmedia_json"])
        by_root: dict[str, list[dict[str, Any]]] = {}
        for link in db.query(
            "SELECT l.source, l.anchor, p.root FROM links l JOIN pages p ON p.run_id = l.run_id AND p.url = l.source "
            "WHERE l.run_id = ? AND l.target = ? AND l.kind = 'newmedia' ORDER BY l.rowid",
            [run_id, check["url"]],
        ):
            by_root.setdefault(link["root"], []).append(link)
        if not by_root:  # the linking page was not stored (a crash before its batch)
            by_root[None] = [{"source": info.get("listed_on"), "anchor": info.get("anchor")}]  # type: ignore[index]
        for root, links in by_root.items():
            first = next((x for x in links if x["source"] == info.get("listed_on")), links[0])
            rows.append({
                "run_id": run_id,
                "root": root,
                "url": check["url"],
                "platform": info.get("platform"),
                "anchor": first["anchor"],
                "listed_on": first["source"],
                "linking_pages": len({x["source"] for x in links}),
                "name": info.get("name"),
                "status": check["status"],
                "error": check["error"],
                "final_url": check["final_url"],
                "newest_post": info.get("newest_post"),
                "newest_post_text": info.get("newest_post_text"),
                "posts_dated": info.get("posts_dated"),
                "render_reason": check["render_reason"],
                "render_status": check["render_status"],
                "render_error": check["render_error"],
                "checked_at": check["checked_at"],
            })
    return rows


def render_note(db: sqlite_utils.Database, run_id: int, limit: int = 5) -> list[str]:
    """Lines for the crawl summary: the pages that needed a browser and were not rendered."""
    rows = list(db.query(
        "SELECT url, render_status, render_error FROM pages WHERE run_id = ? AND render_reason IS NOT NULL "
        "AND render_status IN ('unavailable', 'failed', 'off') "
        "UNION ALL SELECT url, render_status, render_error FROM link_checks WHERE run_id = ? "
        "AND render_status IN ('unavailable', 'failed', 'off')",
        [run_id, run_id],
    ))
    if not rows:
        return []
    why = {"unavailable": "no browser", "failed": "render failed", "off": "rendering turned off"}
    kinds = sorted({why[r["render_status"]] for r in rows})
    error = next((r["render_error"] for r in rows if r["render_status"] == "unavailable" and r["render_error"]), None)
    lines = [f"{len(rows)} page(s) need JavaScript and were not rendered ({', '.join(kinds)}); "
             "the rules that depend on them report 'not checked'" + (f": {error}" if error else "")]
    lines += [f"  not rendered: {r['url']} ({r['render_status']}{': ' + r['render_error'] if r['render_error'] and r['render_status'] == 'failed' else ''})" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"  … and {len(rows) - limit} more (pages.render_status / link_checks.render_status)")
    return lines
