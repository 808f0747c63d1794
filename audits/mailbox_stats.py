"""Letters statistics per site, mailbox and year, for the reports (``mailbox_stats``).

Written by every audit run (audits/runner.py) from the run's ``letters``: per mailbox and
year of receipt, how many letters came in and were answered, and the median and worst
reply time in working days (official calendar, day 1 = the day after receipt), with the
limit of ``mailbox-slow`` as configured for the site, so the report's figures agree with
the findings.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

import sqlite_utils

from audits import interaction as I
from audits.config import Config
from audits.context import SiteContext


def site_mailbox_stats(ctx: SiteContext, limit: int) -> list[dict[str, Any]]:
    groups: dict[tuple[str, int], list[I.Letter]] = {}
    names: dict[str, str | None] = {}
    for letter in I.letters(ctx):
        key = (letter.mailbox_url or "", letter.received.year)
        groups.setdefault(key, []).append(letter)
        names.setdefault(key[0], letter.mailbox_name)
    rows = []
    for (mailbox, year), letters in sorted(groups.items()):
        answered = [x for x in letters if x.answered]
        timed = [(I.workdays(ctx, x.received, x.replied), x) for x in answered if x.replied and x.replied >= x.received]
        waiting = [(I.workdays(ctx, x.received, ctx.as_of), x) for x in letters if not x.answered and x.known]
        late = [t for t in timed if t[0] > limit] + [w for w in waiting if w[0] > limit]
        worst = max(timed + waiting, key=lambda t: t[0], default=None)
        rows.append({
            "site": ctx.root,
            "mailbox_url": mailbox,
            "mailbox_name": names.get(mailbox),
            "year": year,
            "received": len(letters),
            "answered": len(answered),
            "unanswered": len(letters) - len(answered),
            "answered_with_date": len(timed),
            "median_reply_workdays": float(statistics.median(t for t, _ in timed)) if timed else None,
            "max_reply_workdays": max((t for t, _ in timed), default=None),
            "over_limit": len(late),
            "limit_workdays": limit,
            "worst_letter_url": worst[1].url if worst else None,
        })
    return rows


def write_mailbox_stats(db: sqlite_utils.Database, audit_run_id: int, crawl_run_id: int, roots: list[str], as_of: dt.date, config: Config) -> int:
    from audits.registry import RULES_BY_ID

    rows = []
    for root in roots:
        ctx = SiteContext(db, crawl_run_id, root, as_of, config)
        limit = config.params_for(RULES_BY_ID["mailbox-slow"], root).max_workdays
        rows += [{"audit_run_id": audit_run_id, **r} for r in site_mailbox_stats(ctx, limit)]
    if rows:
        db["mailbox_stats"].insert_all(rows, replace=True)
    return len(rows)
