"""Page facts: meta tags, footer identity, title, breadcrumb, publish date, main text.

CONTRACT (the spider relies on it; keep the names):

    extract_page(sel: parsel.Selector, url: str, today: datetime.date) -> PageFacts

Pure function: no Scrapy, no network, no clock (``today`` is passed in).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
    # The 信息公开 metadata block, label -> value (索引号, 发布机构, 生成日期, 成文日期, 发布日期, 文号, 有效性…)
    doc_meta: dict[str, str] = field(default_factory=dict)
