"""The writer of a distributed crawl: creates the run, publishes it, stores what workers send.

It is the one process that writes the SQLite database, through the same ``SQLitePipeline``
as a single-process crawl (batched transactions, column aggregation).  It decides when the
crawl is over (``shared.FINISHED``), gives the in-flight requests of a dead worker back to
the queue, and closes the run complete or partial exactly as ``runner.run_crawl`` does.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from crawler import settings as default_settings
from crawler import store
from crawler.distributed.shared import (
    CURRENT, FINISHED, HEARTBEAT_SECONDS, REQUEUE, Keys, SharedError, _where, connect, decode_record,
    worker_timeout,
)
from crawler.items import PageRecord
from crawler.pipelines import SQLitePipeline
from crawler.runner import CrawlOptions, CrawlResult, _root_summary, validate_roots

STOP_GRACE = 30.0  # seconds the writer waits for workers to leave after a stop
POP_BATCH = 500


def redacted(url: str) -> str:
    """The Redis URL without its password (it is stored with the run's settings)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _claim_redis(client: redis.Redis, redis_url: str) -> None:
    """Refuse a Redis database another writer is using; clear what a dead writer left."""
    token = client.get(CURRENT)
    if token is None:
        return
    old = Keys(token.decode())
    if client.exists(old.writer):
        config = json.loads(client.get(old.config) or b"{}")
        raise SharedError(
            f"another crawl (run {config.get('run_id', '?')}) is using Redis at {_where(redis_url)}; "
            "wait for it or give another database number (redis://HOST:PORT/1)"
        )
    keys = old.all(client)
    if keys:
        client.delete(*keys)
    client.delete(CURRENT)


def _link_cache(db: Any, hours: float) -> dict[str, str]:
    """The good outside-link answers younger than hours, as the spider's link cache holds them."""
    if hours <= 0:
        return {}
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat(timespec="seconds")
    rows = db.query(
        "SELECT url, checked_at, status, final_url, content_type, elapsed FROM link_cache WHERE checked_at >= ? AND status < 400",
        [since],
    )
    return {r.pop("url"): json.dumps(r) for r in rows}


def _merge_stats(client: redis.Redis, keys: Keys, extra: dict[str, Any]) -> dict[str, Any]:
    """The workers' Scrapy stats added up (numbers only), plus the writer's own counters."""
    merged: dict[str, Any] = {}
    for raw in client.hvals(keys.stats):
        for k, v in json.loads(raw).items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                merged[k] = merged.get(k, 0) + v
    merged.update(extra)
    return merged


class Writer:
    """Pops records from Redis and stores them; watches the workers."""

    def __init__(self, client: redis.Redis, keys: Keys, db: Any, run_id: int, ttl: int, echo: Callable[[str], None]) -> None:
        self.client = client
        self.ttl = ttl
        self.keys = keys
        self.run_id = run_id
        self.echo = echo
        self.pipeline = SQLitePipeline(db, run_id, default_settings.GOVAUDIT_BATCH_SIZE)
        self.pages_written: set[str] = set()
        self.duplicates = 0
        self.requeued = 0
        self.workers_seen: set[str] = set()
        self.finished = client.register_script(FINISHED)
        self.requeue = client.register_script(REQUEUE)
        self.last_beat = 0.0

    def drain(self, wait: float) -> int:
        """Store the records waiting in Redis (blocking up to wait seconds for the first)."""
        raw = self.client.rpop(self.keys.items, POP_BATCH)
        if not raw and wait > 0:
            got = self.client.brpop([self.keys.items], timeout=wait)
            raw = [got[1]] if got else []
        for data in raw or []:
            record, _wid = decode_record(data)
            if isinstance(record, PageRecord):
                url = record.row["url"]
                if url in self.pages_written:  # a request redone after its worker was presumed dead
                    self.duplicates += 1
                    continue
                self.pages_written.add(url)
            self.pipeline.process_item(record)
        return len(raw or [])

    def beat(self) -> None:
        """Say the writer is alive; notice workers joining and dying (their requests go back)."""
        now = time.monotonic()
        if now - self.last_beat < HEARTBEAT_SECONDS:
            return
        self.last_beat = now
        self.client.set(self.keys.writer, 1, ex=self.ttl)
        for raw in self.client.smembers(self.keys.workers):
            wid = raw.decode()
            if wid not in self.workers_seen:
                self.workers_seen.add(wid)
                self.echo(f"worker {wid} joined")
            if not self.client.exists(self.keys.heartbeat(wid)):
                n = self.requeue(keys=[self.keys.inflight(wid), self.keys.requests, self.keys.workers], args=[wid])
                self.requeued += n
                self.echo(f"worker {wid} stopped answering; its {n} requests in flight went back to the queue")

    def is_finished(self) -> bool:
        k = self.keys
        return bool(self.finished(keys=[k.started, k.requests, k.items, k.workers], args=[k.prefix + "inflight:"]))

    def wait_for_workers(self, grace: float) -> None:
        """After the end or a stop: keep storing records until every worker has left."""
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            self.client.set(self.keys.writer, 1, ex=self.ttl)
            self.drain(0.2)
            if not self.client.scard(self.keys.workers):
                break
        while self.drain(0):
            pass

    def pages_by_worker(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.client.hgetall(self.keys.pages_by_worker).items()}


def run_distributed_crawl(db_path: str, urls: list[str], opts: CrawlOptions, redis_url: str,
                          echo: Callable[[str], None] = lambda s: None) -> CrawlResult:
    """Crawl the roots with the workers attached to Redis; this process writes the database."""
    roots = validate_roots(urls)
    client = connect(redis_url)
    _claim_redis(client, redis_url)
    db = store.open_db(db_path)
    today = opts.today or dt.date.today()
    options = {k: v for k, v in opts.__dict__.items() if k != "log_level"}
    options["today"] = today.isoformat()
    settings = {k: v for k, v in options.items() if k != "extra_settings"}
    run_id = store.start_run(db, roots, {**settings, "redis": redacted(redis_url)}, today)
    keys = Keys(f"{run_id}-{secrets.token_hex(6)}")
    hours = float(opts.extra_settings.get("GOVAUDIT_LINK_CACHE_HOURS", default_settings.GOVAUDIT_LINK_CACHE_HOURS))
    ttl = worker_timeout()
    config = {"run_id": run_id, "roots": roots, "today": today.isoformat(), "options": options,
              "link_cache_hours": hours, "worker_timeout": ttl}
    cache = _link_cache(db, hours)
    pipe = client.pipeline()
    pipe.set(keys.config, json.dumps(config, ensure_ascii=False, default=str))
    for i in range(0, len(cache), 5000):
        pipe.hset(keys.link_cache, mapping=dict(list(cache.items())[i:i + 5000]))
    pipe.set(keys.state, "running")
    pipe.set(keys.writer, 1, ex=ttl)
    pipe.set(CURRENT, keys.token)
    pipe.execute()
    echo(f"crawl run {run_id} published at Redis {_where(redis_url)}; start workers with: govaudit worker --redis {redacted(redis_url)}")

    writer = Writer(client, keys, db, run_id, ttl, echo)
    status, reason = "failed", "writer did not start"
    t0 = time.monotonic()
    try:
        while True:
            writer.beat()
            if writer.drain(0.2):
                continue
            writer.pipeline.flush()
            if writer.is_finished():
                budget = client.exists(keys.budget_hit)
                status, reason = ("partial", "max pages reached") if budget else ("complete", "finished")
                client.set(keys.state, "done")
                break
            if opts.max_seconds and time.monotonic() - t0 > opts.max_seconds:
                status, reason = "partial", "closespider_timeout"
                client.set(keys.state, "stopping")
                break
        writer.wait_for_workers(STOP_GRACE)
    except KeyboardInterrupt:
        status, reason = "partial", "interrupted"
        _stop_quietly(client, keys, writer)
        raise
    except redis.RedisError as exc:
        written = db.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()[0]
        status, reason = ("partial" if written else "failed"), f"lost Redis at {_where(redis_url)}: {exc}"
        raise SharedError(reason) from exc
    finally:
        try:
            writer.pipeline.close_spider()
            per_worker = writer.pages_by_worker() if reason != "writer did not start" else {}
            extra: dict[str, Any] = {
                "govaudit/distributed/workers": len(writer.workers_seen),
                "govaudit/distributed/requeued": writer.requeued,
                "govaudit/distributed/duplicates_dropped": writer.duplicates,
            }
            extra.update({f"govaudit/distributed/worker_pages/{w}": n for w, n in per_worker.items()})
            stats = _merge_stats(client, keys, extra)
        except redis.RedisError:
            stats = {}
        roots_info = _root_summary(db, run_id, roots)
        store.finish_run(db, run_id, status, reason, stats)
        _forget(client, keys)
    run = db["crawl_runs"].get(run_id)
    return CrawlResult(run_id, status, reason, run["pages"], run["errors"], roots_info)


def _stop_quietly(client: redis.Redis, keys: Keys, writer: Writer) -> None:
    try:
        client.set(keys.state, "stopping")
        writer.wait_for_workers(5.0)
    except (redis.RedisError, KeyboardInterrupt):
        pass


def _forget(client: redis.Redis, keys: Keys) -> None:
    """Delete the run's keys (the database has everything now)."""
    try:
        names = keys.all(client)
        if names:
            client.delete(*names)
        if client.get(CURRENT) == keys.token.encode():
            client.delete(CURRENT)
    except redis.RedisError:
        pass
