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

import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

REDIS_URL_SETTING = "KABAR_REDIS_URL"
PREFIX_SETTING = "KABAR_REDIS_PREFIX"
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
    queue, dupefilter, workers = frontier_keys(prefix.replace("%", "%%"), "%(spider)s")
    return {
        REDIS_URL_SETTING: redis_url,
        "SCHEDULER": "crawler.scheduler.SharedFrontierScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": queue,
        "SCHEDULER_DUPEFILTER_KEY": dupefilter,
        "KABAR_REDIS_WORKERS_KEY": workers,
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
    }


def frontier_keys(prefix: str, site: str) -> tuple[str, str, str]:
    """One site's Redis keys: its request queue, duplicate filter and worker register."""
    return (f"{prefix}:{site}:requests", f"{prefix}:{site}:dupefilter", f"{prefix}:{site}:workers")


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
