"""A tiny loopback HTTP server with named routes, for bad-input tests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.site import conditional

Response = tuple[int, dict[str, str], bytes]
# a fixed response, or a function of the HTTP method ("GET"/"HEAD") returning one
Route = Response | Callable[[str], Response]


class RouteServer:
    def __init__(self, routes: dict[str, Route], host: str = "127.0.0.1", delay: float = 0.0, validators: str = "") -> None:
        self.routes = routes
        self.delay = delay
        self.hits: Counter[tuple[str, str]] = Counter()
        # validators="etag": 200 answers carry ETag and Last-Modified, "last-modified": only Last-Modified;
        # conditional GETs are then answered 304 (tests/site/conditional.py)
        self.validators = validators
        self.log: list[tuple[str, str, int, bool]] = []  # (method, path, status, conditional)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_HEAD(self) -> None:
                self._serve("HEAD")

            def _serve(self, method: str) -> None:
                outer.hits[(method, self.path)] += 1
                if outer.delay and self.path != "/robots.txt":
                    time.sleep(outer.delay)
                route = outer.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/html; charset=utf-8"}, "<title>404</title>页面不存在".encode()
                else:
                    status, headers, body = route(method) if callable(route) else route
                if outer.validators and status == 200:
                    etag, last_modified = conditional.validators(body)
                    given = {"Last-Modified": last_modified} if outer.validators == "last-modified" else {"ETag": etag, "Last-Modified": last_modified}
                    headers = {**headers, **given}
                    if conditional.not_modified(self.headers, given.get("ETag", ""), last_modified):
                        status, headers, body = 304, given, b""
                outer.log.append((method, self.path, status, conditional.is_conditional(self.headers)))
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if status != 304:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if method != "HEAD":
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> RouteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def html(body: str, charset: str = "utf-8", status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": f"text/html; charset={charset}"}, body.encode("utf-8" if charset not in ("gbk", "gb2312") else "gb18030")


def redirect(location: str, status: int = 302) -> Response:
    return status, {"Location": location, "Content-Type": "text/html"}, b""
