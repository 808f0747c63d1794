"""Crawled text in reports: what escaping alone does not neutralise.

HTML escaping (jinja autoescape), Markdown escaping (``reports.build.md``) and XML-safe
text (``reports.word.clean``) keep markup from being markup. A bidi control character
is not markup: U+202E (RIGHT-TO-LEFT OVERRIDE) in a crawled title shows "文件gpj.exe"
as "文件exe.jpg", and an override left open reorders what follows it in the same line.
Reports show these characters as visible codes instead (``[U+202E]``).
"""

from __future__ import annotations

import re
from typing import Any

# embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible_controls(value: Any) -> Any:
    """``value`` with bidi controls shown as [U+XXXX]; anything not a plain str is returned as is."""
    if type(value) is not str or not _BIDI.search(value):
        return value
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", value)
