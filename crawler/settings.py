"""Scrapy settings for govaudit (defaults; `govaudit crawl` options override them)."""

import crawler  # noqa: F401  (sets the offline tldextract environment first)

BOT_NAME = "govaudit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "Mozilla/5.0 (compatible; govaudit/0.1; 政府网站检查)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 15
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
HTTPERROR_ALLOW_ALL = True
DEPTH_LIMIT = 0  # depth is managed by the spider (pagination does not add depth)
# Breadth-first order (with priority = -depth on requests): a depth-first crawl reaches
# pages through long paths first and stops at --max-depth before it sees them all.
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
DNS_TIMEOUT = 10
REACTOR_THREADPOOL_MAXSIZE = 10

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    "crawler.incremental.ReuseBatchMiddleware": 1,  # pages answered 304 ahead of the crawl: no download
    "crawler.middlewares.LoopbackOnlyMiddleware": 50,
    "crawler.middlewares.BackoffMiddleware": 60,
    "crawler.limits.PrivateAddressMiddleware": 45,  # --refuse-private: before robots.txt (100) is asked for
    "crawler.limits.HardeningMiddleware": 560,  # Retry-After before RetryMiddleware (550); robots.txt size
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "crawler.middlewares.ProxyMiddleware": 750,  # the same, without a cost per request when no proxy is set
    "crawler.middlewares.EncodingMiddleware": 500,  # after decompression (590), redirects and retries
    # request / response / status counts without measuring every request's bytes (request_httprepr)
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.middlewares.CountStats": 850,
    "crawler.middlewares.NotModifiedMiddleware": 990,  # 304s skip the body middlewares (incremental recrawl)
}
# Spider middlewares whose work the spider does itself; each one is a layer of async generators
# around every callback's output, paid by every page (felt by 304 recrawls):
# DepthMiddleware: depth and breadth-first priority are the spider's (ga_depth, priority=-depth);
# UrlLengthMiddleware: page links and checked links are refused over GOVAUDIT_MAX_URL_LENGTH;
# MetaCopyDetectionMiddleware: a development warning (the spider builds every meta itself).
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
EXTENSIONS = {
    "crawler.progress.Progress": 500,  # only with GOVAUDIT_PROGRESS
}
ITEM_PIPELINES = {
    "crawler.pipelines.SQLitePipeline": 300,
}

# govaudit's own settings
GOVAUDIT_MAX_DEPTH = 10
GOVAUDIT_MAX_PAGES = 50000
GOVAUDIT_MAX_QUERY_VARIANTS = 20  # distinct query strings per path (calendar / filter traps)
GOVAUDIT_MAX_URL_LENGTH = 2048
GOVAUDIT_MAX_TEXT = 200_000
GOVAUDIT_BATCH_SIZE = 200
GOVAUDIT_WORKERS = 0  # worker processes for page extraction (0: in the crawler process)
GOVAUDIT_CHECK_LINKS = True  # check outside links, attachments and images (HEAD, then GET)
GOVAUDIT_CHECK_RETRIES = 2  # re-checks, with backoff, before a link counts as failing
GOVAUDIT_CHECK_BACKOFF = 2.0  # seconds before the first re-check, doubled each time
GOVAUDIT_CHECK_MAXSIZE = 2 * 1024 * 1024  # body limit of a GET check
GOVAUDIT_LINK_CACHE_HOURS = 72  # an outside link that answered well is not rechecked for this long
GOVAUDIT_MAX_CHECKS = 100000
GOVAUDIT_SEARCH_PROBES = 3  # article titles submitted to each site's search box at the end (0: none)
GOVAUDIT_INCREMENTAL = True  # send the last run's validators; reuse the facts of pages answered 304
GOVAUDIT_MEMO = True  # keep the extraction of pages that are not articles; reuse it for the same HTML (crawler/memo.py)
GOVAUDIT_REVALIDATE = True  # ask those pages ahead of the crawl in a lean child process (crawler/revalidate.py)
# outputs of one callback processed at once; the pipeline is synchronous, so more only costs
# asyncio tasks (Scrapy starts this many per response: 20 cost ~0.5 ms a page, felt by 304 recrawls)
CONCURRENT_ITEMS = 1
GOVAUDIT_PROGRESS = False  # progress on stderr (the CLI turns it on for terminals)
GOVAUDIT_PROGRESS_INTERVAL = 0.0  # seconds between updates; 0: 0.5 on a terminal, 10 otherwise
# pages only a browser can fill, and new-media accounts (crawler/render.py, crawler/interaction.py)
GOVAUDIT_RENDER = True  # render when the static HTML needs it (False: record those pages as not rendered)
GOVAUDIT_RENDER_PAGES = 2  # browser pages rendering at once; one browser per crawl
GOVAUDIT_RENDER_TIMEOUT = 20.0
GOVAUDIT_RENDER_HOSTS: list[str] = []  # besides crawler.render.RENDER_HOSTS
GOVAUDIT_RENDER_PATTERNS: list[str] = []  # URL regular expressions always rendered
GOVAUDIT_NEWMEDIA_HOSTS: list[str] = []  # besides crawler.extract.newmedia.NEWMEDIA_HOSTS
GOVAUDIT_CHROMIUM = None  # path; default $GOVAUDIT_CHROMIUM, else /usr/bin/chromium
# bounded resources (crawler/limits.py; README "Hardening / limits")
GOVAUDIT_MAX_PAGES_PER_HOST = 0  # pages scheduled per host:port (0: only --max-pages)
GOVAUDIT_MAX_PAGES_PER_PATTERN = 0  # pages per URL template, digits as N (0: no cap)
GOVAUDIT_FANOUT_LINKS = 1000  # new in-scope links on a page, twice in a row, that make a fan-out trap (0: off)
GOVAUDIT_MAX_LINKS_PER_PAGE = 5000  # links recorded and followed per page
GOVAUDIT_MAX_RETRY_AFTER = 30.0  # seconds of Retry-After (429/503) honoured; longer: recorded, not retried
GOVAUDIT_REFUSE_PRIVATE = False  # --refuse-private: no link target or redirect on a non-public address
GOVAUDIT_DISK_QUEUE = "auto"  # frontier in disk queues beside the database: "auto" (over 100,000 --max-pages), True, False
