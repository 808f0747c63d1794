"""Baseline for bench/crawl.py: a plain Scrapy spider that only follows links.

    python bench/plain_spider.py http://127.0.0.1:PORT/ [--stats FILE]

Follows every same-host <a>/<area> link (Scrapy's LinkExtractor), parses
nothing, stores nothing.  Same politeness and concurrency as govaudit's
defaults (16 requests, 8 per host, robots.txt obeyed, 2 retries, 15 s timeout),
so the difference to `govaudit crawl` is govaudit's own work: extraction,
trap checks, SQLite.

By default every extracted link is yielded as a Request and Scrapy's
dupefilter drops the repeats (the idiomatic spider).  With --seen the spider
skips links it has already yielded, so only new URLs enter Scrapy's
middleware chain (what govaudit does with its own seen set).
"""

from __future__ import annotations

import os

# Scrapy's cookie middleware loads tldextract, which would fetch the public
# suffix list from the internet; an empty URL list keeps it offline.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.http import TextResponse  # noqa: E402
from scrapy.linkextractors import LinkExtractor  # noqa: E402


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, root: str, seen: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.root = root
        parts = urlsplit(root)
        self.allowed_domains = [parts.hostname]  # OffsiteMiddleware compares host names
        self.links = LinkExtractor(allow_domains=[parts.netloc])  # LinkExtractor compares host:port
        self.pages = 0
        self.seen: set[str] | None = {root} if seen else None

    async def start(self):
        # not dont_filter (unlike start_urls), so the links back to "/" are dupes, as for every other page
        yield scrapy.Request(self.root, callback=self.parse)

    def parse(self, response):
        self.pages += 1
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if self.seen is not None:
                if link.url in self.seen:
                    continue
                self.seen.add(link.url)
            yield response.follow(link, callback=self.parse)


def main() -> int:
    ap = argparse.ArgumentParser(description="plain Scrapy link-following baseline")
    ap.add_argument("root")
    ap.add_argument("--stats", help="write Scrapy's final stats as JSON to this file")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--per-host", type=int, default=8)
    ap.add_argument("--seen", action="store_true",
                    help="skip links already yielded (a set in the spider) instead of leaving every repeat to the dupefilter")
    args = ap.parse_args()
    if not (urlsplit(args.root).hostname or "").startswith("127."):
        ap.error("the baseline only crawls loopback sites")
    process = CrawlerProcess(
        {
            "BOT_NAME": "plainbench",
            "USER_AGENT": "Mozilla/5.0 (compatible; plainbench/0.1)",
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": args.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host,
            "DOWNLOAD_DELAY": 0,
            "DOWNLOAD_TIMEOUT": 15,
            "RETRY_TIMES": 2,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    crawler = process.create_crawler(PlainSpider)
    process.crawl(crawler, root=args.root, seen=args.seen)
    process.start()
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
    stats["plain/pages_parsed"] = crawler.spider.pages if crawler.spider else 0
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
