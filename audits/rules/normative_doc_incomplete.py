"""normative-doc-incomplete: a 规范性文件 page lacks 文号, 成文日期, 发布日期 or 有效性.

检查内容: 规范性文件页面是否标注文号、成文日期、发布日期和有效性，且这些信息可信。
依据: 国办发〔2018〕37号（统一登记、统一编号、统一印发）；《政府信息公开条例》第十二条
      （目录包括索引、名称、内容概述、生成日期）；《政府网站发展指引》（失效、废止应标注）。
判定方法: 规范性文件的认定同 normative-doc-late。文号取元数据（文号、发文字号…），
          没有时取正文开头或标题中的文号；成文日期取元数据，没有时取正文落款日期；
          发布日期取元数据，没有时取页面信息栏；有效性取元数据（有效性、时效性、效力状态…），
          没有时取正文开头“已废止/已失效”标注。缺少任何一项即报告。
          同时报告不可信的取值（原文照录）：不存在的日期（如 2026-02-30）、只有年月的落款
          （“2023年5月 日”）、成文日期晚于发布日期、同一页面给出两个不同的发布日期或成文日期、
          无法识别的文号或有效性取值。
参数: fields（必须项，默认 文号、成文日期、发布日期、有效性）、title_words、column_words、
      since_days（默认 0 = 全部文件）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import documents as D
from audits.context import SiteContext
from audits.model import Finding, Rule

FIELDS = ("文号", "成文日期", "发布日期", "有效性")
_ISSUE_TEXT = {
    "impossible_date": "“{raw}”不是有效日期",
    "no_day": "“{raw}”缺少日",
    "unparsed_date": "“{raw}”无法识别为日期",
    "several_dates": "“{raw}”含多个不同日期",
    "written_after_published": "成文日期“{raw}”晚于发布日期“{published_raw}”",
    "unparsed_doc_no": "“{raw}”不是规范的文号",
    "unknown_value": "“{raw}”不是规范的有效性标注（有效/失效/废止）",
}


@dataclass(frozen=True)
class Params:
    fields: tuple[str, ...] = FIELDS
    since_days: int = 0
    title_words: tuple[str, ...] = D.DEFAULT_TITLE_WORDS
    column_words: tuple[str, ...] = D.DEFAULT_COLUMN_WORDS


def problems(doc: D.Doc, fields: tuple[str, ...]) -> tuple[list[str], list[dict[str, Any]]]:
    """(missing fields, inaccurate values) of one document."""
    m = doc.meta
    have = {"文号": m.doc_no is not None, "成文日期": m.written is not None,
            "发布日期": m.published is not None, "有效性": m.validity is not None}
    bad: list[dict[str, Any]] = []
    flagged = set()
    for w in m.warnings:
        text = _ISSUE_TEXT.get(w["issue"], "“{raw}”有误").format(raw=w.get("raw", ""), published_raw=w.get("published_raw", ""))
        bad.append({**w, "text": f"{w['field']}{text}" if w["issue"] != "written_after_published" else text})
        flagged.add(w["field"])
    for c in m.conflicts:
        vals = "、".join(f"“{v['raw']}”（{v['source']}）" for v in c["values"])
        bad.append({"field": c["field"], "issue": "conflict", "values": c["values"], "text": f"{c['field']}前后不一致：{vals}"})
    missing = [f for f in fields if f in have and not have[f] and f not in flagged]
    return missing, bad


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    docs = D.normative_docs(ctx, p)
    fields = D.words(p.fields, FIELDS)
    for doc in docs:
        if p.since_days and not D.in_window(doc.published, ctx.as_of, p.since_days):
            continue
        missing, bad = problems(doc, fields)
        if not missing and not bad:
            continue
        parts = []
        if missing:
            parts.append("缺少" + "、".join(missing))
        parts += [b["text"] for b in bad]
        yield Finding(
            url=doc.url,
            column=doc.column,
            message=f"规范性文件《{doc.title}》{'；'.join(parts)}，请在信息公开元数据中补全并更正。",
            evidence={
                "title": doc.title,
                "missing": missing,
                "inaccurate": bad,
                "metadata": doc.meta.as_json(),
                "metadata_block": doc.meta.has_block,
                "normative_because": doc.normative_reason,
            },
        )


RULE = Rule(
    id="normative-doc-incomplete",
    category="不准确",
    severity="minor",
    title="规范性文件要素不全",
    basis="国办发〔2018〕37号；《中华人民共和国政府信息公开条例》第十二条",
    params=Params,
    check=check,
    requires=("pages", "list_items", "columns"),
)
