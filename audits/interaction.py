"""Shared facts for the 互动回应 and 政务新媒体 rules: letters, accounts, and what was not rendered.

Read once per site context (the runner keeps one per site for all rules).  A page that
needed a browser and was not rendered (``pages.render_status`` unavailable / failed / off)
makes the rules that depend on it say "not checked" for that subject (``NotChecked``),
never "empty" or "stale".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from audits.context import SiteContext
from audits.model import NotApplicable
from crawler.extract.letters import is_mailbox

NOT_RENDERED = ("unavailable", "failed", "off")
WHY = {
    "unavailable": "页面内容需由浏览器执行脚本后显示，本次抓取没有可用的浏览器，未能读取",
    "failed": "页面内容需由浏览器执行脚本后显示，渲染失败（{error}），未能读取",
    "off": "页面内容需由浏览器执行脚本后显示，本次抓取关闭了渲染，未能读取",
}


def why_not_rendered(row: dict[str, Any]) -> str:
    return WHY.get(row.get("render_status") or "unavailable", WHY["unavailable"]).format(error=row.get("render_error") or "")


def _cached(ctx: SiteContext, key: str, make: Any) -> Any:
    value = getattr(ctx, key, None)
    if value is None:
        value = make(ctx)
        setattr(ctx, key, value)
    return value


def unrendered_pages(ctx: SiteContext) -> list[dict[str, Any]]:
    """The site's pages that needed a browser and were not rendered (a partial index: few rows)."""
    return _cached(ctx, "_unrendered_pages", lambda c: c.query(
        "SELECT url, is_home, list_column, list_column_name, column_name, title, breadcrumb_json, render_reason, "
        "render_status, render_error FROM pages WHERE run_id = ? AND root = ? AND render_reason IS NOT NULL "
        "AND (render_status IS NULL OR render_status != 'ok')",
        [c.run_id, c.root],
    ))


def unrendered_columns(ctx: SiteContext) -> dict[str, str]:
    """column URL -> why it cannot be judged (one of its list pages was not rendered)."""
    out: dict[str, str] = {}
    for p in unrendered_pages(ctx):
        if not p["is_home"]:
            out.setdefault(p["list_column"] or p["url"], why_not_rendered(p))
    return out


def unrendered_home(ctx: SiteContext) -> str | None:
    return next((why_not_rendered(p) for p in unrendered_pages(ctx) if p["is_home"]), None)


def unrendered_mailboxes(ctx: SiteContext) -> dict[str, str]:
    """mailbox URL -> why its letters could not be read (a mailbox list page was not rendered)."""
    out: dict[str, str] = {}
    for p in unrendered_pages(ctx):
        crumbs = json.loads(p["breadcrumb_json"] or "[]")
        if is_mailbox(p["list_column_name"], p["column_name"], crumbs[-1] if crumbs else None, p["title"]):
            out.setdefault(p["list_column"] or p["url"], why_not_rendered(p))
    return out


@dataclass
class Letter:
    url: str
    mailbox_url: str | None
    mailbox_name: str | None
    list_page: str | None
    subject: str | None
    received: dt.date
    received_text: str | None
    replied: dt.date | None
    replied_text: str | None
    unit: str | None
    status: str | None  # answered | pending | unanswered | None (not stated)
    status_text: str | None
    source: str

    @property
    def answered(self) -> bool:
        return self.replied is not None or self.status == "answered"

    @property
    def known(self) -> bool:
        """The site says whether it was answered (a status, or a reply date)."""
        return self.replied is not None or self.status is not None

    @property
    def mailbox(self) -> str:
        return self.mailbox_name or "信箱"

    def evidence(self) -> dict[str, Any]:
        return {
            "mailbox": self.mailbox_name,
            "mailbox_url": self.mailbox_url,
            "subject": self.subject,
            "received": self.received.isoformat(),
            "received_text": self.received_text,
            "replied": self.replied.isoformat() if self.replied else None,
            "replied_text": self.replied_text,
            "reply_unit": self.unit,
            "status": self.status,
            "status_text": self.status_text,
            "read_from": self.source,
            "list_page": self.list_page,
        }


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def letters(ctx: SiteContext) -> list[Letter]:
    """The site's letters received on or before the audit date."""

    def make(c: SiteContext) -> list[Letter]:
        out = []
        for r in c.query("SELECT * FROM letters WHERE run_id = ? AND root = ? ORDER BY mailbox_url, position, url", [c.run_id, c.root]):
            received = _day(r["received"])
            if received is None or received > c.as_of:
                continue
            replied = _day(r["replied"])
            if replied is not None and replied > c.as_of:
                replied = None  # answered after the audit date: not yet, as of then
            out.append(Letter(r["url"], r["mailbox_url"], r["mailbox_name"], r["list_page"], r["subject"], received,
                              r["received_text"], replied, r["replied_text"], r["unit"], r["status"], r["status_text"], r["source"]))
        return out

    return _cached(ctx, "_letters", make)


def mailbox_inputs(ctx: SiteContext) -> tuple[list[Letter], dict[str, str]]:
    """(letters, mailboxes not read for want of a browser), a fresh dict; NotApplicable when the site has neither."""
    found, unchecked = letters(ctx), dict(unrendered_mailboxes(ctx))
    if not found and not unchecked:
        raise NotApplicable("no letters list on this site")
    return found, unchecked


def workdays(ctx: SiteContext, start: dt.date, end: dt.date) -> int:
    return ctx.calendar.workdays_between(start, end).workdays


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def accounts(ctx: SiteContext) -> list[dict[str, Any]]:
    return _cached(ctx, "_accounts", lambda c: c.query(
        "SELECT * FROM newmedia_accounts WHERE run_id = ? AND root = ? ORDER BY url", [c.run_id, c.root]))


def history(ctx: SiteContext, url: str, limit: int = 5) -> list[dict[str, Any]]:
    """The account as earlier runs saw it, newest first."""
    return [
        {"run_id": r["run_id"], "checked_at": r["checked_at"], "status": r["status"], "error": r["error"],
         "name": r["name"], "newest_post": r["newest_post"], "render_status": r["render_status"]}
        for r in ctx.query(
            "SELECT * FROM newmedia_accounts WHERE url = ? AND run_id < ? ORDER BY run_id DESC LIMIT ?",
            [url, ctx.run_id, limit * 4],
        )
    ][:limit]


def account_failure(row: dict[str, Any]) -> str | None:
    """Why an account page could not be opened, or None (opened, or not tried)."""
    from audits.links import failure

    return failure(row)


def account_label(row: dict[str, Any]) -> str:
    name = row.get("name") or (row.get("anchor") or "").split("：")[-1].strip() or row["url"]
    return f"{row.get('platform') or '政务新媒体'}“{name}”"
