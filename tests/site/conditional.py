"""HTTP validators and conditional GET for the test servers (stdlib only).

Both validators are derived from the body bytes, so they are stable across requests
and server restarts and change whenever the content changes:

* ``ETag``: the first 16 hex digits of the body's SHA-1, quoted;
* ``Last-Modified``: a date within three years after 2024-01-01 taken from further
  digits of the same SHA-1.

A request is answered 304 when one of its ``If-None-Match`` tags is the page's ETag
(or ``*``), or, without ``If-None-Match``, when ``If-Modified-Since`` equals
``Last-Modified`` exactly (nginx's default ``if_modified_since exact``).
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Mapping
from email.utils import formatdate

_EPOCH = calendar.timegm(dt.date(2024, 1, 1).timetuple())
_SPAN = 3 * 365 * 86400


def validators(body: bytes) -> tuple[str, str]:
    """(ETag, Last-Modified) of a body."""
    digest = hashlib.sha1(body).hexdigest()
    seconds = int(digest[16:24], 16) % _SPAN
    return f'"{digest[:16]}"', formatdate(_EPOCH + seconds, usegmt=True)


def not_modified(request_headers: Mapping[str, str], etag: str, last_modified: str) -> bool:
    """Whether a GET/HEAD with these request headers gets 304 for a page with these validators."""
    inm = request_headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    return request_headers.get("If-Modified-Since") == last_modified


def is_conditional(request_headers: Mapping[str, str]) -> bool:
    return request_headers.get("If-None-Match") is not None or request_headers.get("If-Modified-Since") is not None
