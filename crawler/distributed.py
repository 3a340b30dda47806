"""Distributed mode: the settings that make a crawl one worker of many sharing Redis.

``kabar crawl --redis URL`` and the ``KABAR_REDIS_URL`` setting (``scrapy crawl -s``,
scrapyd's ``setting=``, or the environment) all come here: :func:`redis_settings` is
the one place that switches Scrapy to scrapy-redis. Workers on any number of machines
then share each site's article frontier (queue and duplicate filter) in Redis and
store into one shared PostgreSQL archive. How the frontier is shared, and why only
article pages are in it, is told in :mod:`crawler.scheduler`.

This module does not import scrapy-redis, so a crawl without Redis never needs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

REDIS_URL_SETTING = "KABAR_REDIS_URL"
PREFIX_SETTING = "KABAR_REDIS_PREFIX"
DISCOVERY_KEY_SETTING = "KABAR_REDIS_DISCOVERY_KEY"
DEFAULT_PREFIX = "kabar"


class DistributedError(RuntimeError):
    """Distributed mode cannot start (bad prefix, no scrapy-redis, no Redis); one line."""


def redis_settings(redis_url: str, *, prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    """The Scrapy settings of a worker sharing its frontier in Redis at ``redis_url``.

    Keys are ``<prefix>:<site>:requests`` (the queue), ``:dupefilter`` and ``:workers``,
    so crawls (and tests) with different prefixes never meet. The frontier persists
    when a worker closes (``SCHEDULER_PERSIST``): scrapy-redis would otherwise delete
    the queue and duplicate filter the other workers still use, and they would fetch
    again what this one fetched. The last worker of a site deletes its keys instead.
    """
    if not prefix or any(c.isspace() for c in prefix):
        raise DistributedError(f"bad Redis key prefix {prefix!r}: non-empty, no spaces")
    # The key settings are %-formatted with the spider's name.
    escaped = prefix.replace("%", "%%")
    queue, dupefilter, workers = frontier_keys(escaped, "%(spider)s")
    return {
        REDIS_URL_SETTING: redis_url,
        "SCHEDULER": "crawler.scheduler.SharedFrontierScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": queue,
        "SCHEDULER_DUPEFILTER_KEY": dupefilter,
        "KABAR_REDIS_WORKERS_KEY": workers,
        DISCOVERY_KEY_SETTING: discovery_key(escaped, "%(spider)s"),
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
    }


def frontier_keys(prefix: str, site: str) -> tuple[str, str, str]:
    """One site's Redis keys: its request queue, duplicate filter and worker register."""
    return (f"{prefix}:{site}:requests", f"{prefix}:{site}:dupefilter", f"{prefix}:{site}:workers")


def discovery_key(prefix: str, spider: str) -> str:
    """The hash of discovery leases of a crawl: site name → the worker discovering it."""
    return f"{prefix}:{spider}:discovery"


class DiscoveryLease:
    """Who discovers which site in a distributed crawl: the first worker to claim a site
    (``HSETNX`` on one hash per crawl) reads its homepage, API, feeds, sitemaps and
    listings; the others only fetch articles from the shared frontier. The hash goes
    with the frontier when the crawl's last worker leaves (``crawler.scheduler``), so the
    next run discovers again. A worker killed mid-discovery leaves its sites' discovery
    unfinished for this run; the next run completes it (incremental state is saved only
    by a site's discovering worker, and only on a complete listing)."""

    def __init__(self, client: Any, key: str, worker: str, ttl_s: int) -> None:
        self.client = client
        self.key = key
        self.worker = worker
        self.ttl_s = ttl_s

    def order(self, sites: list[str]) -> list[str]:
        """The sites in this worker's own order: workers started together claim
        different sites first, so discovery is spread over them."""
        return sorted(
            sites, key=lambda site: hashlib.sha1(f"{self.worker}|{site}".encode()).digest()
        )

    def claim(self, site: str) -> bool:
        pipe = self.client.pipeline(transaction=False)
        pipe.hsetnx(self.key, site, self.worker)
        pipe.hget(self.key, site)
        pipe.expire(self.key, self.ttl_s)
        _, holder, _ = pipe.execute()
        return bool(holder is not None and holder.decode() == self.worker)

    def close(self) -> None:
        self.client.close()


def discovery_lease(settings: BaseSettings, spider: str) -> DiscoveryLease | None:
    """The crawl's discovery leases when it is distributed (``KABAR_REDIS_URL``)."""
    redis_url = settings.get(REDIS_URL_SETTING)
    template = settings.get(DISCOVERY_KEY_SETTING)
    if not redis_url or not template:
        return None
    import redis

    worker = f"{socket.gethostname()}:{os.getpid()}"
    ttl_s = settings.getint("KABAR_REDIS_KEY_TTL_S", 86400)
    return DiscoveryLease(
        redis.Redis.from_url(redis_url), template % {"spider": spider}, worker, ttl_s
    )


class RedisFrontierAddon:
    """The Scrapy add-on (``ADDONS`` in ``crawler.settings``) that switches a crawl to
    distributed mode when ``KABAR_REDIS_URL`` is set, however the crawl was started
    (``kabar crawl --redis``, ``scrapy crawl -s``, scrapyd's ``setting=``, the
    environment); explicit ``-s SCHEDULER=...`` overrides still win."""

    def update_settings(self, settings: BaseSettings) -> None:
        apply_redis_settings(settings)


def apply_redis_settings(settings: BaseSettings, *, priority: str = "addon") -> None:
    """Switch ``settings`` to distributed mode when ``KABAR_REDIS_URL`` is set."""
    redis_url = settings.get(REDIS_URL_SETTING)
    if not redis_url:
        return
    if importlib.util.find_spec("scrapy_redis") is None:
        raise DistributedError(
            f"{REDIS_URL_SETTING} is set but scrapy-redis is not installed "
            "(pip install 'kabar[distributed]')"
        )
    prefix = settings.get(PREFIX_SETTING) or DEFAULT_PREFIX
    for name, value in redis_settings(redis_url, prefix=prefix).items():
        settings.set(name, value, priority=priority)


def check_redis(redis_url: str) -> None:
    """Fail early, in one line, when Redis cannot be reached (the CLI calls this
    before starting a crawl; inside the crawl it would be a traceback per site)."""
    if importlib.util.find_spec("scrapy_redis") is None:
        raise DistributedError("--redis needs scrapy-redis: pip install 'kabar[distributed]'")
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=5)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as exc:
        raise DistributedError(f"cannot use Redis at {redis_url}: {exc}") from None
