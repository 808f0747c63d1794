"""Which encoding a page really uses, when its header and meta tag disagree.

Chinese government CMSs often send ``charset=utf-8`` in the header over GBK
bytes, or declare ``gb2312`` for text that uses GBK-only characters.  We try
strict UTF-8 first, then the declared encodings and GB18030 (a superset of GB2312 and GBK),
and keep the first that decodes the body strictly.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "hz-gb-2312"}


def normalise(name: str | None) -> str | None:
    """Python codec name, with the GB family widened to gb18030; None if unknown."""
    if not name:
        return None
    low = name.strip().lower()
    if low in _GB_FAMILY or low.startswith("gb2312"):
        return "gb18030"
    try:
        return codecs.lookup(low).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1).lower() if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def _bom(body: bytes) -> str | None:
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def detect(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """(encoding to decode with, what the page declared — header first, else meta)."""
    declared_header = header_charset(content_type)
    declared_meta = meta_charset(body)
    declared = declared_header or declared_meta
    bom = _bom(body)
    if bom:
        return bom, declared
    candidates: list[str] = []
    # Valid UTF-8 with non-ASCII bytes is almost never anything else, while
    # GB18030 accepts most byte sequences (UTF-8 bytes decode as mojibake).
    for name in ("utf-8", declared_header, declared_meta, "gb18030"):
        norm = normalise(name)
        if norm and norm not in candidates:
            candidates.append(norm)
    for enc in candidates:
        try:
            body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return enc, declared
    # nothing decodes strictly: keep the one with the fewest replacement characters
    best = min(candidates, key=lambda e: body.decode(e, "replace").count("\ufffd"))
    return best, declared
