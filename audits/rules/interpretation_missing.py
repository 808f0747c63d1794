"""interpretation-missing: a policy document without a linked interpretation (政策解读).

检查内容: 规范性文件和以政府名义印发的政策文件是否有政策解读，且文件与解读互相链接（双向关联）。
依据: 《政府网站发展指引》解读回应要求；“谁起草、谁解读”；地方管理办法“解读材料应当与政策文件
      同步起草、同步审签、同步发布”；检查实践要求解读稿与政策原文双向关联。
判定方法: 文件和解读的认定、关联方式见 audits/documents.py：文件页链接解读（相关解读、关联稿件）、
          解读页链接文件（相关文件、政策原文），或解读标题点名文件（《…》、一图读懂…、文号）。
          出现在很多页面上的链接（导航、侧栏）不算关联，除非标题也对得上。
          找不到任何解读 → major；找到了解读但不是双向关联（只有单向链接或只靠标题对应）
          → minor（require_two_way = false 时不报）。只判定发布日期在检查日前 since_days 天内的
          文件（0 = 全部）；解读不在本站或未抓取时，以链接文字判定为解读。
          已知局限：解读链接由 JavaScript/AJAX 生成（如部分集约化平台的“文字解读”面板）时，
          静态页面上看不到，可能误报。
参数: since_days（默认 365）、require_two_way（默认 true）、include_policy_docs（默认 true，
      false 时只查规范性文件）、template_links（默认 5）、title_words、column_words。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import documents as D
from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    since_days: int = 365
    require_two_way: bool = True
    include_policy_docs: bool = True
    template_links: int = 5
    title_words: tuple[str, ...] = D.DEFAULT_TITLE_WORDS
    column_words: tuple[str, ...] = D.DEFAULT_COLUMN_WORDS


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    site = D.site_documents(ctx, p)
    docs = [d for d in site.policy if D.in_window(d.published, ctx.as_of, p.since_days)]
    if not docs:
        raise NotApplicable("no policy documents in the window")
    for doc in docs:
        assoc = site.associations.get(doc.url, [])
        kind = "规范性文件" if doc.normative else "政策文件"
        base = {
            "title": doc.title,
            "doc_kind": kind,
            "doc_no": doc.meta.doc_no.text if doc.meta.doc_no else None,
            "published": doc.published.isoformat() if doc.published else None,
            "policy_because": doc.policy_reason,
            "interpretations": [a.as_json() for a in assoc],
        }
        if not assoc:
            yield Finding(
                url=doc.url,
                column=doc.column,
                message=f"{kind}《{doc.title}》没有发布政策解读，请按“谁起草、谁解读”同步发布解读并与原文双向关联。",
                evidence={**base, "two_way": False},
            )
            continue
        if not p.require_two_way or any(a.two_way for a in assoc):
            continue
        ways = sorted({w for a in assoc for w in a.ways})
        if "doc→interp" in ways:
            missing = "解读页面没有链接回文件原文"
        elif "interp→doc" in ways:
            missing = "文件页面没有链接到解读"
        else:
            missing = "文件与解读之间没有互相链接"
        yield Finding(
            url=doc.url,
            column=doc.column,
            severity="minor",
            message=f"{kind}《{doc.title}》已有解读“{assoc[0].interp_title}”，但{missing}，请建立文件与解读的双向关联。",
            evidence={**base, "two_way": False, "ways": ways},
        )


RULE = Rule(
    id="interpretation-missing",
    category="不回应",
    severity="major",
    title="政策文件缺少解读",
    basis="《政府网站发展指引》（国办发〔2017〕47号）解读回应；谁起草谁解读；解读与原文双向关联",
    params=Params,
    check=check,
    requires=("pages", "links", "list_items", "columns"),
)
