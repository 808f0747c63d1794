"""interpretation-hard-to-read: a 政策解读 that is hard to read.

检查内容: 政策解读正文是否“听得懂、好明白、能理解”。
依据: 政策解读“谁起草谁解读”、避免“文件要点摘抄”“文件压缩”（各地政策解读管理办法）。
判定方法: 按中文句末标点切句后计算：平均句长（字）、长句（超过 long_sentence 字）占比、
          生僻字占比（不在 jieba 词频前 3500 个常用字内）、每千字文号数与书名号引用数、
          每千字长名词串数（连续 5 个以上名词），另报 textstat 估计的阅读时间。
          任一项超过阈值即报，证据列出各项数值、阈值和最长的句子。正文少于 min_chars 字不判定。
参数: 各项阈值（可在 govaudit.toml 中调整）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

from audits import documents as D
from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule
from audits.readability import measure_all

LABELS = {
    "avg_sentence_chars": "平均句长（字）",
    "long_sentence_share": "长句占比",
    "rare_char_share": "生僻字占比",
    "doc_numbers_per_1000": "每千字文号数",
    "citations_per_1000": "每千字书名号引用数",
    "nominal_chains_per_1000": "每千字长名词串数",
}


@dataclass(frozen=True)
class Params:
    min_chars: int = 200
    long_sentence: int = 80
    avg_sentence_chars: float = 50.0
    long_sentence_share: float = 0.3
    rare_char_share: float = 0.03
    doc_numbers_per_1000: float = 3.0
    citations_per_1000: float = 8.0
    nominal_chains_per_1000: float = 3.0
    title_words: tuple[str, ...] = D.DEFAULT_TITLE_WORDS
    column_words: tuple[str, ...] = D.DEFAULT_COLUMN_WORDS


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    interps = D.site_documents(ctx, p).interpretations
    if not interps:
        raise NotApplicable("no 政策解读 on this site")
    texts = {r["url"]: r["main_text"] for r in ctx.pages_in([d.url for d in interps]) if r.get("main_text")}
    measured = measure_all(ctx.db, {u: t for u, t in texts.items() if len(t) >= p.min_chars}, p.long_sentence)
    for doc in interps:
        m = measured.get(doc.url)
        if m is None:
            continue
        values = asdict(m)
        failed = [k for k in LABELS if values[k] > getattr(p, k)]
        if not failed:
            continue
        what = "、".join(f"{LABELS[k]} {values[k]}（上限 {getattr(p, k)}）" for k in failed)
        yield Finding(
            url=doc.url,
            column=doc.column,
            message=f"政策解读《{doc.title}》不易读懂：{what}，请用短句和通俗语言改写，少引文号、多讲要点。",
            evidence={
                "title": doc.title,
                "failed": failed,
                "measures": {k: values[k] for k in LABELS},
                "thresholds": {k: getattr(p, k) for k in LABELS},
                "chars": m.chars,
                "sentences": m.sentences,
                "reading_minutes": m.reading_minutes,
                "worst_sentences": m.worst_sentences,
            },
        )


RULE = Rule(
    id="interpretation-hard-to-read",
    category="不实用",
    severity="minor",
    title="政策解读不易读懂",
    basis="政策解读“听得懂、好明白、能理解”（各地政策解读管理办法）",
    params=Params,
    check=check,
    requires=("pages",),
)
