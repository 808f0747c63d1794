"""The govaudit SQLite database: opening it safely and the crawl-facts schema.

Three layers share one file, each with its own migration set: crawl facts
(this module), audit results (``audits/store.py``) and, later, reports.  Every
crawl-fact row carries ``run_id``; runs only ever insert, so an earlier run is
never changed by a later one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

APP_ID = 0x676F7661  # "gova": PRAGMA application_id marks a govaudit database


class StoreError(Exception):
    """The database cannot be used (wrong file, locked, corrupt)."""


crawl_migrations = Migrations("govaudit-crawl")


@crawl_migrations()
def m001_crawl_schema(db: sqlite_utils.Database) -> None:
    db["crawl_runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | complete | partial | failed
            "reason": str,
            "roots_json": str,
            "settings_json": str,
            "stats_json": str,
            "today": str,  # reference date for year-less dates
            "pid": int,
            "pages": int,
            "errors": int,
        },
        pk="id",
    )
    db["run_roots"].create(
        {
            "run_id": int,
            "root": str,
            "home_url": str,
            "home_status": int,
            "home_error": str,
            "home_content_type": str,
            "home_elapsed": float,
            "site_name": str,
            "site_id_code": str,
        },
        pk=("run_id", "root"),
    )
    db["pages"].create(
        {
            "run_id": int,
            "url": str,
            "final_url": str,
            "root": str,
            "depth": int,
            "referer": str,
            "status": int,
            "error": str,
            "content_type": str,
            "encoding": str,
            "declared_encoding": str,
            "size": int,
            "elapsed": float,
            "title": str,
            "meta_json": str,
            "breadcrumb_json": str,
            "footer_json": str,
            "doc_meta_json": str,
            "column_name": str,
            "column_type": str,
            "article_title": str,
            "pub_date": str,
            "pub_date_text": str,
            "pub_date_source": str,
            "is_article": int,
            "is_home": int,
            "is_list": int,
            "main_text": str,
            "fetched_at": str,
        },
        pk=("run_id", "url"),
    )
    db["links"].create(
        {"run_id": int, "source": str, "target": str, "anchor": str, "kind": str},
    )
    db["columns"].create(
        {
            "run_id": int,
            "url": str,
            "root": str,
            "name": str,
            "name_source": str,
            "meta_column_type": str,
            "pages": int,
            "items": int,
            "empty_marker": str,
            "newest_date": str,
            "oldest_date": str,
            "undated_items": int,
        },
        pk=("run_id", "url"),
    )
    db["list_items"].create(
        {
            "run_id": int,
            "page_url": str,
            "column_url": str,  # null for dated lists on non-column pages (the home page)
            "position": int,
            "title": str,
            "url": str,
            "date": str,
            "date_text": str,
        },
    )
    db["links"].create_index(["run_id", "source"])
    db["links"].create_index(["run_id", "target"])
    db["list_items"].create_index(["run_id", "column_url"])
    db["list_items"].create_index(["run_id", "page_url"])
    db["pages"].create_index(["run_id", "root"])


@crawl_migrations()
def m002_page_tables(db: sqlite_utils.Database) -> None:
    db["pages"].add_column("tables_json", str)


@crawl_migrations()
def m003_link_checks(db: sqlite_utils.Database) -> None:
    db["pages"].add_column("redirect_chain_json", str)
    db["pages"].add_column("body_head", str)  # first visible text, for soft-404 judgement
    db["pages"].add_column("text_len", int)
    db["links"].add_column("hidden", str)  # why the link is invisible (CSS), else null
    db["link_checks"].create(
        {
            "run_id": int,
            "url": str,
            "method": str,
            "status": int,
            "error": str,
            "final_url": str,
            "redirect_chain_json": str,
            "content_type": str,
            "elapsed": float,
            "attempts": int,
            "from_cache": int,
            "body_head": str,
            "checked_at": str,
        },
        pk=("run_id", "url"),
    )
    # results of outside links across runs, so a nightly run does not hammer other servers
    db["link_cache"].create(
        {"url": str, "checked_at": str, "status": int, "final_url": str, "content_type": str, "elapsed": float},
        pk="url",
    )


@crawl_migrations()
def m004_check_titles(db: sqlite_utils.Database) -> None:
    db["link_checks"].add_column("title", str)  # of a GET-checked HTML page, for soft-404 judgement


# a page whose validators a later run may send (the partial index of m005; crawler/incremental.py)
REUSABLE_PAGE = (
    "status = 200 AND error IS NULL AND is_list = 0 AND is_home = 0 AND final_url = url "
    "AND (etag IS NOT NULL OR last_modified IS NOT NULL)"
)


@crawl_migrations()
def m005_incremental(db: sqlite_utils.Database) -> None:
    # HTTP validators of a fetched page, sent back as If-None-Match / If-Modified-Since next time
    db["pages"].add_column("etag", str)
    db["pages"].add_column("last_modified", str)
    # the run whose facts were copied because the server answered 304; null when fetched fresh
    db["pages"].add_column("reused_from_run", int)
    # what crawler/incremental.py loads at the start of a run (a covering index: no page bodies read)
    db.execute(f"CREATE INDEX idx_pages_validators ON pages(run_id, url, etag, last_modified) WHERE {REUSABLE_PAGE}")


@crawl_migrations()
def m006_probes(db: sqlite_utils.Database) -> None:
    # availability probes (`govaudit probe`): one row per home-page fetch, for the 7-day veto
    db["probes"].create(
        {"id": int, "root": str, "url": str, "at": str, "ok": int, "status": int, "error": str, "elapsed": float},
        pk="id",
    )
    db["probes"].create_index(["root", "at"])


@crawl_migrations()
def m007_resume(db: sqlite_utils.Database) -> None:
    # what `crawl --resume` needs to rebuild a run's frontier and column aggregates
    db["pages"].add_column("list_column", str)  # the column this list page was counted in
    db["pages"].add_column("list_column_name", str)
    db["pages"].add_column("list_column_name_source", str)
    db["pages"].add_column("empty_marker", str)
    db["pages"].add_column("pagination_json", str)  # next pages found on a list page


@crawl_migrations()
def m008_services_search(db: sqlite_utils.Database) -> None:
    # 办事指南 / 标准目录 labels and forms (crawler/extract/labels.py, forms.py): set on few pages,
    # so partial indexes let the rules reach them without reading the wide page rows
    db["pages"].add_column("labels_json", str)
    db["pages"].add_column("forms_json", str)  # home pages, and pages holding a message form
    db.execute("CREATE INDEX idx_pages_labels ON pages(run_id, root) WHERE labels_json IS NOT NULL")
    db["link_checks"].add_column("labels_json", str)  # a guide page on another host (one hop)
    # the site search tried with titles of articles the crawl found (crawler/search.py)
    db["search_probes"].create(
        {
            "run_id": int, "root": str, "form_page": str, "action": str, "method": str, "field": str,
            "query": str, "article_url": str, "request_url": str, "status": int, "error": str,
            "final_url": str, "redirect_chain_json": str, "content_type": str, "title": str,
            "links_json": str, "text_hits": int, "empty_marker": str, "body_head": str,
            "elapsed": float, "probed_at": str,
        },
    )
    db["search_probes"].create_index(["run_id", "root"])


@crawl_migrations()
def m009_interaction_newmedia(db: sqlite_utils.Database) -> None:
    # pages only a browser can fill (crawler/render.py): why, and how the render went
    for table in ("pages", "link_checks"):
        db[table].add_column("render_reason", str)
        db[table].add_column("render_status", str)  # ok | failed | unavailable | off
        db[table].add_column("render_error", str)
        db[table].add_column("render_ms", int)
    db["pages"].add_column("letters_json", str)  # letters read on a mailbox list page or a letter's page
    db["link_checks"].add_column("newmedia_json", str)  # an account page: platform, name, newest post
    db.execute("CREATE INDEX idx_pages_letters ON pages(run_id) WHERE letters_json IS NOT NULL")
    db.execute("CREATE INDEX idx_pages_render ON pages(run_id, root) WHERE render_reason IS NOT NULL")
    # made from the above when a run finishes (crawler/interaction_store.py)
    db["letters"].create(
        {
            "run_id": int, "url": str, "root": str, "mailbox_url": str, "mailbox_name": str, "list_page": str,
            "position": int, "subject": str, "received": str, "received_text": str, "replied": str,
            "replied_text": str, "unit": str, "status": str, "status_text": str, "source": str,
            "list_render_status": str,
        },
        pk=("run_id", "url"),
    )
    db["letters"].create_index(["run_id", "root"])
    db["newmedia_accounts"].create(
        {
            "run_id": int, "root": str, "url": str, "platform": str, "anchor": str, "listed_on": str,
            "linking_pages": int, "name": str, "status": int, "error": str, "final_url": str,
            "newest_post": str, "newest_post_text": str, "posts_dated": int, "render_reason": str,
            "render_status": str, "render_error": str, "checked_at": str,
        },
        pk=("run_id", "root", "url"),
    )
    db["newmedia_accounts"].create_index(["url", "run_id"])  # an account's history across runs



@crawl_migrations()
def m010_services_check_labels(db: sqlite_utils.Database) -> None:
    # outside guide pages (link checks that kept labels): reached without reading every check of a run
    db.execute("CREATE INDEX idx_link_checks_labels ON link_checks(run_id) WHERE labels_json IS NOT NULL")


@crawl_migrations()
def m011_page_facts(db: sqlite_utils.Database) -> None:
    # narrow per-page facts written with each page (crawler/facts.py): the audit reads these
    # through small indexes instead of the wide rows (text and all) of a million pages
    for name, kind in (("facts_v", int), ("text_flags", int), ("doc_hint", int), ("date_key", str),
                       ("meta_flags", int), ("report_hint", int)):
        db["pages"].add_column(name, kind)
    db.execute("CREATE INDEX idx_pages_facts ON pages(run_id, facts_v)")
    db.execute("CREATE INDEX idx_pages_text_flags ON pages(run_id, root, text_flags, url) WHERE text_flags > 0")
    db.execute("CREATE INDEX idx_pages_doc ON pages(run_id, root, doc_hint, date_key, url) WHERE date_key IS NOT NULL")
    db.execute("CREATE INDEX idx_pages_meta ON pages(run_id, root, meta_flags, is_article, is_list, is_home, url) "
               "WHERE meta_flags IS NOT NULL")
    db.execute("CREATE INDEX idx_pages_report ON pages(run_id) WHERE report_hint = 1")
    # links whose text can name a 政府信息公开工作年度报告 (audits/annual_report.py run_reports)
    db.execute("CREATE INDEX idx_links_report_anchor ON links(run_id, source) "
               "WHERE instr(anchor, '信息公开') > 0 AND instr(anchor, '报') > 0")


@crawl_migrations()
def m012_doc_reads(db: sqlite_utils.Database) -> None:
    # what the documents index reads from each document candidate (audits/documents.py read_row),
    # stored when the crawl ends (crawler/facts.py refresh_doc_reads); the covering partial index
    # holds everything the index needs of a candidate but its text
    db["pages"].add_column("doc_read", bytes)
    # (the columns a query names, doc_hint too, must all be in the index, or every entry reads its row)
    db.execute("CREATE INDEX idx_pages_doc_read ON pages(run_id, root, doc_hint, url, title, article_title, column_name, "
               "breadcrumb_json, pub_date, doc_read) WHERE doc_hint = 1")



@crawl_migrations()
def m013_extract_memo(db: sqlite_utils.Database) -> None:
    # extractions of pages that are not articles, kept by the hash of their text, URL and the
    # extractor's code, so an unchanged list page fetched again is not parsed again (crawler/memo.py)
    db["extract_memo"].create({"key": str, "year": int, "day": str, "value": bytes, "used_at": str}, pk="key")


def _check_foreign(path: Path) -> None:
    """Refuse a file that is not SQLite, or a SQLite file of another tool."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a SQLite database ({exc})") from exc
    if app_id not in (0, APP_ID) or (app_id == 0 and tables):
        raise StoreError(
            f"{path}: this SQLite database belongs to another tool (no govaudit tables); "
            "give a new file name or a govaudit database"
        )


def open_db(path: str | os.PathLike[str], *, create: bool = True) -> sqlite_utils.Database:
    """Open (and migrate) a govaudit database, refusing foreign files."""
    p = Path(path)
    if p.is_dir():
        raise StoreError(f"{p}: is a directory, not a database file")
    exists = p.exists() and p.stat().st_size > 0
    if not exists and not create:
        raise StoreError(f"{p}: no such database (run 'govaudit crawl --db {p} URL' first)")
    if exists:
        _check_foreign(p)
    elif not p.parent.exists():
        raise StoreError(f"{p}: directory {p.parent} does not exist")
    try:
        conn = sqlite3.connect(str(p), timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        if not exists:
            conn.execute(f"PRAGMA application_id={APP_ID}")
        db = sqlite_utils.Database(conn)
        crawl_migrations.apply(db)
        from audits.store import audit_migrations  # lazy: audits depends on crawler, not reverse at import

        audit_migrations.apply(db)
        close_abandoned_runs(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{p}: cannot use database: {exc}") from exc
    return db


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def close_abandoned_runs(db: sqlite_utils.Database) -> int:
    """Mark runs left 'running' by a killed process as partial."""
    n = 0
    for row in db.query("SELECT id, pid FROM crawl_runs WHERE status = 'running'"):
        if row["pid"] != os.getpid() and not _pid_alive(row["pid"]):
            db["crawl_runs"].update(
                row["id"], {"status": "partial", "reason": "process ended without closing the run"}
            )
            n += 1
    return n


def start_run(db: sqlite_utils.Database, roots: list[str], settings: dict[str, Any], today: dt.date) -> int:
    table = db["crawl_runs"]
    table.insert(
        {
            "started_at": now_iso(),
            "status": "running",
            "roots_json": json.dumps(roots, ensure_ascii=False),
            "settings_json": json.dumps(settings, ensure_ascii=False, default=str),
            "today": today.isoformat(),
            "pid": os.getpid(),
            "pages": 0,
            "errors": 0,
        }
    )
    return int(table.last_pk)


def finish_run(
    db: sqlite_utils.Database, run_id: int, status: str, reason: str, stats: dict[str, Any]
) -> None:
    from crawler.facts import measure_after_crawl
    from crawler.interaction_store import materialize

    materialize(db, run_id)  # the run's letters and new-media accounts tables (never raises)
    if status != "failed" and reason != "interrupted":
        measure_after_crawl(db, run_id)  # readability of the interpretations, for the audit (never raises)
    counts = next(
        db.query(
            "SELECT count(*) AS pages, sum(error IS NOT NULL OR status >= 400) AS errors "
            "FROM pages WHERE run_id = ?",
            [run_id],
        )
    )
    db["crawl_runs"].update(
        run_id,
        {
            "finished_at": now_iso(),
            "status": status,
            "reason": reason,
            "stats_json": json.dumps(stats, ensure_ascii=False, default=str),
            "pages": counts["pages"] or 0,
            "errors": counts["errors"] or 0,
        },
    )


def latest_run(db: sqlite_utils.Database) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT * FROM crawl_runs WHERE status IN ('complete', 'partial') ORDER BY id DESC LIMIT 1"
        )
    )
    return rows[0] if rows else None
