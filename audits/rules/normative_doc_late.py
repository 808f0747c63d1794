"""normative-doc-late: a 规范性文件 published more than 20 working days after 成文日期.

检查内容: 行政规范性文件自形成（成文日期）至在网站公开（发布日期）所用的工作日数。
依据: 《中华人民共和国政府信息公开条例》第二十六条：属于主动公开范围的政府信息，
      应当自该政府信息形成或者变更之日起20个工作日内及时公开。
判定方法: 规范性文件的认定（见 audits/documents.py）：文号发文字中含“规”字
          （如 岚综管办规〔2023〕12号）；或所在栏目（ColumnName、面包屑、列出它的栏目）
          名称含“规范性文件”；或标题含“规定/办法/细则”且有文号。
          成文日期取信息公开元数据（成文日期、成文时间、签发日期、印发日期、发文日期…），
          没有元数据时取正文末尾的落款日期；发布日期取元数据的发布日期/公开日期，
          没有时取页面信息栏的发布时间。工作日按国务院办公厅公布的节假日和调休安排计算
          （audits/workdays.py），成文日期的次日为第 1 个工作日；超过 max_workdays 个工作日
          为逾期，恰好等于不算。证据给出两个日期、各自的来源、工作日数，以及与简单按
          周一至周五计算不一致时的朴素计数。成文日期晚于发布日期、日期不存在或缺失的文件
          不在此判定（见 normative-doc-incomplete）。只判定发布日期在检查日前 since_days 天内
          的文件（0 = 全部）。
参数: max_workdays（默认 20）、since_days（默认 365）、title_words、column_words。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import documents as D
from audits.context import SiteContext
from audits.model import Finding, Rule


@dataclass(frozen=True)
class Params:
    max_workdays: int = 20
    since_days: int = 365
    title_words: tuple[str, ...] = D.DEFAULT_TITLE_WORDS
    column_words: tuple[str, ...] = D.DEFAULT_COLUMN_WORDS


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    docs = D.normative_docs(ctx, p)
    for doc in docs:
        if not D.in_window(doc.meta.published.value if doc.meta.published else None, ctx.as_of, p.since_days):
            continue
        span = D.lateness(doc, ctx, p.max_workdays)
        if span is None or not span["late"]:
            continue
        naive = span.get("naive_workdays")
        note = f"（若只按周一至周五计算为 {naive} 个工作日）" if naive is not None else ""
        yield Finding(
            url=doc.url,
            column=doc.column,
            message=(
                f"规范性文件《{doc.title}》成文于 {span['written']['date']}，发布于 {span['published']['date']}，"
                f"相隔 {span['workdays']} 个工作日{note}，超过 {p.max_workdays} 个工作日的公开时限，"
                "请按时公开并核实发布流程。"
            ),
            evidence={
                **span,
                "title": doc.title,
                "doc_no": doc.meta.doc_no.text if doc.meta.doc_no else None,
                "normative_because": doc.normative_reason,
                "conflicts": doc.meta.conflicts,
                "warnings": doc.meta.warnings,
            },
        )


RULE = Rule(
    id="normative-doc-late",
    category="不及时",
    severity="major",
    title="规范性文件公开不及时",
    basis="《中华人民共和国政府信息公开条例》第二十六条（20个工作日内公开）",
    params=Params,
    check=check,
    requires=("pages", "links", "list_items", "columns"),
)
