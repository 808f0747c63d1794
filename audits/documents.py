"""The documents of one site: 规范性文件, policy documents, 政策解读 and how they pair.

Shared by the normative-doc-*, interpretation-* rules and the statistics.
Everything is read from stored crawl facts (pages, links, list_items,
columns); nothing is fetched.

Which pages are 规范性文件 (a page is an article of this site that is not
itself an interpretation), any one of:

* its 文号 carries 规 in the issuer code (岚综管办规〔2023〕12号, 青政规〔2026〕5号;
  not 规划);
* it sits in a column named 规范性文件 (its ColumnName, its breadcrumb, or a
  column list of this site that lists it) — ``column_words``;
* its title has 规定/办法/细则 (``title_words``) and it has a 文号.

A *policy document* (needs an interpretation too) is a 规范性文件, or a page
with a 文号 issued in the government's name: the issuer code ends in 政发 /
政办发 / 政规 (青政发〔2026〕3号), or the 发布机构 / title starts with
"…人民政府" (not one of its departments).

An *interpretation* (政策解读) is a page whose title has 解读 / 一图读懂 /
图解, or that sits in a column whose name ends with 解读 (政策解读, 图文解读;
"政策及解读" is a mixed column, not an interpretation column).  A link whose
anchor text says 解读 counts as a link to an interpretation even when the
target was not crawled (another site, or outside the budget).

Pairing a document D with its interpretation I:

* ``doc→interp``: D links to I (a 相关解读 / 关联稿件 link);
* ``interp→doc``: I links to D (a 相关文件 / 政策原文 link);
* ``title``: I's title names D (《…》 or the words after 一图读懂), or carries D's 文号.

A link target that is linked from more than ``template_links`` pages is
navigation (a "最新解读" sidebar on every page), not an association, unless
the titles also match.  Two-way (双向关联) means both link directions exist.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from audits.context import SiteContext
from crawler.extract.docmeta import DocMeta, is_normative_doc_no, normalize_doc_no, read_doc_meta

DEFAULT_TITLE_WORDS = ("规定", "办法", "细则")
DEFAULT_COLUMN_WORDS = ("规范性文件",)
INTERP_WORDS = ("解读", "一图读懂", "一图看懂", "图解", "读懂")
_INTERP_TITLE_RE = re.compile("|".join(INTERP_WORDS))
_INTERP_COLUMN_RE = re.compile(r"(?<![及与和、])解读(?:回应|材料)?$|^图解")
_GOV_ISSUER_RE = re.compile(r"政(?:办)?(?:发|规|函)$|政(?:办)?规")
_GOV_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?:省|市|县|区|州|盟|旗)?人民政府(?:办公室|办公厅)?(?:关于|印发|$)")
_DEPT_AFTER_GOV_RE = re.compile(r"人民政府(?!办公室|办公厅)[\u4e00-\u9fff]{1,10}(?:局|委|办|中心)")
_PUNCT_RE = re.compile(r"[\s《》〈〉“”\"'‘’「」『』（）()【】\[\]、，,。：:；;！!？?·—\-_]+")
CHUNK = 400


def words(value: Any, default: Sequence[str]) -> tuple[str, ...]:
    """A tuple of words from a Params value (tuple, list, or "a,b|c" string)."""
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        return tuple(w for w in re.split(r"[,，、|;；\s]+", value) if w)
    if not isinstance(value, (list, tuple, set, frozenset)):
        return tuple(default)
    return tuple(str(w) for w in value if str(w))


@dataclass
class Doc:
    url: str
    title: str
    meta: DocMeta
    columns: tuple[str, ...]  # ColumnName, breadcrumb entries, names of columns listing it
    normative: bool = False
    normative_reason: str | None = None
    policy: bool = False
    policy_reason: str | None = None
    interpretation: bool = False
    interpretation_reason: str | None = None
    pub_date: dt.date | None = None  # the page's own publish date (for interpretations)

    @property
    def published(self) -> dt.date | None:
        return self.meta.published.value if self.meta.published else self.pub_date

    @property
    def column(self) -> str | None:
        return self.columns[0] if self.columns else None


@dataclass
class Association:
    interp_url: str
    interp_title: str
    interp_date: dt.date | None
    ways: set[str] = field(default_factory=set)  # doc→interp | interp→doc | title
    anchors: list[str] = field(default_factory=list)
    crawled: bool = True

    @property
    def two_way(self) -> bool:
        return "doc→interp" in self.ways and "interp→doc" in self.ways

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.interp_url,
            "title": self.interp_title,
            "published": self.interp_date.isoformat() if self.interp_date else None,
            "ways": sorted(self.ways),
            "two_way": self.two_way,
            "crawled": self.crawled,
            "anchors": self.anchors[:5],
        }


@dataclass
class SiteDocuments:
    docs: list[Doc]  # every article page of the site
    by_url: dict[str, Doc]
    associations: dict[str, list[Association]]  # doc url -> its interpretations (policy docs only)

    @property
    def normative(self) -> list[Doc]:
        return [d for d in self.docs if d.normative]

    @property
    def policy(self) -> list[Doc]:
        return [d for d in self.docs if d.policy]

    @property
    def interpretations(self) -> list[Doc]:
        return [d for d in self.docs if d.interpretation]


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _norm_title(text: str) -> str:
    return _PUNCT_RE.sub("", text or "")


def core_title(title: str) -> str:
    """The document's own name: '青山县人民政府关于印发青山县X办法的通知' -> '青山县X办法'."""
    t = _norm_title(title)
    m = re.search(r"关于(?:印发|转发|公布|发布)?(.+?)(?:的通知|的决定|的通告|的公告|的批复)?$", t)
    core = m.group(1) if m else t
    return core or t


def referenced_title(interp_title: str) -> str:
    """What an interpretation's title names: the 《…》 text, or the words around 解读."""
    quoted = re.findall(r"[《〈]([^》〉]{4,})[》〉]", interp_title or "")
    if quoted:
        return _norm_title(max(quoted, key=len))
    t = _norm_title(interp_title)
    t = re.sub(r"^(?:图文|视频|动漫|专家|部门|政策)?(?:一图读懂|一图看懂|图解|解读)", "", t)
    t = re.sub(r"(?:的)?(?:政策)?(?:图文|文字|专家|官方)?解读(?:材料)?$", "", t)
    t = re.sub(r"^关于", "", t)
    t = re.sub(r"(?:的)?(?:政策)?$", "", t)
    return t


def titles_match(doc: Doc, interp_title: str) -> bool:
    ref = referenced_title(interp_title)
    no = normalize_doc_no(interp_title)
    if no and doc.meta.doc_no and no.text == doc.meta.doc_no.text:
        return True
    if len(ref) < 6:
        return False
    full = _norm_title(doc.title)
    core = core_title(doc.title)
    return ref in full or (len(core) >= 6 and (core in ref or ref in core))


def _interp_by_title(title: str) -> bool:
    return bool(_INTERP_TITLE_RE.search(title or ""))


def is_interpretation_anchor(anchor: str, target: str = "") -> bool:
    """A link text that names an interpretation (not a 政策解读 column link such as "平潭政策解读")."""
    a = _norm_title(anchor)
    if not _INTERP_TITLE_RE.search(a):
        return False
    path = target.split("?", 1)[0].split("#", 1)[0]
    if path.endswith("/") or re.search(r"/index\.s?html?$", path):
        return False  # a column's list page
    return "《" in anchor or len(a) >= 10


def interpretation_links(links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(target, anchor) of the links that point at an interpretation, judged by their text."""
    return [(t, a) for t, a in links if is_interpretation_anchor(a, t)]


def _interp_by_column(name: str) -> bool:
    return bool(_INTERP_COLUMN_RE.search("".join((name or "").split())))


def load(
    ctx: SiteContext,
    *,
    title_words: Sequence[str] = DEFAULT_TITLE_WORDS,
    column_words: Sequence[str] = DEFAULT_COLUMN_WORDS,
    template_links: int = 5,
    include_policy_docs: bool = True,
) -> SiteDocuments:
    """Every article of the site, classified, and each policy document's interpretations.

    Cached per database object for one run, site, date and settings (several
    rules and the statistics ask for the same index); the cache key includes
    the run's page and link counts, so facts added later are seen.
    """
    version = ctx.query(
        "SELECT (SELECT count(*) FROM pages WHERE run_id = ?) AS p, (SELECT count(*) FROM links WHERE run_id = ?) AS l, "
        "(SELECT count(*) FROM list_items WHERE run_id = ?) AS i",
        [ctx.run_id, ctx.run_id, ctx.run_id],
    )[0]
    key = (ctx.run_id, ctx.root, ctx.as_of, tuple(title_words), tuple(column_words), template_links, include_policy_docs,
           version["p"], version["l"], version["i"])
    cache = ctx.db.__dict__.setdefault("_govaudit_documents", {})
    hit = cache.get(key)
    if hit is not None:
        return hit
    if len(cache) > 32:
        cache.clear()
    cache[key] = result = _load(ctx, title_words, column_words, template_links, include_policy_docs)
    return result


def _load(
    ctx: SiteContext,
    title_words: Sequence[str],
    column_words: Sequence[str],
    template_links: int,
    include_policy_docs: bool,
) -> SiteDocuments:
    run = ctx.query("SELECT today FROM crawl_runs WHERE id = ?", [ctx.run_id])
    try:
        crawl_today = dt.date.fromisoformat(run[0]["today"]) if run and run[0].get("today") else ctx.as_of
    except ValueError:
        crawl_today = ctx.as_of
    ref_day = max(ctx.as_of, crawl_today)  # bounds plausible years of the dates read
    rows = ctx.query(
        "SELECT url, title, article_title, column_name, breadcrumb_json, doc_meta_json, pub_date, "
        "pub_date_source, pub_date_text, main_text FROM pages "
        "WHERE run_id = ? AND root = ? AND is_article = 1 AND error IS NULL AND (status IS NULL OR status < 400)",
        [ctx.run_id, ctx.root],
    )
    # the columns of this site that list each page
    listed: dict[str, list[str]] = defaultdict(list)
    for r in ctx.query(
        "SELECT DISTINCT li.url, c.name FROM list_items li JOIN columns c ON c.run_id = li.run_id AND c.url = li.column_url "
        "WHERE li.run_id = ? AND c.root = ?",
        [ctx.run_id, ctx.root],
    ):
        if r["name"] and r["name"] not in listed[r["url"]]:
            listed[r["url"]].append(r["name"])

    docs: list[Doc] = []
    for r in rows:
        title = (r.get("article_title") or "").strip() or _page_title(r.get("title") or "")
        try:
            dm = json.loads(r["doc_meta_json"]) if r.get("doc_meta_json") else {}
        except ValueError:
            dm = {}
        meta = read_doc_meta(
            dm,
            title=title,
            main_text=r.get("main_text") or "",
            pub_date=r.get("pub_date"),
            pub_date_source=r.get("pub_date_source"),
            pub_date_text=r.get("pub_date_text"),
            today=ref_day,
        )
        crumbs = _json_list(r.get("breadcrumb_json"))
        cols: list[str] = []
        for c in [*listed.get(r["url"], []), r.get("column_name") or "", *reversed(crumbs)]:
            c = c.strip()
            if c and c not in cols and c not in ("正文", "首页", "头部"):
                cols.append(c)
        d = Doc(r["url"], title, meta, tuple(cols), pub_date=ctx.parse_day(r.get("pub_date")))
        _classify(d, title_words, column_words, include_policy_docs)
        docs.append(d)
    by_url = {d.url: d for d in docs}
    assoc = _associate(ctx, docs, by_url, template_links)
    return SiteDocuments(docs, by_url, assoc)


def _page_title(title: str) -> str:
    for sep in ("_", "|", " - ", "－", "—"):
        if sep in title:
            return title.split(sep)[0].strip()
    return title.strip()


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        v = json.loads(text)
    except ValueError:
        return []
    return [str(x) for x in v] if isinstance(v, list) else []


def _classify(d: Doc, title_words: Sequence[str], column_words: Sequence[str], include_policy: bool) -> None:
    col_interp = next((c for c in d.columns[:2] if _interp_by_column(c)), None)
    if _interp_by_title(d.title) and not is_normative_doc_no(d.meta.doc_no):
        d.interpretation, d.interpretation_reason = True, f"标题含“{_INTERP_TITLE_RE.search(d.title).group(0)}”"  # type: ignore[union-attr]
    elif col_interp and d.meta.doc_no is None:
        d.interpretation, d.interpretation_reason = True, f"栏目“{col_interp}”"
    if d.interpretation:
        return
    no = d.meta.doc_no
    if is_normative_doc_no(no):
        d.normative, d.normative_reason = True, f"文号“{no.text}”含“规”字"  # type: ignore[union-attr]
    else:
        col = next((c for c in d.columns if any(w in c for w in column_words)), None)
        if col:
            d.normative, d.normative_reason = True, f"所在栏目“{col}”"
        elif no is not None:
            w = next((w for w in title_words if w in d.title), None)
            if w:
                d.normative, d.normative_reason = True, f"标题含“{w}”且有文号“{no.text}”"
    if d.normative:
        d.policy, d.policy_reason = True, "规范性文件"
        return
    if not include_policy or no is None:
        return
    if _GOV_ISSUER_RE.search(no.issuer):
        d.policy, d.policy_reason = True, f"以政府名义发文（文号“{no.text}”）"
        return
    publisher = d.meta.publisher or ""
    for text in (publisher, d.title):
        if _GOV_NAME_RE.search(text) and not _DEPT_AFTER_GOV_RE.search(text):
            d.policy, d.policy_reason = True, f"以政府名义发文（“{text[:30]}”）"
            return


def _associate(ctx: SiteContext, docs: list[Doc], by_url: dict[str, Doc], template_links: int) -> dict[str, list[Association]]:
    policy = [d for d in docs if d.policy]
    interps = [d for d in docs if d.interpretation]
    out: dict[str, list[Association]] = {d.url: [] for d in policy}
    if not policy:
        return out
    policy_urls = [d.url for d in policy]
    interp_urls = [d.url for d in interps]
    links: list[dict[str, Any]] = []
    for chunk in _chunks(policy_urls + interp_urls):
        marks = ",".join("?" * len(chunk))
        links += ctx.query(
            f"SELECT source, target, anchor FROM links WHERE run_id = ? AND kind IN ('page', 'external', 'attachment') "
            f"AND source IN ({marks})",
            [ctx.run_id, *chunk],
        )
    policy_set = set(policy_urls)
    interp_set = set(interp_urls)
    links = [
        lk for lk in links
        if lk["source"] != lk["target"] and (
            lk["target"] in policy_set or lk["target"] in interp_set
            or (lk["source"] in policy_set and lk["target"] not in by_url and is_interpretation_anchor(lk["anchor"] or "", lk["target"]))
        )
    ]
    # how many pages link each target: navigation shows up everywhere
    fan_in: dict[str, int] = {}
    targets = sorted({lk["target"] for lk in links})
    for chunk in _chunks(targets):
        marks = ",".join("?" * len(chunk))
        for r in ctx.query(
            f"SELECT target, count(DISTINCT source) AS n FROM links WHERE run_id = ? AND target IN ({marks}) GROUP BY target",
            [ctx.run_id, *chunk],
        ):
            fan_in[r["target"]] = r["n"]

    def get(doc_url: str, interp_url: str, title: str, date: dt.date | None, crawled: bool) -> Association:
        for a in out[doc_url]:
            if a.interp_url == interp_url:
                return a
        a = Association(interp_url, title, date, crawled=crawled)
        out[doc_url].append(a)
        return a

    for lk in links:
        src, tgt, anchor = lk["source"], lk["target"], lk["anchor"] or ""
        if src == tgt:
            continue
        navigation = fan_in.get(tgt, 0) > template_links
        if src in policy_set:
            doc = by_url[src]
            target_doc = by_url.get(tgt)
            if target_doc is not None and target_doc.interpretation:
                if navigation and not titles_match(doc, target_doc.title):
                    continue
                a = get(src, tgt, target_doc.title, target_doc.published, True)
            elif target_doc is None and is_interpretation_anchor(anchor, tgt):
                if navigation and not titles_match(doc, anchor):
                    continue
                a = get(src, tgt, anchor, None, False)
            else:
                continue
            a.ways.add("doc→interp")
            a.anchors.append(anchor)
        elif tgt in policy_set:
            interp = by_url.get(src)
            if interp is None or not interp.interpretation:
                continue
            doc = by_url[tgt]
            if navigation and not titles_match(doc, interp.title):
                continue
            a = get(tgt, src, interp.title, interp.published, True)
            a.ways.add("interp→doc")
            a.anchors.append(anchor)
    for doc in policy:
        for interp in interps:
            if titles_match(doc, interp.title):
                get(doc.url, interp.url, interp.title, interp.published, True).ways.add("title")
    return out


# --------------------------------------------------------------------------
# Timeliness of a normative document (20 working days, 条例 第二十六条)
# --------------------------------------------------------------------------
def lateness(doc: Doc, ctx: SiteContext, max_workdays: int) -> dict[str, Any] | None:
    """The working-day span 成文 -> 发布, or None when either date is missing or inconsistent."""
    w, p = doc.meta.written, doc.meta.published
    if w is None or p is None or p.value < w.value:
        return None
    count = ctx.calendar.workdays_between(w.value, p.value)
    out: dict[str, Any] = {
        "written": w.as_json(),
        "published": p.as_json(),
        "workdays": count.workdays,
        "threshold_workdays": max_workdays,
        "deadline": ctx.calendar.add_workdays(w.value, max_workdays).isoformat(),
        "late": count.workdays > max_workdays,
    }
    if count.naive != count.workdays:
        out["naive_workdays"] = count.naive
    if count.fallback_years:
        out["calendar_fallback_years"] = list(count.fallback_years)
        out["calendar_note"] = "这些年份没有官方节假日数据，按周一至周五计算"
    return out


def in_window(day: dt.date | None, as_of: dt.date, since_days: int) -> bool:
    """True when ``day`` is within ``since_days`` before ``as_of`` (0 = no limit)."""
    if day is None:
        return since_days == 0
    if day > as_of:
        return False
    return since_days == 0 or (as_of - day).days <= since_days


def home_fetched(ctx: SiteContext) -> bool:
    home = ctx.home
    return bool(home) and not home.get("error") and (home.get("status") or 0) < 400


def site_documents(ctx: SiteContext, p: Any) -> SiteDocuments:
    """The site's classified documents for a document rule, with the word lists and
    settings of its Params; NotApplicable when the home page was not fetched."""
    from audits.model import NotApplicable

    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    return load(
        ctx,
        title_words=words(p.title_words, DEFAULT_TITLE_WORDS),
        column_words=words(p.column_words, DEFAULT_COLUMN_WORDS),
        template_links=getattr(p, "template_links", 5),
        include_policy_docs=getattr(p, "include_policy_docs", True),
    )


def normative_docs(ctx: SiteContext, p: Any) -> list[Any]:
    """The site's 规范性文件 for a normative-doc rule; NotApplicable when there is none."""
    from audits.model import NotApplicable

    docs = site_documents(ctx, p).normative
    if not docs:
        raise NotApplicable("no 规范性文件 on this site")
    return docs
