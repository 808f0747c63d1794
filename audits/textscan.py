"""One pass over the text of every page of a run for the rules that look for strings in it.

typo and privacy-exposed used to run Python regexes over every page of every site (66 µs a
page for the typo dictionary alone: an hour of CPU at a million pages).  Both only ever
report a page whose text holds a dictionary word, or a run of 11 digits.  This module finds
those pages in one pass per run: the text columns are read as UTF-8 bytes (no decoding) and
searched with an Aho–Corasick automaton in Rust (ahocorasick-rs) for the dictionary words and
for every non-ASCII decimal digit, and with ``bytes.translate`` for runs of ASCII digits.
The rules then read and judge only those pages, exactly as before: the pass is a superset
test, never a judgement.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from audits.context import SiteContext
from audits.runcache import run_cached

# every byte that is an ASCII digit becomes "0", every other byte "."
_DIGIT_BYTES = bytes(0x30 if 0x30 <= b <= 0x39 else 0x2E for b in range(256))
_ELEVEN = b"0" * 11  # the shortest number the privacy rule reports (a mobile number) has 11 digits
_D = re.compile(r"\d")


@lru_cache(maxsize=1)
def non_ascii_digits() -> tuple[str, ...]:
    """Every character other than 0-9 that ``\\d`` matches in a str regex (Unicode Nd: ０-９, ٠-٩, …)."""
    every = "".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    return tuple(_D.findall(every))


@dataclass
class TextScan:
    # root -> URLs (in row order) whose title, article title, main text or body head holds a dictionary word
    words: dict[str, list[str]] = field(default_factory=dict)
    # root -> URLs (in row order) of fetched pages whose main text (or body head) may hold 11 digits in a row
    digits: dict[str, list[str]] = field(default_factory=dict)


def scan(ctx: SiteContext, words: tuple[str, ...]) -> TextScan:
    """The run's pages that can hold one of ``words`` or a long number; computed once per run and word list."""
    return run_cached(ctx, "text-scan", tuple(sorted(set(words))), lambda c: _scan(c, tuple(sorted(set(words)))))


@lru_cache(maxsize=8)
def text_automaton(words: tuple[str, ...]) -> object:
    import ahocorasick_rs

    patterns = [w.encode() for w in words] + [d.encode() for d in non_ascii_digits()]
    return ahocorasick_rs.BytesAhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.DFA)


def _b(value: str | bytes | None) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


def classify(ac: object, n_words: int, title: str | bytes | None, article_title: str | bytes | None,
             main: str | bytes | None, head: str | bytes | None, fetched: bool) -> tuple[bool, bool]:
    """(may hold a dictionary word, may hold a long number) for one page's text fields.

    ``ac`` is ``text_automaton(words)`` and ``n_words`` ``len(words)``; ``fetched`` is
    ``error IS NULL AND status < 400``.  Used by the per-run pass and, when a page is stored,
    by crawler/facts.py: the two must agree.
    """
    main_b, head_b = _b(main), _b(head)
    text = main_b or head_b
    blob = b"\0".join((_b(title), _b(article_title), main_b, head_b))
    # overlapping: a word that begins with a digit such as ０ must not hide behind the digit's match
    hits = ac.find_matches_as_indexes(blob, overlapping=True) if blob else ()  # type: ignore[attr-defined]
    word = any(h[0] < n_words for h in hits)
    digits = bool(fetched and text and (_ELEVEN in text.translate(_DIGIT_BYTES) or any(h[0] >= n_words for h in hits)))
    return word, digits


def _from_facts(ctx: SiteContext, words: tuple[str, ...]) -> TextScan | None:
    """The pass's answer from the flags stored with each page, when every page of the run has them
    for these very words (the built-in dictionaries); None otherwise."""
    from crawler.facts import TEXT_DIGITS, TEXT_WORD, dictionary_words

    if words != dictionary_words() or not facts_ready(ctx):
        return None
    found_words: dict[str, list[str]] = defaultdict(list)
    found_digits: dict[str, list[str]] = defaultdict(list)
    for root, url, flags in ctx.db.conn.execute(
        "SELECT root, url, text_flags FROM pages INDEXED BY idx_pages_text_flags "
        "WHERE run_id = ? AND text_flags > 0 ORDER BY url",
        [ctx.run_id],
    ):
        if flags & TEXT_WORD:
            found_words[root].append(url)
        if flags & TEXT_DIGITS:
            found_digits[root].append(url)
    return TextScan(dict(found_words), dict(found_digits))


def facts_ready(ctx: SiteContext) -> bool:
    """True when every page of the run carries the current stored facts (crawler/facts.py)."""
    return run_cached(ctx, "facts-ready", None, _facts_ready)


def _facts_ready(ctx: SiteContext) -> bool:
    from crawler.facts import facts_version

    cols = {r[1] for r in ctx.db.conn.execute("PRAGMA table_info(pages)")}
    if "facts_v" not in cols:
        return False
    stale = ctx.db.conn.execute(
        "SELECT 1 FROM pages INDEXED BY idx_pages_facts WHERE run_id = ? AND (facts_v IS NULL OR facts_v != ?) LIMIT 1",
        [ctx.run_id, facts_version()],
    ).fetchone()
    return stale is None


def _scan(ctx: SiteContext, words: tuple[str, ...]) -> TextScan:
    stored = _from_facts(ctx, words)
    if stored is not None:
        return stored
    n_words = len(words)
    ac = text_automaton(words)
    found_words: dict[str, list[str]] = defaultdict(list)
    found_digits: dict[str, list[str]] = defaultdict(list)
    rows = ctx.db.conn.execute(
        "SELECT root, url, CAST(title AS BLOB), CAST(article_title AS BLOB), CAST(main_text AS BLOB), CAST(body_head AS BLOB), "
        "error IS NULL AND status < 400 FROM pages WHERE run_id = ?",
        [ctx.run_id],
    )
    for root, url, title, article_title, main, head, fetched in rows:
        word, digits = classify(ac, n_words, title, article_title, main, head, bool(fetched))
        if word:
            found_words[root].append(url)
        if digits:
            found_digits[root].append(url)
    return TextScan(dict(found_words), dict(found_digits))


def pages_by_url(ctx: SiteContext, urls: list[str], columns: str) -> list[dict]:
    """Rows of these pages of the run (any number of URLs), in no particular order."""
    out: list[dict] = []
    for i in range(0, len(urls), 500):
        chunk = urls[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out += ctx.query(f"SELECT {columns} FROM pages WHERE run_id = ? AND url IN ({marks})", [ctx.run_id, *chunk])
    return out
