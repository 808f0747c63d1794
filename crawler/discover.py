"""Find a portal's unit subsites (部门网站, 乡镇（街道）网站) and propose govaudit.toml tables.

    discover(url, timeout=15.0) -> Discovery      # fetches the home page and its link pages
    scan_page(html, url, home=True) -> PageScan   # pure: one page's site name, links, link pages
    to_toml(discovery) -> str                      # [group] + one [[site]] per kept site

How it works:

* The portal home page is fetched with a small synchronous client (no Scrapy), with the
  crawler's user agent, its encoding detection (GBK portals) and, with
  GOVAUDIT_LOOPBACK_ONLY=1, its loopback-only rule (redirects included).
* On the home page (and its frames/iframes, where footers often live), *labels* such as
  部门网站, 乡镇（街道）, 镇街, 政府网站群, 站群导航 mark link blocks: the smallest
  enclosing element with links.  A label that is itself a link (and a 更多 link inside a
  block) points to a *link page*, which is fetched and read whole, one level deep.
  ``<select>`` lists whose options hold URLs are read everywhere.
* A link is a candidate subsite when it is not new media (微博/微信/抖音…) and either
  names a government unit (…局/委/办公室/中心/院/所/站/队/镇/乡/街道/管委会…) or sits
  in a labelled block and points to a gov.cn host or the portal's own domain.  Links to
  the portal's own host count only with a unit name and their own directory.
* Candidates under the portal's registrable domain (or, for sites on bare IP addresses,
  on the same loopback network or /24) are kept; the others (国务院, 省, 市 sites, or
  units hosted elsewhere) are listed commented out for a person to decide.
* The kind is proposed from the name: 镇/乡/街道/办事处 → township, the rest → department,
  the portal → government.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from crawler.extract.encoding import detect
from crawler.middlewares import LOOPBACK_ENV, is_loopback

MAX_BYTES = 8 * 1024 * 1024
MAX_LINK_PAGES = 12
MAX_FRAMES = 5
MAX_BLOCK_LINKS = 400  # an "enclosing block" this big is the whole page, not a link list

# labels of link blocks and link pages (matched on whitespace-free text)
LABEL_RE = re.compile(
    r"部门网站|部门链接|部门站点|部门导航|部门子站|县直部门|区直部门|市直部门|县直单位|区直单位|"
    r"乡镇网站|乡镇链接|乡镇导航|乡镇[（(]街道[）)]|乡镇街道|镇街|街道网站|镇[（(]街道[）)]|"
    r"网站群|站群导航|站群|网站导航|子站导航|子网站"
)
# a label about sites outside the county's own group
OUTSIDE_LABEL_RE = re.compile(r"国务院|中央|国家|全国|省|自治区|驻外|驻港|外地|兄弟|友情")
MORE_RE = re.compile(r"^(更多|查看更多|more|更多>+|>>|》》|更多»)$", re.I)

NEW_MEDIA_HOSTS = (
    "weibo.com", "weibo.cn", "weixin.qq.com", "wx.qq.com", "douyin.com", "iesdouyin.com", "toutiao.com",
    "kuaishou.com", "bilibili.com", "ixigua.com", "xiaohongshu.com", "channels.weixin.qq.com",
)
NEW_MEDIA_NAME_RE = re.compile(r"微博|微信|公众号|抖音|头条号|快手|视频号|小程序|新媒体|客户端|APP|App|app")

_SITE_SUFFIX_RE = re.compile(r"(门户网站|政务网站|网站|官网|政务网|门户|主页|首页)$")
UNIT_RE = re.compile(
    r"(局|委|委员会|管委会|管理委员会|办|办公室|中心|院|所|站|队|镇|乡|街道|办事处|政府|厅|署|处|馆|"
    r"总工会|工会|红十字会|联合会|工商联|妇联|残联|侨联|文联|科协|团县委|团区委|团市委|"
    r"开发区|园区|新区|示范区|试验区|实验区|林场|农场)$"
)
NOT_UNIT_RE = re.compile(
    r"(通办|网办|网上办|在线办|掌上办|我要办|马上办|一次办|帮办|代办|好办|快办|怎么办|"
    r"(帮助|下载|个人|用户|会员|消息|新闻|资讯|视频|图片|搜索|数据|应用)中心|"
    r"特色小镇|城镇|小镇|城乡|(数字|法治|廉洁|服务型|透明|智慧|阳光|诚信)政府|本站|网站)$"
)
TOWNSHIP_RE = re.compile(r"(镇|乡|街道|办事处|街道办)$")
TOWNSHIP_LABEL_RE = re.compile(r"乡镇|镇街|街道|镇[（(]")
_GOV_SUFFIX_RE = re.compile(r"(人民政府|政府)$")
_INDEX_FILE_RE = re.compile(r"^(index|default|main|home)\.[a-z0-9]+$", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SPLIT_RE = re.compile(r"\s*(?:[-_|｜—–]+|——)\s*")
_NOISE_RE = re.compile(r"^[\s·•>»›\-—*]+|[\s·•>»›\-—*]+$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class DiscoverError(Exception):
    """The portal cannot be read (bad URL, unreachable, not HTML, refused)."""


# --- fetching ------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str  # final URL after redirects
    status: int
    content_type: str
    text: str


def loopback_only() -> bool:
    return os.environ.get(LOOPBACK_ENV, "") in ("1", "true", "yes")


def check_url(url: str) -> str:
    """A usable http(s) URL (path defaulted to /), or DiscoverError."""
    raw = url
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in parts.netloc):
        raise DiscoverError(f"not an http(s) URL: {raw!r}")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise DiscoverError(f"bad port in URL {raw!r}") from None
    if loopback_only() and not is_loopback(url):
        raise DiscoverError(f"{url} is not a loopback address ({LOOPBACK_ENV}=1)")
    return url if parts.path else url + "/"


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are checked like the first URL (scheme, loopback-only rule)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        check_url(urljoin(req.full_url, newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, timeout: float = 15.0) -> Fetched:
    """GET an HTML page; DiscoverError (one line) for anything that is not an HTML answer."""
    from crawler.settings import USER_AGENT

    url = check_url(url)
    handlers: list[urllib.request.BaseHandler] = [_GuardedRedirects()]
    if loopback_only():
        handlers.append(urllib.request.ProxyHandler({}))  # never hand a request to a proxy
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT.encode("utf-8"), "Accept": "text/html,*/*;q=0.5"})  # type: ignore[dict-item]
    try:
        with opener.open(req, timeout=timeout) as resp:
            body = resp.read(MAX_BYTES + 1)
            status, final, ctype = resp.status, resp.geturl(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise DiscoverError(f"{url}: HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise DiscoverError(f"{url}: no answer within {timeout:g} s") from None
        raise DiscoverError(f"{url}: cannot connect ({reason})") from None
    except (TimeoutError, socket.timeout):
        raise DiscoverError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # connection reset, bad status line, invalid URL…
        raise DiscoverError(f"{url}: cannot read ({type(exc).__name__}: {exc})") from None
    if len(body) > MAX_BYTES:
        raise DiscoverError(f"{url}: page larger than {MAX_BYTES // (1024 * 1024)} MB")
    low = ctype.lower()
    looks_html = b"<html" in body[:4096].lower() or b"<!doctype html" in body[:4096].lower()
    if ("html" not in low and low) or (not low and not looks_html) or b"\x00" in body[:2048]:
        raise DiscoverError(f"{url} is not an HTML page ({ctype or 'no content type'})")
    encoding, _declared = detect(body, ctype)
    return Fetched(final, status, ctype, body.decode(encoding, "replace"))


# --- reading one page ----------------------------------------------------------------


@dataclass
class Link:
    url: str
    name: str
    where: str  # the label of the block, list or link page it came from
    source: str  # block | select | page (a link page, read whole) | home (any other link of a home page)
    labelled: bool = False  # in a block or list labelled 部门网站, 乡镇（街道）…


@dataclass
class PageScan:
    url: str
    site_name: str
    links: list[Link] = field(default_factory=list)
    link_pages: list[tuple[str, str]] = field(default_factory=list)  # (url, label)
    frames: list[str] = field(default_factory=list)
    refresh: str | None = None


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def _text(el: etree._Element) -> str:
    return " ".join((el.text_content() or "").split())


def clean_name(text: str) -> str:
    return _NOISE_RE.sub("", " ".join(_CONTROL_RE.sub(" ", text or "").split()))


def _link_name(a: etree._Element) -> str:
    text = clean_name(_text(a))
    title = clean_name(a.get("title") or "")
    if not text:
        alts = [clean_name(i.get("alt") or "") for i in a.iter("img")]
        text = next((x for x in alts if x), "")
    if title and (not text or text.rstrip("…. ") != text or (len(title) > len(text) and title.startswith(text.rstrip("…. ")))):
        return title
    return text


def _absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # noqa: B018
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def site_name_of(doc: etree._Element) -> str:
    """meta SiteName, else the part of the <title> that names the site."""
    for m in doc.iter("meta"):
        if (m.get("name") or "").strip().lower() == "sitename" and clean_name(m.get("content") or ""):
            return clean_name(m.get("content") or "")
    title = next((clean_name(t.text_content()) for t in doc.iter("title")), "")
    parts = [p for p in _TITLE_SPLIT_RE.split(title) if p]
    named = [p for p in parts if re.search(r"政府|网站|门户", p)]
    return (named or parts or [""])[-1]


def _parse(html: str) -> etree._Element | None:
    html = _XML_DECL_RE.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _http_anchors(el: etree._Element, base: str, skip: etree._Element | None = None) -> list[etree._Element]:
    return [a for a in el.iter("a") if a is not skip and _absolute(a.get("href"), base)]


def _label_text(el: etree._Element) -> str:
    """The short text of an element that could be a block label (own text, or a link's / image's)."""
    if el.tag == "a":
        return _squash(el.text_content()) or _squash(el.get("title"))
    if el.tag == "img":
        return _squash(el.get("alt"))
    own = _squash(el.text) + "".join(_squash(c.tail) for c in el)
    return own if own else ""


def _is_label(text: str) -> bool:
    return 0 < len(text) <= 16 and bool(LABEL_RE.search(text)) and not OUTSIDE_LABEL_RE.search(text)


def _holds_list(el: etree._Element, base: str, label: etree._Element | None = None) -> bool | None:
    """≥ 2 links (labels aside) or a URL <select>; None when it is too big to be one list."""
    anchors = _http_anchors(el, base, skip=label)
    if len(anchors) > MAX_BLOCK_LINKS:
        return None
    anchors = [a for a in anchors if not _is_label(_squash(a.text_content()))]
    return len(anchors) >= 2 or any(_select_urls(s, base) for s in el.iter("select"))


def _block_of(label: etree._Element, base: str, limit: int = 6) -> etree._Element | None:
    """The smallest ancestor of a label that holds a link list; for a heading right in <body>,
    the list that follows it (before the next label)."""
    el = label
    for _ in range(limit):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            for n, sib in enumerate(el.itersiblings()):
                if n >= 3 or _is_label(_label_text(sib)):
                    break
                if _holds_list(sib, base):
                    return sib
            return None
        el = parent
        holds = _holds_list(el, base, label)
        if holds is None:
            return None
        if holds:
            return el
    return None


def _select_urls(select: etree._Element, base: str) -> list[tuple[str, str]]:
    out = []
    for opt in select.iter("option"):
        value = (opt.get("value") or "").strip()
        if not value.lower().startswith(("http://", "https://", "/", "./", "../")):
            continue
        url = _absolute(value, base)
        name = clean_name(_text(opt)) or clean_name(opt.get("title") or "")
        if url and name:
            out.append((url, name))
    return out


def _select_label(select: etree._Element) -> str:
    for opt in select.iter("option"):
        value = (opt.get("value") or "").strip()
        if not value.lower().startswith(("http", "/", "./", "../")):
            return _squash(opt.text_content())
    prev = select.getprevious()
    if prev is not None:
        return _squash(prev.text_content())
    parent = select.getparent()
    return _squash(parent.text) if parent is not None else ""


def _meta_refresh(doc: etree._Element, base: str) -> str | None:
    for m in doc.iter("meta"):
        if (m.get("http-equiv") or "").strip().lower() == "refresh":
            mm = re.match(r"\s*(\d+)\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"]+)", m.get("content") or "", re.I)
            if mm and int(mm.group(1)) <= 5:
                return _absolute(mm.group(2), base)
    return None


def scan_page(html: str, url: str, home: bool = True) -> PageScan:
    """Links of one page that may be subsites.

    home=True: only links in labelled blocks, URL <select> lists, and links to other hosts
    (whose names must then look like units); home=False (a link page): every link.
    """
    doc = _parse(html)
    if doc is None:
        return PageScan(url, "")
    base = url
    for b in doc.iter("base"):
        base = _absolute(b.get("href"), url) or url
        break
    scan = PageScan(url, site_name_of(doc), refresh=_meta_refresh(doc, base))
    seen: set[etree._Element] = set()  # the elements themselves: ids of lxml proxies are reused
    blocks: dict[etree._Element, str] = {}  # labelled block -> its label

    def add(a: etree._Element, where: str, source: str) -> None:
        target = _absolute(a.get("href"), base)
        if target and a not in seen:
            seen.add(a)
            scan.links.append(Link(target, _link_name(a), where, source, source == "block"))

    for el in doc.iter(etree.Element):
        if el.tag in ("script", "style", "title", "head", "option", "select", "textarea"):
            continue
        text = _label_text(el)
        if not _is_label(text):
            continue
        label = el if el.tag != "img" or el.getparent() is None or el.getparent().tag != "a" else el.getparent()
        if label.tag == "a":
            target = _absolute(label.get("href"), base)
            if target:  # a link to the list page; its neighbours are other links, not the list
                scan.link_pages.append((target, text))
                seen.add(label)
                continue
        block = _block_of(label, base)
        if block is None:
            continue
        blocks.setdefault(block, text)
        for a in block.iter("a"):
            if a is label:
                continue
            if MORE_RE.match(_squash(a.text_content())):
                target = _absolute(a.get("href"), base)
                if target:
                    scan.link_pages.append((target, text))
                    seen.add(a)
                continue
            add(a, text, "block")
    for select in doc.iter("select"):
        label = _select_label(select)
        # labelled by its own placeholder option (--乡镇（街道）--), else by the block it sits in
        block_label = next((blocks[b] for b in select.iterancestors() if b in blocks), None)
        labelled = _is_label(label) or block_label is not None
        where = f"下拉列表「{label if _is_label(label) or not block_label else block_label}」" if label or block_label else "下拉列表"
        for target, name in _select_urls(select, base):
            scan.links.append(Link(target, name, where, "select", labelled))
    for a in doc.iter("a"):
        add(a, "首页链接" if home else "", "home" if home else "page")
    if home:
        for fr in list(doc.iter("iframe")) + list(doc.iter("frame")):
            target = _absolute(fr.get("src"), base)
            if target and target not in scan.frames:
                scan.frames.append(target)
    return scan


# --- judging links -------------------------------------------------------------------


@dataclass
class Candidate:
    root: str
    name: str
    kind: str
    local: bool
    found: list[str] = field(default_factory=list)  # "page URL (label)" where it was seen


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


_EXTRACT = None


def registrable_domain(host: str) -> str:
    """example.gov.cn for www.example.gov.cn (public-suffix list bundled with tldextract, offline)."""
    global _EXTRACT
    if _EXTRACT is None:
        import tldextract

        _EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    ext = _EXTRACT(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host


def same_group(host: str, portal_host: str) -> bool:
    """Under the portal's registrable domain; for bare IP addresses: both loopback, or one IPv4 /24."""
    host, portal_host = host.lower(), portal_host.lower()
    if host == portal_host:
        return True
    a, b = _ip(host), _ip(portal_host)
    if a is not None or b is not None:
        if a is None or b is None:
            return False
        if a.is_loopback and b.is_loopback:
            return True
        if a.version == b.version == 4:
            return ipaddress.ip_network(f"{a}/24", strict=False) == ipaddress.ip_network(f"{b}/24", strict=False)
        return False
    return registrable_domain(host) == registrable_domain(portal_host)


def site_root(url: str) -> str:
    """The link's directory: http://h/jyj/index.html → http://h/jyj/; http://h/jyj → http://h/jyj/;
    http://h/a.html and http://h/app?x=1 → http://h/ (a last segment with a dot or a query is a file)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    head, _, last = path.rpartition("/")
    path = head + "/" if (not last or "." in last or parts.query) else path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def unit_name(name: str) -> str:
    """The name without a trailing 网站/门户网站/官网…"""
    n = _squash(name)
    for _ in range(2):
        n = _SITE_SUFFIX_RE.sub("", n)
    return n


def looks_like_unit(name: str) -> bool:
    n = unit_name(name)
    return 2 <= len(n) <= 30 and bool(UNIT_RE.search(n)) and not NOT_UNIT_RE.search(n) and not MORE_RE.match(n)


def propose_kind(name: str) -> str:
    """township for 镇/乡/街道/办事处, government for another 人民政府 (a sibling or higher level), else department."""
    full = unit_name(name)
    n = _GOV_SUFFIX_RE.sub("", full)
    if TOWNSHIP_RE.search(n) or "街道办事处" in name:
        return "township"
    return "government" if n != full else "department"


def is_new_media(url: str, name: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in NEW_MEDIA_HOSTS) or bool(NEW_MEDIA_NAME_RE.search(name))


def judge(link: Link, portal_root: str) -> Candidate | None:
    """A Candidate when the link looks like one of the group's (or another government's) sites."""
    name = link.name
    if not name or MORE_RE.match(_squash(name)) or is_new_media(link.url, name):
        return None
    parts, portal = urlsplit(link.url), urlsplit(portal_root)
    host, portal_host = parts.hostname or "", portal.hostname or ""
    root = site_root(link.url)
    if root.rstrip("/") == portal_root.rstrip("/") or (parts.netloc == portal.netloc and urlsplit(root).path == "/"):
        return None  # the portal itself (or one of its pages)
    local = same_group(host, portal_host)
    gov = host == "gov.cn" or host.endswith(".gov.cn")
    unit = looks_like_unit(name)
    if parts.netloc == portal.netloc:
        # a directory of the portal's own host: a subsite only when named as a unit, in a list
        if not unit or link.source == "home":
            return None
    elif link.source == "home" and not (unit and local):
        return None  # a home page's other links: only the portal's own domain's units
    elif not (unit or (link.labelled and (gov or local))):
        return None
    kind = propose_kind(name)
    if not unit and TOWNSHIP_LABEL_RE.search(link.where):
        kind = "township"  # a bare place name (新村) listed under 乡镇/镇街/街道
    return Candidate(root, name, kind, local)


# --- the whole discovery -------------------------------------------------------------


@dataclass
class Discovery:
    portal: str  # root of the portal
    site_name: str
    group_name: str
    sites: list[Candidate]  # kept: the portal's own domain
    others: list[Candidate]  # outside it, for a person to decide
    link_pages: list[tuple[str, str]]  # (url, label) read
    problems: list[str]  # link pages that could not be read


def group_name_for(site_name: str) -> str:
    """青山县人民政府门户网站 → 青山县人民政府网站群."""
    n = site_name.strip()
    if n.endswith("网站群"):
        return n
    return _SITE_SUFFIX_RE.sub("", n) + "网站群" if n else "网站群"


def portal_root(requested: str, final: str) -> str:
    """The final URL's scheme and host (http→https moves) with the requested URL's directory."""
    req, fin = urlsplit(requested), urlsplit(final)
    base = site_root(urlunsplit((fin.scheme, fin.netloc.lower(), req.path or "/", "", "")))
    return base


def discover(url: str, timeout: float = 15.0) -> Discovery:
    url = check_url(url)
    home = fetch(url, timeout)
    scan = scan_page(home.text, home.url, home=True)
    if scan.refresh and len(scan.links) < 5 and same_group(urlsplit(scan.refresh).hostname or "", urlsplit(url).hostname or ""):
        home = fetch(scan.refresh, timeout)  # a portal whose index.html only redirects
        scan = scan_page(home.text, home.url, home=True)
    root = portal_root(url, home.url)
    portal_host = urlsplit(root).hostname or ""
    problems: list[str] = []

    def read(target: str, home_page: bool) -> PageScan | None:
        try:
            page = fetch(target, timeout)
        except DiscoverError as exc:  # a link page or frame that fails is noted, not fatal
            problems.append(str(exc))
            return None
        return scan_page(page.text, page.url, home=home_page)

    def local(target: str) -> bool:
        return same_group(urlsplit(target).hostname or "", portal_host)

    scans = [scan]
    for frame in [f for f in scan.frames if local(f)][:MAX_FRAMES]:  # footers often live in an iframe
        fs = read(frame, True)
        if fs is not None:
            scans.append(fs)
            scan.link_pages += fs.link_pages
    followed: list[tuple[str, str]] = []
    for target, label in scan.link_pages:
        if len(followed) >= MAX_LINK_PAGES or target in {u for u, _ in followed} or not local(target):
            continue
        if target.rstrip("/") in (root.rstrip("/"), home.url.rstrip("/")):
            continue
        followed.append((target, label))
        ps = read(target, False)
        if ps is not None:
            for link in ps.links:
                link.where = link.where or label
            scans.append(ps)
    kept, others = collect(scans, root)
    site_name = scan.site_name or urlsplit(root).hostname or root
    return Discovery(root, site_name, group_name_for(site_name), kept, others, followed, problems)


def collect(scans: list[PageScan], root: str) -> tuple[list[Candidate], list[Candidate]]:
    """(kept: the portal's own domain, departments then townships; others), one per root."""
    by_root: dict[str, Candidate] = {}
    for s in scans:
        for link in s.links:
            c = judge(link, root)
            if c is None:
                continue
            where = f"{s.url}（{link.where}）" if link.where else s.url
            known = by_root.get(c.root)
            if known is None:
                c.found.append(where)
                by_root[c.root] = c
                continue
            if where not in known.found:
                known.found.append(where)
            old, new = unit_name(known.name), unit_name(c.name)
            if len(old) < len(new) and new.startswith(old):  # a fuller name of the same unit
                known.name, known.kind = c.name, c.kind
    kept = sorted((c for c in by_root.values() if c.local), key=lambda c: c.kind == "township")  # stable
    return kept, [c for c in by_root.values() if not c.local]


# --- TOML ----------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """A TOML basic string (quotes, backslashes and control characters escaped)."""
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _comment(text: str) -> str:
    """Crawled text made safe for a TOML comment: one line, no control characters."""
    return " ".join(_CONTROL_RE.sub(" ", text).split())


KIND_LABEL = {"government": "政府门户网站", "department": "部门网站", "township": "乡镇（街道）网站"}


def _site_table(c: Candidate, prefix: str = "") -> list[str]:
    return [
        f"{prefix}[[site]]",
        f"{prefix}root = {toml_string(c.root)}",
        f"{prefix}name = {toml_string(c.name)}",
        f"{prefix}kind = {toml_string(c.kind)}",
    ]


def to_toml(d: Discovery) -> str:
    n_dept = sum(1 for c in d.sites if c.kind == "department")
    n_town = len(d.sites) - n_dept
    out = [
        f"# govaudit.toml proposed by `govaudit sites discover {_comment(d.portal)}`.",
        "# Review it before use: remove what is not one of the group's own sites, fix names and kinds",
        "# (government | department | township).",
        f"# {len(d.sites) + 1} sites: the portal, {n_dept} department, {n_town} township;"
        f" {len(d.others)} candidates outside {_comment(registrable_domain(urlsplit(d.portal).hostname or ''))} are commented out at the end.",
        "",
        "[group]",
        f"name = {toml_string(d.group_name)}",
        "",
        f"# the portal (site name from its home page: {_comment(d.site_name)})",
        *_site_table(Candidate(d.portal, d.site_name, "government", True)),
    ]
    for c in d.sites:
        out += ["", *(f"# found on {_comment(w)}" for w in c.found[:3]), *_site_table(c)]
    if d.link_pages:
        out += ["", "# link pages read: " + "; ".join(_comment(f"{u}（{label}）") for u, label in d.link_pages)]
    for p in d.problems:
        out.append(f"# could not read: {_comment(p)}")
    if d.others:
        out += ["", "# --- outside the portal's domain (国务院, 省/市 sites, units hosted elsewhere): uncomment those that belong to the group"]
        for c in d.others:
            out += ["", *(f"# found on {_comment(w)}" for w in c.found[:3]), *_site_table(c, "# ")]
    return "\n".join(out) + "\n"
