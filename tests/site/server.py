"""Serve the fictional 青山县 site over loopback HTTP (stdlib only).

    site = FixtureSite(today=datetime.date(2026, 12, 15)).start()
    ...  site.portal, site.jyj, site.scj, site.wjj, site.roots
    site.stop()            # or: with FixtureSite(...) as site: ...

    python -m tests.site.server --port 8765 [--today 2026-12-15]
    python tests/site/server.py --port 8765          # same, as a script

Two listening sockets on the same port: 127.0.0.1 (portal + /jyj/ + /scj/) and
127.0.0.2 (卫生健康局).  Static pages come from ``model.build_site``; the
traps (calendar, session ids, ``;jsessionid=``), the 503 subsite and the 404
page are handled here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import re
import signal
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

try:
    from . import conditional as _conditional
    from . import model as _model
    from . import services as _services
except ImportError:  # executed as a plain script: python tests/site/server.py
    import services as _services  # type: ignore[no-redef]
    import conditional as _conditional  # type: ignore[no-redef]
    import model as _model  # type: ignore[no-redef]

Page = _model.Page
PORTAL_HOST = _model.PORTAL_HOST
WJJ_HOST = _model.WJJ_HOST

_JSESSION_RE = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
_MONTH_RE = re.compile(r"^\s*(\d{1,4})-(\d{1,2})\s*$")
_BIND_ATTEMPTS = 10


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    timeout = 30  # idle keep-alive connections are dropped after this

    server: "_Server"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        page = self.server.fixture._resolve(self.server.host_key, self.path)
        status, headers, body = page.status, dict(page.headers), page.body
        if status == 200:  # validators from the body; conditional GET answered 304 (tests/site/conditional.py)
            etag, last_modified = _conditional.validators(body)
            headers.setdefault("ETag", etag)
            headers.setdefault("Last-Modified", last_modified)
            if _conditional.not_modified(self.headers, headers["ETag"], headers["Last-Modified"]):
                status, headers, body = 304, {"ETag": headers["ETag"], "Last-Modified": headers["Last-Modified"]}, b""
        self.server.fixture.hits.append(
            (self.server.host_key, self.command, self.path, status, _conditional.is_conditional(self.headers)))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], fixture: "FixtureSite", host_key: str) -> None:
        self.fixture = fixture
        self.host_key = host_key
        super().__init__(addr, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), i.e. a reverse DNS
        # lookup; skip it (loopback only, no resolver traffic).
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # client went away: not worth a traceback
        super().handle_error(request, client_address)


class FixtureSite:
    """The 青山县 fixture site on 127.0.0.1:PORT and 127.0.0.2:PORT."""

    def __init__(self, today: dt.date | None = None, port: int = 0) -> None:
        self.today: dt.date = today or dt.date.today()
        self.port: int = port
        self._requested_port = port
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._pages: dict[str, dict[str, Page]] = {}
        self._not_found: dict[str, Page] = {}
        self._unavailable = _model.render_unavailable(PORTAL_HOST)
        self._counter = itertools.count(1)
        self._counter_lock = threading.Lock()
        # every request: (host, method, path, status, conditional: sent If-None-Match / If-Modified-Since)
        self.hits: list[tuple[str, str, str, int, bool]] = []

    # ----- URLs --------------------------------------------------------------
    @property
    def portal(self) -> str:
        return f"http://{PORTAL_HOST}:{self.port}/"

    @property
    def jyj(self) -> str:
        return f"http://{PORTAL_HOST}:{self.port}/jyj/"

    @property
    def scj(self) -> str:
        return f"http://{PORTAL_HOST}:{self.port}/scj/"

    @property
    def wjj(self) -> str:
        return f"http://{WJJ_HOST}:{self.port}/"

    @property
    def roots(self) -> list[str]:
        return [self.portal, self.jyj, self.scj, self.wjj]

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    # ----- lifecycle ---------------------------------------------------------
    def start(self) -> "FixtureSite":
        if self._servers:
            return self
        s1, s2 = self._bind()
        self.port = s1.server_address[1]
        self._pages = _model.build_site(self.today, self.port)
        self._not_found = {h: _model.render_not_found(h) for h in (PORTAL_HOST, WJJ_HOST)}
        self._servers = [s1, s2]
        # the new-media "platform" of tests/site/interaction.py (account pages), on the same port
        self._servers.append(_Server((_model.PLATFORM_HOST, self.port), self, _model.PLATFORM_HOST))
        for srv in self._servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                                 name=f"fixture-site-{srv.host_key}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _bind(self) -> tuple[_Server, _Server]:
        attempts = _BIND_ATTEMPTS if self._requested_port == 0 else 1
        last: OSError | None = None
        for _ in range(attempts):
            s1 = _Server((PORTAL_HOST, self._requested_port), self, PORTAL_HOST)
            port = s1.server_address[1]
            try:
                s2 = _Server((WJJ_HOST, port), self, WJJ_HOST)
            except OSError as exc:
                s1.server_close()
                last = exc
                continue
            return s1, s2
        raise OSError(f"could not bind {WJJ_HOST} on the port chosen for {PORTAL_HOST} "
                      f"after {attempts} attempt(s): {last}")

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "FixtureSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ----- routing -----------------------------------------------------------
    def _next(self) -> int:
        with self._counter_lock:
            return next(self._counter)

    def _resolve(self, host: str, target: str) -> Page:
        parts = urlsplit(target)
        path = unquote(_JSESSION_RE.sub("", parts.path)) or "/"
        page = _services.dynamic(host, path, parts.query, self.today)  # the site search engines
        if page is not None:
            return page
        if host == PORTAL_HOST:
            if path == "/scj" or path.startswith("/scj/"):
                return self._unavailable
            if path in ("/hdjl/rl/", "/hdjl/rl/index.html"):
                return self._calendar(parts.query)
            if path in ("/search/", "/search/index.html"):
                return self._search(parts.query)
        pages = self._pages.get(host, {})
        page = pages.get(path)
        if page is not None:
            return page
        if not path.endswith("/") and (
                path + "/" in pages or (host == PORTAL_HOST and path in ("/hdjl/rl", "/search"))):
            loc = path + "/" + (f"?{parts.query}" if parts.query else "")
            body = f'<html><body><a href="{loc}">Moved Permanently</a></body></html>'.encode()
            return Page(301, {"Location": loc, "Content-Type": _model.HTML_UTF8}, body)
        return self._not_found.get(host) or _model.render_not_found(host, path)

    def _calendar(self, query: str) -> Page:
        month = parse_qs(query).get("month", [""])[0]
        m = _MONTH_RE.match(month)
        year, mon = self.today.year, self.today.month
        if m and 1 <= int(m.group(1)) <= 9999 and 1 <= int(m.group(2)) <= 12:
            year, mon = int(m.group(1)), int(m.group(2))
        return _model.render_calendar(year, mon)

    def _search(self, query: str) -> Page:
        q = parse_qs(query).get("q", [_model.SEARCH_Q])[0][:100]
        n = self._next()
        return _model.render_search(q, f"qs{n:06d}", f"{0xABC000 + n:06X}", self.today)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.site.server",
        description="Serve the fictional 青山县人民政府 fixture site on 127.0.0.1/127.0.0.2.")
    ap.add_argument("--port", type=int, default=8765, help="port for both hosts (0: pick one)")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None,
                    help="reference date YYYY-MM-DD (default: the real current date)")
    args = ap.parse_args(argv)

    stop = threading.Event()

    def _on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    site = FixtureSite(today=args.today, port=args.port).start()
    try:
        for root in site.roots:
            print(root, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
