"""Readability measures for Chinese policy interpretations (pure functions).

"听得懂、好明白、能理解": long sentences, rare characters, chains of nouns, and a
density of document numbers and legal citations make an interpretation hard
to read.  The common-character list is derived from jieba's bundled word
frequencies (the 3,500 most frequent characters, the size of the
现代汉语常用字表), so nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
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
    _memoise_viterbi(pseg)

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


def _memoise_viterbi(pseg: object) -> None:
    """Tag each run of unknown characters once per process: jieba's part-of-speech HMM (a Python
    Viterbi over ~250 states, 85 % of the tagging time) is a pure function of that run, and the
    same names and terms (县名, 单位名) come back in text after text.  Results are unchanged."""
    if getattr(pseg, "_govaudit_memo", None) is not None:
        return
    original = pseg.viterbi  # type: ignore[attr-defined]
    memo: dict[str, object] = {}

    def viterbi(obs: str, states: object, start_p: object, trans_p: object, emit_p: object) -> object:
        hit = memo.get(obs)
        if hit is None:
            if len(memo) > 100_000:
                memo.clear()
            hit = memo[obs] = original(obs, states, start_p, trans_p, emit_p)
        return hit

    pseg.viterbi = viterbi  # type: ignore[attr-defined]
    pseg._govaudit_memo = memo  # type: ignore[attr-defined]
    pseg._govaudit_original = original  # type: ignore[attr-defined]


MEASURE_VERSION = 1  # bump when a measure changes: cached values of older versions are not used


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


def _cache_key(text: str, long_sentence: int) -> str:
    return hashlib.sha1(f"{MEASURE_VERSION}\x00{long_sentence}\x00{text}".encode()).hexdigest()


def measure_all(db: object, texts: Mapping[str, str], long_sentence: int = 80, pool: bool = True) -> dict[str, Readability]:
    """``measure`` of each text (by any key), remembered in the database table text_measures by
    the text's hash: a re-audit reads the interpretations it measured before instead of tagging
    them again (part-of-speech tagging is the costly part, 20–100 k characters a second)."""
    keys = {k: _cache_key(t, long_sentence) for k, t in texts.items()}
    known: dict[str, Readability] = {}
    hashes = sorted(set(keys.values()))
    conn = db.conn  # type: ignore[attr-defined]
    for i in range(0, len(hashes), 500):
        chunk = hashes[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for key, value in conn.execute(
            f"SELECT key, value_json FROM text_measures WHERE kind = 'readability' AND key IN ({marks})", chunk
        ):
            known[key] = Readability(**json.loads(value))
    todo = {h: texts[k] for k, h in keys.items() if h not in known}
    for h, m in zip(todo, _measure_many(list(todo.values()), long_sentence, pool)):
        known[h] = m
    new = [("readability", h, json.dumps(asdict(known[h]), ensure_ascii=False)) for h in todo]
    if new:
        conn.executemany("INSERT OR REPLACE INTO text_measures (kind, key, value_json) VALUES (?, ?, ?)", new)
    return {k: known[h] for k, h in keys.items()}


POOL_MIN_TEXTS = 64  # below this, forking workers costs more than it saves


def _measure_one(args: tuple[str, int]) -> Readability:
    return measure(*args)


def _measure_many(texts: list[str], long_sentence: int, pool: bool = True) -> list[Readability]:
    """``measure`` of each text; many texts are shared out over the machine's cores (forked
    workers, each tagging its share; the results are the same as in one process)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(os.cpu_count() or 1, 8)
    if not pool or len(texts) < POOL_MIN_TEXTS or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [measure(t, long_sentence) for t in texts]
    nominal_chains("政策解读")  # load the tagger's dictionaries once, before the fork
    from crawler.lock import forked_worker

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=forked_worker, initargs=(os.getpid(),)) as pool:
        return list(pool.map(_measure_one, [(t, long_sentence) for t in texts], chunksize=8))
