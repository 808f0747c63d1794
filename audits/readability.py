"""Readability measures for Chinese policy interpretations (pure functions).

"听得懂、好明白、能理解": long sentences, rare characters, chains of nouns, and a
density of document numbers and legal citations make an interpretation hard
to read.  The common-character list is derived from jieba's bundled word
frequencies (the 3,500 most frequent characters, the size of the
现代汉语常用字表), so nothing is downloaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import textstat

_SENT_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_COUNTED = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_DOC_NO = re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d+\s*号")
_CITATION = re.compile(r"《[^《》]{2,60}》")
COMMON_CHARS = 3500


@dataclass
class Readability:
    chars: int
    sentences: int
    avg_sentence_chars: float
    long_sentence_share: float
    rare_char_share: float
    doc_numbers_per_1000: float
    citations_per_1000: float
    nominal_chains_per_1000: float
    reading_minutes: float
    worst_sentences: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def common_characters() -> frozenset[str]:
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    freq: Counter[str] = Counter()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and parts[1].isdigit():
                for ch in parts[0]:
                    if _HAN.match(ch):
                        freq[ch] += int(parts[1])
    return frozenset(ch for ch, _ in freq.most_common(COMMON_CHARS))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text or "") if s and len(_COUNTED.findall(s)) >= 4]


def _length(s: str) -> int:
    return len(_COUNTED.findall(s))


def nominal_chains(text: str, min_nouns: int = 5) -> int:
    """Runs of at least ``min_nouns`` consecutive nouns (jieba part-of-speech tags n*)."""
    import logging
    import warnings

    with warnings.catch_warnings():  # jieba 0.42 imports pkg_resources
        warnings.simplefilter("ignore")
        import jieba
        import jieba.posseg as pseg
    jieba.setLogLevel(logging.WARNING)

    chains = run = 0
    for token in pseg.cut(text):
        if token.flag.startswith("n") and token.word.strip():
            run += 1
            continue
        if token.word.strip() in ("、", "的", "和", "与", "及"):
            continue  # "A、B和C的D" is still one nominal phrase
        if run >= min_nouns:
            chains += 1
        run = 0
    return chains + (1 if run >= min_nouns else 0)


def measure(text: str, long_sentence: int = 80) -> Readability:
    sents = sentences(text)
    lengths = [_length(s) for s in sents]
    chars = sum(lengths) or _length(text)
    han = _HAN.findall(text)
    common = common_characters()
    rare = sum(1 for ch in han if ch not in common)
    per_k = 1000 / chars if chars else 0.0
    worst = [s for _, s in sorted(zip(lengths, sents), key=lambda x: -x[0])[:3]]
    return Readability(
        chars=chars,
        sentences=len(sents),
        avg_sentence_chars=round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
        long_sentence_share=round(sum(1 for n in lengths if n > long_sentence) / len(lengths), 3) if lengths else 0.0,
        rare_char_share=round(rare / len(han), 4) if han else 0.0,
        doc_numbers_per_1000=round(len(_DOC_NO.findall(text)) * per_k, 2),
        citations_per_1000=round(len(_CITATION.findall(text)) * per_k, 2),
        nominal_chains_per_1000=round(nominal_chains(text) * per_k, 2),
        reading_minutes=round(textstat.reading_time(text, ms_per_char=200) / 60, 1),
        worst_sentences=worst,
    )
