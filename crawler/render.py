"""Rendering the few pages that only show their content after scripts ran (Playwright + Debian's Chromium).

The crawl fetches every page with Scrapy; a page is handed to the browser only when its
static HTML says it must be (``render_reason``): its host is a known script-only platform
(微博, 抖音, 头条…), its URL matches a configured pattern, or it has a data-loading script
(``fetch``, ``XMLHttpRequest``, ``$.ajax``…) together with an empty list container or a
"加载中" placeholder, and nothing readable in its lists.  So a 10,000-page site starts one
browser for its handful of script-filled pages, not 10,000.

``Renderer`` keeps one headless Chromium (``/usr/bin/chromium`` or ``$GOVAUDIT_CHROMIUM``)
for the whole crawl, launched on first use in the crawl's own asyncio loop, and a bounded
pool of pages (``GOVAUDIT_RENDER_PAGES``).  Every render has a hard time limit and ends
with a status that is stored with the page: ``ok``, ``failed`` (timeout, crash, HTTP
error) or ``unavailable`` (no browser could be started; the crawl goes on without one).
With ``GOVAUDIT_LOOPBACK_ONLY=1`` the browser may not leave 127.0.0.0/8 either: every
other request is aborted by Playwright routing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.middlewares import LOOPBACK_ENV, is_loopback

CHROMIUM_ENV = "GOVAUDIT_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# headless Chromium as root in a container: no sandbox (needs user namespaces), no /dev/shm
# (64 MB in Docker), no GPU, and none of the browser's own traffic (updates, sync, metrics)
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--mute-audio",
    "--no-first-run",
    "--no-default-browser-check",
)
# platforms whose account pages are filled by scripts (the static HTML is an empty shell)
RENDER_HOSTS = (
    "weibo.com", "weibo.cn", "douyin.com", "toutiao.com", "ixigua.com", "channels.weixin.qq.com",
    "kuaishou.com", "bilibili.com", "xiaohongshu.com", "baijiahao.baidu.com", "author.baidu.com",
)
SKIPPED_RESOURCES = ("image", "media", "font")  # not needed to read text and dates
QUIET = 0.25  # seconds without an open request after "load": the scripts have filled the page
MAX_SETTLE = 5.0  # at most this long after "load" (pollers, long-polling, analytics)

_LOADER_RE = re.compile(
    r"fetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|jQuery\.(?:ajax|get|getJSON)\s*\(|axios[.(]"
    r"|\.load\s*\(\s*['\"]|new\s+Vue\s*\(|createApp\s*\(|ReactDOM",
)
_CONTAINER = r"(?:list|news|data|item|content|post|feed|result|letter|xx|box|con|main|tbody|article)"
_EMPTY_CONTAINER_RE = re.compile(
    r"<(ul|ol|tbody|table|div|section|dl)\b[^>]*?\b(?:id|class)\s*=\s*[\"'][^\"']*" + _CONTAINER + r"[^\"']*[\"'][^>]*>"
    r"\s*(?:<!--.*?-->\s*)*</\1\s*>",
    re.I | re.S,
)
_PLACEHOLDER_RE = re.compile(r"加载中|正在加载|数据加载|努力加载|请稍候|loading\s*\.\.\.|Loading…", re.I)


def host_matches(url: str, hosts: tuple[str, ...] | list[str]) -> bool:
    """The URL's host is one of ``hosts`` or a subdomain of one (``127.0.0.3`` matches itself only)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def render_reason(
    html: str,
    url: str,
    *,
    readable: bool,
    hosts: tuple[str, ...] | list[str] = RENDER_HOSTS,
    patterns: tuple[re.Pattern[str], ...] = (),
) -> str | None:
    """Why this page must be rendered by a browser, or None (decided from its static HTML).

    ``readable``: the static HTML already gave what the crawl reads (list items, an
    article); then a data-loading script is taken for decoration (counters, weather).
    """
    if hosts and host_matches(url, hosts):
        return "platform"
    for p in patterns:
        if p.search(url):
            return f"pattern {p.pattern}"
    if readable or not _LOADER_RE.search(html):
        return None
    if _EMPTY_CONTAINER_RE.search(html):
        return "script fills an empty list"
    if _PLACEHOLDER_RE.search(html):
        return "script replaces a placeholder"
    return None


def find_chromium(configured: str | None = None) -> str | None:
    """The Chromium to drive: the configured path, $GOVAUDIT_CHROMIUM, /usr/bin/chromium, else on PATH."""
    def usable(path: str) -> bool:
        return os.path.isfile(path) and os.access(path, os.X_OK)

    for chosen in (configured, os.environ.get(CHROMIUM_ENV)):
        if chosen:  # asked for this one: no other
            return chosen if usable(chosen) else None
    if usable(DEFAULT_CHROMIUM):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Rendered:
    status: str  # ok | failed | unavailable
    html: str | None = None
    error: str | None = None
    ms: int = 0
    final_url: str | None = None
    http_status: int | None = None


def _descendants_rss(root: int) -> int:
    """Memory (bytes, PSS) of the Chromium processes under ``root`` (Linux /proc)."""
    parent: dict[int, int] = {}
    names: dict[int, str] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for e in entries:
        if not e.isdigit():
            continue
        try:
            with open(f"/proc/{e}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
        except OSError:
            continue
        close = stat.rfind(")")
        names[int(e)] = stat[stat.find("(") + 1 : close]
        parent[int(e)] = int(stat[close + 2 :].split()[1])
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        if "chrom" not in names.get(pid, "").lower():
            continue
        total += _pss(pid)
    return total


def _pss(pid: int) -> int:
    """Proportional set size of a process (shared pages split among their users), else its RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Renderer:
    """One browser for the crawl, a bounded pool of pages, a time limit per render.

    Playwright runs in a thread of its own with its own asyncio loop: the crawl's loop is
    busy extracting pages, and the browser's protocol messages must not wait for it (measured:
    a launch took 46 s inside a busy crawl loop, 5 s in its own).  ``render`` and ``close`` are
    awaited from the crawl's loop.
    """

    def __init__(self, executable: str | None, *, pages: int = 2, timeout: float = 15.0, loopback_only: bool | None = None,
                 refuse_private: bool = False) -> None:
        self.executable = executable
        # --refuse-private: the page's own requests (scripts, XHR, images) to a non-public address
        # are refused too, but for the roots' hosts (``allowed_hosts``, set by the spider)
        self.refuse_private = refuse_private
        self.allowed_hosts: set[str] = set()
        self._allowed_addresses: set[str] | None = None
        self._resolved: dict[str, str | None] = {}
        self.pool_size = max(1, pages)
        self.timeout = timeout
        self.loopback_only = (
            os.environ.get(LOOPBACK_ENV, "") in ("1", "true", "yes") if loopback_only is None else loopback_only
        )
        self.unavailable: str | None = None if executable else "no Chromium found (install Debian's chromium or set GOVAUDIT_CHROMIUM)"
        self.stats: dict[str, Any] = {"rendered": 0, "failed": 0, "unavailable": 0, "blocked_requests": 0, "private_refused": 0, "peak_rss": 0, "launch_ms": 0}
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._idle: asyncio.Queue[Any] | None = None
        self._created = 0
        self._launching: asyncio.Lock | None = None
        self._sampled = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _in_thread(self, coro: Any) -> Any:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="govaudit-render", daemon=True)
            self._thread.start()
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    async def render(self, url: str) -> Rendered:
        """The page's HTML after its scripts ran; never raises, never waits past the time limit."""
        if self.unavailable:
            self.stats["unavailable"] += 1
            return Rendered("unavailable", error=self.unavailable)
        return await self._in_thread(self._render(url))

    async def close(self) -> None:
        """Close the browser and stop the render thread (from the crawl's loop)."""
        if self._loop is None:
            return
        try:
            await asyncio.wait_for(self._in_thread(self._close()), 30)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = self._thread = None

    # -- lifecycle ---------------------------------------------------------------------
    async def _launch(self) -> bool:
        if self._context is not None:
            return True
        if self.unavailable:
            return False
        if self._launching is None:
            self._launching = asyncio.Lock()
        async with self._launching:
            if self._context is not None or self.unavailable:
                return self._context is not None
            t0 = time.monotonic()
            try:
                from playwright.async_api import async_playwright

                self._pw = await async_playwright().start()
                self._browser = await self._pw.chromium.launch(
                    executable_path=self.executable, headless=True, args=list(CHROMIUM_ARGS), timeout=30_000
                )
                self._context = await self._browser.new_context(
                    user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome Safari/537.36 govaudit/0.1",
                    locale="zh-CN",
                    service_workers="block",
                )
                await self._context.route("**/*", self._route)
            except Exception as exc:  # no browser, broken install, sandbox trouble: say so, crawl on
                self.unavailable = f"Chromium could not be started ({self.executable}): {_error(exc)}"
                await self._close()
                return False
            self._idle = asyncio.Queue()
            self.stats["launch_ms"] = int((time.monotonic() - t0) * 1000)
            self._sample(force=True)
            return True

    async def _close(self) -> None:
        self._sample(force=True)
        for obj, method in ((self._context, "close"), (self._browser, "close"), (self._pw, "stop")):
            if obj is not None:
                try:
                    await asyncio.wait_for(getattr(obj, method)(), 10)
                except Exception:
                    pass
        self._context = self._browser = self._pw = None

    async def _route(self, route: Any) -> None:
        request = route.request
        if self.loopback_only and request.url.startswith(("http:", "https:", "ws:", "wss:")) and not is_loopback(request.url):
            self.stats["blocked_requests"] += 1
            await route.abort("blockedbyclient")
            return
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort("blockedbyclient")
            return
        if self.refuse_private and request.url.startswith(("http:", "https:", "ws:", "wss:")) and await self._private(request.url):
            self.stats["private_refused"] += 1
            await route.abort("blockedbyclient")
            return
        await route.continue_()

    async def _address(self, host: str) -> str | None:
        if host not in self._resolved:
            try:
                ipaddress.ip_address(host)
                self._resolved[host] = host
            except ValueError:
                try:
                    infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, None), 5)
                    self._resolved[host] = str(infos[0][4][0]) if infos else None
                except (OSError, asyncio.TimeoutError):
                    self._resolved[host] = None  # the browser's request fails the same way
        return self._resolved[host]

    async def _private(self, url: str) -> bool:
        """A request of a rendered page that --refuse-private refuses (as PrivateAddressMiddleware does)."""
        from crawler.limits import _is_private

        host = (urlsplit(url).hostname or "").lower()
        if not host or host in self.allowed_hosts:
            return False
        if self._allowed_addresses is None:
            self._allowed_addresses = {a for a in [await self._address(h) for h in self.allowed_hosts] if a}
        address = await self._address(host)
        return address is not None and address not in self._allowed_addresses and _is_private(address)

    def _sample(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._sampled < 1.0:
            return
        self._sampled = now
        self.stats["peak_rss"] = max(self.stats["peak_rss"], _descendants_rss(os.getpid()))

    # -- pages ---------------------------------------------------------------------------
    async def _page(self) -> Any:
        """A page of the pool: an idle one, a new one while the pool is not full, else wait."""
        assert self._idle is not None
        if self._idle.empty() and self._created < self.pool_size:
            self._created += 1
            try:
                return await self._context.new_page()
            except Exception:
                self._created -= 1
                raise
        page = await self._idle.get()
        if page is None:  # the slot of a page that broke: a fresh page
            try:
                return await self._context.new_page()
            except Exception:
                self._idle.put_nowait(None)
                raise
        return page

    def _release(self, page: Any, broken: bool) -> None:
        assert self._idle is not None
        if broken:  # timed out or crashed: closed, its slot handed on
            asyncio.ensure_future(_quiet_close(page))
            self._idle.put_nowait(None)
            return
        self._idle.put_nowait(page)

    async def _render(self, url: str) -> Rendered:
        t0 = time.monotonic()
        try:
            if not await self._launch():
                self.stats["unavailable"] += 1
                return Rendered("unavailable", error=self.unavailable)
            page = await self._page()
        except Exception as exc:
            self.stats["failed"] += 1
            return Rendered("failed", error=_error(exc), ms=int((time.monotonic() - t0) * 1000))
        broken = False
        try:
            result = await asyncio.wait_for(self._load(page, url), self.timeout + 5)
        except Exception as exc:
            broken = True
            result = Rendered("failed", error=_error(exc))
        self._release(page, broken)
        result.ms = int((time.monotonic() - t0) * 1000)
        self.stats["rendered" if result.status == "ok" else "failed"] += 1
        self._sample()
        return result

    async def _load(self, page: Any, url: str) -> Rendered:
        ms = int(self.timeout * 1000)
        inflight: set[Any] = set()
        last = [time.monotonic()]

        def started(req: Any) -> None:
            inflight.add(req)
            last[0] = time.monotonic()

        def ended(req: Any) -> None:
            inflight.discard(req)
            last[0] = time.monotonic()

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        try:
            response = await page.goto(url, wait_until="load", timeout=ms)
            # scripts that fetch their data: wait until no request has been open for QUIET seconds
            deadline = time.monotonic() + min(self.timeout, MAX_SETTLE)
            while time.monotonic() < deadline and (inflight or time.monotonic() - last[0] < QUIET):
                await asyncio.sleep(0.05)
        finally:
            page.remove_listener("request", started)
            page.remove_listener("requestfinished", ended)
            page.remove_listener("requestfailed", ended)
        status = response.status if response is not None else None
        html = await page.content()
        if status is not None and status >= 400:
            return Rendered("failed", html=html, error=f"HTTP {status}", final_url=page.url, http_status=status)
        return Rendered("ok", html=html, final_url=page.url, http_status=status)


def _error(exc: BaseException) -> str:
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)) or "Timeout" in type(exc).__name__:
        return "timeout"
    first = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


async def _quiet_close(page: Any) -> None:
    try:
        await asyncio.wait_for(page.close(), 5)
    except Exception:
        pass


def render_settings(
    render: bool = True,
    pages: int = 2,
    timeout: float = 20.0,
    patterns: tuple[str, ...] | list[str] = (),
    newmedia_hosts: tuple[str, ...] | list[str] = (),
    render_hosts: tuple[str, ...] | list[str] = (),
) -> dict[str, Any]:
    """Scrapy settings for the crawl options (``govaudit crawl`` flags, ``[crawl]`` keys); ValueError on a bad pattern."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"render pattern {p!r} is not a regular expression: {exc}") from None
    return {
        "GOVAUDIT_RENDER": render,
        "GOVAUDIT_RENDER_PAGES": pages,
        "GOVAUDIT_RENDER_TIMEOUT": timeout,
        "GOVAUDIT_RENDER_PATTERNS": list(patterns),
        "GOVAUDIT_NEWMEDIA_HOSTS": [h.strip().lower() for h in newmedia_hosts if h.strip()],
        "GOVAUDIT_RENDER_HOSTS": [h.strip().lower() for h in render_hosts if h.strip()],
    }
