"""A crawl worker: the same SiteSpider, fed by the shared queue, its records sent to the writer.

``govaudit worker --redis URL`` (``serve``) waits for a crawl run published in Redis and
runs each one in a child process (``python -m crawler.distributed.worker``: Twisted's
reactor cannot restart), so a worker outlives any number of nightly runs.

Inside the child, three Scrapy components join the spider to the run: ``SharedScheduler``
(scheduler.py), ``RedisItemSink`` (records → Redis list the writer pops), ``ClaimMiddleware``
(marks which link checks must be claimed run-wide) and ``WorkerExtension`` (heartbeat,
idle/stop handling, the in-flight bookkeeping, and the spider state that must be shared:
the link cache, column keys of query-string lists, root aliases of redirected home pages).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

import crawler  # noqa: F401  (offline tldextract before Scrapy loads)
from crawler.distributed.shared import (
    ADMIT, CLAIM, CURRENT, HANDOFF, HEARTBEAT_SECONDS, HEARTBEAT_TTL, ONCE, POP, Keys, SharedError, _where,
    connect, encode_record, worker_id,
)
from crawler.items import LinkCheckRecord

log = logging.getLogger(__name__)
_CURRENT: WorkerRun | None = None
URL_ENV = "GOVAUDIT_REDIS_URL"  # how `govaudit worker` hands the Redis URL to its crawl process


def current() -> WorkerRun:
    if _CURRENT is None:
        raise NotConfigured("not a distributed crawl worker (see govaudit worker)")
    return _CURRENT


class WorkerRun:
    """This worker's handle on one run: connection, keys, scripts, shared spider state."""

    def __init__(self, client: redis.Redis, token: str, wid: str) -> None:
        self.client = client
        self.keys = Keys(token)
        self.wid = wid
        self.inflight = self.keys.inflight(wid)
        raw = client.get(self.keys.config)
        if raw is None:
            raise SharedError(f"crawl run {token} is gone from Redis")
        self.config: dict[str, Any] = json.loads(raw)
        self.admit = client.register_script(ADMIT)
        self.claim = client.register_script(CLAIM)
        self.handoff = client.register_script(HANDOFF)
        self.once = client.register_script(ONCE)
        self._pop = client.register_script(POP)
        self.ttl = int(self.config.get("worker_timeout", HEARTBEAT_TTL))
        self.aliases_applied = 0
        self._local_alias: list[Callable[[str], None]] = []
        self.spider: Any = None

    def pop(self, keys: list[str], args: list[Any]) -> tuple[bytes, int]:
        payload, aliases = self._pop(keys=keys, args=args)
        return payload, int(aliases)

    def beat(self) -> None:
        """Alive (again: a worker presumed dead that comes back is counted again)."""
        pipe = self.client.pipeline()
        pipe.sadd(self.keys.workers, self.wid)
        pipe.set(self.keys.heartbeat(self.wid), 1, ex=self.ttl)
        pipe.execute()

    def running(self) -> bool:
        """The run goes on: state 'running' and the writer alive."""
        pipe = self.client.pipeline()
        pipe.get(self.keys.state)
        pipe.exists(self.keys.writer)
        state, writer = pipe.execute()
        return state == b"running" and bool(writer)

    def leave(self, stats: dict[str, Any]) -> None:
        pipe = self.client.pipeline()
        pipe.hset(self.keys.stats, self.wid, json.dumps(stats, default=str))
        pipe.srem(self.keys.workers, self.wid)
        pipe.delete(self.keys.heartbeat(self.wid))
        pipe.execute()

    def mark_started(self) -> None:
        self.client.set(self.keys.started, "1")

    # -- spider state that must be the same in every worker --------------------------------------
    def attach(self, spider: Any) -> None:
        self.spider = spider
        if self.config.get("link_cache_hours", 0) > 0:  # published by the writer from its database
            spider.link_cache = {k.decode(): json.loads(v) for k, v in self.client.hgetall(self.keys.link_cache).items()}
        else:
            spider.link_cache = {}
        spider.column_by_path = SharedColumnKeys(self)
        for index, root in enumerate(spider.roots):
            self._local_alias.append(root.add_alias)
            root.add_alias = functools.partial(self._publish_alias, index)

    def _publish_alias(self, index: int, url: str) -> None:
        self._local_alias[index](url)
        self.client.rpush(self.keys.aliases, f"{index}\t{url}")

    def sync_aliases(self, count: int) -> None:
        """Apply the root aliases other workers found (a request popped after one was published needs it)."""
        for entry in self.client.lrange(self.keys.aliases, self.aliases_applied, count - 1):
            index, url = entry.decode().split("\t", 1)
            self._local_alias[int(index)](url)
        self.aliases_applied = count
        cache = getattr(self.spider, "_root_cache", None)
        if cache is not None:
            cache.clear()


class SharedColumnKeys(dict):
    """SiteSpider.column_by_path across workers: the first key URL of a list path wins run-wide."""

    def __init__(self, run: WorkerRun) -> None:
        super().__init__()
        self.run = run

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        field = json.dumps(key, ensure_ascii=False)
        pipe = self.run.client.pipeline()
        pipe.hsetnx(self.run.keys.columns, field, default)
        pipe.hget(self.run.keys.columns, field)
        value = pipe.execute()[1].decode()
        self[key] = value
        return value


class RedisItemSink:
    """Item pipeline of a worker: each record goes to the writer's list (claimed first if it is a check)."""

    def __init__(self, run: WorkerRun, stats: Any) -> None:
        self.run = run
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisItemSink:
        return cls(current(), crawler.stats)

    def process_item(self, item: Any) -> Any:
        run, keys = self.run, self.run.keys
        data = encode_record(item, run.wid)
        if data is None:
            return item
        claim = getattr(item, "ga_claim", None)
        if claim is not None:  # a check answered from the link cache, or skipped: once per run
            cached = "1" if item.row.get("from_cache") else "0"
            run.claim(keys=[keys.checked, keys.cached_only, keys.requests, keys.items, keys.state],
                      args=[item.row["url"], claim, cached, "", data])
            return item
        pipe = run.client.pipeline()
        pipe.lpush(keys.items, data)
        if not isinstance(item, LinkCheckRecord):
            pipe.hincrby(keys.pages_by_worker, run.wid, 1)
            self.stats.inc_value("govaudit/distributed/pages_sent")
        pipe.execute()
        return item


class ClaimMiddleware:
    """Spider middleware: marks new link checks (to be claimed run-wide) and tells when the roots are queued."""

    def __init__(self, run: WorkerRun) -> None:
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClaimMiddleware:
        return cls(current())

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for out in start:
            yield out
        self.run.mark_started()  # every root is admitted (by this worker or an earlier one) and queued

    @staticmethod
    def _mark(response: Any, out: Any) -> Any:
        if response.meta.get("ga_check"):
            return out  # a re-check or a result of a check already claimed
        home = "1" if response.meta.get("ga_home") else "0"
        if isinstance(out, Request) and out.meta.get("ga_check"):
            out.meta["ga_claim"] = home
        elif isinstance(out, LinkCheckRecord):
            out.ga_claim = home  # type: ignore[attr-defined]
        return out

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterable[Any]:
        for out in result:
            yield self._mark(response, out)

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for out in result:
            yield self._mark(response, out)


class WorkerExtension:
    """Heartbeat, idle and stop handling, and the end of each request's in-flight time."""

    def __init__(self, crawler: Any, run: WorkerRun) -> None:
        self.crawler = crawler
        self.run = run
        self.loop: Any = None
        self.closing = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerExtension:
        return cls(crawler, current())

    def spider_opened(self, spider: Any) -> None:
        from twisted.internet import task

        self.run.attach(spider)
        # A request leaves this worker's inflight hash once everything it produced (records,
        # new requests) is in Redis: when the scraper is done with its response or failure.
        # Scrapy has no signal for that moment, so wrap the one call that spans it.
        scraper = self.crawler.engine.scraper
        original = scraper.enqueue_scrape

        def enqueue_scrape(result: Any, request: Any) -> Any:
            d = original(result, request)
            d.addBoth(self._done, request)
            return d

        scraper.enqueue_scrape = enqueue_scrape
        self.loop = task.LoopingCall(self._tick)
        self.loop.start(HEARTBEAT_SECONDS, now=False)

    def _done(self, result: Any, request: Any) -> Any:
        held = request.meta.get("ga_inflight")
        if held is not None:
            self.run.client.hdel(self.run.inflight, held)
        return result

    def _tick(self) -> None:
        try:
            self.run.beat()
            running = self.run.running()
        except redis.RedisError as exc:
            log.error("lost Redis: %s", exc)
            running = False
        engine = self.crawler.engine
        if not running:
            if not self.closing:
                self.closing = True
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(engine.close_spider_async(reason="run ended"))
            return
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()  # an idle worker asks the shared queue now, not at Scrapy's 5 s heartbeat

    def spider_idle(self, spider: Any) -> None:
        try:
            running = self.run.running()
        except redis.RedisError:
            running = False
        if running:
            raise DontCloseSpider  # others may still queue work: stay until the writer says done

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            self.run.leave(self.crawler.stats.get_stats())
        except redis.RedisError as exc:
            log.error("could not say goodbye to Redis: %s", exc)


# -- the child process: one run ------------------------------------------------------------------

def _settings(run: WorkerRun, log_level: str) -> dict[str, Any]:
    from crawler import settings as default_settings
    from crawler.runner import CrawlOptions, _settings as crawl_settings

    options = dict(run.config["options"])
    options["today"] = dt.date.fromisoformat(options["today"]) if options.get("today") else None
    options["log_level"] = log_level
    opts = CrawlOptions(**options)
    s = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    s.update(crawl_settings(opts, "", run.config["run_id"]))  # the worker has no database
    s.pop("CLOSESPIDER_TIMEOUT", None)  # --max-time is the writer's to enforce
    s.update(
        GOVAUDIT_INCREMENTAL=False,  # conditional requests need the database's validators
        GOVAUDIT_PROGRESS=False,
        SCHEDULER="crawler.distributed.scheduler.SharedScheduler",
        ITEM_PIPELINES={"crawler.distributed.worker.RedisItemSink": 300},
        SPIDER_MIDDLEWARES={"crawler.distributed.worker.ClaimMiddleware": 50},
        EXTENSIONS={"crawler.distributed.worker.WorkerExtension": 0},
        LOG_INSTALL_ROOT_HANDLER=True,
    )
    return s


def crawl_one_run(redis_url: str, token: str, log_level: str = "WARNING") -> int:
    """Work on one run until the writer ends it; returns the pages this worker fetched."""
    global _CURRENT
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.site import SiteSpider

    client = connect(redis_url)
    run = WorkerRun(client, token, worker_id())
    process = CrawlerProcess(_settings(run, log_level))
    logging.getLogger("scrapy").setLevel(log_level)
    if log_level != "INFO":
        logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    crawler_obj = process.create_crawler(SiteSpider)
    _CURRENT = run
    run.beat()
    try:
        process.crawl(crawler_obj, roots=run.config["roots"], today=run.config["today"])
        process.start()
    finally:
        _CURRENT = None
    pages = crawler_obj.stats.get_value("govaudit/distributed/pages_sent", 0)
    print(f"govaudit worker {run.wid}: {pages} pages for crawl run {run.config['run_id']}", file=sys.stderr, flush=True)
    return pages


def _die_with_parent() -> None:
    """Linux: the child crawl goes when its `govaudit worker` goes (a killed worker is all gone)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _run_to_join(client: redis.Redis) -> tuple[str, dict[str, Any]] | None:
    token = client.get(CURRENT)
    if token is None:
        return None
    keys = Keys(token.decode())
    pipe = client.pipeline()
    pipe.get(keys.state)
    pipe.exists(keys.writer)
    pipe.get(keys.config)
    state, writer, config = pipe.execute()
    if state != b"running" or not writer or config is None:
        return None
    return token.decode(), json.loads(config)


def serve(redis_url: str, exit_when_idle: bool, verbose: bool, echo: Callable[[str], None]) -> int:
    """The `govaudit worker` loop: join each crawl run published in Redis, one after another."""
    client = connect(redis_url)
    waiting_said = False
    left: str | None = None  # the run this worker finished (not joined again)
    while True:
        found = _run_to_join(client)
        if found is not None and found[0] != left:
            token, config = found
            echo(f"joining crawl run {config['run_id']} ({len(config['roots'])} roots)")
            cmd = [sys.executable, "-m", "crawler.distributed", token, "INFO" if verbose else "WARNING"]
            env = {**os.environ, URL_ENV: redis_url}  # not on the command line: it may hold a password
            rc = subprocess.call(cmd, env=env, preexec_fn=_die_with_parent)
            left, waiting_said = token, False
            if rc != 0:
                echo(f"the crawl process for run {config['run_id']} exited with status {rc}; joining again")
                left = None
                time.sleep(1.0)
            continue
        if exit_when_idle:
            echo(f"no crawl run to work on at Redis {_where(redis_url)}; exiting (--exit-when-idle)")
            return 0
        if not waiting_said:
            echo(f"waiting for a crawl run at Redis {_where(redis_url)} (start one with: govaudit crawl --redis URL --db FILE ROOT…)")
            waiting_said = True
        time.sleep(1.0)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    token, log_level = args[0], (args[1] if len(args) > 1 else "WARNING")
    try:
        crawl_one_run(os.environ[URL_ENV], token, log_level)
    except SharedError as exc:
        print(f"govaudit: {exc}", file=sys.stderr)
        return 2
    return 0
