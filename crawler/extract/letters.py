"""Public letters (县长信箱, 书记信箱, 部门信箱, 咨询投诉, 留言板): list rows and detail pages (pure functions).

A mailbox column is recognised by its name; its list pages are tables (with a header row
naming 来信时间 / 答复时间 / 状态…) or rows of a link, dates and a status word.  A letter's
own page states its facts as labels: 来信时间：…  答复单位：…  答复时间：…  办理状态：….
Channels the indicators exclude from 互动回应 (在线访谈, 调查征集, 网上信访, 纪检举报) are not
mailboxes here.

Each letter is a dict: ``url`` (its page, or the list page plus ``#row-N`` when it has
none), ``subject``, ``received``/``replied`` (ISO dates) with their raw ``*_text``,
``unit``, ``status`` (answered | pending | unanswered | None) with ``status_text``,
``source`` (list | detail) and ``position``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from parsel import Selector

from crawler.extract.dates import find_dates
from crawler.extract.links import base_href, clean_url, kind_of

MAILBOX_WORDS = ("信箱", "留言", "咨询投诉", "网上咨询", "政务咨询", "咨询", "投诉", "来信", "诉求", "问政", "民意直通", "有问必答")
EXCLUDED_WORDS = ("访谈", "征集", "调查", "信访", "纪检", "举报", "意见箱")

STATUS_WORDS: tuple[tuple[str, str], ...] = (
    # longest first: 未回复 must not read as 回复
    ("未回复", "unanswered"), ("未答复", "unanswered"), ("未办结", "pending"), ("待回复", "unanswered"),
    ("待答复", "unanswered"), ("待处理", "unanswered"), ("未处理", "unanswered"), ("未受理", "unanswered"),
    ("办理中", "pending"), ("处理中", "pending"), ("正在办理", "pending"), ("已受理", "pending"), ("已转办", "pending"),
    ("受理中", "pending"), ("已回复", "answered"), ("已答复", "answered"), ("已办结", "answered"), ("已处理", "answered"),
    ("已反馈", "answered"), ("已回应", "answered"), ("办结", "answered"), ("已完成", "answered"),
)
_STATUS_RE = re.compile("|".join(w for w, _ in STATUS_WORDS))
_STATUS = dict(STATUS_WORDS)

_RECEIVED = r"(?:来信|留言|写信|提交|咨询|投诉|提问|来件|受理|诉求)(?:时间|日期)"
_REPLIED = r"(?:回复|答复|办结|反馈|回应|处理)(?:时间|日期)"
_UNIT = r"(?:回复|答复|办理|承办|处理|受理)(?:单位|部门|机构|机关)"
_STATUS_LABEL = r"(?:办理|处理|回复|答复|信件)?(?:状态|情况)"
_SUBJECT = r"(?:信件|来信|留言|咨询|投诉)?(?:标题|主题)"
_LABEL_RE = {
    "received": re.compile(_RECEIVED + r"\s*[:：]\s*(.{0,40})"),
    "replied": re.compile(_REPLIED + r"\s*[:：]\s*(.{0,40})"),
    "unit": re.compile(_UNIT + r"\s*[:：]\s*([^\s:：，,；;]{2,40})"),
    "status": re.compile(_STATUS_LABEL + r"\s*[:：]\s*([^\s:：，,；;]{2,12})"),
    "subject": re.compile(_SUBJECT + r"\s*[:：]\s*([^:：\n]{2,120}?)(?=\s+\S{2,6}[:：]|\n|$)"),
}
_REPLY_TEXT_RE = re.compile(r"(?:回复|答复|办理)(?:内容|意见|结果)\s*[:：]\s*(\S.{4,})")
_HEADER_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("unit", re.compile(_UNIT)),
    ("replied", re.compile(_REPLIED + "|回复|答复")),
    ("status", re.compile(r"状态|办理情况|处理情况|办理结果")),
    ("received", re.compile(_RECEIVED + r"|^(?:时间|日期|发布时间|提交时间)$")),
    ("subject", re.compile(r"标题|主题|事项|内容摘要")),
)
_CUE_RE = re.compile(_RECEIVED)
_REPLY_CUE_RE = re.compile(_REPLIED + "|" + _UNIT + "|" + _STATUS_LABEL + r"\s*[:：]")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").replace("\xa0", " ").split())


def is_mailbox(*names: str | None) -> bool:
    """Whether a column (by its name, title or breadcrumb) is a public-letter mailbox."""
    for name in names:
        if not name:
            continue
        if any(w in name for w in EXCLUDED_WORDS):
            return False
        if any(w in name for w in MAILBOX_WORDS):
            return True
    return False


def status_of(text: str | None) -> tuple[str | None, str | None]:
    """(answered | pending | unanswered, the word) from a status text."""
    if not text:
        return None, None
    m = _STATUS_RE.search(text)
    return (_STATUS[m.group(0)], m.group(0)) if m else (None, None)


def _date(text: str | None, today: dt.date) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    for d in find_dates(text, today):
        if d.has_day:
            return d.value.isoformat(), d.text
    return None, None


def looks_like_letter(text: str) -> bool:
    """Cheap test on a page's visible text: a received-date label and a reply label."""
    return bool(_CUE_RE.search(text) and _REPLY_CUE_RE.search(text))


def read_detail(text: str, today: dt.date, title: str = "") -> dict[str, Any] | None:
    """A letter's facts from its own page's visible text, or None when it is not a letter page."""
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    m = _LABEL_RE["received"].search(text)
    if not m:
        return None
    received, received_text = _date(m.group(1), today)
    if received is None:
        return None
    out: dict[str, Any] = {"source": "detail", "received": received, "received_text": received_text}
    m = _LABEL_RE["replied"].search(text)
    out["replied"], out["replied_text"] = _date(m.group(1), today) if m else (None, None)
    m = _LABEL_RE["unit"].search(text)
    out["unit"] = m.group(1) if m else None
    m = _LABEL_RE["status"].search(text)
    status, word = status_of(m.group(1) if m else None)
    if status is None:
        status, word = status_of(text[:3000]) if not out["replied"] else ("answered", None)
    out["status"], out["status_text"] = status, word
    m = _LABEL_RE["subject"].search(text)
    out["subject"] = _norm(m.group(1))[:300] if m else (_norm(title)[:300] or None)
    reply = _REPLY_TEXT_RE.search(text)
    out["has_reply_text"] = bool(reply and not _STATUS_RE.fullmatch(reply.group(1).split()[0]))
    if out["replied"] and out["status"] != "answered":
        out["status"] = "answered"
    return out


def _header_map(cells: list[str]) -> dict[int, str]:
    fields: dict[int, str] = {}
    for i, cell in enumerate(cells):
        for name, pattern in _HEADER_FIELDS:
            if name not in fields.values() and pattern.search(cell):
                fields[i] = name
                break
    return fields


def _row_letter(cells: list[str], fields: dict[int, str], text: str, today: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(("received", "received_text", "replied", "replied_text", "unit", "status", "status_text"))
    if fields:
        for i, name in fields.items():
            if i >= len(cells):
                continue
            value = cells[i]
            if name in ("received", "replied"):
                out[name], out[f"{name}_text"] = _date(value, today)
            elif name == "status":
                out["status"], out["status_text"] = status_of(value)
                if out["status"] is None and value.strip():
                    out["status_text"] = value.strip()[:20]
            elif name == "unit":
                out["unit"] = value.strip()[:60] or None
    if "received" not in fields.values():  # no header: the first date is the letter's, a second one the reply's
        dates = [d for d in find_dates(text, today) if d.has_day]
        if dates:
            out["received"], out["received_text"] = dates[0].value.isoformat(), dates[0].text
        if len(dates) > 1 and "replied" not in fields.values():
            out["replied"], out["replied_text"] = dates[1].value.isoformat(), dates[1].text
    if out.get("status") is None:
        status, word = status_of(text)
        if status:
            out["status"], out["status_text"] = status, word
    if out.get("replied") and out.get("status") in (None, "pending", "unanswered"):
        out["status"] = "answered"
    return out


def read_list(html: str, page_url: str, today: dt.date) -> list[dict[str, Any]]:
    """The letters listed on a mailbox list page (rows with a date), in page order."""
    sel = Selector(text=html, base_url=page_url)
    base = base_href(sel, page_url)
    letters: list[dict[str, Any]] = []
    seen: set[str] = set()
    for table in sel.xpath("//table[.//tr[count(td) >= 2]]"):
        rows = table.xpath(".//tr")
        fields: dict[int, str] = {}
        for row in rows:
            cells = [_norm(" ".join(c.xpath(".//text()").getall())) for c in row.xpath("./th|./td")]
            if row.xpath("./th") or (not fields and not row.xpath(".//a") and any(_header_map(cells).values())):
                fields = _header_map(cells)
                continue
            _add(letters, seen, row, cells, fields, base, page_url, today)
    if not letters:
        for row in sel.xpath("//li[.//a] | //div[contains(@class, 'item') or contains(@class, 'row') or contains(@class, 'letter')][.//a]"):
            if row.xpath("ancestor::nav|ancestor::header|ancestor::footer"):
                continue
            _add(letters, seen, row, [], {}, base, page_url, today)
    return letters


def _add(letters: list[dict[str, Any]], seen: set[str], row: Selector, cells: list[str], fields: dict[int, str], base: str, page_url: str, today: dt.date) -> None:
    text = _norm(" ".join(row.xpath(".//text()[not(ancestor::script)]").getall()))
    if not text or len(text) > 400:
        return
    info = _row_letter(cells, fields, text, today)
    if not info.get("received"):
        return
    link = row.xpath(".//a[@href]")
    url = None
    subject = None
    if link:
        url = clean_url(link[0].attrib.get("href", ""), base)
        subject = _norm(link[0].attrib.get("title") or " ".join(link[0].xpath(".//text()").getall()))
        if url is not None and kind_of(url) != "page":
            url = None
    if subject is None and fields:
        idx = next((i for i, n in fields.items() if n == "subject"), None)
        subject = cells[idx] if idx is not None and idx < len(cells) else None
    if url is None:
        url = f"{page_url}#row-{len(letters) + 1}"
    if url in seen:
        return
    seen.add(url)
    letters.append({"source": "list", "url": url, "subject": (subject or "")[:300] or None, "position": len(letters), **info})
