"""Rectification (整改) tracking: what changed between audit runs.

A finding's ``fingerprint`` (rule + subject) is stable across runs, so two
audit runs of the same site can be compared: a finding is

- ``new``: in this run, not in the previous run of the site (``recurring``
  when it had been seen before and went away);
- ``open``: in this run and in the previous one (still not fixed);
- ``fixed``: in the previous run, not in this one, and this run could have
  seen it again: the crawl completed, the site's home page was fetched and the
  rule ran without error;
- ``unverified``: in the previous run, not in this one, but this run could not
  have seen it (site unreachable, partial crawl, rule failed). Not counted as
  fixed.

"Previous run" is per site: the latest earlier audit run (by ``as_of``, then
id) whose crawl covered the site. Dates are audit dates (``as_of``), the day a
finding is judged; ``days_open`` counts from the start of the finding's
current unbroken streak of runs (``open_since``); ``first_seen`` is the
contract's date (the first run that ever saw it).

Everything here only reads audit and crawl tables; ``materialize`` writes the
derived ``finding_tracking`` / ``tracking_runs`` tables (for Datasette and SQL
users) and can be called again at any time: it recomputes exactly the runs
whose previous run changed.

    compare(db, audit_run_id) -> {site: SiteChanges}
    trend(db, site, audit_run_id, limit) -> [TrendPoint]
    year_items(db, site, year, audit_run_id) -> YearTrack
    record(db, audit_run_id) / materialize(db)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from audits.export import finding_dict

NEW, OPEN, FIXED, UNVERIFIED = "new", "open", "fixed", "unverified"
STATUS_LABEL = {NEW: "新发现", OPEN: "未整改", FIXED: "已整改", UNVERIFIED: "未复查"}
# rules that judge the home page alone: a partial crawl still verifies them
HOME_RULES = frozenset({"site-unreachable", "homepage-stale"})
_CHUNK = 500

tracking_migrations = Migrations("govaudit-tracking")


@tracking_migrations()
def m001_tracking(db: sqlite_utils.Database) -> None:
    db["finding_tracking"].create(
        {
            "audit_run_id": int,
            "site": str,
            "fingerprint": str,
            "status": str,  # new | open | fixed | unverified
            "rule": str,
            "first_seen": str,
            "open_since": str,
            "last_seen": str,
            "fixed_on": str,
            "days_open": int,
            "recurring": int,
            "previous_audit_run_id": int,
            "finding_id": int,  # the row shown: this run's finding, or the previous run's for fixed/unverified
            "note": str,
        },
        pk=("audit_run_id", "site", "fingerprint"),
        foreign_keys=[("finding_id", "findings", "id")],
    )
    db["finding_tracking"].create_index(["site", "fingerprint"])
    db["tracking_runs"].create(
        {"audit_run_id": int, "previous_json": str, "computed_at": str},
        pk="audit_run_id",
    )
    db.create_view(
        "rectification",
        "SELECT t.audit_run_id, a.as_of, t.site, t.status, f.category, f.severity, t.rule, f.column_name, f.message, f.url, "
        "t.first_seen, t.open_since, t.last_seen, t.fixed_on, t.days_open, t.recurring, t.note, t.previous_audit_run_id, t.finding_id "
        "FROM finding_tracking t JOIN findings f ON f.id = t.finding_id JOIN audit_runs a ON a.id = t.audit_run_id",
    )


@dataclass(frozen=True)
class RunInfo:
    id: int
    crawl_run_id: int
    as_of: str
    roots: tuple[str, ...]
    crawl_status: str
    home_ok: dict[str, bool]
    rule_status: dict[str, str]

    @property
    def key(self) -> tuple[str, int]:
        return (self.as_of, self.id)

    def verifies(self, site: str, rule: str) -> tuple[bool, str | None]:
        """Could this run have seen a finding of ``rule`` on ``site``? (yes/no, why not)."""
        status = self.rule_status.get(rule)
        if status is None:
            return False, "本次检查未运行该规则"
        if status == "error":
            return False, "本次检查该规则运行出错"
        if rule == "site-unreachable":
            return True, None
        if not self.home_ok.get(site, False):
            return False, "本次检查网站首页无法访问"
        if self.crawl_status != "complete" and rule not in HOME_RULES:
            return False, "本次抓取未完整结束"
        return True, None


@dataclass
class Change:
    """One finding's state in an audit run relative to the previous run of its site."""

    status: str
    status_label: str
    site: str
    fingerprint: str
    rule: str
    category: str
    severity: str
    url: str
    page: str | None
    column: str | None
    message: str
    first_seen: str
    open_since: str
    last_seen: str
    fixed_on: str | None
    days_open: int
    recurring: bool
    finding_id: int
    audit_run_id: int  # the run whose row is shown (the previous run for fixed ones)
    note: str | None = None


@dataclass
class SiteChanges:
    site: str
    audit_run_id: int
    as_of: str
    previous: dict[str, Any] | None  # {"id", "as_of"} or None for a first run
    items: list[Change] = field(default_factory=list)

    def of(self, status: str) -> list[Change]:
        return [c for c in self.items if c.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(c.status for c in self.items))


@dataclass
class TrendPoint:
    audit_run_id: int
    as_of: str
    total: int
    by_category: dict[str, int]
    by_severity: dict[str, int]
    new: int | None  # None for the site's first run
    fixed: int | None


@dataclass
class YearItem:
    """A finding (site + fingerprint) over the audit runs of one year."""

    finding: dict[str, Any]  # the latest row, in export form
    status: str  # open | fixed | unverified at the year's last run
    first_seen_in_year: str
    last_seen: str
    fixed_on: str | None
    runs_seen: int
    days_open: int  # first_seen_in_year .. last_seen (open: .. the last run)


@dataclass
class YearTrack:
    site: str
    year: int
    runs: list[dict[str, Any]]  # [{"id", "as_of"}] in order
    items: list[YearItem]
    note: str | None = None


def _day(s: str) -> dt.date:
    return dt.date.fromisoformat(s[:10])


def _days(a: str, b: str) -> int:
    return max(0, (_day(b) - _day(a)).days)


def runs(db: sqlite_utils.Database) -> list[RunInfo]:
    """Every finished audit run, oldest first (by as_of, then id)."""
    rows = list(
        db.query(
            "SELECT a.id, a.crawl_run_id, a.as_of, c.roots_json, c.status FROM audit_runs a "
            "JOIN crawl_runs c ON c.id = a.crawl_run_id WHERE a.finished_at IS NOT NULL ORDER BY a.as_of, a.id"
        )
    )
    if not rows:
        return []
    home: dict[int, dict[str, bool]] = {}
    for r in db.query("SELECT run_id, root, home_status, home_error FROM run_roots"):
        ok = not r["home_error"] and r["home_status"] is not None and r["home_status"] < 400
        home.setdefault(r["run_id"], {})[r["root"]] = ok
    status: dict[int, dict[str, str]] = {}
    for r in db.query("SELECT audit_run_id, rule, status FROM rule_results"):
        status.setdefault(r["audit_run_id"], {})[r["rule"]] = r["status"]
    return [
        RunInfo(
            id=r["id"],
            crawl_run_id=r["crawl_run_id"],
            as_of=r["as_of"],
            roots=tuple(json.loads(r["roots_json"] or "[]")),
            crawl_status=r["status"],
            home_ok=home.get(r["crawl_run_id"], {}),
            rule_status=status.get(r["id"], {}),
        )
        for r in rows
    ]


def _find(all_runs: list[RunInfo], audit_run_id: int) -> RunInfo:
    for r in all_runs:
        if r.id == audit_run_id:
            return r
    raise KeyError(f"no finished audit run {audit_run_id}")


def site_history(all_runs: list[RunInfo], site: str, upto: RunInfo) -> list[RunInfo]:
    """The runs that covered ``site``, oldest first, ending with ``upto`` (if it covers the site)."""
    return [r for r in all_runs if site in r.roots and r.key <= upto.key]


_ROW_COLUMNS = "id, audit_run_id, rule, severity, category, site, url, page, column_name, message, fingerprint, first_seen"


def _rows(db: sqlite_utils.Database, audit_run_id: int, site: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in db.query(f"SELECT {_ROW_COLUMNS} FROM findings WHERE audit_run_id = ? AND site = ? ORDER BY id", [audit_run_id, site]):
        out.setdefault(r["fingerprint"], r)
    return out


def _fps(db: sqlite_utils.Database, audit_run_id: int, site: str) -> set[str]:
    return {r["fingerprint"] for r in db.query("SELECT fingerprint FROM findings WHERE audit_run_id = ? AND site = ?", [audit_run_id, site])}


def _streak_starts(db: sqlite_utils.Database, hist: list[RunInfo], site: str, fps: set[str]) -> dict[str, str]:
    """For fingerprints present in hist[-1]: the as_of of the first run of their unbroken streak."""
    start = {fp: hist[-1].as_of for fp in fps}
    alive = set(fps)
    for run in reversed(hist[:-1]):
        if not alive:
            break
        present = _fps(db, run.id, site) & alive
        for fp in present:
            start[fp] = run.as_of
        alive = present
    return start


def _change(status: str, row: dict[str, Any], site: str, **kw: Any) -> Change:
    return Change(
        status=status,
        status_label=STATUS_LABEL[status],
        site=site,
        fingerprint=row["fingerprint"],
        rule=row["rule"],
        category=row["category"],
        severity=row["severity"],
        url=row["url"],
        page=row["page"],
        column=row["column_name"],
        message=row["message"],
        first_seen=row["first_seen"],
        finding_id=row["id"],
        audit_run_id=row["audit_run_id"],
        **kw,
    )


def _diff(
    site: str,
    cur: RunInfo,
    prev: RunInfo | None,
    cur_rows: dict[str, dict[str, Any]],
    prev_rows: dict[str, dict[str, Any]],
    since: dict[str, str],
) -> SiteChanges:
    """``since``: open_since of the fingerprints present in ``cur`` (and, for fixed ones, in ``prev``)."""
    out = SiteChanges(site, cur.id, cur.as_of, {"id": prev.id, "as_of": prev.as_of} if prev else None)
    for fp, row in cur_rows.items():
        in_prev = fp in prev_rows
        start = since.get(fp, cur.as_of) if in_prev else cur.as_of
        out.items.append(
            _change(
                OPEN if in_prev else NEW,
                row,
                site,
                open_since=start,
                last_seen=cur.as_of,
                fixed_on=None,
                days_open=_days(start, cur.as_of),
                recurring=bool(not in_prev and row["first_seen"] and row["first_seen"] < cur.as_of),
            )
        )
    if prev is not None:
        for fp, row in prev_rows.items():
            if fp in cur_rows:
                continue
            ok, why = cur.verifies(site, row["rule"])
            start = since.get(fp, prev.as_of)
            out.items.append(
                _change(
                    FIXED if ok else UNVERIFIED,
                    row,
                    site,
                    open_since=start,
                    last_seen=prev.as_of,
                    fixed_on=cur.as_of if ok else None,
                    days_open=_days(start, cur.as_of if ok else prev.as_of),
                    recurring=False,
                    note=why,
                )
            )
    order = {NEW: 0, OPEN: 1, FIXED: 2, UNVERIFIED: 3}
    out.items.sort(key=lambda c: (order[c.status], c.rule, c.url))
    return out


def compare(db: sqlite_utils.Database, audit_run_id: int, sites: list[str] | None = None, all_runs: list[RunInfo] | None = None) -> dict[str, SiteChanges]:
    """Per site of the run: its findings marked new/open, and what was fixed since the previous run."""
    all_runs = all_runs if all_runs is not None else runs(db)
    cur = _find(all_runs, audit_run_id)
    out: dict[str, SiteChanges] = {}
    for site in sites if sites is not None else cur.roots:
        if site not in cur.roots:
            continue
        hist = site_history(all_runs, site, cur)
        prev = hist[-2] if len(hist) >= 2 else None
        cur_rows = _rows(db, cur.id, site)
        prev_rows = _rows(db, prev.id, site) if prev else {}
        since: dict[str, str] = {}
        if prev:
            # streaks of everything present in the previous run (open now, or fixed now)
            since = _streak_starts(db, hist[:-1], site, set(prev_rows))
        out[site] = _diff(site, cur, prev, cur_rows, prev_rows, since)
    return out


def trend(db: sqlite_utils.Database, site: str, audit_run_id: int, limit: int = 12, all_runs: list[RunInfo] | None = None) -> list[TrendPoint]:
    """Counts per run for the last ``limit`` runs of a site (one point per audit date: the latest run of the day)."""
    all_runs = all_runs if all_runs is not None else runs(db)
    cur = _find(all_runs, audit_run_id)
    hist = site_history(all_runs, site, cur)
    by_day: dict[str, RunInfo] = {}
    for r in hist:
        by_day[r.as_of] = r  # later runs of the same day win
    chosen = list(by_day.values())[-(limit + 1):]
    fps = {r.id: _fps(db, r.id, site) for r in chosen}
    counts: dict[int, tuple[Counter[str], Counter[str]]] = {r.id: (Counter(), Counter()) for r in chosen}
    ids = [r.id for r in chosen]
    if ids:
        marks = ",".join("?" * len(ids))
        for r in db.query(
            f"SELECT audit_run_id, category, severity, count(*) AS n FROM findings WHERE site = ? AND audit_run_id IN ({marks}) "
            "GROUP BY audit_run_id, category, severity",
            [site, *ids],
        ):
            counts[r["audit_run_id"]][0][r["category"]] += r["n"]
            counts[r["audit_run_id"]][1][r["severity"]] += r["n"]
    points = []
    for i, r in enumerate(chosen):
        prev = chosen[i - 1] if i else (hist[hist.index(r) - 1] if hist.index(r) else None)
        prev_fps = fps.get(prev.id) if prev and prev.id in fps else (_fps(db, prev.id, site) if prev else None)
        cats, sevs = counts[r.id]
        points.append(
            TrendPoint(
                audit_run_id=r.id,
                as_of=r.as_of,
                total=len(fps[r.id]),
                by_category=dict(cats),
                by_severity=dict(sevs),
                new=len(fps[r.id] - prev_fps) if prev_fps is not None else None,
                fixed=len(prev_fps - fps[r.id]) if prev_fps is not None else None,
            )
        )
    return points[-limit:]


def year_items(db: sqlite_utils.Database, site: str, year: int, audit_run_id: int, all_runs: list[RunInfo] | None = None) -> YearTrack:
    """Every finding of a site over the audit runs dated in ``year`` (up to ``audit_run_id``).

    Without any run in that year, the run ``audit_run_id`` itself stands in (and ``note`` says so).
    """
    all_runs = all_runs if all_runs is not None else runs(db)
    cur = _find(all_runs, audit_run_id)
    hist = [r for r in site_history(all_runs, site, cur) if _day(r.as_of).year == year]
    note = None
    if not hist:
        hist = [cur] if site in cur.roots else []
        note = f"{year} 年内没有该站点的检查记录，以 {cur.as_of} 的检查结果为准。"
    if not hist:
        return YearTrack(site, year, [], [], note)
    present: dict[str, list[int]] = {}  # fingerprint -> indexes of runs where present
    for i, r in enumerate(hist):
        for fp in _fps(db, r.id, site):
            present.setdefault(fp, []).append(i)
    ids = [r.id for r in hist]
    latest: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"SELECT * FROM findings WHERE id IN (SELECT max(id) FROM findings WHERE site = ? AND audit_run_id IN ({marks}) GROUP BY fingerprint)",
            [site, *chunk],
        ):
            old = latest.get(row["fingerprint"])
            if old is None or row["id"] > old["id"]:
                latest[row["fingerprint"]] = row
    last = len(hist) - 1
    items: list[YearItem] = []
    for fp, idx in present.items():
        row = latest[fp]
        first_i, last_i = idx[0], idx[-1]
        fixed_on = None
        if last_i == last:
            status = OPEN
            end = hist[last].as_of
        else:
            after = hist[last_i + 1]
            ok, _ = after.verifies(site, row["rule"])
            status = FIXED if ok else UNVERIFIED
            fixed_on = after.as_of if ok else None
            end = fixed_on or hist[last_i].as_of
        items.append(
            YearItem(
                finding=finding_dict(row),
                status=status,
                first_seen_in_year=hist[first_i].as_of,
                last_seen=hist[last_i].as_of,
                fixed_on=fixed_on,
                runs_seen=len(idx),
                days_open=_days(hist[first_i].as_of, end),
            )
        )
    items.sort(key=lambda y: (y.finding["category"], y.finding["rule"], y.finding["url"]))
    return YearTrack(site, year, [{"id": r.id, "as_of": r.as_of} for r in hist], items, note)


# --- the derived tables -------------------------------------------------------


def _ensure_schema(db: sqlite_utils.Database) -> None:
    tracking_migrations.apply(db)


_TRACK_COLUMNS = ("audit_run_id", "site", "fingerprint", "status", "rule", "first_seen", "open_since", "last_seen", "fixed_on",
                  "days_open", "recurring", "previous_audit_run_id", "finding_id", "note")


def _write(db: sqlite_utils.Database, run: RunInfo, changes: dict[str, SiteChanges], previous: dict[str, int | None]) -> None:
    from crawler.store import now_iso

    rows = [
        (run.id, c.site, c.fingerprint, c.status, c.rule, c.first_seen, c.open_since, c.last_seen, c.fixed_on, c.days_open,
         int(c.recurring), (sc.previous or {}).get("id"), c.finding_id, c.note)
        for sc in changes.values()
        for c in sc.items
    ]
    marks = ",".join("?" * len(_TRACK_COLUMNS))
    with db.atomic():
        db.execute("DELETE FROM finding_tracking WHERE audit_run_id = ?", [run.id])
        db.conn.executemany(f"INSERT OR REPLACE INTO finding_tracking ({', '.join(_TRACK_COLUMNS)}) VALUES ({marks})", rows)
        db.execute(
            "INSERT OR REPLACE INTO tracking_runs (audit_run_id, previous_json, computed_at) VALUES (?, ?, ?)",
            [run.id, json.dumps(previous, sort_keys=True), now_iso()],
        )


def _previous_map(all_runs: list[RunInfo], run: RunInfo) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for site in run.roots:
        hist = site_history(all_runs, site, run)
        out[site] = hist[-2].id if len(hist) >= 2 else None
    return out


def record(db: sqlite_utils.Database, audit_run_id: int) -> int:
    """Store the tracking rows of one audit run (what the audit runner calls after a run). Returns rows written."""
    _ensure_schema(db)
    all_runs = runs(db)
    run = _find(all_runs, audit_run_id)
    changes = compare(db, audit_run_id, all_runs=all_runs)
    _write(db, run, changes, _previous_map(all_runs, run))
    return sum(len(sc.items) for sc in changes.values())


def materialize(db: sqlite_utils.Database) -> int:
    """Bring ``finding_tracking`` up to date for every audit run; returns the number of runs (re)computed.

    Runs are processed oldest first and each site's streak starts are carried
    from run to run, so a year of nightly runs costs one pass.
    """
    _ensure_schema(db)
    all_runs = runs(db)
    done = {r["audit_run_id"]: r["previous_json"] for r in db.query("SELECT audit_run_id, previous_json FROM tracking_runs")}
    since_by_site: dict[str, dict[str, str]] = {}  # site -> fingerprint -> open_since, as of the site's last run
    last_by_site: dict[str, tuple[RunInfo, set[str]]] = {}  # site -> (its last run, that run's fingerprints)
    rows_by_site: dict[str, dict[str, dict[str, Any]]] = {}  # site -> rows of its last run, when loaded
    n = 0
    for run in all_runs:
        previous = _previous_map(all_runs, run)
        stale = done.get(run.id) != json.dumps(previous, sort_keys=True)
        changes: dict[str, SiteChanges] = {}
        for site in run.roots:
            prev_run, prev_fps = last_by_site.get(site, (None, set()))
            since = since_by_site.get(site, {})
            if stale:
                cur_rows = _rows(db, run.id, site)
                prev_rows = (rows_by_site.get(site) or _rows(db, prev_run.id, site)) if prev_run else {}
                changes[site] = _diff(site, run, prev_run, cur_rows, prev_rows, since)
                cur_fps = set(cur_rows)
                rows_by_site[site] = cur_rows
            else:
                cur_fps = _fps(db, run.id, site)
                rows_by_site.pop(site, None)
            since_by_site[site] = {fp: (since.get(fp, run.as_of) if fp in prev_fps else run.as_of) for fp in cur_fps}
            last_by_site[site] = (run, cur_fps)
        if stale:
            _write(db, run, changes, previous)
            n += 1
    return n


def as_json(obj: Any) -> Any:
    return asdict(obj)
