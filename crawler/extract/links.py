"""Links of a page and URL normalisation (pure functions, no Scrapy)."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector
from w3lib.url import safe_url_string

from crawler.extract.hidden import hidden_anchors

ATTACHMENT_EXTS = frozenset(
    "pdf doc docx xls xlsx wps et dps ppt pptx zip rar 7z gz tar txt csv ofd xml rtf odt ods mp4 mp3 avi wmv flv apk exe".split()
)
IMAGE_EXTS = frozenset("jpg jpeg png gif bmp webp svg ico tif tiff".split())
SESSION_PARAMS = frozenset(
    "sid sessionid session_id jsessionid phpsessid sessid aspsessionid cfid cftoken s_id".split()
)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.I)
_SAFE_URL = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_INDEX_DOC = re.compile(r"/(?:index|default)\.(?:html?|shtml|jsp|php|aspx?)$", re.I)


@dataclass(frozen=True)
class Link:
    target: str
    anchor: str
    kind: str  # page | attachment | image | mail | tel | javascript | other | invalid  (external: decided by the spider)
    hidden: str | None = None  # why a visitor cannot see it (CSS), see hidden.py


@lru_cache(maxsize=65536)
def clean_url(url: str, base: str) -> str | None:
    """Absolute, fragment-free, percent-encoded URL; None for an unusable one (cached: nav links repeat)."""
    url = url.strip()
    if "\\" in url:
        url = url.replace("\\", "/")
    if not url or url.startswith("#"):
        return None
    try:
        if url[:5].lower() in ("http:", "https"):
            raw = urlsplit(url)
            if not raw.netloc:
                return None  # "http://" or "http:/path": broken, not relative
        absolute = urljoin(base, url)
        if not _SAFE_URL.fullmatch(absolute):
            absolute = safe_url_string(absolute, encoding="utf-8")  # Chinese, spaces, quotes…
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and not parts.hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


@lru_cache(maxsize=65536)
def kind_of(url: str) -> str:
    low = url.lower()
    if low.startswith("mailto:"):
        return "mail"
    if low.startswith("tel:"):
        return "tel"
    if low.startswith("javascript:"):
        return "javascript"
    if not low.startswith(("http://", "https://")):
        return "other"
    ext = posixpath.splitext(urlsplit(low).path)[1].lstrip(".")
    if ext in ATTACHMENT_EXTS:
        return "attachment"
    if ext in IMAGE_EXTS:
        return "image"
    return "page"


def base_href(sel: Selector, page_url: str) -> str:
    href = sel.xpath("//base/@href").get()
    return urljoin(page_url, href.strip()) if href and href.strip() else page_url


def _norm_space(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").replace("\xa0", " ").split())


def extract_links(sel: Selector, page_url: str) -> list[Link]:
    """Every <a href>, <area href>, <iframe src> and <img src> of the page, deduplicated."""
    base = base_href(sel, page_url)
    seen: dict[tuple[str, str], int] = {}
    out: list[Link] = []
    root = sel.root
    hidden = hidden_anchors(root) if isinstance(getattr(root, "tag", None), str) else {}
    if not isinstance(getattr(root, "tag", None), str):
        return out
    for a in root.iter("a", "area"):
        raw = a.get("href")
        if raw is None:
            continue
        low = raw.strip().lower()
        if low.startswith(("mailto:", "tel:", "javascript:")):
            target = raw.strip()
            kind = kind_of(target)
        else:
            cleaned = clean_url(raw, base)
            if cleaned is None:
                if not low.strip() or low.strip().startswith("#"):
                    continue
                target, kind = raw.strip()[:2048], "invalid"  # e.g. "http://[bad": a link nobody can follow
            else:
                target = cleaned
                kind = kind_of(target)  # "other" for ftp: and other unsupported schemes: recorded, not checked
        anchor = _norm_space(" ".join(a.itertext())) or a.get("title", "")
        reason = hidden.get(a)
        key = (target, kind)
        if key not in seen:
            seen[key] = len(out)
            out.append(Link(target, anchor[:300], kind, reason))
        elif out[seen[key]].hidden and not reason:
            # the same target is also linked visibly: not a hidden link
            out[seen[key]] = Link(target, out[seen[key]].anchor or anchor[:300], kind, None)
    for el in root.iter("img", "iframe", "frame"):
        src = el.get("src")
        cleaned = clean_url(src, base) if src else None
        if cleaned is None or not cleaned.startswith("http"):
            continue
        kind = "image" if el.tag == "img" else kind_of(cleaned)
        if (cleaned, kind) not in seen:
            seen[(cleaned, kind)] = len(out)
            out.append(Link(cleaned, el.get("alt", "")[:300], kind))
    return out


@lru_cache(maxsize=16384)  # the same navigation links on every page: asked again and again
def strip_session(url: str) -> str:
    """Drop session ids from path parameters and the query string."""
    url = _PATH_SESSION.sub("", url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SESSION_PARAMS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@lru_cache(maxsize=16384)
def dedupe_key(url: str) -> str:
    """The key under which two URLs count as the same page (sorted query, no index.html)."""
    try:
        parts = urlsplit(strip_session(url))
    except ValueError:
        return url
    path = _INDEX_DOC.sub("/", parts.path) or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))
