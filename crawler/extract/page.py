"""Page facts: meta tags, footer identity, title, breadcrumb, publish date, main text.

CONTRACT (the spider relies on it; keep the names):

    extract_page(sel: parsel.Selector, url: str, today: datetime.date) -> PageFacts

Pure function: no Scrapy, no network, no clock (``today`` is passed in).

How it works: one iterative walk over the lxml tree builds a flat stream of
the page's *visible* text (text nodes only: never attributes, scripts,
styles or comments), with block boundaries marked by "\\n".  For every
element the walk records where its text starts and ends in that stream and
how many (link) characters it holds, so "the text of element E", "is this
offset inside E" and "link density of E" are O(1) afterwards.  Every
extractor below works on that stream; no XPath runs over the whole page.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.extract.dates import FoundDate, find_dates, parse_date


@dataclass
class FooterIdentity:
    site_id_code: str | None = None   # 网站标识码, e.g. "3609220011", "bm01000001"
    icp: str | None = None            # e.g. "赣ICP备11002306号-1"
    police: str | None = None         # e.g. "赣公网安备 36092202000105号" / "35012899001-19002"


@dataclass
class PageFacts:
    title: str = ""
    # Standard page-metadata <meta name=…> tags under their canonical names
    # (SiteName, SiteDomain, SiteIDCode, ColumnName, ColumnDescription,
    # ColumnKeywords, ColumnType, ArticleTitle, PubDate, ContentSource,
    # Keywords, Author, Description, Image, Url).  Present-but-empty tags are
    # kept with "" so "missing" and "empty" can be told apart.
    meta: dict[str, str] = field(default_factory=dict)
    breadcrumb: list[str] = field(default_factory=list)
    footer: FooterIdentity = field(default_factory=FooterIdentity)
    publish_date: dt.date | None = None
    publish_date_text: str | None = None
    publish_date_source: str | None = None
    main_text: str = ""
    is_article: bool = False
    # The 信息公开 metadata block, label -> value (索引号, 发布机构, 生成日期, 成文日期, 发布日期, 文号, 有效性…):
    # a table / dl / div-span block, else one line of "label：value" pairs; <meta name="文号"…> tags fill gaps.
    # crawler/extract/docmeta.py reads it into typed fields.
    doc_meta: dict[str, str] = field(default_factory=dict)
    # Data tables of report pages (年度报告/年报/报表): rows of cell texts, merged cells expanded
    tables: list[list[list[str]]] = field(default_factory=list)


MAIN_TEXT_CAP = 200_000
REPORT_TITLE_WORDS = ("年度报告", "年报", "报表", "信息公开工作报告")

# --------------------------------------------------------------------------
# Meta tags
# --------------------------------------------------------------------------
_META_CANONICAL = {
    name.lower(): name
    for name in (
        "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription",
        "ColumnKeywords", "ColumnType", "ArticleTitle", "PubDate", "ContentSource",
        "Keywords", "Author", "Description", "Image", "Url",
        # kept too (site-specific but useful for dates)
        "others", "Maketime", "firstpublishedtime",
    )
}

# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\ufeff]+")


def _norm(text: str) -> str:
    """Collapse all whitespace (incl. U+3000, NBSP, U+2002) to single spaces."""
    text = _ZERO_WIDTH_RE.sub("", text)
    return " ".join(text.split())


def _nonws(text: str) -> int:
    return sum(map(len, text.split()))

# --------------------------------------------------------------------------
# The visible-text walk
# --------------------------------------------------------------------------
_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "title", "head", "select",
    "option", "iframe", "object", "embed", "svg", "math", "textarea", "button",
})
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table",
    "tbody", "thead", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "hr", "section", "article", "header", "footer", "nav", "aside", "form",
    "blockquote", "pre", "center", "address", "main", "figure", "figcaption",
    "body", "html", "fieldset", "legend", "label", "ucapcontent", "ucaptitle",
})
_BOILER_TAGS = frozenset({"nav", "footer", "aside"})
_BOILER_ATTR_RE = re.compile(
    r"breadcrumb|crumb|footer|menu|sidebar|copyright|nav(?:$|[\s_-])|(?:^|[\s_-])nav|"
    r"(?:^|[\s_-])share",
    re.I,
)

# Known CMS body containers, most specific first.
# (Hanweb's <!--ZJEG_RSS.content.begin/end--> markers are handled first, apart.)
_CONTAINER_KINDS = (
    "ucap", "trs", "zoom", "article_content", "article-content",
    "pages_content", "main-txt", "#content", ".content",
)
_GENERIC_KINDS = frozenset({"#content", ".content"})
_CLASS_KIND = {
    "trs_editor": "trs",
    "trs_editor_view": "trs",
    "trs_ueditor": "trs",
    "article_content": "article_content",
    "article-content": "article-content",
    "pages_content": "pages_content",
    "main-txt": "main-txt",
    "content": ".content",
}
_ID_KIND = {
    "zoom": "zoom",
    "fontzoom": "zoom",
    "ucap-content": "pages_content",
    "content": "#content",
}

_ROW_TAGS = frozenset({"tr", "li", "dd", "dl", "p"})

# per-element record: (part index, stream offset, non-ws chars, link chars, <a> count, boiler depth)
_PIDX, _OFF, _CHARS, _LCHARS, _NLINKS, _BDEPTH = range(6)


class _Stream:
    """Visible text of a page as one string, plus per-element positions."""

    __slots__ = (
        "parts", "owners", "offs", "in_link", "bdepth", "text", "start", "end",
        "containers", "hanweb", "credit", "ucaptitle_off", "h1_off",
    )

    def __init__(self, tops: list[Any]) -> None:
        parts: list[str] = []
        owners: list[Any] = []
        offs: list[int] = []
        in_link: list[bool] = []
        bdepth_l: list[int] = []
        start: dict[Any, tuple[int, int, int, int, int, int]] = {}
        end: dict[Any, tuple[int, int, int, int, int, int]] = {}
        containers: dict[str, list[Any]] = {}
        credit: dict[Any, int] = {}
        hanweb_begin = hanweb_end = None
        ucaptitle_off = h1_off = None

        off = chars = lchars = nlinks = 0
        link_depth = bdepth = 0
        blocks: list[Any] = []
        nonws = _nonws

        def emit(text: str, owner: Any) -> None:
            nonlocal off, chars, lchars
            if text.isspace():
                # indentation between tags: one space at most, none after a break
                if not parts or parts[-1] == "\n" or parts[-1][-1:].isspace():
                    return
                text = " "
                n = 0
            else:
                n = nonws(text)
            parts.append(text)
            owners.append(owner)
            offs.append(off)
            in_link.append(link_depth > 0)
            bdepth_l.append(bdepth)
            off += len(text)
            if n:
                chars += n
                if link_depth:
                    lchars += n
                elif bdepth == 0 and blocks:
                    b = blocks[-1]
                    credit[b] = credit.get(b, 0) + n

        def sep() -> None:
            nonlocal off
            if parts and parts[-1] != "\n":
                if parts[-1] == " ":
                    # a lone space right before a break adds nothing
                    parts[-1] = "\n"
                    owners[-1] = None
                    in_link[-1] = False
                    return
                parts.append("\n")
                owners.append(None)
                offs.append(off)
                in_link.append(False)
                bdepth_l.append(bdepth)
                off += 1

        open_els: list[Any] = []  # currently open elements (parents of what comes next)
        closing: list[tuple[bool, bool, bool]] = []
        skip_depth = 0  # >0 while inside a skipped element (its 'end' still arrives)
        for top in tops:
            walker = etree.iterwalk(top, events=("start", "end", "comment"))
            for event, el in walker:
                if event == "comment":
                    ctext = el.text
                    if ctext and "ZJEG_RSS" in ctext:
                        if "content.begin" in ctext and hanweb_begin is None:
                            hanweb_begin = len(parts)
                        elif "content.end" in ctext and hanweb_begin is not None and hanweb_end is None:
                            hanweb_end = len(parts)
                    if open_els and el.tail:
                        emit(el.tail, open_els[-1])
                    continue
                tag = el.tag
                if event == "start":
                    if not isinstance(tag, str) or tag.lower() in _SKIP_TAGS:
                        walker.skip_subtree()
                        skip_depth += 1
                        continue
                    tag = tag.lower()
                    is_block = tag in _BLOCK_TAGS
                    is_link = tag == "a"
                    is_boiler = tag in _BOILER_TAGS
                    cls = el.get("class")
                    eid = el.get("id")
                    if cls or eid:
                        if not is_boiler and _BOILER_ATTR_RE.search(f"{cls or ''} {eid or ''}"):
                            is_boiler = True
                        if cls:
                            for tok in cls.split():
                                kind = _CLASS_KIND.get(tok.lower())
                                if kind:
                                    containers.setdefault(kind, []).append(el)
                        if eid:
                            kind = _ID_KIND.get(eid.strip().lower())
                            if kind:
                                containers.setdefault(kind, []).append(el)
                    if tag == "ucapcontent":
                        containers.setdefault("ucap", []).append(el)
                    elif tag == "ucaptitle" and ucaptitle_off is None:
                        ucaptitle_off = off
                    elif tag == "h1" and h1_off is None:
                        h1_off = off
                    if is_block:
                        sep()
                        blocks.append(el)
                    if is_link:
                        link_depth += 1
                        nlinks += 1
                    if is_boiler:
                        bdepth += 1
                    start[el] = (len(parts), off, chars, lchars, nlinks, bdepth)
                    open_els.append(el)
                    closing.append((is_block, is_link, is_boiler))
                    text = el.text
                    if text:
                        emit(text, el)
                    continue
                # event == "end"
                if skip_depth and (not isinstance(tag, str) or tag.lower() in _SKIP_TAGS) and (
                    not open_els or open_els[-1] is not el
                ):
                    skip_depth -= 1
                else:
                    open_els.pop()
                    is_block, is_link, is_boiler = closing.pop()
                    if is_block:
                        sep()
                        blocks.pop()
                    if is_link:
                        link_depth -= 1
                    if is_boiler:
                        bdepth -= 1
                    end[el] = (len(parts), off, chars, lchars, nlinks, bdepth)
                if open_els and el.tail:
                    emit(el.tail, open_els[-1])

        self.parts = parts
        self.owners = owners
        self.offs = offs
        self.in_link = in_link
        self.bdepth = bdepth_l
        self.text = "".join(parts)
        self.start = start
        self.end = end
        self.containers = containers
        self.credit = credit
        self.hanweb = (
            (hanweb_begin, hanweb_end)
            if hanweb_begin is not None and hanweb_end is not None and hanweb_end > hanweb_begin
            else None
        )
        self.ucaptitle_off = ucaptitle_off
        self.h1_off = h1_off

    # -- per-element helpers ------------------------------------------------
    def chars(self, el: Any) -> int:
        return self.end[el][_CHARS] - self.start[el][_CHARS]

    def link_chars(self, el: Any) -> int:
        return self.end[el][_LCHARS] - self.start[el][_LCHARS]

    def n_links(self, el: Any) -> int:
        return self.end[el][_NLINKS] - self.start[el][_NLINKS]

    def link_density(self, el: Any) -> float:
        c = self.chars(el)
        return self.link_chars(el) / c if c else 0.0

    def span(self, el: Any) -> tuple[int, int]:
        """Stream offsets [start, end) of the element's text."""
        return self.start[el][_OFF], self.end[el][_OFF]

    def part_range(self, el: Any) -> tuple[int, int]:
        return self.start[el][_PIDX], self.end[el][_PIDX]

    def part_at(self, offset: int) -> int:
        return bisect.bisect_right(self.offs, offset) - 1

    def contains(self, el: Any, offset: int) -> bool:
        s, e = self.span(el)
        return s <= offset < e

    def clean_text(self, el: Any) -> str:
        """The element's text without boilerplate (nav/share/footer…) inside it."""
        p0, p1 = self.part_range(el)
        base = self.start[el][_BDEPTH]
        bd = self.bdepth
        parts = self.parts
        return "".join(parts[i] for i in range(p0, p1) if bd[i] <= base)


# --------------------------------------------------------------------------
# Footer identity
# --------------------------------------------------------------------------
_PROV = "京津冀晋晉蒙辽遼吉黑沪滬苏蘇浙皖闽閩赣贛鲁魯豫鄂湘粤粵桂琼瓊渝川蜀贵貴黔云雲滇藏陕陝秦甘陇隴青宁寧新港澳台"
_FOOTER_TRANS = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "\uff1a": "：", "\uff0d": "-", "\u3000": " ", "\xa0": " "}
)
_SITE_ID_RE = re.compile(
    r"(?:网站标识码|網站標識碼|网站识别码|網站識別碼)\s*[：:]?\s*((?:bm|BM)\d{8}|\d{10})(?![0-9])"
)
# Both patterns start on a literal (fast scan); the province character in
# front of them is picked up by _with_province().
_ICP_RE = re.compile(r"ICP\s*[备備]\s*\d{5,12}\s*[号號](?:\s*-\s*\d{1,3})?", re.I)
_POLICE_RE = re.compile(
    r"(?:公[网網]安[备備](?:案)?|公安[备備]案)\s*(?:[号號]|编号|編號)?\s*[：:]?\s*"
    r"(?P<num>\d[\d-]{8,24}\d)(?![0-9])(?:\s*[号號])?"
)
_PROV_SET = frozenset(_PROV)


def _with_province(text: str, m: re.Match[str]) -> tuple[bool, str]:
    """(has province prefix, matched text including that prefix)."""
    i = m.start() - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    if i >= 0 and text[i] in _PROV_SET:
        return True, text[i:m.end()]
    return False, m.group(0)


def _last(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    m = None
    for m in regex.finditer(text):
        pass
    return m


_FOOTER_FW_RUN = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0d\u3000\xa0]+")


def _footer(text: str) -> FooterIdentity:
    # full-width digits/letters to ASCII; one-to-one, and only on the runs
    # that need it (str.translate over a whole page is slow)
    text = _FOOTER_FW_RUN.sub(lambda m: m.group().translate(_FOOTER_TRANS), text)
    out = FooterIdentity()
    if "码" in text or "碼" in text:
        m = _last(_SITE_ID_RE, text)
        if m:
            sid = m.group(1)
            out.site_id_code = sid.lower() if sid[:2].lower() == "bm" else sid
    if "ICP" in text or "icp" in text:
        m = _last(_ICP_RE, text)
        if m:
            out.icp = re.sub(r"\s+", "", _with_province(text, m)[1])
    if "安" in text:
        m = _last(_POLICE_RE, text)
        if m:
            has_prov, whole = _with_province(text, m)
            # "赣公网安备 36092202000105号" as written; bare "公安备案号：…" -> the number
            out.police = _norm(whole) if has_prov else m.group("num")
    return out


# --------------------------------------------------------------------------
# Breadcrumb
# --------------------------------------------------------------------------
_CRUMB_LABEL_RE = re.compile(r"(?:当前|您|你|所在|现在|目前)的?\s*位置|位置导航")
_CRUMB_ATTR_RE = re.compile(r"crumb|position|location|dqwz|weizhi|lujing|curpos|curmb|path", re.I)
_CRUMB_HOME_RE = re.compile(r"首\s*页\s*(?:>|＞|»|›|→|/)")
_CRUMB_SEP_RE = re.compile(r">|＞|»|›|→|(?:^|\s)/(?:\s|$)|(?:^|\s)\|(?:\s|$)")
_CRUMB_JUNK_RE = re.compile(r"print|share|font|size|zoom|search|fav|tool", re.I)
_CRUMB_PREFIX_RE = re.compile(r"^.*?(?:位置|导航|所在栏目)\s*[：:]?\s*")


def _climb_to_links(st: _Stream, el: Any, limit: int = 4) -> Any | None:
    for _ in range(limit):
        if el is None or el not in st.start:
            return None
        if st.n_links(el) >= 1:
            return el
        el = el.getparent()
    return None


def _crumb_items(st: _Stream, box: Any) -> list[str]:
    p0, p1 = st.part_range(box)
    segs: list[str] = []
    cur: list[str] = []
    seps = 0
    junk_cache: dict[Any, bool] = {}

    def is_junk(owner: Any) -> bool:
        if owner in junk_cache:
            return junk_cache[owner]
        e, res = owner, False
        while e is not None and e is not box:
            c = f"{e.get('class') or ''} {e.get('id') or ''}"
            if c.strip() and _CRUMB_JUNK_RE.search(c):
                res = True
                break
            e = e.getparent()
        junk_cache[owner] = res
        return res

    for i in range(p0, p1):
        text = st.parts[i]
        owner = st.owners[i]
        if owner is None:
            cur.append(" ")
            continue
        if is_junk(owner):
            continue
        if st.in_link[i]:
            cur.append(text)
            continue
        pieces = _CRUMB_SEP_RE.split(text)
        for k, piece in enumerate(pieces):
            if k:
                segs.append(_norm("".join(cur)))
                cur = []
                seps += 1
            cur.append(piece)
    segs.append(_norm("".join(cur)))
    if seps == 0:
        # separators drawn by CSS: one item per <li>, else per <a>
        items = [li for li in box.iter("li")] or [a for a in box.iter("a")]
        segs = [_norm("".join(x.itertext())) for x in items]
    out: list[str] = []
    for s in segs:
        if not out and "位置" in s or "导航" in s:
            s = _CRUMB_PREFIX_RE.sub("", s)
        s = s.strip(" ：:")
        if s:
            out.append(s)
    return out


def _breadcrumb(st: _Stream) -> list[str]:
    text = st.text
    boxes: list[Any] = []
    for k, m in enumerate(_CRUMB_LABEL_RE.finditer(text)):
        if k == 3:
            break
        owner = st.owners[st.part_at(m.start())]
        box = _climb_to_links(st, owner)
        if box is not None:
            boxes.append(box)
    m = _CRUMB_HOME_RE.search(text)
    if m:
        owner = st.owners[st.part_at(m.start())]
        box = _climb_to_links(st, owner.getparent() if owner is not None else None)
        if box is not None:
            # need at least two links for an unlabelled trail
            while box is not None and box in st.start and st.n_links(box) < 2:
                box = box.getparent()
            if box is not None and box in st.start:
                boxes.append(box)
    for box in boxes:
        if st.chars(box) > 400:
            continue
        items = _crumb_items(st, box)
        if items:
            return items
    return []


def _breadcrumb_by_attr(st: _Stream) -> list[str]:
    for el in st.start:
        cls = el.get("class")
        eid = el.get("id")
        if not (cls or eid):
            continue
        if not _CRUMB_ATTR_RE.search(f"{cls or ''} {eid or ''}"):
            continue
        if st.n_links(el) < 1 or st.chars(el) > 400 or st.chars(el) == 0:
            continue
        items = _crumb_items(st, el)
        if len(items) >= 2:
            return items
    return []


# --------------------------------------------------------------------------
# 信息公开 metadata block
# --------------------------------------------------------------------------
# Labels that mark a 信息公开 metadata block (enough of them together = the block).
_STRONG_LABELS = (
    "索引号", "发布机构", "发文机关", "发文单位", "发布单位", "主题分类", "体裁分类",
    "组配分类", "服务对象分类", "信息分类", "成文日期", "生成日期", "发文日期",
    "公开日期", "发文字号", "文号", "有效性", "时效性", "时效", "公开方式", "公开时限",
    "公开范围", "公开形式", "公开属性", "责任部门", "所属机构", "效力状态", "主题词",
)
# Labels only read inside a block already found.
_WEAK_LABELS = (
    "发布日期", "发布时间", "名称", "标题", "分类", "关键词", "关键字", "信息来源",
    "来源", "废止日期", "失效日期", "施行日期", "生效日期", "实施日期", "文件编号",
    "内容概述", "摘要", "统一编号", "登记号", "所属主题", "主题", "信息名称",
)


def _label_alt(labels: tuple[str, ...]) -> str:
    return "|".join(
        r"\s*".join(map(re.escape, lab)) for lab in sorted(labels, key=len, reverse=True)
    )


_STRONG_RE = re.compile(rf"^\s*(?P<label>{_label_alt(_STRONG_LABELS)})\s*(?P<colon>[：:])?")
_ANY_LABEL_RE = re.compile(
    rf"^\s*(?P<label>{_label_alt(_STRONG_LABELS + _WEAK_LABELS)})\s*(?P<colon>[：:])?"
)
_LABEL_FIRST = frozenset(lab[0] for lab in _STRONG_LABELS + _WEAK_LABELS)
_GENERIC_LABEL_RE = re.compile(
    r"^\s*(?P<label>[\u4e00-\u9fff](?:[\u4e00-\u9fff]|\s){0,12}?[\u4e00-\u9fff])\s*(?P<colon>[：:])"
)


def _label_match(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    m = regex.match(text)
    if m is None:
        return None
    if m.group("colon") is None and text[m.end():].strip():
        return None  # a colon-less label must stand alone in its node
    return m


def _key(label: str) -> str:
    return "".join(label.split()).rstrip("：:")


def _doc_block(st: _Stream, main_span: tuple[int, int] | None) -> Any | None:
    """The smallest element holding the strong 信息公开 labels.

    Normally the lowest common ancestor of all of them.  When that is a big
    element (it holds the article body, or labels are scattered over the page,
    or the block is duplicated for desktop + mobile), the deepest element
    holding at least half of them instead, so the block does not blow up to
    <body>.
    """
    counts: dict[Any, int] = {}
    depth_of: dict[Any, int] = {}
    first = _LABEL_FIRST
    for i, text in enumerate(st.parts):
        owner = st.owners[i]
        if owner is None or st.in_link[i] or len(text) > 200:
            continue
        if text.lstrip()[:1] not in first or _label_match(_STRONG_RE, text) is None:
            continue
        chain = []
        e = owner
        while e is not None:
            chain.append(e)
            e = e.getparent()
        depth = len(chain)
        for k, e in enumerate(chain):
            counts[e] = counts.get(e, 0) + 1
            depth_of[e] = depth - k
    if not counts:
        return None
    best = max(counts.values())
    if best < 2:
        return None
    def deepest(need: int) -> Any | None:
        cands = [e for e, c in counts.items() if c >= need and e in st.start]
        return max(cands, key=lambda e: (depth_of[e], -st.start[e][_OFF])) if cands else None

    lca = deepest(best)
    if lca is not None and st.chars(lca) <= 3000 and not (
        main_span is not None and st.contains(lca, main_span[0])
    ):
        return lca  # all labels in one compact element (possibly split in parts)
    cluster = deepest(max(2, (best + 1) // 2))
    return cluster if cluster is not None else lca


def _doc_meta(st: _Stream, block: Any) -> dict[str, str]:
    p0, p1 = st.part_range(block)
    generic_ok = st.chars(block) <= 3000
    labels: list[tuple[int, int, str, int]] = []  # (label start off, value start off, key, row end off)
    for i in range(p0, p1):
        text = st.parts[i]
        owner = st.owners[i]
        if owner is None or st.in_link[i] or len(text) > 300:
            continue
        m = _label_match(_ANY_LABEL_RE, text)
        if m is None and generic_ok:
            m = _GENERIC_LABEL_RE.match(text)
            if m is not None and len(_key(m.group("label"))) > 8:
                m = None
        if m is None:
            continue
        key = _key(m.group("label"))
        rest = text[m.end():]
        if rest.strip():
            row = owner
        else:
            lab_chars = _nonws(text)
            row = owner
            while row is not block:
                if row.tag in _ROW_TAGS:
                    break
                if st.chars(row) > lab_chars:
                    break
                parent = row.getparent()
                if parent is None or parent not in st.start:
                    break
                row = parent
        label_off = st.offs[i]
        labels.append((label_off, label_off + m.end(), key, st.span(row)[1]))
    out: dict[str, str] = {}
    text = st.text
    for k, (_, vstart, key, row_end) in enumerate(labels):
        vend = row_end
        if k + 1 < len(labels):
            vend = min(vend, labels[k + 1][0])
        if key not in out:
            out[key] = _norm(text[vstart:max(vstart, vend)])
    return out


# One line of text holding several "label：value" pairs (no block element per
# label): "索引号：000/2026-1 发布机构：某局 成文日期：2026-07-01 文号：…".
_INLINE_LABEL_RE = re.compile(
    rf"(?:^|(?<=[\s|｜、，,;；]))(?P<label>{_label_alt(_STRONG_LABELS + _WEAK_LABELS)})\s*[：:]"
)
_STRONG_KEYS = frozenset(_key(lab) for lab in _STRONG_LABELS)


def _doc_meta_line(st: _Stream) -> dict[str, str]:
    """The first short text node with at least two strong labels, split at its labels."""
    for i, text in enumerate(st.parts):
        if st.owners[i] is None or st.in_link[i] or len(text) > 400 or "：" not in text and ":" not in text:
            continue
        hits = list(_INLINE_LABEL_RE.finditer(text))
        if sum(_key(m.group("label")) in _STRONG_KEYS for m in hits) < 2:
            continue
        out: dict[str, str] = {}
        for k, m in enumerate(hits):
            end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
            key = _key(m.group("label"))
            if key not in out:
                out[key] = _norm(text[m.end():end])
        return out
    return {}


_META_DOC_KEYS = frozenset(_key(lab) for lab in _STRONG_LABELS + _WEAK_LABELS)


def _meta_doc_labels(tops: list[Any]) -> dict[str, str]:
    """<meta name="文号" content="…">: metadata published as meta tags under the label names."""
    out: dict[str, str] = {}
    for el in (e for top in tops for e in top.iter("meta")):
        name = el.get("name")
        if not name:
            continue
        key = _key(name)
        if key in _META_DOC_KEYS and key not in out:
            out[key] = _norm(el.get("content") or "")
    return out


# --------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------
def _main_container(st: _Stream) -> tuple[Any | None, str | None]:
    for kind in _CONTAINER_KINDS:
        els = st.containers.get(kind)
        if not els:
            continue
        best = None
        best_chars = 0
        for el in els:
            if el not in st.start:
                continue
            c = st.chars(el) - st.link_chars(el)
            if kind in _GENERIC_KINDS and (st.link_density(el) > 0.5 or c < 50):
                continue
            if c > best_chars:
                best, best_chars = el, c
        if best is not None:
            return best, kind
    # Fallback: the block whose paragraphs hold the most non-link text.
    score: dict[Any, float] = {}
    for b, c in st.credit.items():
        score[b] = score.get(b, 0.0) + c
        p = b.getparent()
        if p is not None:
            score[p] = score.get(p, 0.0) + c
            gp = p.getparent()
            if gp is not None:
                score[gp] = score.get(gp, 0.0) + c / 2
    best, best_s = None, 0.0
    for el, s in score.items():
        if el not in st.start or el.tag in ("html",):
            continue
        s *= 1.0 - st.link_density(el)
        if s > best_s:
            best, best_s = el, s
    return best, (None if best is None else "fallback")


# --------------------------------------------------------------------------
# Publish date
# --------------------------------------------------------------------------
_DATE_LABEL_RE = re.compile(
    r"(?:(?:发布|发文|公开|发表|发稿|上网)\s*(?:日期|时间)\s*[：:]?"
    r"|(?<![\u4e00-\u9fff])(?:时\s*间|日\s*期)\s*[：:])\s*"
)
_DATE_START_RE = re.compile(r"[0-9０-９〇零○一二]")
_ROWISH = frozenset({"li", "tr"})
_REGEN_RE = re.compile(r"页面生成时间\s*[：:]?\s*(.*)")
_META_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_META_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _meta_date(value: str, today: dt.date) -> dt.date | None:
    m = _META_DATE_RE.match(value)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return parse_date(value, today)


def _stamp(value: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    d = _meta_date(value, today)
    t = _META_TIME_RE.search(value)
    tt = None
    if t:
        tt = f"{int(t.group(1)):02d}:{t.group(2)}:{t.group(3) or '00'}"
    return d, tt


def _in_link_list(st: _Stream, owner: Any) -> bool:
    """True when the date sits in a list row (<li>/<tr>) that carries a link title."""
    e = owner
    for _ in range(6):
        if e is None or not isinstance(e.tag, str):
            return False
        if e.tag in _ROWISH:
            return e in st.start and st.link_chars(e) >= 6
        e = e.getparent()
    return False


def _visible_dates(
    st: _Stream, today: dt.date, block: Any | None
) -> list[tuple[int, FoundDate, str]]:
    text = st.text
    out: list[tuple[int, FoundDate, str]] = []
    for m in _DATE_LABEL_RE.finditer(text):
        pos = m.end()
        if pos >= len(text) or not _DATE_START_RE.match(text, pos):
            continue
        window = text[pos:pos + 40]
        found = find_dates(window, today)
        if not found or found[0].start != 0 or not found[0].has_day:
            continue
        pidx = st.part_at(m.start())
        owner = st.owners[pidx]
        if owner is None or st.in_link[pidx] or st.bdepth[pidx] > 0:
            continue
        if block is not None and st.contains(block, m.start()) and st.chars(block) <= 5000:
            continue  # 信息公开 block dates are read through doc_meta
        if _in_link_list(st, owner):
            continue
        out.append((m.start(), found[0], window[found[0].start:found[0].end]))
    return out


def _title_offset(st: _Stream, article_title: str) -> int | None:
    if st.ucaptitle_off is not None:
        return st.ucaptitle_off
    if article_title:
        i = st.text.find(article_title)
        if i >= 0:
            return i
    return st.h1_off


def _choose_visible(
    cands: list[tuple[int, FoundDate, str]],
    title_off: int | None,
    main_span: tuple[int, int] | None,
) -> tuple[int, FoundDate, str] | None:
    if not cands:
        return None
    lo = title_off if title_off is not None else 0
    if main_span is not None and main_span[0] > lo:
        hi = main_span[0]
    elif title_off is not None:
        hi = lo + 1000
    else:
        hi = 1 << 62
    window = [c for c in cands if lo <= c[0] < hi and not (main_span and main_span[0] <= c[0] < main_span[1])]
    if window:
        return window[0] if title_off is not None else window[-1]
    if title_off is not None:
        # info bar printed just above the title
        before = [c for c in cands if title_off - 300 <= c[0] < title_off]
        if before:
            return before[-1]
    if main_span is not None:
        after = [c for c in cands if main_span[1] <= c[0] < main_span[1] + 300]
        if after:
            return after[0]
    return None


def _publish_date(
    st: _Stream,
    today: dt.date,
    meta: dict[str, str],
    doc_meta: dict[str, str],
    block: Any | None,
    main_span: tuple[int, int] | None,
) -> tuple[dt.date | None, str | None, str | None]:
    # (1) a labelled date in the info bar near the title (text nodes only)
    cands = _visible_dates(st, today, block)
    pick = _choose_visible(cands, _title_offset(st, meta.get("ArticleTitle", "")), main_span)
    if pick is not None:
        _, fd, text = pick
        return fd.value, text, "visible"
    # (2) 信息公开 block: 发布日期 / 公开日期
    for key in ("发布日期", "公开日期", "发布时间"):
        value = doc_meta.get(key)
        if value:
            d = parse_date(value, today)
            if d is not None:
                return d, value, "doc_meta"
    # (3) meta PubDate, unless it is just the page-regeneration stamp
    pub = meta.get("PubDate", "")
    pub_date, pub_time = _stamp(pub, today) if pub else (None, None)
    regen = False
    if pub_date is not None:
        m = _REGEN_RE.search(meta.get("others", ""))
        if m:
            r_date, r_time = _stamp(m.group(1), today)
            regen = r_date == pub_date and (r_time == pub_time or pub_time is None or r_time is None)
        if not regen:
            return pub_date, pub, "meta:PubDate"
    # (4) meta firstpublishedtime
    first = meta.get("firstpublishedtime", "")
    if first:
        d = _meta_date(first, today)
        if d is not None:
            return d, first, "meta:firstpublishedtime"
    # PubDate is only the regeneration time: a visible document date is closer
    # to the truth (UCAP pages show 发文日期/生成日期 in the block).
    if regen:
        for key in ("发文日期", "生成日期", "成文日期"):
            value = doc_meta.get(key)
            if value:
                d = parse_date(value, today)
                if d is not None:
                    return d, value, "doc_meta"
        return pub_date, pub, "meta:PubDate"
    return None, None, None


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
def _meta(tops: list[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in (e for top in tops for e in top.iter("meta")):
        name = el.get("name")
        if not name:
            continue
        canon = _META_CANONICAL.get(name.strip().lower())
        if canon is None or canon in out:
            continue
        out[canon] = (el.get("content") or "").strip()
    return out


def _title(tops: list[Any]) -> str:
    for el in (e for top in tops for e in top.iter("title")):
        return _norm("".join(el.itertext()))
    return ""


def extract_page(sel: Any, url: str, today: dt.date) -> PageFacts:
    """All page facts from a parsed page (see module docstring)."""
    root = getattr(sel, "root", sel)
    facts = PageFacts()
    if not isinstance(getattr(root, "tag", None), str):
        return facts
    # Top-level elements of the document.  Pages with a stray </html> in an
    # included header make libxml2 start a *second* <html> root after the
    # first one: the article and footer live there, so walk every root.
    if root.getparent() is None:
        tops = [root, *(e for e in root.itersiblings() if isinstance(e.tag, str))]
        tops[:0] = [e for e in root.itersiblings(preceding=True) if isinstance(e.tag, str)][::-1]
    else:
        tops = [root]
    facts.meta = _meta(tops)
    facts.title = _title(tops)

    st = _Stream(tops)

    facts.footer = _footer(st.text)
    facts.breadcrumb = _breadcrumb(st) or _breadcrumb_by_attr(st)


    # main text
    main_span: tuple[int, int] | None = None
    main_text = ""
    main_chars = 0
    main_ld = 1.0
    if st.hanweb is not None:
        p0, p1 = st.hanweb
        main_text = "".join(st.parts[p0:p1])
        main_span = (st.offs[p0], st.offs[p1] if p1 < len(st.offs) else len(st.text))
        main_chars = _nonws(main_text)
        lc = sum(_nonws(st.parts[i]) for i in range(p0, p1) if st.in_link[i])
        main_ld = lc / main_chars if main_chars else 0.0
    else:
        el, _kind = _main_container(st)
        if el is not None:
            main_text = st.clean_text(el)
            main_span = st.span(el)
            main_chars = st.chars(el)
            main_ld = st.link_density(el)
    facts.main_text = _norm(main_text)[:MAIN_TEXT_CAP]

    block = _doc_block(st, main_span)
    if block is not None:
        facts.doc_meta = _doc_meta(st, block)
    else:
        facts.doc_meta = _doc_meta_line(st)
    for key, value in _meta_doc_labels(tops).items():
        facts.doc_meta.setdefault(key, value)

    d, text, source = _publish_date(st, today, facts.meta, facts.doc_meta, block, main_span)
    facts.publish_date, facts.publish_date_text, facts.publish_date_source = d, text, source

    title_text = facts.meta.get("ArticleTitle") or facts.title
    if any(word in title_text for word in REPORT_TITLE_WORDS):
        from crawler.extract.tables import extract_tables

        facts.tables = extract_tables(tops)

    substantial = main_chars - main_chars * main_ld >= 200 and main_ld < 0.5
    facts.is_article = bool(facts.meta.get("ArticleTitle")) or (
        facts.publish_date is not None and substantial
    )
    return facts
