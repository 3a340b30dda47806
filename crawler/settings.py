"""Scrapy settings for kabar: the one place where components are switched on and ordered.

Every ``KABAR_*`` setting is read here from the environment once, so ``scrapy crawl``,
scrapyd and ``kabar crawl`` behave the same; the CLI overrides them per run.
"""

from __future__ import annotations

import os

BOT_NAME = "kabar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# One spider per site in the sites file (and "kabar", all sites at once: SPIDER_MODULES).
SPIDER_LOADER_CLASS = "crawler.spiderloader.SiteSpiderLoader"

# --- kabar -------------------------------------------------------------------
KABAR_SITES_FILE = os.environ.get("KABAR_SITES_FILE")  # None: the shipped sites.toml
KABAR_DB_URL = os.environ.get("KABAR_DB_URL")  # None: ./kabar.db (archive.db)
KABAR_RUN_ID = None  # set by `kabar crawl`; a lone `scrapy crawl` opens its own run
KABAR_CONTACT_URL = os.environ.get("KABAR_CONTACT_URL", "https://github.com/kabar-news/kabar")
KABAR_MIN_BODY_CHARS = 200  # the validate pipeline drops shorter bodies
# Bodies longer than this are cut at a paragraph boundary before topics, regions and
# deduplication run (a 10 MB "article" is a broken page; news bodies are under ~50k).
KABAR_MAX_BODY_CHARS = 200_000
# After the first SIGTERM a crawl has this long to stop gracefully, then it is ended
# (crawler/shutdown.py); a second SIGTERM ends it at once.
KABAR_SHUTDOWN_GRACE_S = 8.0
KABAR_MAX_LISTING_PAGES = 30  # listing pages (homepage, sections, their pages) per run
KABAR_INCREMENTAL_OVERLAP_S = 2 * 86400  # later runs re-list what changed since the last
# complete run less this (wrong site clocks); known articles are skipped, not fetched
KABAR_DEAD_URL_RECHECK_DAYS = 3.0  # a URL that gave no article is tried again after this
KABAR_MAX_FEED_PAGES = 20  # WordPress feed pages (?paged=N) read on a first crawl

# --- politeness -------------------------------------------------------------
USER_AGENT = f"kabar/0.1 (+{KABAR_CONTACT_URL})"
ROBOTSTXT_OBEY = True
# One crawler crawls every site (crawler.sitecrawl): the total is shared by the sites,
# each host keeps its own slot (per-domain concurrency, delay), and the scheduler hands
# the downloader requests of hosts with free slots first (broad-crawl queue).
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 2
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_HANDLERS = {
    "http": "crawler.downloader.ShortIdleDownloadHandler",
    "https": "crawler.downloader.ShortIdleDownloadHandler",
}
KABAR_IDLE_CONNECTION_S = 10  # idle keep-alive connections closed after this
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 20
DNS_TIMEOUT = 10
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A host that does not resolve will not resolve a second later: fail fast.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,
]
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # After robots.txt (100): counts each site's requests and keeps its budget.
    "crawler.middlewares.sites.SiteRequestsMiddleware": 120,
    # After RetryMiddleware (550) on the way in, before it on responses.
    "crawler.middlewares.politeness.PolitenessMiddleware": 560,
    # Just after HttpCompressionMiddleware (590) on responses: article pages decoded.
    "crawler.middlewares.evidence.EvidenceMiddleware": 585,
}
REDIRECT_MAX_TIMES = 5
URLLENGTH_LIMIT = 1000  # calendar and facet traps grow URLs
KABAR_POLITENESS_ENABLED = True
KABAR_MAX_RETRY_AFTER_S = 120.0  # a longer Retry-After gives up on the URL for this run
KABAR_BACKOFF_BASE_S = 1.0  # after a 5xx the host rests 1, 2, 4 … s (capped below)
KABAR_BACKOFF_MAX_S = 60.0
KABAR_MAX_CRAWL_DELAY_S = 30.0
# Raw responses of article pages kept as evidence (archive.evidence, export --format warc);
# fetch history older than the retention is pruned at the end of a crawl (0: kept forever).
KABAR_EVIDENCE_ENABLED = os.environ.get("KABAR_EVIDENCE_ENABLED", "1") not in ("0", "false", "")
KABAR_EVIDENCE_RETENTION_DAYS = int(os.environ.get("KABAR_EVIDENCE_RETENTION_DAYS", "0"))
# Only each URL's newest N fetches kept (0: all), pruned at the end of a crawl.
KABAR_EVIDENCE_KEEP_FETCHES = int(os.environ.get("KABAR_EVIDENCE_KEEP_FETCHES", "0"))
# The store commits a batch every this many writes or seconds (and when the crawl stops):
# a kill loses at most the open batch, which the next run fetches again.
# Revisits for edits where listings give no modified date: seconds after publication at
# which a stored article is fetched again, and how many such fetches a run may make.
KABAR_REVISIT_AGES_S = [3600, 6 * 3600, 86400, 3 * 86400]
KABAR_REVISIT_MAX_PER_RUN = 50
KABAR_STORE_BATCH_ITEMS = 50
KABAR_STORE_BATCH_S = 1.0
# The writes (articles, evidence) run on a thread of their own while the crawl runs
# (archive.handle.Writer.start): "auto" on PostgreSQL only, where the reactor would
# otherwise wait out every round trip; SQLite's writes are CPU under the same GIL as
# the reactor, and a thread only added memory (responses held). "1"/"0": always/never.
KABAR_STORE_THREAD = os.environ.get("KABAR_STORE_THREAD", "auto")
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response's output (default
# 100); an article page gives one item and a sitemap a list of requests, so 100 tasks
# per response was reactor time spent on nothing (6% of it, py-spy on throughput.py).
CONCURRENT_ITEMS = 4

# --- kabar run (scheduling) ---------------------------------------------------
KABAR_LOCK_TTL_S = 7200  # a site's lease; a killed run's lease expires after this
KABAR_MIN_INTERVAL_S = 900  # adaptive schedule bounds: at most every 15 minutes ...
KABAR_MAX_INTERVAL_S = 86400  # ... at least daily

# --- distributed crawling (crawler.distributed, docs/operations.md) ---------------
# The add-on switches to the shared Redis frontier when KABAR_REDIS_URL is set.
ADDONS = {"crawler.distributed.RedisFrontierAddon": 0}
# Set: this process is one worker of many sharing each site's article frontier in Redis.
KABAR_REDIS_URL = os.environ.get("KABAR_REDIS_URL")
KABAR_REDIS_PREFIX = os.environ.get("KABAR_REDIS_PREFIX", "kabar")  # namespace of the keys
KABAR_REDIS_WORKER_TIMEOUT_S = 600  # a silent worker stops counting (the last one cleans up)
KABAR_REDIS_KEY_TTL_S = 86400  # keys left by killed workers expire after this

# Each site's counts indexed by site, and no per-access deprecation shim (crawler.stats).
STATS_CLASS = "crawler.stats.SiteStatsCollector"

# The process's one archive engine, opened on engine_started, disposed on engine_stopped.
# The extraction workers (crawler.extraction), one per core, started with the engine.
EXTENSIONS = {
    "crawler.extensions.ArchiveExtension": 100,
    "crawler.extensions.PagePoolExtension": 110,
}
# Processes reading article pages off the reactor; unset: one per core, 0: in-process.
KABAR_EXTRACTION_PROCESSES = os.environ.get("KABAR_EXTRACTION_PROCESSES") or None
# The pipelines' pure work those processes do ahead (pipelines.ahead; "" for none).
KABAR_EXTRACTION_AHEAD = "pipelines.ahead"

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.topics.TopicsPipeline": 250,
    "pipelines.regions.RegionsPipeline": 260,
    "pipelines.deduplicate.DeduplicatePipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("KABAR_LOG_LEVEL", "INFO")
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
