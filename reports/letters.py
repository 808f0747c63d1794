"""The 互动交流 figures of the annual-report draft (section 二), from ``mailbox_stats``.

Each figure carries the SQL that reproduces it from the audit's ``mailbox_stats`` rows
(audits/mailbox_stats.py), like every other section-二 figure.  A site where no letters
list could be read gets blank figures with a note, never a zero it did not count.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

NO_LETTERS = "网站上未发现可读取的信箱来信列表（领导信箱、部门信箱、咨询投诉等），来信和答复数量请据实填写。"


def letter_figures(db: sqlite_utils.Database, audit_run_id: int, site: str, year: int, figs: Any, lit: Any) -> list[str]:
    """Add the figures to ``figs``; their ids, totals first (received, answered, worst reply time), then per mailbox."""
    any_rows = "mailbox_stats" in db.table_names() and bool(list(db.query(
        "SELECT 1 FROM mailbox_stats WHERE audit_run_id = ? AND site = ? LIMIT 1", [audit_run_id, site])))
    if not any_rows:
        return [figs.add("互动交流：本年收到来信", None, "件", "", note=NO_LETTERS),
                figs.add("互动交流：本年已答复来信", None, "件", "", note=NO_LETTERS)]
    where = f"WHERE audit_run_id = {audit_run_id} AND site = {lit(site)} AND year = {year}"
    rows = list(db.query(f"SELECT * FROM mailbox_stats {where} ORDER BY received DESC, mailbox_name"))
    received = sum(r["received"] for r in rows)
    answered = sum(r["answered"] for r in rows)
    worst = max((r["max_reply_workdays"] for r in rows if r["max_reply_workdays"] is not None), default=None)
    limit = rows[0]["limit_workdays"] if rows else None
    ids = [
        figs.add("互动交流：本年收到来信", received, "件", f"SELECT coalesce(sum(received), 0) FROM mailbox_stats {where}",
                 [r["mailbox_url"] for r in rows if r["mailbox_url"]]),
        figs.add("互动交流：本年已答复来信", answered, "件", f"SELECT coalesce(sum(answered), 0) FROM mailbox_stats {where}"),
        figs.add("互动交流：已答复来信中用时最长的（工作日）", worst, "个工作日", f"SELECT max(max_reply_workdays) FROM mailbox_stats {where}",
                 note=f"从来信次日起按法定工作日计；超过 {limit} 个工作日为答复不及时。" if limit else None),
    ]
    for r in rows:
        name = r["mailbox_name"] or "未归入信箱的来信"
        key = f"mailbox_url = {lit(r['mailbox_url'])}"
        median = f"，答复用时中位数 {r['median_reply_workdays']:g} 个工作日" if r["median_reply_workdays"] is not None else ""
        ids.append(figs.add(f"“{name}”本年收到来信", r["received"], "件", f"SELECT received FROM mailbox_stats {where} AND {key}",
                            [r["worst_letter_url"]] if r["worst_letter_url"] else None,
                            note=f"已答复 {r['answered']} 件{median}；超过时限 {r['over_limit']} 件。"))
    return ids
