"""The `govaudit` command: crawl → audit → findings → report.

Each command is a thin layer over the library; errors the user can fix are a
one-line message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path

import click

import crawler  # noqa: F401  (offline tldextract before Scrapy loads)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"govaudit: {message}", err=True)
    sys.exit(code)


def _open(db_path: str, create: bool = False):
    from crawler.store import StoreError, open_db

    try:
        return open_db(db_path, create=create)
    except StoreError as exc:
        fail(str(exc))


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: not a date (YYYY-MM-DD): {value!r}")
    return None


@contextlib.contextmanager
def _lock(db_path: str, what: str):
    """The database's writer lock; a second writer gets a one-line message and exit 2."""
    from crawler.lock import DbLock, LockedError

    lock = DbLock(db_path, what)
    try:
        lock.acquire()
    except LockedError as exc:
        fail(str(exc))
    try:
        yield lock
    finally:
        lock.release()


def _progress(flag: bool | None, verbose: bool = False) -> bool:
    """Progress on stderr: forced by --progress/--no-progress, else only on a terminal."""
    if flag is not None:
        return flag
    return sys.stderr.isatty() and not verbose


db_option = click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="SQLite database file.")


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="govaudit")
def cli() -> None:
    """govaudit: crawl and audit Chinese government websites (政府网站检查).

    \b
    Example:
        govaudit crawl --db site.db https://www.example.gov.cn/
        govaudit audit --db site.db
        govaudit report --db site.db --format html --out report/
    """


@cli.command()
@db_option
@click.argument("urls", nargs=-1)
@click.option("--max-depth", default=10, show_default=True, type=click.IntRange(0, 100))
@click.option("--max-pages", default=50000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--max-time", "max_seconds", default=0, show_default=True, type=click.IntRange(0), help="Stop after N seconds (run is then partial); 0 = no limit.")
@click.option("--timeout", default=15.0, show_default=True, type=click.FloatRange(1, 300), help="Per-request timeout in seconds.")
@click.option("--retries", default=2, show_default=True, type=click.IntRange(0, 10))
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 256))
@click.option("--per-host", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--delay", default=0.0, show_default=True, type=click.FloatRange(0, 60), help="Delay between requests to one host.")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(0, 64), help="Worker processes for page extraction (experimental; 0 = in the crawler process).")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt.")
@click.option("--max-pages-per-host", default=0, show_default=True, type=click.IntRange(0), help="Pages per host:port (0 = only --max-pages).")
@click.option("--max-pages-per-pattern", default=0, show_default=True, type=click.IntRange(0), help="Pages per URL template, digits taken as N (0 = no cap).")
@click.option("--refuse-private", is_flag=True, help="Never fetch a link target or redirect on a private, loopback or reserved address (auditing a public site).")
@click.option("--no-check-links", is_flag=True, help="Do not check outside links, attachments and images.")
@click.option("--full", is_flag=True, help="Fetch every page in full (default: pages unchanged since the last run of these roots are answered 304 and their facts reused).")
@click.option("--link-cache-hours", default=72.0, show_default=True, type=click.FloatRange(0, 24 * 365), help="Reuse an outside link's good result for this long (0 = always recheck).")
@click.option("--today", "today_s", default=None, help="Reference date for year-less dates like [11-03] (default: today).")
@click.option("--progress/--no-progress", default=None, help="Show progress on stderr (default: only on a terminal).")
@click.option("--resume", is_flag=True, help="Continue the last partial (killed or interrupted) run, without URLs; it finishes as that one run.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@click.option("--redis", "redis_url", default=None, metavar="URL", help="Distributed crawl: publish the run in this Redis (redis://[:PASSWORD@]HOST:PORT/DB) for `govaudit worker`s; this process only writes the database. See docs/distributed.md.")
@click.option("--render/--no-render", default=True, show_default=True, help="Render the pages only a browser can fill (script-filled lists, new-media accounts) in headless Chromium ($GOVAUDIT_CHROMIUM or /usr/bin/chromium).")
@click.option("--render-pages", default=2, show_default=True, type=click.IntRange(1, 16), help="Browser pages rendering at once (one browser for the crawl).")
@click.option("--render-timeout", default=20.0, show_default=True, type=click.FloatRange(1, 300), help="Seconds before a render counts as failed.")
@click.option("--render-pattern", "render_patterns", multiple=True, metavar="REGEX", help="Always render URLs matching this regular expression (repeatable).")
@click.option("--newmedia-host", "newmedia_hosts", multiple=True, metavar="HOST", help="A host whose linked pages are new-media accounts, besides 微信/微博/抖音/头条… (repeatable).")
def crawl(db_path, urls, max_depth, max_pages, max_seconds, timeout, retries, concurrency, per_host, delay, workers, ignore_robots, no_check_links, full, link_cache_hours, today_s, progress, resume, verbose, redis_url, **rendering):
    """Crawl site roots (portal and unit subsites) into the database.

    Each URL is a site root; a page belongs to the most specific root.

    \b
    Example:
        govaudit crawl --db site.db https://www.example.gov.cn/ https://jyj.example.gov.cn/
        govaudit crawl --db site.db --resume      # after a kill or Ctrl-C
    """
    from crawler.limits import limit_settings
    from crawler.runner import CrawlInputError, CrawlOptions, run_crawl
    from crawler.store import StoreError

    if not urls and not resume:
        fail("give at least one site root URL (or --resume to continue the last partial run)")
    if resume and redis_url:
        fail("--resume continues a single-process run; a distributed run resumes by restarting its workers")
    opts = CrawlOptions(
        max_depth=max_depth,
        max_pages=max_pages,
        timeout=timeout,
        retries=retries,
        concurrency=concurrency,
        per_host=per_host,
        delay=delay,
        obey_robots=not ignore_robots,
        workers=workers,
        max_seconds=max_seconds,
        today=_date(today_s, "--today"),
        log_level="INFO" if verbose else "WARNING",
        extra_settings={
            "GOVAUDIT_CHECK_LINKS": not no_check_links,
            "GOVAUDIT_LINK_CACHE_HOURS": link_cache_hours,
            "GOVAUDIT_INCREMENTAL": not full,
            "GOVAUDIT_PROGRESS": _progress(progress, verbose),
            **limit_settings(rendering.pop("max_pages_per_host"), rendering.pop("max_pages_per_pattern"), rendering.pop("refuse_private")),
        },
    )
    from crawler.render import render_settings

    try:  # rendering and new-media accounts (crawler/render.py, crawler/interaction.py)
        opts.extra_settings.update(render_settings(
            rendering["render"], rendering["render_pages"], rendering["render_timeout"],
            rendering["render_patterns"], rendering["newmedia_hosts"]))
    except ValueError as exc:
        fail(str(exc))
    try:
        with _lock(db_path, "crawl"):
            if redis_url:
                result = _crawl_distributed(db_path, list(urls), opts, redis_url)
            else:
                result = run_crawl(db_path, list(urls), opts, resume=resume)
    except (CrawlInputError, StoreError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; the run is recorded as partial", EXIT_INTERRUPTED)
    from crawler.incremental import reused_note

    unchanged = reused_note(_open(db_path), result.run_id)  # ", N unchanged (304)" on an incremental run
    click.echo(f"crawl run {result.run_id}: {result.status} ({result.reason}), {result.pages} pages, {result.errors} errors{unchanged}")
    from crawler.interaction_store import render_note

    for line in render_note(_open(db_path), result.run_id):  # pages only a browser could read, not rendered
        click.echo(f"govaudit: warning: {line}" if not line.startswith(" ") else line, err=True)
    bad_root = None
    for r in result.roots:
        state = r["home_error"] or f"HTTP {r['home_status']}"
        click.echo(f"  {r['root']}  {r['site_name'] or ''}  {state}")
        ctype = (r["home_content_type"] or "").lower()
        if r["home_status"] and r["home_status"] < 400 and ctype and "html" not in ctype:
            bad_root = f"root {r['root']} is not an HTML page ({ctype})"
    if result.reason == "shutdown":
        fail("interrupted; the run is recorded as partial", EXIT_INTERRUPTED)
    if bad_root:
        fail(bad_root)


def _crawl_distributed(db_path, urls, opts, redis_url):
    from crawler.distributed.coordinator import run_distributed_crawl
    from crawler.distributed.shared import SharedError

    try:
        return run_distributed_crawl(db_path, urls, opts, redis_url, echo=lambda line: click.echo(line, err=True))
    except SharedError as exc:
        fail(str(exc))


@cli.command()
@click.option("--redis", "redis_url", required=True, metavar="URL", envvar="GOVAUDIT_REDIS_URL", help="The Redis of the crawl runs (redis://[:PASSWORD@]HOST:PORT/DB); default: $GOVAUDIT_REDIS_URL.")
@click.option("--exit-when-idle", is_flag=True, help="Exit when there is no crawl run to work on (default: wait for the next one).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def worker(redis_url, exit_when_idle, verbose):
    """Work on the crawl runs published in Redis by `govaudit crawl --redis` (scale-out).

    Run one per machine; it needs only the Redis URL. See docs/distributed.md.

    \b
    Example:
        govaudit worker --redis redis://:secret@10.0.0.5:6379/0
    """
    from crawler.distributed.shared import SharedError
    from crawler.distributed.worker import serve

    try:
        code = serve(redis_url, exit_when_idle, verbose, echo=lambda line: click.echo(f"govaudit worker: {line}", err=True))
    except SharedError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("worker stopped", EXIT_INTERRUPTED)
    sys.exit(code)


@cli.command()
@db_option
@click.option("--as-of", "as_of_s", default=None, help="Judge as of this date (YYYY-MM-DD; default today).")
@click.option("--run", "run_id", type=int, default=None, help="Crawl run to audit (default: the latest).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="govaudit.toml with thresholds and column types (default: ./govaudit.toml if present).")
@click.option("--holidays", "holidays_path", type=click.Path(dir_okay=False, exists=True), default=None, help="JSON holiday file for years the built-in calendar does not cover.")
def audit(db_path, as_of_s, run_id, config_path, holidays_path):
    """Judge a crawl run against the rules; store the findings.

    \b
    Example:
        govaudit audit --db site.db --as-of 2026-11-20
    """
    from audits.config import ConfigError, load_config
    from audits.runner import AuditError, run_audit

    db = _open(db_path)
    if config_path is None and Path("govaudit.toml").exists():
        config_path = "govaudit.toml"
    try:
        config = load_config(config_path, holidays_path)
        with _lock(db_path, "audit"):
            result = run_audit(db, as_of=_date(as_of_s, "--as-of") or dt.date.today(), crawl_run_id=run_id, config=config)
    except (ConfigError, AuditError) as exc:
        fail(str(exc))
    click.echo(f"audit run {result.audit_run_id} of crawl run {result.crawl_run_id} as of {result.as_of}: {result.total} findings")
    for sev in ("veto", "major", "minor"):
        if result.by_severity.get(sev):
            click.echo(f"  {sev}: {result.by_severity[sev]}")
    for rule, err in result.errors.items():
        click.echo(f"  rule {rule} failed: {err}", err=True)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--run", "audit_run_id", type=int, default=None, help="Audit run (default: the latest).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of stdout.")
def findings(db_path, fmt, audit_run_id, out):
    """Export findings (JSON lines or CSV) per the findings contract.

    \b
    Example:
        govaudit findings --db site.db --format csv --out findings.csv
    """
    from audits.export import ExportError, export_findings

    db = _open(db_path)
    stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        n = export_findings(db, stream, fmt, audit_run_id)
    except ExportError as exc:
        fail(str(exc))
    finally:
        if out:
            stream.close()
    if out:
        click.echo(f"{n} findings written to {out}", err=True)


@cli.command()
@db_option
@click.option("--format", "fmts", type=click.Choice(["html", "md", "docx", "json"]), multiple=True, default=["html", "md"], show_default=True,
              help="html: inspector's report; md: the same in Markdown plus the annual-report drafts; docx: annual-report drafts (Word); json: the report model.")
@click.option("--out", type=click.Path(file_okay=False), default="report", show_default=True, help="Output directory.")
@click.option("--run", "audit_run_id", type=int, default=None, help="Audit run (default: the latest).")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="Year of the annual report (default: last year until 31 March, else this year).")
@click.option("--site", "sites", multiple=True, help="Only this site root (repeatable; default: every site of the run).")
def report(db_path, fmts, out, audit_run_id, year, sites):
    """Write the inspector's report and the annual-report drafts (政府信息公开工作年度报告).

    \b
    Files: report.html (self-contained), report.md, report.json,
    annual-report-YEAR-SITE.docx / .md (one per site).

    \b
    Example:
        govaudit report --db site.db --format html --out report/
        govaudit report --db site.db --format docx --year 2026 --out report/
    """
    from reports.build import ReportError, write_reports

    db = _open(db_path, create=False)
    try:
        paths = write_reports(db, Path(out), list(fmts), audit_run_id, year=year, sites=list(sites) or None)
    except ReportError as exc:
        fail(str(exc))
    for p in paths:
        click.echo(str(p))


@cli.command()
@db_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port on 127.0.0.1 (0: a free one).")
def serve(db_path, port):
    """Browse the database in Datasette (findings, tracking, columns, runs…), on 127.0.0.1 only.

    \b
    Example:
        govaudit serve --db site.db --port 8001
    """
    from reports.serve import serve as run_datasette

    _open(db_path, create=False)
    try:
        run_datasette(db_path, port, echo=click.echo)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        fail(f"cannot serve on 127.0.0.1:{port}: {exc}")


@cli.command()
def rules():
    """List the audit rules with their category, severity and basis.

    \b
    Example:
        govaudit rules
    """
    from audits.registry import RULES

    for r in RULES:
        click.echo(f"{r.id:<20} {r.category}  {r.severity:<6} {r.title}  ({r.basis})")


@cli.command()
@db_option
def runs(db_path):
    """List crawl and audit runs stored in the database.

    \b
    Example:
        govaudit runs --db site.db
    """
    db = _open(db_path)
    for r in db.query("SELECT id, started_at, finished_at, status, reason, pages, errors FROM crawl_runs ORDER BY id"):
        click.echo(f"crawl {r['id']}: {r['status']} {r['started_at']} → {r['finished_at'] or '-'}  {r['pages']} pages, {r['errors']} errors  {r['reason'] or ''}")
    for r in db.query("SELECT a.id, a.crawl_run_id, a.as_of, count(f.id) AS n FROM audit_runs a LEFT JOIN findings f ON f.audit_run_id = a.id GROUP BY a.id ORDER BY a.id"):
        click.echo(f"audit {r['id']}: crawl {r['crawl_run_id']} as of {r['as_of']}, {r['n']} findings")


@cli.group()
def sites():
    """Site groups: find a portal's unit subsites (部门网站, 乡镇（街道）网站).

    \b
    Example:
        govaudit sites discover https://www.example.gov.cn/ --out govaudit.toml
    """


@sites.command("discover")
@click.argument("url")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the proposed govaudit.toml here (default: print it).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--timeout", default=15.0, show_default=True, type=click.FloatRange(1, 300), help="Per-request timeout in seconds.")
def sites_discover(url, out, force, timeout):
    """Read the portal's home page and its 部门/乡镇 link pages; propose [group] and [[site]] tables.

    Sites under the portal's own domain are listed; other candidates (国务院, 省/市
    sites, units hosted elsewhere) are commented out. Review the file before use.

    \b
    Example:
        govaudit sites discover https://www.example.gov.cn/ --out govaudit.toml
    """
    from crawler.discover import DiscoverError, discover, to_toml

    if out and Path(out).exists() and not force:
        fail(f"{out} exists (use --force to overwrite it)")
    try:
        found = discover(url, timeout=timeout)
    except DiscoverError as exc:
        fail(str(exc))
    text = to_toml(found)
    if out:
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror or exc}")
    else:
        click.echo(text, nl=False)
    n_town = sum(1 for c in found.sites if c.kind == "township")
    click.echo(
        f"{len(found.sites) + 1} sites ({len(found.sites) - n_town} department, {n_town} township, and the portal), "
        f"{len(found.others)} other candidates commented out; {len(found.link_pages)} link pages read"
        + (f", {len(found.problems)} unreadable" if found.problems else "")
        + (f"; written to {out}" if out else ""),
        err=True,
    )


def _run_config(config_path: str):
    from audits.config import ConfigError, load_config

    try:
        return load_config(config_path)
    except ConfigError as exc:
        fail(str(exc))


@cli.command("run")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False), help="govaudit.toml listing the sites ([[site]]) and [run]/[crawl] settings.")
@click.option("--db", "db_path", default=None, type=click.Path(dir_okay=False), help="Database (default: [run].db, else govaudit.db next to the config).")
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Report directory (default: [run].out, else report/ next to the config).")
@click.option("--log", "log_path", default=None, type=click.Path(dir_okay=False), help="Log file, appended (default: [run].log, else govaudit.log next to the config).")
@click.option("--format", "fmts", type=click.Choice(["html", "md", "docx", "json"]), multiple=True, help="Report formats (default: [run].formats, else html and md).")
@click.option("--fail-on", type=click.Choice(["veto", "major"]), default=None, help="Exit 1 when the audit finds findings this severe or worse.")
@click.option("--as-of", "as_of_s", default=None, help="Judge as of this date (default: today).")
@click.option("--today", "today_s", default=None, help="Reference date for year-less dates (default: today).")
@click.option("--progress/--no-progress", default=None, help="Crawl progress on stderr (default: only on a terminal).")
def run_cmd(config_path, db_path, out, log_path, fmts, fail_on, as_of_s, today_s, progress):
    """The nightly run: crawl → audit → report for every site of the config.

    \b
    Exit codes: 0 ran; 1 ran and --fail-on matched; 2 could not run
    (bad config, database in use or unusable). A short summary, new
    vetoes first, goes to stdout; details go to the log file.

    \b
    Example:
        govaudit run --config govaudit.toml --fail-on veto
    """
    from crawler.nightly import RunError, run_nightly

    cfg = _run_config(config_path)
    db = Path(db_path) if db_path else cfg.run_path("db", "govaudit.db")
    log = Path(log_path) if log_path else cfg.run_path("log", "govaudit.log")
    out_dir = Path(out) if out else cfg.run_path("out", "report")
    formats = list(fmts) or cfg.run.get("formats") or ["html", "md"]
    try:
        result = run_nightly(
            cfg, db_path=db, out_dir=out_dir, log_path=log, formats=formats,
            as_of=_date(as_of_s, "--as-of"), today=_date(today_s, "--today"), progress=_progress(progress),
        )
    except RunError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; the crawl run is recorded as partial", EXIT_INTERRUPTED)
    c, a = result.crawl, result.audit
    sev = ", ".join(f"{a.by_severity.get(s, 0)} {s}" for s in ("veto", "major", "minor"))
    click.echo(f"govaudit run: {len(cfg.sites)} sites; crawl run {c.run_id} {c.status} ({c.reason}), {c.pages} pages, {c.errors} errors; "
               f"audit run {a.audit_run_id} as of {a.as_of}: {a.total} findings ({sev})")
    for line in result.summary:
        click.echo(line)
    html = next((p for p in result.reports if p.suffix == ".html"), result.reports[0] if result.reports else None)
    click.echo(f"report: {html}  log: {result.log_path}")
    sys.exit(result.exit_code(fail_on))


@cli.command()
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False), help="govaudit.toml listing the sites.")
@click.option("--db", "db_path", default=None, type=click.Path(dir_okay=False), help="Database (default: [run].db, else govaudit.db next to the config).")
@click.option("--timeout", default=None, type=click.FloatRange(1, 120), help="Limit per home page, in seconds, redirects and body included (default: [probe].timeout, else 15).")
@click.option("-q", "--quiet", is_flag=True, help="Print only sites that failed (for cron mail).")
def probe(config_path, db_path, timeout, quiet):
    """Probe every site's home page once and record the result (schedule every 30 minutes).

    The site-unreachable rule turns ≥ 5 % failed probes over 7 days into a veto.

    \b
    Example:
        govaudit probe --config govaudit.toml --quiet
    """
    from crawler.nightly import RunError, site_roots
    from crawler.probe import probe_all

    cfg = _run_config(config_path)
    try:
        roots = site_roots(cfg)
    except RunError as exc:
        fail(str(exc))
    db = _open(str(db_path or cfg.run_path("db", "govaudit.db")), create=True)
    limit = timeout or float(cfg.probe.get("timeout", 15.0))
    results = probe_all(db, roots, limit, int(cfg.probe.get("concurrency", 8)))
    for p in results:
        if quiet and p.ok:
            continue
        state = f"HTTP {p.status}" if p.status is not None and not p.error else (p.error or "")
        click.echo(f"{'ok  ' if p.ok else 'DOWN'}  {p.root}  {state}  {p.elapsed:.2f} s")


@cli.command()
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False, exists=True), help="govaudit.toml of the nightly run.")
@click.option("--systemd", "kind", flag_value="systemd", help="systemd service + timer units instead of crontab lines.")
@click.option("--cron", "kind", flag_value="cron", default=True, help="crontab lines (default).")
@click.option("--at", "at", default="02:00", show_default=True, help="Time of the nightly run (HH:MM).")
@click.option("--probe-every", default=30, show_default=True, type=click.IntRange(0, 720), help="Minutes between availability probes (0: none).")
@click.option("--fail-on", type=click.Choice(["veto", "major"]), default="veto", show_default=True, help="Passed to 'govaudit run'.")
@click.option("--install", is_flag=True, help="Install it: add to this user's crontab, or write the units and enable the timers.")
@click.option("--unit-dir", type=click.Path(file_okay=False), default=None, help="Where --install --systemd writes units (default: ~/.config/systemd/user, /etc/systemd/system as root).")
def schedule(config_path, kind, at, probe_every, fail_on, install, unit_dir):
    """Print (or install) the schedule of the nightly run and the probes.

    \b
    Example:
        govaudit schedule --config govaudit.toml            # crontab lines
        govaudit schedule --config govaudit.toml --systemd  # service + timer units
        govaudit schedule --config govaudit.toml --install
    """
    from crawler.schedule import ScheduleError, cron_lines, install_cron, install_systemd, systemd_units

    _run_config(config_path)  # a schedule for a broken config would fail every night
    try:
        if kind == "systemd":
            units = systemd_units(Path(config_path), at, probe_every, fail_on)
            if install:
                for path in install_systemd(units, Path(unit_dir) if unit_dir else None):
                    click.echo(f"wrote {path}")
                return
            for name, text in units.items():
                click.echo(f"# ---- {name}")
                click.echo(text)
        else:
            text = cron_lines(Path(config_path), at, probe_every, fail_on)
            if install:
                install_cron(text)
                click.echo("installed in this user's crontab:")
            click.echo(text, nl=False)
    except ScheduleError as exc:
        fail(str(exc))


def main() -> None:
    cli(prog_name="govaudit")


if __name__ == "__main__":
    main()
