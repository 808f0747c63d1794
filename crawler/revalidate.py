"""Revalidation ahead of the crawl: the conditional GETs of an incremental recrawl, sent by a lean client.

An unchanged page of a recrawl costs one conditional GET answered ``304 Not Modified``.  Sent
through Scrapy, each costs 2.5–3 ms of the crawler's main thread (engine, scheduler, a dozen
middlewares, Twisted's HTTP client: bench/README.md), and that was most of a recrawl.  So at
the start of an incremental run the spider hands the list of pages it may ask conditionally
(the earlier run's articles with validators, in that run's order) to a child process
(``python -m crawler.revalidate``) that asks them with ``http.client`` on keep-alive
connections, and streams back the pages answered 304.  When the spider then reaches such a
page it reuses the earlier facts without a request of its own (crawler/incremental.py).
Anything else -- a page the child has not asked yet, a 200, a redirect, an error, a host
it gave up on -- is requested through Scrapy as before, conditionally, so the child can
only save requests, never decide a page's facts.

Policy kept by the child, as Scrapy's middlewares keep it for the spider's requests:
- only pages of the roots' own hosts (the hosts ``--refuse-private`` always allows), http(s);
- robots.txt, when obeyed: fetched once per host and read with Protego for the crawl's
  user agent, as Scrapy does; a robots.txt that is not 200 or 404/410 stops the host;
- politeness: at most ``max(1, per_host // 2)`` connections a host (the spider's own
  requests to list pages run beside them), ``--delay`` between requests to a host
  (randomised 0.5–1.5×, as Scrapy does); a 429 or 503 stops the host at once;
- ``GOVAUDIT_LOOPBACK_ONLY``: a connection whose peer is not a loopback address is closed
  and the host stopped;
- the download timeout on every socket operation; three errors stop a host.
With a proxy configured the spider does not start the child (its requests go through
Scrapy's proxy middleware).

Protocol (lines, tab-separated).  Parent → child: a JSON line of settings, then
``J <index> <url> <header> <value>`` a job, ``E`` when all jobs are sent, ``S <index>``
for a job the spider no longer needs (it asked the page itself), ``Q`` or end of input to
stop.  Child → parent: ``N <index> <seconds> <etag> <last-modified>`` for a 304, and a
final ``D <json counts>``.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import random
import ssl
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ROBOTS_MAX_BYTES = 512 * 1024  # as crawler/limits.py: the rest of a robots.txt is dropped
MAX_HOST_ERRORS = 3
LOOPBACK_ENV = "GOVAUDIT_LOOPBACK_ONLY"


# -- the child --------------------------------------------------------------------------------

@dataclass
class _Host:
    scheme: str
    netloc: str
    jobs: deque = field(default_factory=deque)
    active: int = 0
    idle: list = field(default_factory=list)  # keep-alive connections
    robots: Any = None  # None: not fetched yet; "fetching"; True: allow all; else a Protego parser
    stopped: str = ""
    next_at: float = 0.0
    errors: int = 0


class _Child:
    def __init__(self, cfg: dict[str, Any], out: Any) -> None:
        self.cfg = cfg
        self.out = out
        self.per_host = max(1, int(cfg.get("per_host", 4)))
        self.delay = float(cfg.get("delay", 0.0))
        self.timeout = float(cfg.get("timeout", 15.0))
        self.obey = bool(cfg.get("robots", True))
        self.ua = cfg.get("user_agent") or ""
        self.robots_ua = cfg.get("robots_user_agent") or self.ua  # as Scrapy: ROBOTSTXT_USER_AGENT, else the UA
        self.headers = dict(cfg.get("headers") or {})
        self.loopback_only = bool(cfg.get("loopback_only"))
        self.hosts: dict[tuple[str, str], _Host] = {}
        self.order: list[_Host] = []
        self.skipped: set[int] = set()
        self.ended = False
        self.quit = False
        self.cond = threading.Condition()
        self.out_lock = threading.Lock()
        self.counts = {"sent": 0, "not_modified": 0, "other": 0, "errors": 0, "robots_denied": 0, "skipped": 0,
                       "hosts_stopped": 0}
        self._ssl = ssl._create_unverified_context()  # as Scrapy: government certificates are often broken

    # input
    def read_input(self, stream: Any) -> None:
        for line in stream:
            line = line.rstrip("\n")
            kind, _, rest = line.partition("\t")
            with self.cond:
                if kind == "J":
                    index, url, header, value = rest.split("\t", 3)
                    parts = urlsplit(url)
                    key = (parts.scheme, parts.netloc)
                    host = self.hosts.get(key)
                    if host is None:
                        host = self.hosts[key] = _Host(parts.scheme, parts.netloc)
                        self.order.append(host)
                    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                    host.jobs.append((int(index), target, header, value))
                elif kind == "S":
                    self.skipped.add(int(rest))
                elif kind == "E":
                    self.ended = True
                elif kind == "Q":
                    break
                self.cond.notify_all()
        with self.cond:
            self.quit = True
            self.cond.notify_all()

    def count(self, key: str) -> None:
        with self.out_lock:
            self.counts[key] += 1

    def emit(self, line: str) -> None:
        with self.out_lock:
            self.out.write(line + "\n")
            self.out.flush()

    # scheduling
    def _pick(self, now: float) -> tuple[_Host, Any] | float | None:
        """A host and its next job (or "robots"), the seconds to wait for one, or None when all is done."""
        wait: float | None = None
        pending = False
        for host in self.order:
            if host.stopped:
                continue
            while host.jobs and host.jobs[0][0] in self.skipped:
                self.skipped.discard(host.jobs.popleft()[0])
                self.count("skipped")
            if not host.jobs:
                continue
            pending = True
            if host.active >= self.per_host or host.robots == "fetching":
                continue
            if host.next_at > now:
                wait = min(wait or 1.0, host.next_at - now)
                continue
            if self.obey and host.robots is None:
                host.robots = "fetching"
                return host, "robots"
            job = host.jobs.popleft()
            if self.delay:
                host.next_at = now + self.delay * random.uniform(0.5, 1.5)
            return host, job
        if not pending and self.ended:
            return None
        return wait if wait is not None else 0.5

    def worker(self) -> None:
        while True:
            with self.cond:
                if self.quit:
                    return
                picked = self._pick(time.monotonic())
                if picked is None:
                    self.cond.notify_all()
                    return
                if isinstance(picked, float):
                    self.cond.wait(picked)
                    continue
                host, job = picked
                host.active += 1
            try:
                if job == "robots":
                    self._robots(host)
                else:
                    self._ask(host, job)
            finally:
                with self.cond:
                    host.active -= 1
                    self.cond.notify_all()

    def _stop(self, host: _Host, why: str) -> None:
        with self.cond:
            if not host.stopped:
                host.stopped = why
                self.count("hosts_stopped")
                host.jobs.clear()

    # HTTP
    def _connection(self, host: _Host) -> tuple[http.client.HTTPConnection, bool]:
        with self.cond:
            if host.idle:
                return host.idle.pop(), True
        if host.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(host.netloc, timeout=self.timeout, context=self._ssl)
        else:
            conn = http.client.HTTPConnection(host.netloc, timeout=self.timeout)
        conn.connect()
        if self.loopback_only:
            peer = conn.sock.getpeername()[0]
            if not ipaddress.ip_address(peer.split("%")[0]).is_loopback:
                conn.close()
                raise PermissionError(f"{host.netloc} is at {peer}, not a loopback address ({LOOPBACK_ENV}=1)")
        return conn, False

    def _get(self, host: _Host, target: str, headers: dict[str, bytes]) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
        """GET on a kept-alive connection, once more on a new one if the old one was closed meanwhile."""
        for attempt in (0, 1):
            conn, reused = self._connection(host)
            try:
                conn.request("GET", target, headers=headers)
                return conn.getresponse(), conn
            except (OSError, http.client.HTTPException):
                conn.close()
                if not reused or attempt:
                    raise
        raise AssertionError("unreachable")

    def _base_headers(self) -> dict[str, bytes]:
        # bytes, as Scrapy sends them: the user agent names the tool in Chinese (not latin-1)
        return {k: v.encode("utf-8") for k, v in {"User-Agent": self.ua, **self.headers}.items()}

    def _robots(self, host: _Host) -> None:
        try:
            resp, conn = self._get(host, "/robots.txt", self._base_headers())
            body = resp.read(ROBOTS_MAX_BYTES + 1)
            conn.close()
        except PermissionError as exc:
            self._stop(host, str(exc))
            return
        except (OSError, http.client.HTTPException, ValueError):
            self._stop(host, "robots.txt unreadable")
            return
        if resp.status in (404, 410):
            parser: Any = True
        elif resp.status == 200:
            from protego import Protego

            if len(body) > ROBOTS_MAX_BYTES:
                body = body[:ROBOTS_MAX_BYTES]
                body = body[: body.rfind(b"\n") + 1] or body
            parser = Protego.parse(body.decode("utf-8", "ignore"))
        else:
            self._stop(host, f"robots.txt answered {resp.status}")
            return
        with self.cond:
            host.robots = parser

    def _ask(self, host: _Host, job: tuple[int, str, str, str]) -> None:
        index, target, header, value = job
        parser = host.robots if self.obey and host.robots not in (None, True) else None
        if parser is not None and not parser.can_fetch(f"{host.scheme}://{host.netloc}{target}", self.robots_ua):
            self.count("robots_denied")
            return
        headers = self._base_headers()
        headers[header] = value.encode("latin-1", "replace")  # as stored: latin-1 (crawler/incremental.py)
        started = time.monotonic()
        self.count("sent")
        try:
            resp, conn = self._get(host, target, headers)
            status = resp.status
            if status == 304:
                resp.read()
                etag, modified = resp.getheader("ETag") or "", resp.getheader("Last-Modified") or ""
                if resp.will_close:
                    conn.close()
                else:
                    with self.cond:
                        host.idle.append(conn)
            else:
                conn.close()  # changed, moved or failing: the spider fetches it; its body is not read here
        except PermissionError as exc:
            self._stop(host, str(exc))
            return
        except (OSError, http.client.HTTPException, ValueError, UnicodeError):
            self.count("errors")
            with self.cond:
                host.errors += 1
                failing = host.errors >= MAX_HOST_ERRORS
            if failing:
                self._stop(host, "errors")
            return
        if status == 304:
            self.count("not_modified")
            self.emit(f"N\t{index}\t{time.monotonic() - started:.3f}\t{_field(etag)}\t{_field(modified)}")
            return
        self.count("other")
        if status in (429, 503):
            self._stop(host, f"answered {status}")  # the server asks us to slow down: leave it to Scrapy


def _field(value: str) -> str:
    """A header value as one field of a line."""
    return value.replace("\t", " ").replace("\n", " ")[:300]


def child_main() -> int:
    stdin = sys.stdin
    cfg = json.loads(stdin.readline() or "{}")
    child = _Child(cfg, sys.stdout)
    threading.Thread(target=child.read_input, args=(stdin,), daemon=True).start()
    workers = [threading.Thread(target=child.worker, daemon=True) for _ in range(max(1, int(cfg.get("threads", 8))))]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    stopped = {h.netloc: h.stopped for h in child.order if h.stopped}
    child.emit("D\t" + json.dumps({**child.counts, "stopped": stopped}, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # the input reader may still be blocked on a parent that keeps the pipe open


# -- the parent (the spider's side) -------------------------------------------------------------

class Revalidator:
    """Runs the child and keeps its answers: url → (seconds, etag, last-modified) of a 304."""

    def __init__(self, jobs: list[tuple[str, str, str]], settings: dict[str, Any]) -> None:
        self._index: dict[int, int] = {}
        self._answers: dict[int, tuple[float, str, str]] = {}
        self.counts: dict[str, Any] = {}
        self.done = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.revalidate"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace", bufsize=1,
        )
        self._in_lock = threading.Lock()
        lines = [json.dumps(settings, ensure_ascii=False)]
        for n, (url, header, value) in enumerate(jobs):
            if "\t" in url + header + value or "\n" in url + header + value:
                continue
            self._index[hash(url)] = n
            lines.append(f"J\t{n}\t{url}\t{header}\t{value}")
        lines.append("E")
        self.jobs = len(self._index)
        threading.Thread(target=self._send, args=(lines,), daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def _write(self, text: str) -> None:
        try:
            with self._in_lock:
                self.proc.stdin.write(text)  # type: ignore[union-attr]
                self.proc.stdin.flush()  # type: ignore[union-attr]
        except (OSError, ValueError):
            pass  # the child is gone: the spider asks every page itself

    def _send(self, lines: list[str]) -> None:
        for start in range(0, len(lines), 2000):
            self._write("\n".join(lines[start:start + 2000]) + "\n")

    def _read(self) -> None:
        try:
            for line in self.proc.stdout:  # type: ignore[union-attr]
                kind, _, rest = line.rstrip("\n").partition("\t")
                if kind == "N":
                    index, seconds, etag, modified = rest.split("\t", 3)
                    self._answers[int(index)] = (float(seconds), etag, modified)
                elif kind == "D":
                    self.counts = json.loads(rest)
        except (OSError, ValueError):
            pass
        finally:
            self.done.set()

    def answer(self, url: str) -> tuple[float, str, str] | None:
        """The 304 the child got for url, or None (then tell the child not to ask it: the spider does)."""
        index = self._index.pop(hash(url), None)
        if index is None:
            return None
        found = self._answers.pop(index, None)
        if found is None and not self.done.is_set():
            self._write(f"S\t{index}\n")
        return found

    def close(self, wait: float = 2.0) -> dict[str, Any]:
        """Stop the child (it may still be asking pages the crawl never reached); its counts."""
        self._write("Q\n")
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except (OSError, ValueError):
            pass
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.done.wait(timeout=wait)
        return self.counts


def child_settings(settings: Any) -> dict[str, Any]:
    """What the child needs of the crawl's Scrapy settings."""
    per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or 8
    headers = {k: v for k, v in (settings.getdict("DEFAULT_REQUEST_HEADERS") or {}).items() if isinstance(v, str)}
    if settings.getbool("COMPRESSION_ENABLED"):
        # the same variant as the spider's requests: a server may send another ETag per encoding
        from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS

        headers.setdefault("Accept-Encoding", b", ".join(ACCEPTED_ENCODINGS).decode("latin-1"))
    return {
        "user_agent": settings.get("USER_AGENT") or "",
        "robots_user_agent": settings.get("ROBOTSTXT_USER_AGENT"),
        "headers": headers,
        "robots": settings.getbool("ROBOTSTXT_OBEY"),
        "per_host": max(1, per_host // 2),
        "threads": max(1, min(16, settings.getint("CONCURRENT_REQUESTS") or 16)),
        "delay": settings.getfloat("DOWNLOAD_DELAY"),
        "timeout": settings.getfloat("DOWNLOAD_TIMEOUT") or 15.0,
        "loopback_only": os.environ.get(LOOPBACK_ENV, "") in ("1", "true", "yes"),
    }


def proxied() -> bool:
    """Whether requests would go through a proxy (then the spider asks every page through Scrapy)."""
    import urllib.request

    return any(k != "no" for k in urllib.request.getproxies())


if __name__ == "__main__":
    sys.exit(child_main())
