"""What the writer and the workers share: the Redis connection, key names, Lua scripts, records.

Every key of a run lives under ``govaudit:run:TOKEN:``; ``govaudit:current`` names the run
the workers should join.  One Redis database serves one crawl at a time (use another
database number, ``redis://host:6379/1``, for a second concurrent crawl).

Invariant the writer relies on to know the crawl is over: a request is always either in
the queue (``requests``) or in exactly one worker's ``inflight`` hash, never in neither, and
what a request produced (records, new requests) is in Redis before it leaves ``inflight``.
The scripts below keep it: popping moves a request from the queue to ``inflight`` in one
step, admitting a new request and queueing it are one step, and a retry or redirect takes
over its original's place in one step.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import socket
from typing import Any
from urllib.parse import urlsplit

import redis

from crawler.items import LinkCheckRecord, PageRecord

CONNECT_TIMEOUT = 3.0  # seconds: an unreachable Redis is an error, never a hang
SOCKET_TIMEOUT = 15.0
HEARTBEAT_SECONDS = 1.0  # how often a worker (and the writer) says it is alive
HEARTBEAT_TTL = 20  # a worker silent this long is dead: its in-flight requests go back to the queue
TTL_ENV = "GOVAUDIT_WORKER_TIMEOUT"  # the writer's override of HEARTBEAT_TTL, published with the run


def worker_timeout() -> int:
    try:
        return max(2, int(os.environ.get(TTL_ENV, HEARTBEAT_TTL)))
    except ValueError:
        return HEARTBEAT_TTL
CURRENT = "govaudit:current"
LOOPBACK_ENV = "GOVAUDIT_LOOPBACK_ONLY"


class SharedError(Exception):
    """Redis cannot be used (bad URL, unreachable, refused password, another crawl running)."""


def _where(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def connect(url: str) -> redis.Redis:
    """A checked connection to the Redis at url (redis://[:password@]host:port/db)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise SharedError(f"--redis: not a Redis URL (redis://HOST:PORT/DB): {url!r}")
    if os.environ.get(LOOPBACK_ENV, "") in ("1", "true", "yes") and parts.scheme != "unix":
        host = parts.hostname or ""
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise SharedError(f"--redis: {host} is not a loopback address ({LOOPBACK_ENV}=1)")
    try:
        probe = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT)
        probe.ping()  # a server that accepts but never answers fails here too, in seconds
        probe.close()
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT)
    except ValueError as exc:
        raise SharedError(f"--redis: not a Redis URL (redis://HOST:PORT/DB): {url!r} ({exc})") from exc
    except redis.AuthenticationError as exc:
        raise SharedError(f"Redis at {_where(url)} refused the password ({exc})") from exc
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        raise SharedError(f"cannot reach Redis at {_where(url)} ({exc})") from exc
    except redis.ResponseError as exc:
        raise SharedError(f"Redis at {_where(url)} answered with an error ({exc})") from exc
    except redis.RedisError as exc:  # something else listens there (InvalidResponse…)
        raise SharedError(f"cannot reach Redis at {_where(url)} (not a Redis server? {exc})") from exc
    return client


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Keys:
    """Key names of one run."""

    def __init__(self, token: str) -> None:
        self.token = token
        p = f"govaudit:run:{token}:"
        self.prefix = p
        self.config = p + "config"  # JSON: run id, roots, today, options
        self.state = p + "state"  # running | stopping | done
        self.started = p + "started"  # set once a worker has queued the roots
        self.requests = p + "requests"  # sorted set: the shared queue (scrapy-redis PriorityQueue)
        self.dupefilter = p + "dupefilter"
        self.seen = p + "seen"  # admitted page keys (dedupe_key)
        self.variants = p + "variants"  # query-string variants admitted per host+path
        self.scheduled = p + "scheduled"  # pages admitted (the --max-pages budget)
        self.budget_hit = p + "budget_hit"
        self.checked = p + "checked"  # link targets claimed for a check
        self.cached_only = p + "cached_only"  # ... of which only the link cache answered
        self.link_cache = p + "link_cache"  # url → JSON, published by the writer from the database
        self.accounts = p + "accounts"  # new-media account pages requested
        self.columns = p + "columns"  # (host, path, column name) → the column's key URL
        self.aliases = p + "aliases"  # "root index\turl" of home pages that redirected
        self.items = p + "items"  # records for the writer (JSON), LPUSHed by workers
        self.workers = p + "workers"  # ids of the workers that joined
        self.pages_by_worker = p + "pages_by_worker"
        self.stats = p + "stats"  # worker id → JSON of its Scrapy stats
        self.writer = p + "writer"  # the writer's heartbeat

    def heartbeat(self, wid: str) -> str:
        return f"{self.prefix}hb:{wid}"

    def inflight(self, wid: str) -> str:
        return f"{self.prefix}inflight:{wid}"

    def all(self, client: redis.Redis) -> list[str]:
        return [k.decode() for k in client.scan_iter(match=self.prefix + "*", count=1000)]


# -- Lua: every step that must not be split between two workers --------------------------------

# Admit a page request (SiteSpider._admit's shared half) and queue it, or refuse it.
# KEYS: seen variants scheduled budget_hit requests state
# ARGV: dedupe key, host+path ('' without a query string), max variants, max pages, score, request
ADMIT = """
if redis.call('GET', KEYS[6]) ~= 'running' then return -3 end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
if ARGV[2] ~= '' then
  local n = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
  if n >= tonumber(ARGV[3]) then return -1 end
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[4]) then
  redis.call('SET', KEYS[4], '1')
  return -2
end
redis.call('INCR', KEYS[3])
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[6])
return 1
"""

# Claim a link target for checking (SiteSpider._check_links' shared half) and queue its check
# request (ARGV[4] = score) or push its record (ARGV[4] = '').  A target is checked once per run,
# except that one only the cache answered is checked again when a home page links it.
# KEYS: checked cached_only requests items state
# ARGV: url, from home ('1'/'0'), answered from the cache ('1'/'0'), score or '', payload
CLAIM = """
if redis.call('GET', KEYS[5]) ~= 'running' then return -3 end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  if not (ARGV[2] == '1' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1) then return 0 end
end
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
if ARGV[4] == '' then redis.call('LPUSH', KEYS[4], ARGV[5]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5]) end
return 1
"""

# Queue a request that must be made once per run (a new-media account page), or refuse it.
# KEYS: once-set requests state   ARGV: key, score, request
ONCE = """
if redis.call('GET', KEYS[3]) ~= 'running' then return -3 end
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# A retry or redirect of an in-flight request takes its place: queued, and out of inflight.
# Refused (0) when the writer already gave the original back to the queue (worker presumed dead).
# KEYS: inflight requests   ARGV: in-flight id, score, request
HANDOFF = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Pop the next request into this worker's inflight hash.  Returns {request or '', number of aliases}.
# Queue members start with 'P' (page) or 'C' (link check); the score is the page's depth.  Level by
# level: a page is not started while a shallower page is in flight anywhere, so every page gets the
# depth of its shortest path however the workers' timing falls (a check never waits).
# KEYS: requests inflight aliases state workers   ARGV: in-flight id, key prefix of the inflight hashes
POP = """
local n = redis.call('LLEN', KEYS[3])
if redis.call('GET', KEYS[4]) ~= 'running' then return {'', n} end
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return {'', n} end
local depth = tonumber(r[2])
if string.sub(r[1], 1, 1) == 'P' then
  for _, w in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    for _, v in ipairs(redis.call('HVALS', ARGV[2] .. w)) do
      local sep = string.find(v, '|', 1, true)
      if string.sub(v, sep + 1, sep + 1) == 'P' and tonumber(string.sub(v, 1, sep - 1)) < depth then
        return {'', n}
      end
    end
  end
end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
return {r[1], n}
"""

# Give a dead worker's in-flight requests back to the queue.  KEYS: inflight requests workers  ARGV: worker id
REQUEUE = """
local all = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 2, #all, 2 do
  local v = all[i]
  local sep = string.find(v, '|', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
  n = n + 1
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return n
"""

# Is the crawl over?  Roots queued, queue empty, no record waiting, no request in flight anywhere.
# KEYS: started requests items workers   ARGV: key prefix of the inflight hashes
FINISHED = """
if redis.call('GET', KEYS[1]) ~= '1' then return 0 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
if redis.call('LLEN', KEYS[3]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if redis.call('HLEN', ARGV[1] .. w) > 0 then return 0 end
end
return 1
"""


# -- records: what a worker sends the writer -----------------------------------------------------

def _record_types() -> dict[str, type]:
    types: dict[str, type] = {"PageRecord": PageRecord, "LinkCheckRecord": LinkCheckRecord}
    try:  # pages answered 304 by an incremental recrawl (crawler/incremental.py)
        from crawler.incremental import ReusedPage

        types["ReusedPage"] = ReusedPage
    except ImportError:
        pass
    return types


RECORD_TYPES = _record_types()


def encode_record(item: Any, wid: str) -> bytes | None:
    """JSON of a record the spider yielded, or None for anything else."""
    name = type(item).__name__
    if name not in RECORD_TYPES or not dataclasses.is_dataclass(item):
        return None
    data = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    return json.dumps({"type": name, "worker": wid, "data": data}, ensure_ascii=False, default=str).encode()


def decode_record(raw: bytes) -> tuple[Any, str]:
    """(record, worker id) from encode_record's JSON."""
    obj = json.loads(raw)
    cls = RECORD_TYPES[obj["type"]]
    data = obj["data"]
    if cls is PageRecord:
        data["links"] = [tuple(link) for link in data.get("links", [])]
    return cls(**data), obj["worker"]
