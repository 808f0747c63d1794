"""`govaudit run`: crawl → audit → report for every site of a config, unattended.

Exit codes a scheduler can act on: 0 ran; 1 ran and `--fail-on` found such
findings; 2 could not run (bad config, database in use or unusable, crawler did
not start).  Everything goes to a log file; stdout gets a short summary with the
new vetoes first, so cron mails only what an inspector must see.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audits.config import Config

log = logging.getLogger("govaudit.run")

SEVERITY_ORDER = {"veto": 0, "major": 1, "minor": 2}
FAIL_ON = ("veto", "major")


class RunError(RuntimeError):
    """The nightly run could not run (exit 2)."""


@dataclass
class NightlyResult:
    crawl: Any
    audit: Any
    reports: list[Path]
    log_path: Path
    summary: list[str] = field(default_factory=list)

    def exit_code(self, fail_on: str | None) -> int:
        """1 when the audit found findings at least as severe as `fail_on` (as linters do)."""
        if fail_on is None:
            return 0
        worst = SEVERITY_ORDER[fail_on]
        return 1 if any(SEVERITY_ORDER.get(s, 9) <= worst and n for s, n in self.audit.by_severity.items()) else 0


def site_roots(cfg: Config) -> list[str]:
    from crawler.runner import CrawlInputError, validate_roots

    if not cfg.sites:
        raise RunError(f"{cfg.source or 'config'}: no [[site]] to check (add root = \"https://…\" tables)")
    try:
        return validate_roots([s.root for s in cfg.sites])
    except CrawlInputError as exc:
        raise RunError(f"{cfg.source}: {exc}") from None


def crawl_options(cfg: Config, today: dt.date | None, log_file: Path | None, progress: bool) -> Any:
    from crawler.runner import CrawlOptions

    c = cfg.crawl
    extra: dict[str, Any] = {
        "GOVAUDIT_CHECK_LINKS": c.get("check_links", True),
        "GOVAUDIT_LINK_CACHE_HOURS": c.get("link_cache_hours", 72.0),
        "GOVAUDIT_PROGRESS": progress,
    }
    if c.get("full"):
        extra["GOVAUDIT_INCREMENTAL"] = False
    from crawler.limits import limit_settings

    extra.update(limit_settings(c.get("max_pages_per_host", 0), c.get("max_pages_per_pattern", 0), c.get("refuse_private", False)))
    from crawler.render import render_settings

    try:
        extra.update(render_settings(c.get("render", True), c.get("render_pages", 2), float(c.get("render_timeout", 20.0)),
                                     [str(p) for p in c.get("render_patterns", [])], [str(h) for h in c.get("newmedia_hosts", [])]))
    except ValueError as exc:
        raise RunError(f"{cfg.source}: [crawl] {exc}") from None
    if log_file is not None:
        extra.update(LOG_FILE=str(log_file), LOG_FILE_APPEND=True)
    return CrawlOptions(
        max_depth=c.get("max_depth", 10),
        max_pages=c.get("max_pages", 50000),
        timeout=float(c.get("timeout", 15.0)),
        retries=c.get("retries", 2),
        concurrency=c.get("concurrency", 16),
        per_host=c.get("per_host", 8),
        delay=float(c.get("delay", 0.0)),
        obey_robots=c.get("obey_robots", True),
        max_seconds=c.get("max_time", 0),
        today=today,
        log_level="INFO" if log_file is not None else "WARNING",
        extra_settings=extra,
    )


def _file_logging(path: Path) -> logging.Handler:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise RunError(f"{path}: cannot write the log file: {exc}") from None
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler


def _summary(db: Any, audit_run_id: int, result: NightlyResult) -> None:
    from audits.tracking import compare

    by_status: dict[str, list[Any]] = {}
    for sc in compare(db, audit_run_id).values():
        for c in sc.items:
            by_status.setdefault(c.status, []).append(c)
    new, fixed = by_status.get("new", []), by_status.get("fixed", [])
    serious = sorted((c for c in new if c.severity != "minor"), key=lambda c: (SEVERITY_ORDER.get(c.severity, 9), c.rule, c.url))
    for c in serious[:20]:
        message = c.message if len(c.message) <= 60 else c.message[:59] + "…"
        result.summary.append(f"  NEW {c.severity.upper():<5} {c.rule:<24} {c.url}  {message}")
    if len(serious) > 20:
        result.summary.append(f"  … and {len(serious) - 20} more new veto/major findings (see the report)")
    new_counts = Counter(c.severity for c in new)
    counts = ", ".join(f"{new_counts[s]} {s}" for s in SEVERITY_ORDER)
    open_total = len(new) + len(by_status.get("open", []))
    result.summary.append(f"new: {len(new)} ({counts}); fixed since last run: {len(fixed)}; open in total: {open_total}")


def run_nightly(
    cfg: Config,
    *,
    db_path: Path,
    out_dir: Path,
    log_path: Path,
    formats: list[str],
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    progress: bool = False,
) -> NightlyResult:
    """One unattended run; raises RunError when it could not run."""
    from audits.runner import AuditError, run_audit
    from crawler.lock import DbLock, LockedError
    from crawler.runner import CrawlInputError, run_crawl
    from crawler.store import StoreError, open_db
    from reports.build import ReportError, write_reports

    roots = site_roots(cfg)
    try:
        lock = DbLock(db_path, "run").acquire()
    except LockedError as exc:
        raise RunError(str(exc)) from None
    handler = _file_logging(log_path)
    try:
        log.info("govaudit run started: %d sites, database %s (pid %d)", len(roots), db_path, os.getpid())
        try:
            open_db(db_path)  # refuse a foreign file before the crawler starts
            crawl = run_crawl(str(db_path), roots, crawl_options(cfg, today, log_path, progress))
        except (CrawlInputError, StoreError) as exc:
            log.error("crawl could not run: %s", exc)
            raise RunError(str(exc)) from None
        log.info("crawl run %d: %s (%s), %d pages, %d errors", crawl.run_id, crawl.status, crawl.reason, crawl.pages, crawl.errors)
        if crawl.status == "failed":
            raise RunError(f"crawl run {crawl.run_id} failed: {crawl.reason}")
        db = open_db(db_path)
        try:
            audit = run_audit(db, as_of=as_of or dt.date.today(), crawl_run_id=crawl.run_id, config=cfg)
        except AuditError as exc:
            log.error("audit could not run: %s", exc)
            raise RunError(str(exc)) from None
        log.info("audit run %d: %d findings %s", audit.audit_run_id, audit.total, audit.by_severity)
        for rule, err in audit.errors.items():
            log.error("rule %s failed: %s", rule, err)
        try:
            paths = write_reports(db, out_dir, formats, audit.audit_run_id)
        except ReportError as exc:
            log.error("report could not be written: %s", exc)
            raise RunError(str(exc)) from None
        result = NightlyResult(crawl, audit, paths, log_path)
        _summary(db, audit.audit_run_id, result)
        for line in result.summary:
            log.info("%s", line.strip())
        log.info("govaudit run finished: %s", ", ".join(str(p) for p in paths))
        return result
    finally:
        log.removeHandler(handler)
        handler.close()
        lock.release()
