"""Government new-media accounts (政务新媒体): which links are accounts, and what an account page says (pure functions).

An account link is an outside link whose host is a new-media platform (``NEWMEDIA_HOSTS``,
extendable by configuration), or, on a page that lists the government's accounts (its
name says 新媒体 / 政务微博 / 微信公众号…), an outside link whose text names a platform.
Share buttons (分享到微博) are not accounts.  An account page gives its name and the dates
of its posts; the newest one is what ``newmedia-stale`` judges.  Platforms write recent
dates as "3天前", "昨天", "2小时前": those count from the crawl's reference date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extract.dates import find_dates

GENERIC = "政务新媒体"  # the platform of a configured host, when the link text names none
# host -> platform; a subdomain counts as its host (m.weibo.cn as weibo.cn)
NEWMEDIA_HOSTS: dict[str, str] = {
    "mp.weixin.qq.com": "微信公众号",
    "channels.weixin.qq.com": "视频号",
    "weibo.com": "微博",
    "weibo.cn": "微博",
    "douyin.com": "抖音",
    "iesdouyin.com": "抖音",
    "toutiao.com": "头条号",
    "ixigua.com": "西瓜视频",
    "kuaishou.com": "快手",
    "bilibili.com": "哔哩哔哩",
    "xiaohongshu.com": "小红书",
    "baijiahao.baidu.com": "百家号",
    "author.baidu.com": "百家号",
}
PLATFORM_WORDS: tuple[tuple[str, str], ...] = (
    ("视频号", "视频号"), ("公众号", "微信公众号"), ("微信", "微信公众号"), ("微博", "微博"), ("抖音", "抖音"),
    ("头条", "头条号"), ("快手", "快手"), ("哔哩", "哔哩哔哩"), ("B站", "哔哩哔哩"), ("小红书", "小红书"),
    ("百家号", "百家号"), ("西瓜视频", "西瓜视频"), ("客户端", "客户端"),
)
LISTING_WORDS = ("新媒体", "政务微博", "政务微信", "微信公众号", "政务账号", "官方账号", "新媒体矩阵", "公众号矩阵")
_SHARE_RE = re.compile(r"share|sharer|intent|/widget|qzone|connect\.qq\.com", re.I)
_RELATIVE_RE = re.compile(r"\s*(刚刚|\d+\s*秒前|\d+\s*分钟前|\d+\s*小时前|今天|昨天|前天|(\d+)\s*天前)(?:\s*\d{1,2}:\d{2})?\s*")
_NAME_SUFFIX_RE = re.compile(r"\s*[-_|–—]\s*(?:微博|抖音|今日头条|头条号|快手|哔哩哔哩|bilibili|微信公众平台|小红书|百家号).*$", re.I)


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def host_platform(url: str, hosts: dict[str, str] | None = None) -> str | None:
    """The platform of a URL by its host, or None."""
    host = _host_of(url)
    for h, platform in (hosts if hosts is not None else NEWMEDIA_HOSTS).items():
        if host == h or host.endswith("." + h):
            return platform
    return None


def platform_from_text(text: str) -> str | None:
    for word, platform in PLATFORM_WORDS:
        if word in text:
            return platform
    return None


def is_listing_page(*names: str | None) -> bool:
    """Whether a page (by its title, column name, breadcrumb) lists the government's accounts."""
    return any(name and any(w in name for w in LISTING_WORDS) for name in names)


def is_share_link(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_SHARE_RE.search(parts.path) or _SHARE_RE.search(parts.netloc) or "url=" in parts.query.lower())


def account_of(url: str, anchor: str, *, listing: bool, hosts: dict[str, str]) -> str | None:
    """The platform when this outside link is a new-media account, else None."""
    if is_share_link(url):
        return None
    platform = host_platform(url, hosts)
    if platform is not None:
        if urlsplit(url).path.strip("/") == "" and not urlsplit(url).query:
            return None  # the platform's front page, not an account
        if platform == GENERIC:  # a configured host: the link text names the platform
            return platform_from_text(anchor) or GENERIC
        return platform
    if listing:
        return platform_from_text(anchor)
    return None


def _relative(text: str, today: dt.date) -> dt.date | None:
    m = _RELATIVE_RE.fullmatch(text)  # the whole text is the time ("3天前", "昨天 18:30"), not a post saying 今天
    if not m:
        return None
    word = m.group(1)
    if word.startswith("昨天"):
        return today - dt.timedelta(days=1)
    if word.startswith("前天"):
        return today - dt.timedelta(days=2)
    if m.group(2):
        return today - dt.timedelta(days=int(m.group(2)))
    return today


def _visible(sel: Selector) -> list[str]:
    return [
        " ".join(t.split())
        for t in sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]").getall()
        if t.strip()
    ]


def account_name(sel: Selector) -> str | None:
    for xp in (
        "//meta[@property='og:title']/@content",
        "//*[contains(@class, 'nickname') or contains(@class, 'account-name') or contains(@class, 'profile_nickname') or contains(@id, 'nickname')]//text()",
        "//h1//text()",
        "//title/text()",
    ):
        value = " ".join(" ".join(sel.xpath(xp).getall()).split())
        value = _NAME_SUFFIX_RE.sub("", value).strip()
        if value:
            return value[:200]
    return None


def read_account(html: str, url: str, today: dt.date) -> dict[str, Any]:
    """Name, post dates and newest post of an account page (static or rendered HTML)."""
    sel = Selector(text=html, base_url=url)
    dates: list[tuple[dt.date, str]] = []
    for piece in _visible(sel):
        found = [d for d in find_dates(piece, today) if d.has_day]
        if found:
            dates.extend((d.value, d.text) for d in found)
            continue
        rel = _relative(piece, today)
        if rel is not None:
            dates.append((rel, piece))
    for attr in sel.xpath("//time/@datetime").getall():
        found = [d for d in find_dates(attr, today) if d.has_day]
        if found:
            dates.append((found[0].value, attr))
    usable = [(d, t) for d, t in dates if d <= today]
    newest = max(usable, key=lambda x: x[0]) if usable else None
    return {
        "name": account_name(sel),
        "posts_dated": len(usable),
        "newest_post": newest[0].isoformat() if newest else None,
        "newest_post_text": newest[1] if newest else None,
        "text_len": sum(len(p) for p in _visible(sel)),
    }
