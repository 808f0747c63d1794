"""Availability probes: fetch each site's home page once, record whether it opened.

Cheap enough to schedule every 30 minutes; the `site-unreachable` rule judges the
official "≥ 5 % of probes failed over 7 days" veto from these rows.  A probe has a
hard wall-clock limit (connect, redirects and body together), so a hung or
slow-dripping server costs at most `timeout` seconds and never blocks the others.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import sqlite_utils

from crawler.middlewares import LOOPBACK_ENV, is_loopback
from crawler.store import now_iso

USER_AGENT = "Mozilla/5.0 (compatible; govaudit/0.1; availability probe)"  # ASCII: header values are latin-1
MAX_REDIRECTS = 5
BODY_LIMIT = 512 * 1024  # a home page is read (it must arrive), but not without bound


@dataclass
class Probe:
    root: str
    url: str
    at: str
    ok: bool
    status: int | None
    error: str | None
    elapsed: float

    def row(self) -> dict[str, Any]:
        return {**self.__dict__, "ok": 1 if self.ok else 0}


class _Deadline(Exception):
    pass


def _loopback_only() -> bool:
    return os.environ.get(LOOPBACK_ENV, "") in ("1", "true", "yes")


def _fetch_once(url: str, deadline: float) -> tuple[int, str | None]:
    """GET one URL; (status, Location) — raises on network errors and the deadline."""
    parts = urlsplit(url)
    if _loopback_only() and not is_loopback(url):
        raise ConnectionRefusedError(f"{parts.hostname}: not a loopback address (loopback-only mode)")
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Deadline
    port = parts.port
    if parts.scheme == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # like the crawler: a bad certificate is not "unreachable"
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(parts.hostname, port, timeout=left, context=ctx)
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=left)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*", "Connection": "close"})
        if conn.sock is not None:
            conn.sock.settimeout(max(0.05, deadline - time.monotonic()))
        resp = conn.getresponse()
        got = 0
        while got < BODY_LIMIT:
            if time.monotonic() > deadline:
                raise _Deadline
            if conn.sock is not None:
                conn.sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
            if not chunk:
                break
            got += len(chunk)
        return resp.status, resp.getheader("Location")
    finally:
        conn.close()


def probe_url(root: str, timeout: float = 15.0) -> Probe:
    """Fetch a home page (following redirects) within `timeout` seconds in total."""
    at, start = now_iso(), time.monotonic()
    deadline = start + timeout
    url, status, error = root, None, None
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, location = _fetch_once(url, deadline)
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            break
        else:
            error = f"too many redirects (> {MAX_REDIRECTS})"
    except (_Deadline, socket.timeout, TimeoutError):
        error = f"timeout: no complete answer within {timeout:g} s"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        msg = str(exc).strip() or type(exc).__name__
        error = f"{type(exc).__name__}: {msg}"[:300]
    ok = error is None and status is not None and status < 400
    return Probe(root, url, at, ok, status, error, round(time.monotonic() - start, 3))


def probe_all(db: sqlite_utils.Database, roots: list[str], timeout: float = 15.0, concurrency: int = 8) -> list[Probe]:
    """Probe every root in parallel and store the results (one transaction)."""
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(roots) or 1))) as pool:
        results = list(pool.map(lambda r: probe_url(r, timeout), roots))
    with db.atomic():
        db["probes"].insert_all([p.row() for p in results])
    return results


def probe_stats(db: sqlite_utils.Database, root: str, since: str, until: str) -> dict[str, Any]:
    """Probe counts of one root with `since` <= date(at) <= `until` (ISO dates)."""
    row = next(
        db.query(
            "SELECT count(*) AS n, coalesce(sum(ok = 0), 0) AS failed, min(at) AS first, max(at) AS last "
            "FROM probes WHERE root = ? AND substr(at, 1, 10) BETWEEN ? AND ?",
            [root, since, until],
        )
    )
    return dict(row)
