"""normative-doc-expired: a 规范性文件 still marked 有效 after its own validity period ended.

检查内容: 标注为“有效”的规范性文件，其文中写明的有效期是否已经届满（文件失效未标注）。
依据: 《政府网站发展指引》（国办发〔2017〕47号）：相关文件资料发生修改、废止、失效等情况，
      应及时公开，并在已发布的原文件上作出明确标注。
判定方法: 有效性取信息公开元数据（有效性、时效性、效力状态…）。有效期取元数据
          （有效期、有效期至、失效日期、废止日期）或正文：“有效期至2025年12月31日”
          （只写到月时取该月最后一天），“自2021年1月1日起施行，有效期5年”（施行日期加 N 年
          减一天），“自印发之日起施行，有效期三年”（印发之日取成文日期，发布/公布之日取发布日期）。
          有效性为“有效”且有效期届满日早于检查日即报告；有效期届满当天不算。
          有效性未标注的文件由 normative-doc-incomplete 报告，这里不判定。
参数: title_words、column_words。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import documents as D
from audits.context import SiteContext
from audits.model import Finding, Rule


@dataclass(frozen=True)
class Params:
    title_words: tuple[str, ...] = D.DEFAULT_TITLE_WORDS
    column_words: tuple[str, ...] = D.DEFAULT_COLUMN_WORDS


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    docs = D.normative_docs(ctx, p)
    for doc in docs:
        m = doc.meta
        if m.validity != "有效" or m.valid_until is None or m.valid_until.value >= ctx.as_of:
            continue
        vu = m.valid_until
        yield Finding(
            url=doc.url,
            column=doc.column,
            message=(
                f"规范性文件《{doc.title}》的有效期已于 {vu.value.isoformat()} 届满，页面仍标注为“{m.validity_raw}”，"
                "请核实后在原文件上标注“失效”或“废止”。"
            ),
            evidence={
                "title": doc.title,
                "doc_no": m.doc_no.text if m.doc_no else None,
                "validity": m.validity_raw,
                "validity_source": m.validity_source,
                "valid_until": vu.as_json(),
                "days_since_expiry": (ctx.as_of - vu.value).days,
                "as_of": ctx.as_of.isoformat(),
                "normative_because": doc.normative_reason,
            },
        )


RULE = Rule(
    id="normative-doc-expired",
    category="不准确",
    severity="major",
    title="文件失效未标注",
    basis="《政府网站发展指引》（国办发〔2017〕47号）：失效、废止应在原文件上明确标注",
    params=Params,
    check=check,
    requires=("pages", "list_items", "columns"),
)
