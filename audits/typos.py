"""Wrong-word (错别字) matching over Chinese text, on jieba word boundaries.

Dictionaries are TSV files: ``wrong<TAB>correct<TAB>note<TAB>context``; note and
context may be empty, lines starting with ``#`` are comments. The context column
holds space-separated conditions: ``after=REGEX`` (the text right after the wrong
word must match, anchored at its start) and ``before=REGEX`` (searched in the text
before it; end the regex with ``$`` to require it right before).

A dictionary entry matches only where it starts and ends on token boundaries of
the jieba segmentation of the sentence, so a string that merely spans two real
words (按|装修) is not reported. The wrong and right words of every dictionary
are added to the tokenizer's word list so they segment as units where the
sentence allows. jieba's bundled dictionary is used; nothing is downloaded.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
TYPOS_TSV = DATA / "typos.tsv"
SERIOUS_TSV = DATA / "serious.tsv"

_CJK = re.compile(r"[\u3400-\u9fff]")
# sentence ends; whitespace between two CJK characters (paragraph joins in normalised text)
_SPLIT = re.compile(r"[。！？!?；;\r\n]+|(?<=[\u3400-\u9fff：:”」])\s+(?=[\u3400-\u9fff“「])")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-—–]+\s|——|--)\s*")
_WINDOW = 60  # characters of context each side when a sentence is long


class DictionaryError(ValueError):
    """A dictionary file that cannot be read or parsed."""


@dataclass(frozen=True)
class Entry:
    wrong: str
    correct: str
    note: str = ""
    dictionary: str = "typos"  # "typos" | "serious"
    after: re.Pattern[str] | None = field(default=None, compare=False)
    before: re.Pattern[str] | None = field(default=None, compare=False)

    def context_ok(self, sentence: str, start: int, end: int) -> bool:
        if self.after is not None and not self.after.match(sentence, end):
            return False
        return self.before is None or bool(self.before.search(sentence[:start]))


@dataclass(frozen=True)
class Hit:
    entry: Entry
    sentence: str
    start: int
    end: int


def parse_dictionary(text: str, dictionary: str, source: str = "<text>") -> list[Entry]:
    entries: list[Entry] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or not cols[0] or not cols[1]:
            raise DictionaryError(f"{source}:{n}: expected 'wrong<TAB>correct[<TAB>note[<TAB>context]]'")
        wrong, correct = cols[0], cols[1]
        note = cols[2] if len(cols) > 2 else ""
        after = before = None
        for cond in (cols[3].split() if len(cols) > 3 else []):
            key, _, rx = cond.partition("=")
            try:
                if key == "after":
                    after = re.compile(rx)
                elif key == "before":
                    before = re.compile(rx)
                else:
                    raise DictionaryError(f"{source}:{n}: unknown context condition '{cond}' (after=, before=)")
            except re.error as exc:
                raise DictionaryError(f"{source}:{n}: bad regex in '{cond}': {exc}") from exc
        if wrong == correct and after is None and before is None:
            raise DictionaryError(f"{source}:{n}: wrong and correct are the same ('{wrong}')")
        entries.append(Entry(wrong, correct, note, dictionary, after, before))
    return entries


@lru_cache(maxsize=32)
def _load_file(path: str, mtime: float, dictionary: str) -> tuple[Entry, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DictionaryError(f"cannot read dictionary {path}: {exc}") from exc
    return tuple(parse_dictionary(text, dictionary, path))


def load_dictionary(path: str | Path, dictionary: str = "typos") -> tuple[Entry, ...]:
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise DictionaryError(f"cannot read dictionary {p}: {exc}") from exc
    return _load_file(str(p.resolve()), mtime, dictionary)


# -- jieba, initialised once per process ------------------------------------------
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _base_tokenizer() -> Any:
    with warnings.catch_warnings():  # jieba 0.42 imports pkg_resources
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()  # bundled dict.txt (cached under the temp dir by jieba); no download
    return tok


def _words_of(entries: Iterable[Entry]) -> list[str]:
    words: list[str] = []
    for e in entries:
        for w in (e.wrong, e.correct):
            if _CJK.search(w) and w not in words:
                words.append(w)
    return words


@lru_cache(maxsize=8)
def tokenizer_for(words: tuple[str, ...]) -> Any:
    """A tokenizer (a copy of the bundled one) that also knows ``words`` as units."""
    import jieba

    base = _base_tokenizer()
    with _lock:
        tok = jieba.Tokenizer()
        tok.FREQ = dict(base.FREQ)
        tok.total = base.total
        tok.initialized = True
        for w in words:
            if tok.FREQ.get(w):
                continue
            # the least frequency that makes the word one token when it stands alone
            # (jieba.suggest_freq): between other words jieba still picks the likelier split
            logp = sum(math.log(tok.FREQ.get(seg) or 1) - math.log(tok.total) for seg in tok.cut(w, HMM=False))
            tok.add_word(w, int(math.exp(logp) * tok.total) + 1)
    return tok


def tokens(text: str, words: Iterable[str] = ()) -> list[str]:
    """jieba tokens of ``text`` with the given extra words known (for tests and debugging)."""
    return list(tokenizer_for(tuple(words)).cut(text, HMM=False))


# -- matching -------------------------------------------------------------------
def sentences(text: str, title: bool = False) -> list[str]:
    parts = _SPLIT.split(text or "")
    if title:
        parts = [q for p in parts for q in _TITLE_SPLIT.split(p)]
    return [p.strip() for p in parts if p and p.strip()]


class Matcher:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(entries)
        self.by_wrong: dict[str, list[Entry]] = {}
        for e in self.entries:
            self.by_wrong.setdefault(e.wrong, []).append(e)
        alts = sorted(self.by_wrong, key=len, reverse=True)
        self.any = re.compile("|".join(map(re.escape, alts))) if alts else None
        self.words = tuple(_words_of(self.entries))

    def hits(self, sentence: str) -> list[Hit]:
        if self.any is None or not self.any.search(sentence):
            return []
        # the same sentence on many pages (a template line): segment it once
        memo = self.__dict__.setdefault("_memo", {})
        hit = memo.get(sentence)
        if hit is None:
            if len(memo) > 20000:
                memo.clear()
            hit = memo[sentence] = self._hits(sentence)
        return list(hit)

    def _hits(self, sentence: str) -> list[Hit]:
        found = [
            (m.start(), wrong)
            for wrong in self.by_wrong
            for m in re.finditer(f"(?={re.escape(wrong)})", sentence)
        ]
        if not found:
            return []
        tok = tokenizer_for(self.words)
        bounds = {0}
        pos = 0
        for t in tok.cut(sentence, HMM=False):
            pos += len(t)
            bounds.add(pos)
        hits: list[Hit] = []
        for start, wrong in found:
            end = start + len(wrong)
            if start not in bounds or end not in bounds:
                continue
            for e in self.by_wrong[wrong]:
                if e.context_ok(sentence, start, end):
                    hits.append(Hit(e, sentence, start, end))
                    break
        # a match inside a longer one (针贬 inside 针贬时弊) is the same error; serious first
        hits.sort(key=lambda h: (h.entry.dictionary != "serious", -(h.end - h.start), h.start))
        kept: list[Hit] = []
        for h in hits:
            if all(h.end <= k.start or h.start >= k.end for k in kept):
                kept.append(h)
        return sorted(kept, key=lambda h: h.start)

    def scan(self, text: str, title: bool = False) -> Iterator[Hit]:
        if self.any is None or not self.any.search(text or ""):
            return  # no wrong word anywhere in the text: no sentence of it can hit
        for s in sentences(text, title):
            yield from self.hits(s)


def mark(sentence: str, spans: Iterable[tuple[int, int]]) -> str:
    """The sentence with each span wrapped in 【】, shortened around them when long."""
    spans = sorted(set(spans))
    lo = max(0, spans[0][0] - _WINDOW) if len(sentence) > 2 * _WINDOW + 20 else 0
    hi = min(len(sentence), spans[-1][1] + _WINDOW) if lo or len(sentence) > 2 * _WINDOW + 20 else len(sentence)
    out, pos = [], lo
    for a, b in spans:
        out += [sentence[pos:a], "【", sentence[a:b], "】"]
        pos = b
    out.append(sentence[pos:hi])
    return ("…" if lo else "") + "".join(out) + ("…" if hi < len(sentence) else "")


@lru_cache(maxsize=8)
def matcher(extra: str = "", extra_mtime: float = 0.0) -> Matcher:
    entries = list(load_dictionary(SERIOUS_TSV, "serious")) + list(load_dictionary(TYPOS_TSV, "typos"))
    if extra:
        entries += list(load_dictionary(extra, "typos"))
    return Matcher(entries)


def matcher_with(extra_dictionary: str | Path | None = None) -> Matcher:
    if not extra_dictionary:
        return matcher()
    p = Path(extra_dictionary)
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise DictionaryError(f"cannot read dictionary {p}: {exc}") from exc
    return matcher(str(p.resolve()), mtime)
