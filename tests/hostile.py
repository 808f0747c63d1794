"""A hostile web site on loopback: every kind of broken or malicious answer a nightly crawl meets.

A raw asyncio server (not http.server) so it can send what no well-behaved server would:
invalid status lines, resets in the middle of a body, bodies shorter than their
Content-Length, endless chunked bodies, one byte per second, nothing at all.

    with HostileSite() as site:          # tests: a thread with its own event loop
        site.url                          # http://127.0.0.1:PORT/
        site.hits["/drip"]                # requests served per path

    python -m tests.hostile [--host 127.0.0.1] [--port 0] [--link URL]   # bench: prints the URL, serves until killed

Every case is linked from the home page (``CASES`` says what each one is). Everything the
server sends is bounded: endless bodies stop after ``STREAM_CAP`` bytes or ``STREAM_SECONDS``,
whichever comes first, so a crawler without limits still ends, only late.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import html as htmlmod
import random
import socket
import struct
import threading
from collections import Counter
from functools import cache
from urllib.parse import urlsplit

STREAM_CAP = 512 * 1024 * 1024  # bytes an endless body sends at most
STREAM_SECONDS = 150.0  # seconds a drip, silent or endless answer lasts at most
BOMB_SIZE = 1024 * 1024 * 1024  # decompressed size of the gzip bombs (1 GiB of zeros)
HUGE_SIZE = 30 * 1024 * 1024  # the 30 MB page
FANOUT = 3000  # unique links on each fan-out page
LONG_URL = 20_000  # characters of the long URLs
ROBOTS_SIZE = 4 * 1024 * 1024  # the garbage robots.txt

# path -> what it is (the home page links each of them)
CASES: dict[str, str] = {
    "/loop/a": "redirect loop a -> b -> a",
    "/chain/0": "30-hop redirect chain",
    "/endless": "endless chunked body",
    "/drip": "one byte per second",
    "/silent": "accepts, reads the request, never answers",
    "/bomb": "gzip bomb (1 GiB of zeros)",
    "/bomb2": "nested gzip bomb (Content-Encoding: gzip, gzip)",
    "/gbk": "GBK bytes labelled UTF-8",
    "/binary": "binary with NULs served as text/html",
    "/huge": "a 30 MB page",
    "/huge-chunked": "a 30 MB page without Content-Length",
    "/long": "a page with 20,000-character URLs",
    "/long-redirect": "a redirect to an 8,000-character URL",
    "/malformed": "unterminated comment, broken quotes, nested forms",
    "/calendar?d=0": "query-string trap (endless calendar)",
    "/app;jsessionid=A0/list": "session-id trap",
    "/fan/": "fan-out: thousands of unique links each leading to thousands more",
    "/busy": "429 Retry-After: 1 on the first request",
    "/busy-long": "429 Retry-After: 3600, always",
    "/reset": "connection reset in the middle of the body",
    "/badstatus": "invalid status line",
    "/short": "body shorter than its Content-Length",
    "/sitemap.xml": "a sitemap that is not XML",
}


def page(title: str, body: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


@cache
def bomb(layers: int) -> bytes:
    """``layers`` times gzip of BOMB_SIZE zero bytes (about 1 MB once, a few kB twice).

    One gzip member of 16 MiB of zeros, repeated: a gzip stream may hold many members.
    """
    member = gzip.compress(bytes(16 * 1024 * 1024), 9)
    data = member * (BOMB_SIZE // (16 * 1024 * 1024))
    for _ in range(layers - 1):
        data = gzip.compress(data, 9)
    return data


@cache
def huge_page() -> bytes:
    row = "<p>青山县人民政府 政务公开 通知公告 这是一个很大的页面。</p>\n".encode()
    head = page("很大的页面").encode()
    return head + row * ((HUGE_SIZE - len(head)) // len(row) + 1)


@cache
def robots() -> bytes:
    """Megabytes of garbage: directive-like noise, control bytes, very long lines."""
    alphabet = b"Disallow:Allow:User-agent*$/?=&#\x01\x7f \tabcxyz0123456789%{}\n"
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return random.Random(7).randbytes(ROBOTS_SIZE).translate(table)


def home() -> str:
    items = "".join(f'<li><a href="{htmlmod.escape(path)}">{htmlmod.escape(what)}</a></li>' for path, what in CASES.items())
    return page("恶意测试站点", f"<ul>{items}</ul>")


class HostileSite:
    """The hostile server on ``host``; ``outside`` names another loopback address it links to."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, links: dict[str, str] | None = None) -> None:
        self.host = host
        self.port = port
        self.extra_links = links or {}  # more links on the home page: url -> anchor
        self.hits: Counter[str] = Counter()
        self.session_ids: set[str] = set()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.url = ""

    # -- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> HostileSite:
        self.thread.start()
        fut = asyncio.run_coroutine_threadsafe(self._start(), self.loop)
        fut.result(timeout=10)
        return self

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._serve, self.host, self.port, limit=1024 * 1024)
        self.port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{self.port}/"

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self.server is not None
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    # -- HTTP -------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await reader.readline()
                except (ValueError, asyncio.LimitOverrunError):
                    return  # a request line over 1 MB
                if not line:
                    return
                parts = line.decode("latin-1").split()
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                if len(parts) < 2:
                    return
                method, target = parts[0], parts[1]
                keep = await self._answer(method, target, headers, writer)
                if not keep:
                    return
        except (ConnectionError, asyncio.CancelledError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    @staticmethod
    def _head(status: str, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        return "\r\n".join(lines).encode("latin-1")

    async def _send(self, writer: asyncio.StreamWriter, method: str, body: bytes, status: str = "200 OK", ctype: str = "text/html; charset=utf-8", **extra: str) -> bool:
        headers = {"Content-Type": ctype, "Content-Length": str(len(body)), "Connection": "close", **{k.replace("_", "-"): v for k, v in extra.items()}}
        writer.write(self._head(status, headers))
        if method != "HEAD":
            writer.write(body)
        await writer.drain()
        return False

    async def _answer(self, method: str, target: str, headers: dict[str, str], writer: asyncio.StreamWriter) -> bool:
        parts = urlsplit(target)
        path = parts.path
        key = path if not path.startswith("/fan/") else "/fan/"
        if ";jsessionid=" in path or path == "/app/list":
            self.session_ids.add(path.split(";jsessionid=")[1].split("/")[0] if ";" in path else "")
            key = "/app/list"
        self.hits[key] += 1
        send = self._send
        if path == "/":
            links = "".join(f'<li><a href="{htmlmod.escape(u)}">{htmlmod.escape(a)}</a></li>' for u, a in self.extra_links.items())
            return await send(writer, method, (home()[: -len("</body></html>")] + f"<ul>{links}</ul></body></html>").encode())
        if path == "/robots.txt":
            return await send(writer, method, robots(), ctype="text/plain")
        if path == "/sitemap.xml":
            return await send(writer, method, b"<html><body>this is not <xml at all \x00\x01 <urlset><url><loc>", ctype="application/xml")
        if path == "/loop/a":
            return await send(writer, method, b"", status="302 Found", Location="/loop/b")
        if path == "/loop/b":
            return await send(writer, method, b"", status="302 Found", Location="/loop/a")
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1] or 0)
            if n < 30:
                return await send(writer, method, b"", status="301 Moved Permanently", Location=f"/chain/{n + 1}")
            return await send(writer, method, page("链的终点").encode())
        if path == "/endless":
            return await self._endless(writer)
        if path == "/drip":
            return await self._drip(writer)
        if path == "/silent":
            await asyncio.sleep(STREAM_SECONDS)
            return False
        if path in ("/bomb", "/bomb2"):
            layers = 1 if path == "/bomb" else 2
            enc = "gzip" if layers == 1 else "gzip, gzip"
            return await send(writer, method, bomb(layers), Content_Encoding=enc)
        if path == "/gbk":
            return await send(writer, method, page("青山县人民政府办公室关于做好年度工作的通知", "<p>各乡镇人民政府，县直各单位：现将有关事项通知如下。</p>", "utf-8").encode("gbk"))
        if path == "/binary":
            rng = random.Random(3)
            return await send(writer, method, bytes(rng.randrange(256) for _ in range(64 * 1024)) + b"\x00" * 1024)
        if path == "/huge":
            return await send(writer, method, huge_page())
        if path == "/huge-chunked":
            return await self._chunked(writer, [huge_page()[i:i + 65536] for i in range(0, len(huge_page()), 65536)])
        if path == "/long":
            tail = "x" * LONG_URL
            body = f'<a href="/long/{tail}">很长的内部链接</a> <a href="http://127.0.0.9:9/{tail}">很长的外部链接</a> <a href="/long-ok">正常链接</a>'
            return await send(writer, method, page("很长的链接", body).encode())
        if path == "/long-redirect":
            # under Twisted's 16 kB header-line limit, over govaudit's 2,048-character URL limit
            return await send(writer, method, b"", status="302 Found", Location="/long/" + "y" * 8000)
        if path.startswith("/long/"):
            return await send(writer, method, page("不应抓取的长链接").encode())
        if path == "/long-ok":
            return await send(writer, method, page("正常页面").encode())
        if path == "/malformed":
            body = (
                '<p class="a>未闭合的引号</p><a href="/malformed-target>坏链接</a>'
                "<form action='/f1'><form action=\"/f2\"><input name=q><form><table><tr><td>嵌套表单"
                '<a href="/malformed-ok">正常链接</a>'
                "<!-- 未结束的注释 <a href=\"/hidden-in-comment\">注释里的链接</a>"
            )
            return await send(writer, method, f"<html><head><title>格式错误的页面</title></head><body>{body}".encode())
        if path in ("/malformed-ok", "/malformed-target"):
            return await send(writer, method, page("格式错误页面的链接").encode())
        if path == "/calendar":
            d = int(dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("d", "0") or 0)
            body = f'<a href="/calendar?d={d + 1}">下一天</a> <a href="/calendar?d={d - 1}">上一天</a> <a href="/calendar?d={d}&amp;view=week">周视图</a>'
            return await send(writer, method, page(f"日历 {d}", body).encode())
        if ";jsessionid=" in path or path == "/app/list":  # every answer links to itself under a new session id
            sid = "%016x" % random.getrandbits(64)
            body = f'<a href="/app;jsessionid={sid}/list">列表</a> <a href="/app/list?sid={sid}">列表</a>'
            return await send(writer, method, page("会话列表", body).encode(), Set_Cookie=f"JSESSIONID={sid}; Path=/")
        if path.startswith("/fan/"):
            prefix = path if path.endswith("/") else path + "/"
            body = "".join(f'<a href="{prefix}{n}/">{n}</a> ' for n in range(FANOUT))
            return await send(writer, method, page("扇出页面", body).encode())
        if path == "/busy":
            if self.hits["/busy"] == 1:
                return await send(writer, method, b"too many requests", status="429 Too Many Requests", Retry_After="1")
            return await send(writer, method, page("稍后成功").encode())
        if path == "/busy-long":
            return await send(writer, method, b"too many requests", status="429 Too Many Requests", Retry_After="3600")
        if path == "/reset":
            body = page("连接被重置", "<p>" + "内容" * 5000 + "</p>").encode()
            writer.write(self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}))
            writer.write(body[: len(body) // 2])
            await writer.drain()
            sock = writer.get_extra_info("socket")
            if sock is not None:  # RST instead of FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        if path == "/badstatus":
            writer.write(b"HTTP/1.1 OK-ISH maybe\r\nContent-Type: text/html\r\n\r\n<title>bad</title>")
            await writer.drain()
            return False
        if path == "/short":
            body = page("不完整的页面").encode()
            writer.write(self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body) + 5000)}))
            writer.write(body)
            await writer.drain()
            return False
        return await send(writer, method, page("页面不存在").encode(), status="404 Not Found")

    async def _chunked(self, writer: asyncio.StreamWriter, chunks: list[bytes]) -> bool:
        writer.write(self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked", "Connection": "close"}))
        for c in chunks:
            writer.write(b"%x\r\n%s\r\n" % (len(c), c))
            await writer.drain()
            await asyncio.sleep(0)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return False

    async def _endless(self, writer: asyncio.StreamWriter) -> bool:
        writer.write(self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked", "Connection": "close"}))
        writer.write(b"%x\r\n%s\r\n" % (len(page("无尽的页面").encode()) - 14, page("无尽的页面").encode()[:-14]))
        chunk = ("<p>" + "无尽" * 8000 + "</p>\n").encode()
        sent, deadline = 0, self.loop.time() + STREAM_SECONDS
        while sent < STREAM_CAP and self.loop.time() < deadline:
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            await writer.drain()
            await asyncio.sleep(0)  # drain() does not yield while the client keeps up: serve the others too
        return False

    async def _drip(self, writer: asyncio.StreamWriter) -> bool:
        body = page("一秒一个字节", "<p>" + "慢" * 200 + "</p>").encode()
        writer.write(self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)), "Connection": "close"}))
        await writer.drain()
        deadline = self.loop.time() + STREAM_SECONDS
        for i in range(len(body)):
            if self.loop.time() > deadline:
                break
            writer.write(body[i:i + 1])
            await writer.drain()
            await asyncio.sleep(1.0)
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description="serve the hostile test site on loopback until killed")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--link", action="append", default=[], metavar="URL", help="one more link on the home page (repeatable)")
    args = ap.parse_args()
    if not args.host.startswith("127."):
        ap.error("the hostile site only listens on loopback")
    bomb(1), bomb(2), huge_page(), robots()  # built before the URL is printed
    with HostileSite(args.host, args.port, links={u: "外部链接" for u in args.link}) as site:
        print(site.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
