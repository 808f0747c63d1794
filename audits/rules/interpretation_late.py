"""interpretation-late: an interpretation published too long after its document.

检查内容: 政策解读与所解读文件的发布间隔。
依据: 地方管理办法“解读材料应当与政策文件同步发布”；常见要求为文件公开后3个工作日内发布解读
      （国办发〔2016〕80号实施细则，全国层面未核实，阈值可配置）。
判定方法: 文件与解读的配对同 interpretation-missing。文件发布日期取信息公开元数据，没有时取页面
          发布时间；解读取其页面发布时间。两者之间的工作日数（节假日与调休按官方安排，次日为
          第 1 天）超过 max_workdays 为逾期；同日或先于文件发布不算。一份文件有多篇解读时取
          最早的一篇判定。证据记录是否双向关联。只判定文件发布日期在检查日前 since_days 天内的
          （0 = 全部）。
参数: max_workdays（默认 3）、since_days（默认 365）、template_links、title_words、column_words。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import documents as D
from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    max_workdays: int = 3
    since_days: int = 365
    template_links: int = 5
    title_words: tuple[str, ...] = D.DEFAULT_TITLE_WORDS
    column_words: tuple[str, ...] = D.DEFAULT_COLUMN_WORDS


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    site = D.site_documents(ctx, p)
    pairs = [
        (doc, [a for a in site.associations.get(doc.url, []) if a.interp_date is not None])
        for doc in site.policy
        if doc.published is not None and D.in_window(doc.published, ctx.as_of, p.since_days)
    ]
    pairs = [(doc, assoc) for doc, assoc in pairs if assoc]
    if not pairs:
        raise NotApplicable("no dated document/interpretation pairs in the window")
    for doc, assoc in pairs:
        first = min(assoc, key=lambda a: a.interp_date)  # type: ignore[arg-type,return-value]
        assert first.interp_date is not None and doc.published is not None
        count = ctx.calendar.workdays_between(doc.published, first.interp_date)
        if count.workdays <= p.max_workdays:
            continue
        evidence = {
            "document": doc.url,
            "document_title": doc.title,
            "document_published": doc.meta.published.as_json() if doc.meta.published else doc.published.isoformat(),
            "interpretation_title": first.interp_title,
            "interpretation_published": first.interp_date.isoformat(),
            "workdays": count.workdays,
            "threshold_workdays": p.max_workdays,
            "two_way": first.two_way,
            "ways": sorted(first.ways),
            "other_interpretations": [a.as_json() for a in assoc if a is not first],
        }
        if count.naive != count.workdays:
            evidence["naive_workdays"] = count.naive
        if count.fallback_years:
            evidence["calendar_fallback_years"] = list(count.fallback_years)
        yield Finding(
            url=first.interp_url,
            page=doc.url,
            column=doc.column,
            message=(
                f"解读《{first.interp_title}》发布于 {first.interp_date.isoformat()}，比文件《{doc.title}》"
                f"（{doc.published.isoformat()}）晚 {count.workdays} 个工作日，超过 {p.max_workdays} 个工作日，"
                "请与政策文件同步发布解读。"
            ),
            evidence=evidence,
        )


RULE = Rule(
    id="interpretation-late",
    category="不回应",
    severity="minor",
    title="政策解读发布滞后",
    basis="《政府网站发展指引》解读回应；地方管理办法（同步发布，默认3个工作日，全国层面未核实）",
    params=Params,
    check=check,
    requires=("pages", "links", "list_items", "columns"),
)
