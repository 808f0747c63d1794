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

import bisect
import datetime as dt
import json
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
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

    @cached_property  # asked for hundreds of thousands of times by the statistics; the meta is final
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
    """The site's documents.

    ``docs`` holds the articles that can be a 规范性文件, a policy document or an
    interpretation (see ``_candidates``): the others are never classified as
    one, so they are not read one by one; only their publish dates are
    counted (``published``, for the statistics), with set-based SQL.
    """

    docs: list[Doc]  # the articles that may be documents or interpretations, classified
    by_url: dict[str, Doc]
    associations: dict[str, list[Association]]  # doc url -> its interpretations (policy docs only)
    published: Counter[dt.date] = field(default_factory=Counter)  # every article's publish date -> articles

    @cached_property
    def normative(self) -> list[Doc]:
        return [d for d in self.docs if d.normative]

    @cached_property
    def policy(self) -> list[Doc]:
        return [d for d in self.docs if d.policy]

    @cached_property
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


def _maybe_interpretation_anchor(anchor: str | None) -> bool:
    """False only when ``is_interpretation_anchor`` is False for this text whatever the target (a quick test)."""
    return bool(anchor) and ("读" in anchor or "解" in anchor or "懂" in anchor)


def interpretation_links(links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(target, anchor) of the links that point at an interpretation, judged by their text."""
    return [(t, a) for t, a in links if is_interpretation_anchor(a, t)]


def _interp_by_column(name: str) -> bool:
    return bool(_INTERP_COLUMN_RE.search("".join((name or "").split())))


def _cache_key(ctx: SiteContext, title_words: Sequence[str], column_words: Sequence[str], template_links: int,
               include_policy_docs: bool) -> tuple[Any, ...]:
    version = ctx.query(
        "SELECT (SELECT max(rowid) FROM pages) AS p, (SELECT max(rowid) FROM links) AS l, "
        "(SELECT max(rowid) FROM list_items) AS i"
    )[0]
    data_version = ctx.db.conn.execute("PRAGMA data_version").fetchone()[0]
    return (ctx.run_id, ctx.root, ctx.as_of, tuple(title_words), tuple(column_words), template_links, include_policy_docs,
            version["p"], version["l"], version["i"], data_version)


def load(
    ctx: SiteContext,
    *,
    title_words: Sequence[str] = DEFAULT_TITLE_WORDS,
    column_words: Sequence[str] = DEFAULT_COLUMN_WORDS,
    template_links: int = 5,
    include_policy_docs: bool = True,
) -> SiteDocuments:
    """The site's articles that may be documents, classified, and each policy document's interpretations.

    Cached per database object for one run, site, date and settings (several
    rules and the statistics ask for the same index); the cache key includes
    the newest row ids of the fact tables and SQLite's data version, so facts
    added later are seen (a count would read the whole links table every time).
    ``prefetch`` fills the cache for every site at once.
    """
    key = _cache_key(ctx, title_words, column_words, template_links, include_policy_docs)
    cache = ctx.db.__dict__.setdefault("_govaudit_documents", {})
    hit = cache.get(key)
    if hit is not None:
        return hit
    if len(cache) > 512:  # one entry per site and settings: a run of 500 sites stays cached
        cache.clear()
    cache[key] = result = _load(ctx, title_words, column_words, template_links, include_policy_docs)
    return result


def _settings(p: Any) -> dict[str, Any]:
    """load()'s settings for a document rule's Params (as ``site_documents`` passes them)."""
    return {
        "title_words": words(p.title_words, DEFAULT_TITLE_WORDS),
        "column_words": words(p.column_words, DEFAULT_COLUMN_WORDS),
        "template_links": getattr(p, "template_links", 5),
        "include_policy_docs": getattr(p, "include_policy_docs", True),
    }


_PREFETCH: dict[str, Any] = {}  # what the forked workers of prefetch() read (set before the fork)


def _prefetch_one(job: tuple[str, dict[str, Any]]) -> tuple[str, SiteDocuments, list[dict[str, Any]] | None]:
    import sqlite3

    import sqlite_utils

    from audits.stats import site_stats

    root, settings = job
    st = _PREFETCH
    db = st.get("db")
    if db is None:  # one read-only connection of its own per worker, never the parent's
        db = st["db"] = sqlite_utils.Database(sqlite3.connect(f"file:{st['path']}?mode=ro", uri=True))
    ctx = SiteContext(db, st["run_id"], root, st["as_of"], st["config"])
    docs = load(ctx, **settings)
    try:  # the site's statistics need this index too: made here, on this core, while it is at hand
        stats = site_stats(ctx, st["config"])
    except Exception:  # noqa: BLE001 - the audit computes them again, and reports what fails
        stats = None
    db.__dict__.pop("_govaudit_documents", None)  # one site at a time in memory
    return root, docs, stats


def prefetch(db: Any, run_id: int, roots: Sequence[str], as_of: dt.date, config: Any, workers: int | None = None) -> int:
    """Build the documents index of every site of a run at once, the sites shared out over the
    machine's cores (forked workers; each site's index is exactly what ``load`` builds), into
    load()'s cache, with the settings of normative-doc-late (the first rule that asks), and each
    site's statistics (audits/stats.py site_stats) for this audit's write_stats.
    Returns the number of sites built; 0 when it is not worth it (one core, one site, no fork)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from audits.registry import RULES_BY_ID
    from crawler.lock import forked_worker

    workers = workers or min(os.cpu_count() or 1, 8)
    path = next((r[2] for r in db.conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if workers < 2 or len(roots) < 2 or not path or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    rule = RULES_BY_ID["normative-doc-late"]
    jobs, keys = [], {}
    for root in roots:
        ctx = SiteContext(db, run_id, root, as_of, config)
        if not home_fetched(ctx):
            continue
        settings = _settings(config.params_for(rule, root))
        jobs.append((root, settings))
        keys[root] = _cache_key(ctx, **settings)
    if len(jobs) < 2:
        return 0
    # the biggest sites first, so that no worker is left with the portal at the end
    sizes = dict(db.conn.execute("SELECT root, count(*) FROM pages INDEXED BY idx_pages_run_id_root WHERE run_id = ? GROUP BY root",
                                 [run_id]).fetchall())
    jobs.sort(key=lambda j: -sizes.get(j[0], 0))
    cache = db.__dict__.setdefault("_govaudit_documents", {})
    stats = db.__dict__.setdefault("_govaudit_site_stats", {})  # audits/stats.py write_stats
    stats.clear()
    _PREFETCH.clear()
    _PREFETCH.update(path=path, run_id=run_id, as_of=as_of, config=config)
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=forked_worker, initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_prefetch_one, job) for job in jobs]
            _warm(db, run_id, roots[0], as_of, config)  # meanwhile, here: what every rule of the run shares
            for future in futures:
                root, docs, site_rows = future.result()
                cache[keys[root]] = docs
                if site_rows is not None:
                    stats[(run_id, root, as_of)] = site_rows
    finally:
        _PREFETCH.clear()
    return len(jobs)


def _warm(db: Any, run_id: int, root: str, as_of: dt.date, config: Any) -> None:
    """Fill the run-wide caches the rules will ask for (the run's annual reports, the stored text
    flags), while the workers build the sites' documents; a failure here is the rules' to report."""
    from audits import annual_report
    from audits.textscan import scan
    from crawler.facts import dictionary_words

    ctx = SiteContext(db, run_id, root, as_of, config)
    try:
        annual_report.run_reports(ctx)
        scan(ctx, dictionary_words())
        from audits.typos import matcher, tokenizer_for

        tokenizer_for(matcher().words).cut("政府", HMM=False)  # the typo rule's segmenter: its dictionary loads in seconds
        from audits.registry import RULES_BY_ID
        from audits.rules import disclosure_column_missing as dcm

        dcm.section_links(ctx, dcm.section_names_of(config.params_for(RULES_BY_ID[dcm.RULE.id], root)))
    except Exception:  # noqa: BLE001 - computed again (and reported) by the rules that need them
        pass


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
    rows, listed_urls = _candidate_rows(ctx, column_words, ref_day)
    # the columns of this site that list each page
    listed: dict[str, list[str]] = defaultdict(list)
    urls = [r["url"] for r in rows]
    for chunk in _chunks(urls):
        marks = ",".join("?" * len(chunk))
        for r in ctx.query(
            "SELECT DISTINCT li.url, c.name FROM list_items li CROSS JOIN columns c ON c.run_id = li.run_id AND c.url = li.column_url "
            f"WHERE li.run_id = ? AND c.root = ? AND li.url IN ({marks})",
            [ctx.run_id, ctx.root, *chunk],
        ):
            if r["name"] and r["name"] not in listed[r["url"]]:
                listed[r["url"]].append(r["name"])

    docs: list[Doc] = []
    for r in rows:
        title = doc_title(r)
        meta = r.get("_meta") or read_row(r, ref_day)
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
    published: Counter[dt.date] = Counter(d.published for d in docs if d.published is not None)
    published.update(_plain_published(ctx, column_words, ref_day, listed_urls))
    return SiteDocuments(docs, by_url, assoc, published)


def doc_title(r: dict[str, Any]) -> str:
    """A page's document title: its article title, else its <title> without the site name."""
    return (r.get("article_title") or "").strip() or _page_title(r.get("title") or "")


def read_row(r: dict[str, Any], today: dt.date) -> DocMeta:
    """``read_doc_meta`` of one pages row (its metadata block, title, text and dates)."""
    try:
        dm = json.loads(r["doc_meta_json"]) if r.get("doc_meta_json") else {}
    except ValueError:
        dm = {}
    return read_doc_meta(
        dm,
        title=doc_title(r),
        main_text=r.get("main_text") or "",
        pub_date=r.get("pub_date"),
        pub_date_source=r.get("pub_date_source"),
        pub_date_text=r.get("pub_date_text"),
        today=today,
    )


DOC_READ_VERSION = 1  # bump when read_doc_meta reads differently: stored reads of older versions are not used


def encode_read(meta: DocMeta, today: dt.date) -> bytes:
    """What ``read_row`` read, for the pages column doc_read (crawler/facts.py refresh_doc_reads)."""
    return pickle.dumps((DOC_READ_VERSION, today.isoformat(), meta), protocol=pickle.HIGHEST_PROTOCOL)


def decode_read(blob: bytes | None, today: dt.date) -> DocMeta | None:
    """The stored read when it was made by this version for this very reference day (dates without a
    year are placed by it), else None."""
    if not blob:
        return None
    try:
        version, day, meta = pickle.loads(blob)
    except Exception:  # noqa: BLE001 - an unreadable value is read again
        return None
    if version != DOC_READ_VERSION or day != today.isoformat() or not isinstance(meta, DocMeta):
        return None
    return meta


# An article of the site that was fetched (p = pages; parameters run_id, root).
_ARTICLES = "p.run_id = ? AND p.root = ? AND p.is_article = 1 AND p.error IS NULL AND (p.status IS NULL OR p.status < 400)"
_INTERP_TITLE_LIKE = ("解读", "读懂", "看懂", "图解")  # every INTERP_WORDS entry contains one of these


def ARTICLE_SQL(col: Callable[[str], str]) -> str:  # noqa: N802 - a SQL fragment, like _ARTICLES
    """A fetched article (the column references made by ``col``)."""
    return f"({col('is_article')} = 1 AND {col('error')} IS NULL AND ({col('status')} IS NULL OR {col('status')} < 400))"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def intrinsic_sql(col: Callable[[str], str], column_words: Sequence[str]) -> str:
    """SQL, 1 or 0, true for every article whose own fields can make ``_classify`` call it a document or
    an interpretation (the listing columns are the other half of ``_candidates``).

    ``col`` makes the column references: ``p.title`` over the pages table, ``:title`` over the
    values of a row about to be stored (crawler/facts.py computes it once per page with the
    default ``column_words``).  A field that is NULL counts as not matching.
    """
    def like(c: str, ws: Iterable[str]) -> str:
        return "(" + " OR ".join(f"{col(c)} LIKE {_lit('%' + w + '%')}" for w in ws) + ")"

    col_words = ["解%读", "图%解", *column_words]
    meta = col("doc_meta_json")
    parts = [
        like("article_title", ["号", *_INTERP_TITLE_LIKE]),
        like("title", ["号", *_INTERP_TITLE_LIKE]),
        like("doc_meta_json", ["\\u"]),
        like("column_name", col_words),
        like("breadcrumb_json", [*col_words, "\\u"]),
        f"instr(substr({col('main_text')}, 1, 130), '号') > 0",
        # 号 in the metadata block other than in the keys 索引号 / 索取号 (in every block; a 文号 needs a 号 of its own)
        f"instr(replace(replace({meta}, '\"索引号\"', ''), '\"索取号\"', ''), '号') > 0",
        f"({meta} IS NOT NULL AND {meta} != '' AND NOT json_valid({meta}))",
    ]
    return "coalesce(" + " OR ".join(parts) + ", 0)"


def date_key_sql(col: Callable[[str], str]) -> str:
    """SQL: what ``read_doc_meta`` reads an article's publish date from, as a JSON array [day of the
    page's date, "doc_meta" / "page" / null (its source), the date fields of the metadata block]."""
    meta = col("doc_meta_json")
    return (
        f"json_array(substr({col('pub_date')}, 1, 10), CASE WHEN {col('pub_date_source')} = 'doc_meta' THEN 'doc_meta' "
        f"WHEN {col('pub_date_source')} IS NULL THEN NULL ELSE 'page' END, CASE WHEN json_valid({meta}) THEN "
        f"(SELECT group_concat(j.key || char(31) || coalesce(j.value, ''), char(30)) FROM json_each({meta}) j "
        "WHERE j.key LIKE '%日%期%' OR j.key LIKE '%时%间%') END)"
    )


def _p(c: str) -> str:
    return f"p.{c}"


def _listed_sql(column_words: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL over list_items li / columns c: a column of the site whose name has an interpretation or ``column_words`` word."""
    ws = ["解%读", "图%解", *column_words]
    return "(" + " OR ".join("c.name LIKE ?" for _ in ws) + ")", [f"%{w}%" for w in ws]


def _candidates(ctx: SiteContext, column_words: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL (over ``pages p``) true for every article ``_classify`` can make a document or an interpretation.

    A superset, so nothing is missed: an article with no 文号 (no 号 in its
    metadata block, title or the start of its body), no interpretation word in
    its title and no interpretation or ``column_words`` column (its
    ColumnName, breadcrumb or a listing column) is neither.  JSON that is not
    plain text (escaped, invalid) is always read in full.
    """
    listed_sql, listed_params = _listed_sql(column_words)
    listed = (
        "p.url IN (SELECT li.url FROM columns c CROSS JOIN list_items li ON c.run_id = li.run_id AND c.url = li.column_url "
        f"WHERE li.run_id = ? AND c.root = ? AND li.url IS NOT NULL AND {listed_sql})"
    )
    return f"({intrinsic_sql(_p, column_words)} OR {listed})", [ctx.run_id, ctx.root, *listed_params]


def _listed_urls(ctx: SiteContext, column_words: Sequence[str]) -> set[str]:
    listed_sql, listed_params = _listed_sql(column_words)
    return {
        r[0] for r in ctx.db.conn.execute(
            "SELECT DISTINCT li.url FROM columns c CROSS JOIN list_items li ON c.run_id = li.run_id AND c.url = li.column_url "
            f"WHERE li.run_id = ? AND c.root = ? AND li.url IS NOT NULL AND {listed_sql}",
            [ctx.run_id, ctx.root, *listed_params],
        )
    }


def _stored_facts(ctx: SiteContext, column_words: Sequence[str]) -> bool:
    """True when the run's pages carry the stored facts for these column words (crawler/facts.py)."""
    from audits.textscan import facts_ready

    return tuple(column_words) == tuple(DEFAULT_COLUMN_WORDS) and facts_ready(ctx)


_DOC_COLUMNS = ("url, title, article_title, column_name, breadcrumb_json, doc_meta_json, pub_date, "
                "pub_date_source, pub_date_text, main_text")


def _candidate_rows(ctx: SiteContext, column_words: Sequence[str], ref_day: dt.date) -> tuple[list[dict[str, Any]], set[str]]:
    """The candidate articles' rows (in the order of a scan of the site's pages), and the URLs of the
    site's articles listed in a document or interpretation column.  A row read when the crawl ended
    (doc_read, for this reference day) comes with its ``_meta`` and without its text."""
    listed = _listed_urls(ctx, column_words)
    if not _stored_facts(ctx, column_words):
        cand_sql, cand_params = _candidates(ctx, column_words)
        rows = ctx.query(f"SELECT {_DOC_COLUMNS} FROM pages p WHERE {_ARTICLES} AND {cand_sql}",
                         [ctx.run_id, ctx.root, *cand_params])
        return rows, listed
    by_id: dict[int, dict[str, Any]] = {}
    todo: list[int] = []
    for rowid, url, title, article_title, column_name, crumbs, pub_date, blob in ctx.db.conn.execute(
        "SELECT rowid, url, title, article_title, column_name, breadcrumb_json, pub_date, doc_read "
        "FROM pages INDEXED BY idx_pages_doc_read WHERE run_id = ? AND root = ? AND doc_hint = 1",
        [ctx.run_id, ctx.root],
    ):
        meta = decode_read(blob, ref_day)
        if meta is None:
            todo.append(rowid)
            continue
        by_id[rowid] = {"url": url, "title": title, "article_title": article_title, "column_name": column_name,
                        "breadcrumb_json": crumbs, "pub_date": pub_date, "_meta": meta}
    for chunk in _chunks(sorted(listed)):
        marks = ",".join("?" * len(chunk))
        todo += [r[0] for r in ctx.db.conn.execute(
            f"SELECT rowid FROM pages p INDEXED BY idx_pages_doc WHERE p.run_id = ? AND p.root = ? AND p.doc_hint = 0 "
            f"AND p.date_key IS NOT NULL AND p.url IN ({marks})", [ctx.run_id, ctx.root, *chunk])]
    for chunk in _chunks(sorted(set(todo))):  # type: ignore[arg-type]
        marks = ",".join("?" * len(chunk))
        for r in ctx.query(f"SELECT rowid AS _rowid, {_DOC_COLUMNS} FROM pages p WHERE rowid IN ({marks})", list(chunk)):
            by_id[r.pop("_rowid")] = r
    return [by_id[k] for k in sorted(by_id)], listed


def _plain_published(ctx: SiteContext, column_words: Sequence[str], ref_day: dt.date, listed: set[str]) -> Counter[dt.date]:
    """Publish dates of the other articles, as ``read_doc_meta`` reads them, counted by date.

    Only the date fields of a metadata block can change a publish date, so the
    articles are grouped in SQL by those fields and the page's own date, and
    each distinct group is read once.  Of the page's date only its day counts
    (read_doc_meta reads ``str(pub_date)[:10]``) and of its source only whether
    it is "doc_meta" (other sources name the date, never change it): articles of
    one day fall into one group (``date_key_sql``; stored with each article by the crawler).
    ``listed``: the site's articles listed in a document column (``_listed_urls``), candidates.
    """
    groups: Counter[str] = Counter()
    if _stored_facts(ctx, column_words):
        for key, n in ctx.db.conn.execute(
            "SELECT date_key, count(*) FROM pages INDEXED BY idx_pages_doc WHERE run_id = ? AND root = ? "
            "AND doc_hint = 0 AND date_key IS NOT NULL GROUP BY date_key",
            [ctx.run_id, ctx.root],
        ):
            groups[key] += n
        for chunk in _chunks(sorted(listed)):  # listed in a document column: candidates, not plain
            marks = ",".join("?" * len(chunk))
            for (key,) in ctx.db.conn.execute(
                f"SELECT date_key FROM pages p INDEXED BY idx_pages_doc WHERE p.run_id = ? AND p.root = ? "
                f"AND p.doc_hint = 0 AND p.date_key IS NOT NULL AND p.url IN ({marks})", [ctx.run_id, ctx.root, *chunk]):
                groups[key] -= 1
    else:
        cand_sql, cand_params = _candidates(ctx, column_words)
        for key, n in ctx.db.conn.execute(
            f"SELECT {date_key_sql(_p)}, count(*) FROM pages p WHERE {_ARTICLES} AND NOT {cand_sql} GROUP BY 1",
            [ctx.run_id, ctx.root, *cand_params],
        ):
            groups[key] += n
    out: Counter[dt.date] = Counter()
    for key, n in groups.items():
        if n <= 0:
            continue
        published = _plain_date(key, ref_day)
        if published is not None:
            out[published] += n
    return out


@lru_cache(maxsize=100_000)
def _plain_date(key: str, ref_day: dt.date) -> dt.date | None:
    """The publish date ``read_doc_meta`` reads from a ``date_key_sql`` group (the sites of a run share most)."""
    pub_date, source, dates = json.loads(key)
    dm = dict(x.split("\x1f", 1) for x in dates.split("\x1e")) if dates else {}
    meta = read_doc_meta(dm, pub_date=pub_date, pub_date_source=source, today=ref_day)
    return meta.published.value if meta.published is not None else None


def plain_articles(ctx: SiteContext, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` are fetched articles of this site."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(urls))):
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0] for r in ctx.db.conn.execute(f"SELECT p.url FROM pages p WHERE {_ARTICLES} AND p.url IN ({marks})",
                                              [ctx.run_id, ctx.root, *chunk])
        )
    return found


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
    for chunk in _chunks(policy_urls + interp_urls):  # plain tuples first: most are template links, dropped below
        marks = ",".join("?" * len(chunk))
        links += [
            {"source": s, "target": t, "anchor": a}
            for s, t, a in ctx.db.conn.execute(
                f"SELECT source, target, anchor FROM links WHERE run_id = ? AND kind IN ('page', 'external', 'attachment') "
                f"AND source IN ({marks})",
                [ctx.run_id, *chunk],
            )
            if t in by_url or _maybe_interpretation_anchor(a)
        ]
    policy_set = set(policy_urls)
    interp_set = set(interp_urls)
    # articles of the site among the targets of the documents' links (by_url only holds the candidates)
    articles = set(by_url) | plain_articles(
        ctx, (lk["target"] for lk in links if lk["source"] in policy_set and lk["target"] not in by_url)
    )
    links = [
        lk for lk in links
        if lk["source"] != lk["target"] and (
            lk["target"] in policy_set or lk["target"] in interp_set
            or (lk["source"] in policy_set and lk["target"] not in articles and is_interpretation_anchor(lk["anchor"] or "", lk["target"]))
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

    made: dict[tuple[str, str], Association] = {}  # (doc, interpretation) -> its association in out[doc]

    def get(doc_url: str, interp_url: str, title: str, date: dt.date | None, crawled: bool) -> Association:
        a = made.get((doc_url, interp_url))
        if a is None:
            a = made[(doc_url, interp_url)] = Association(interp_url, title, date, crawled=crawled)
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
            elif tgt not in articles and is_interpretation_anchor(anchor, tgt):
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
    matches = title_matches(policy, interps)
    for k, doc in enumerate(policy):
        for i in matches[k]:
            interp = interps[i]
            get(doc.url, interp.url, interp.title, interp.published, True).ways.add("title")
    return out


def title_matches(docs: Sequence[Doc], interps: Sequence[Doc]) -> list[list[int]]:
    """For each doc, the indexes of the interpretations whose titles name it: exactly
    ``[i for i, it in enumerate(interps) if titles_match(doc, it.title)]``, without
    comparing every pair (a portal has thousands of each).

    titles_match is: the same 文号; or (the referenced title has ≥ 6 characters
    and) it is inside the doc's normalised title, or the doc's core title (≥ 6,
    itself a part of the normalised title) is inside it.  The substring tests
    run as ``str.find`` over all titles joined by NUL.
    """
    refs = [referenced_title(it.title) for it in interps]
    nos = [normalize_doc_no(it.title) for it in interps]
    fulls = [_norm_title(d.title) for d in docs]
    cores = [core_title(d.title) for d in docs]
    found: list[set[int]] = [set() for _ in docs]
    by_no: dict[str, list[int]] = defaultdict(list)
    for k, d in enumerate(docs):
        if d.meta.doc_no:
            by_no[d.meta.doc_no.text].append(k)
    for i, no in enumerate(nos):
        if no:
            for k in by_no.get(no.text, ()):
                found[k].add(i)

    def occurrences(haystack: str, starts: list[int], needle: str) -> Iterable[int]:
        """Indexes of the joined strings that contain needle."""
        pos = haystack.find(needle)
        while pos >= 0:
            idx = bisect.bisect_right(starts, pos) - 1
            yield idx
            pos = haystack.find(needle, starts[idx + 1] if idx + 1 < len(starts) else len(haystack))

    long_refs = [i for i, r in enumerate(refs) if len(r) >= 6]
    if "\0" in "".join(fulls) or any("\0" in refs[i] for i in long_refs):  # a NUL inside a title: compare every pair
        for k in range(len(docs)):
            found[k].update(i for i in long_refs if refs[i] in fulls[k] or (len(cores[k]) >= 6 and (cores[k] in refs[i] or refs[i] in cores[k])))
        return [sorted(f) for f in found]
    full_text, full_starts = _joined(fulls)
    for i in long_refs:  # the referenced title inside the doc's title (this covers "inside its core" too)
        for k in occurrences(full_text, full_starts, refs[i]):
            found[k].add(i)
    ref_text, ref_starts = _joined([refs[i] for i in long_refs])
    for k, core in enumerate(cores):  # the doc's core title inside the referenced title
        if len(core) >= 6:
            for j in occurrences(ref_text, ref_starts, core):
                found[k].add(long_refs[j])
    return [sorted(f) for f in found]


def _joined(parts: list[str]) -> tuple[str, list[int]]:
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p) + 1
    return "\0".join(parts), starts


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
    return load(ctx, **_settings(p))


def normative_docs(ctx: SiteContext, p: Any) -> list[Any]:
    """The site's 规范性文件 for a normative-doc rule; NotApplicable when there is none."""
    from audits.model import NotApplicable

    docs = site_documents(ctx, p).normative
    if not docs:
        raise NotApplicable("no 规范性文件 on this site")
    return docs
