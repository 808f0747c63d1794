"""Crawl progress on stderr: pages done, queue, in flight, errors, rate.

On by default when stderr is a terminal (a live line drawn with rich), off under
cron; `--progress` forces plain periodic lines (a log or CI), `--no-progress`
silences it.  Enabled by the GOVAUDIT_PROGRESS setting.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.incremental import ReusedPage
from crawler.items import PageRecord


class Progress:
    def __init__(self, crawler: Any, interval: float, live: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.live_mode = live
        self.loop: task.LoopingCall | None = None
        self.live: Any = None
        self.started = time.monotonic()
        self.last = (self.started, 0)
        self.rate = 0.0
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        if not crawler.settings.getbool("GOVAUDIT_PROGRESS"):
            raise NotConfigured
        live = sys.stderr.isatty()
        interval = crawler.settings.getfloat("GOVAUDIT_PROGRESS_INTERVAL") or (0.5 if live else 10.0)
        ext = cls(crawler, interval, live)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.scraped, signal=signals.item_scraped)
        return ext

    def scraped(self, item: Any, **kwargs: Any) -> None:
        if isinstance(item, (PageRecord, ReusedPage)):  # a page answered 304 is a page done too
            self.pages += 1

    def snapshot(self) -> dict[str, Any]:
        stats = self.crawler.stats
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None) if engine else None
        downloader = getattr(engine, "downloader", None) if engine else None
        pages = self.pages
        now = time.monotonic()
        t0, p0 = self.last
        if now - t0 >= 1.0:
            self.rate = (pages - p0) / (now - t0)
            self.last = (now, pages)
        return {
            "pages": pages,
            "queue": len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0,
            "active": len(downloader.active) if downloader is not None else 0,
            "errors": stats.get_value("govaudit/fetch_errors", 0),
            "checks": stats.get_value("govaudit/checks/head", 0) + stats.get_value("govaudit/checks/get", 0),
            "rate": self.rate,
            "elapsed": now - self.started,
        }

    @staticmethod
    def line(s: dict[str, Any]) -> str:
        minutes, seconds = divmod(int(s["elapsed"]), 60)
        return (
            f"crawl {minutes:d}:{seconds:02d}  pages {s['pages']:,}  queue {s['queue']:,}  "
            f"in flight {s['active']}  errors {s['errors']:,}  link checks {s['checks']:,}  {s['rate']:.1f} pages/s"
        )

    def opened(self, spider: Any) -> None:
        if self.live_mode:
            from rich.console import Console
            from rich.live import Live

            self.live = Live("", console=Console(stderr=True), auto_refresh=False, transient=False)
            self.live.start()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def tick(self) -> None:
        text = self.line(self.snapshot())
        if self.live is not None:
            self.live.update(text, refresh=True)
        else:
            print(text, file=sys.stderr, flush=True)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick()
        if self.live is not None:
            self.live.stop()
