"""The shared scheduler of a distributed crawl: scrapy-redis' ``Scheduler`` with govaudit's admission.

scrapy-redis 0.9.1 (the current release) works with Scrapy 2.19 for a single crawler,
but not as the scheduler of several govaudit workers as it stands:

- ``SCHEDULER_PERSIST`` defaults to False: the first worker to close deletes the shared
  queue and duplicate filter under the others (we always persist; the writer cleans up);
- popping a request removes it from Redis, so the requests a killed worker held are lost
  (we move them to a per-worker ``inflight`` hash in the same step; the writer gives a dead
  worker's requests back to the queue);
- the duplicate filter is skipped for ``dont_filter`` requests, and every govaudit request is
  ``dont_filter``: SiteSpider admits URLs itself (session ids stripped, query-string trap,
  page budget).  The shared half of that admission runs here, atomically with queueing
  (``shared.ADMIT``); link checks are claimed the same way (``shared.CLAIM``);
- it passes ``spider=`` to the stats collector (deprecated since Scrapy 2.14).

The queue itself is scrapy-redis' ``PriorityQueue`` (a sorted set scored by depth, so the
crawl stays breadth-first) with its request serialisation.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.worker import WorkerRun, current
from crawler.extract.links import dedupe_key

_ADMIT_OUTCOME = {1: "admitted", 0: "seen", -1: "query_trap", -2: "max_pages", -3: "stopped"}
_CLAIM_OUTCOME = {1: "claimed", 0: "taken", -3: "stopped"}


class SharedScheduler(Scheduler):
    run: WorkerRun

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        run = current()
        scheduler = cls(
            server=run.client,
            persist=True,
            queue_key=run.keys.requests,
            dupefilter=RFPDupeFilter(run.client, key=run.keys.dupefilter),
            idle_before_close=0,
        )
        scheduler.stats = crawler.stats
        scheduler.run = run
        scheduler.max_variants = crawler.settings.getint("GOVAUDIT_MAX_QUERY_VARIANTS")
        scheduler.max_pages = crawler.settings.getint("GOVAUDIT_MAX_PAGES")
        scheduler.popped = 0
        return scheduler

    def open(self, spider: Any) -> None:
        # scrapy-redis' open() logs through the deprecated Spider.log(); nothing else to do here
        self.spider = spider
        self.queue = PriorityQueue(server=self.server, spider=spider, key=self.queue_key)

    def _count(self, key: str) -> None:
        self.stats.inc_value(f"govaudit/distributed/{key}")

    def enqueue_request(self, request: Request) -> bool:
        run, keys, meta = self.run, self.run.keys, request.meta
        held = meta.pop("ga_inflight", None)  # a retry or redirect of a request this worker holds
        claim = meta.pop("ga_claim", None)  # a new link check (ClaimMiddleware)
        page = request.callback == self.spider.parse and not meta.get("ga_check")  # a site page: admitted, level by level
        payload = (b"P" if page else b"C") + self.queue._encode_request(request)
        score = -request.priority
        if held is not None:
            ok = run.handoff(keys=[run.inflight, keys.requests], args=[held, score, payload])
            self._count("handoffs" if ok else "handoffs_refused")
            return bool(ok)
        if meta.get("ga_check"):
            if claim is None:  # a re-check or HEAD→GET of a target this worker claimed
                run.client.zadd(keys.requests, {payload: score})
                return True
            outcome = run.claim(
                keys=[keys.checked, keys.cached_only, keys.requests, keys.items, keys.state],
                args=[meta["ga_check"], claim, "0", score, payload],
            )
            self._count(f"checks/{_CLAIM_OUTCOME[outcome]}")
            return outcome == 1
        if meta.get("ga_account"):  # a new-media account page: once per run (crawler/interaction.py)
            outcome = run.once(keys=[keys.accounts, keys.requests, keys.state], args=[meta["ga_account"], score, payload])
            self._count(f"accounts/{_CLAIM_OUTCOME[outcome]}")
            return outcome == 1
        if not page:  # anything else the spider asks for beside pages and checks
            run.client.zadd(keys.requests, {payload: score})
            return True
        parts = urlsplit(request.url)
        pathkey = f"{parts.netloc} {parts.path}" if parts.query else ""
        outcome = run.admit(
            keys=[keys.seen, keys.variants, keys.scheduled, keys.budget_hit, keys.requests, keys.state],
            args=[dedupe_key(request.url), pathkey, self.max_variants, self.max_pages, score, payload],
        )
        self._count(f"pages/{_ADMIT_OUTCOME[outcome]}")
        return outcome == 1

    def next_request(self) -> Request | None:
        run = self.run
        self.popped += 1
        held = str(self.popped)
        keys = run.keys
        payload, aliases = run.pop(keys=[keys.requests, run.inflight, keys.aliases, keys.state, keys.workers], args=[held, keys.prefix + "inflight:"])
        if aliases > run.aliases_applied:
            run.sync_aliases(aliases)
        if not payload:
            return None
        request = self.queue._decode_request(payload[1:])  # after the 'P'/'C' kind
        request.meta["ga_inflight"] = held
        # the request may come from another machine: its monotonic clock means nothing here
        request.meta["ga_start"] = time.monotonic() + request.meta.get("ga_delay", 0)
        self._count("dequeued")
        return request

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0
