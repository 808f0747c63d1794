"""Run one crawl in this process and record it as a run (complete / partial / failed)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import crawler  # noqa: F401  (offline tldextract before Scrapy loads)
from crawler import store


class CrawlInputError(ValueError):
    """A root URL or option cannot be used."""


@dataclass
class CrawlOptions:
    max_depth: int = 10
    max_pages: int = 50000
    timeout: float = 15.0
    retries: int = 2
    concurrency: int = 16
    per_host: int = 8
    delay: float = 0.0
    obey_robots: bool = True
    max_seconds: int = 0  # 0 = no wall-clock limit
    today: dt.date | None = None
    workers: int = 0
    log_level: str = "WARNING"
    extra_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlResult:
    run_id: int
    status: str
    reason: str
    pages: int
    errors: int
    roots: list[dict[str, Any]]


def validate_roots(urls: list[str]) -> list[str]:
    if not urls:
        raise CrawlInputError("no site root URL given")
    out = []
    for raw in urls:
        url = raw.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CrawlInputError(f"not an http(s) URL: {raw!r}")
        try:
            parts.port  # noqa: B018  (raises on a bad port)
        except ValueError as exc:
            raise CrawlInputError(f"bad port in URL {raw!r}") from exc
        if any(c.isspace() for c in parts.netloc):
            raise CrawlInputError(f"bad host in URL {raw!r}")
        if not parts.path:
            url = url + "/"
        if url not in out:
            out.append(url)
    return out


def _settings(opts: CrawlOptions, db_path: str, run_id: int) -> dict[str, Any]:
    s: dict[str, Any] = {
        "GOVAUDIT_DB_PATH": str(db_path),
        "GOVAUDIT_RUN_ID": run_id,
        "GOVAUDIT_MAX_DEPTH": opts.max_depth,
        "GOVAUDIT_MAX_PAGES": opts.max_pages,
        "GOVAUDIT_WORKERS": opts.workers,
        "DOWNLOAD_TIMEOUT": opts.timeout,
        "RETRY_TIMES": opts.retries,
        "GOVAUDIT_CHECK_RETRIES": opts.retries,
        "CONCURRENT_REQUESTS": opts.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": opts.per_host,
        "DOWNLOAD_DELAY": opts.delay,
        "ROBOTSTXT_OBEY": opts.obey_robots,
        "LOG_LEVEL": opts.log_level,
    }
    if os.environ.get("GOVAUDIT_LOOPBACK_ONLY", "") in ("1", "true", "yes"):
        s["TWISTED_DNS_RESOLVER"] = "crawler.resolver.LoopbackOnlyResolver"
    if opts.max_seconds:
        s["CLOSESPIDER_TIMEOUT"] = opts.max_seconds
    s.update(opts.extra_settings)
    return s


def _root_summary(db: Any, run_id: int, roots: list[str]) -> list[dict[str, Any]]:
    out = []
    for root in roots:
        rows = list(db.query("SELECT * FROM pages WHERE run_id = ? AND url = ?", [run_id, root]))
        page = rows[0] if rows else {}
        meta = json.loads(page["meta_json"]) if page.get("meta_json") else {}
        entry = {
            "run_id": run_id,
            "root": root,
            "home_url": page.get("final_url") or root,
            "home_status": page.get("status"),
            "home_error": page.get("error") or (None if page else "not fetched"),
            "home_content_type": page.get("content_type"),
            "home_elapsed": page.get("elapsed"),
            "site_name": meta.get("SiteName"),
            "site_id_code": meta.get("SiteIDCode"),
        }
        out.append(entry)
    db["run_roots"].insert_all(out, replace=True)
    return out


def resume_options(run: dict[str, Any], opts: CrawlOptions) -> CrawlOptions:
    """A resumed run keeps its own limits and reference date; only the time limit and logging are new."""
    stored = json.loads(run.get("settings_json") or "{}")
    known = {k: v for k, v in stored.items() if k in CrawlOptions.__dataclass_fields__ and k not in ("max_seconds", "log_level", "today")}
    return CrawlOptions(**{**opts.__dict__, **known, "today": dt.date.fromisoformat(run["today"]), "extra_settings": dict(opts.extra_settings)})


def run_crawl(db_path: str, urls: list[str], opts: CrawlOptions, resume: bool = False) -> CrawlResult:
    """Crawl the roots into the database; never raises for unreachable sites.

    With ``resume`` the most recent partial run is continued (its roots, limits
    and date; ``urls`` must be empty) and finishes as that one run.
    """
    db = store.open_db(db_path)
    if resume:
        from crawler.resume import ResumeError, reopen, resumable_run

        if urls:
            raise CrawlInputError("--resume continues the last partial run with its own roots; give no URLs")
        try:
            run = resumable_run(db)
        except ResumeError as exc:
            raise CrawlInputError(str(exc)) from None
        roots = json.loads(run["roots_json"])
        opts = resume_options(run, opts)
        opts.extra_settings["GOVAUDIT_RESUME"] = True
        run_id = run["id"]
        reopen(db, run, os.getpid())
    else:
        roots = validate_roots(urls)
        run_id = store.start_run(db, roots, {k: v for k, v in opts.__dict__.items() if k != "extra_settings"}, opts.today or dt.date.today())
    today = opts.today or dt.date.today()

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler import settings as default_settings
    from crawler.limits import disk_queue, drop_disk_queue
    from crawler.spiders.site import SiteSpider

    base = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    base.update(_settings(opts, db_path, run_id))
    queue_dir = disk_queue(str(db_path), base)  # large crawls: the frontier on disk (crawler/limits.py)
    closed: dict[str, Any] = {}
    base["LOG_INSTALL_ROOT_HANDLER"] = True
    process = CrawlerProcess(base)
    logging.getLogger("scrapy").setLevel(opts.log_level)
    if opts.log_level != "INFO":
        # a page that still fails after its retries is a recorded fact, not a crawler error
        logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    crawler_obj = process.create_crawler(SiteSpider)

    def on_closed(spider: Any, reason: str) -> None:
        closed["reason"] = reason
        closed["budget_hit"] = getattr(spider, "budget_hit", False)

    crawler_obj.signals.connect(on_closed, signal=signals.spider_closed)
    status, reason = "failed", "crawler did not start"
    try:
        process.crawl(crawler_obj, roots=roots, today=today.isoformat())
        process.start()
        reason = closed.get("reason", "interrupted")
        if reason == "finished" and not closed.get("budget_hit"):
            status = "complete"
        elif reason == "finished":
            status, reason = "partial", "max pages reached"
        else:
            status = "partial"
    except KeyboardInterrupt:
        status, reason = "partial", "interrupted"
        raise
    except BaseException as exc:
        # a crash keeps what was stored: partial when pages were written, else failed
        written = db.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()[0]
        status, reason = ("partial" if written else "failed"), f"{type(exc).__name__}: {exc}"
        raise
    finally:
        stats = crawler_obj.stats.get_stats() if crawler_obj.stats else {}
        drop_disk_queue(queue_dir)
        roots_info = _root_summary(db, run_id, roots)
        store.finish_run(db, run_id, status, reason, stats)
    run = db["crawl_runs"].get(run_id)
    return CrawlResult(run_id, status, reason, run["pages"], run["errors"], roots_info)
