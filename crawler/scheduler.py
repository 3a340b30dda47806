"""The scheduler of a distributed crawl: article pages shared in Redis, discovery local.

A site spider's discovery (homepage, REST API, feeds, sitemaps, listing pages) is a
small state machine kept in the spider for the run: the plan of strategies, which
entry points failed, fallbacks, listing budgets, what worked (saved when it closes).
Its callbacks must run in the process that issued them, so discovery requests stay in
a local Scrapy scheduler and every worker runs discovery itself (a few listing
requests per site and worker). Article requests are self-contained (a spider method
name and a :class:`~crawler.discovery.Candidate` in ``cb_kwargs``, both serializable)
and are the bulk of a crawl: they go to scrapy-redis's queue and duplicate filter, so
each article page is fetched by exactly one worker, whichever is free.

Lifecycle of a site's keys: every worker registers in ``<prefix>:<site>:workers`` and
refreshes its entry while it runs; the last one to close deletes the queue, the
duplicate filter and the register, so the next run starts with a fresh frontier
(a re-run must be able to fetch a modified article again). A worker killed outright
stops counting after ``KABAR_REDIS_WORKER_TIMEOUT_S`` without a sign of life, and
every key expires ``KABAR_REDIS_KEY_TTL_S`` after the last activity in any case.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import TYPE_CHECKING

from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.requests import ARTICLE_KIND, KIND_META

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

SHARED_KINDS = frozenset({ARTICLE_KIND})
"""Request kinds (``meta[KIND_META]``) that go to the shared frontier."""
HEARTBEAT_S = 5.0
DEFAULT_WORKER_TIMEOUT_S = 600
DEFAULT_KEY_TTL_S = 86400

# Atomically: leave the register, forget workers silent for too long, and when no one
# is left delete the site's frontier (a worker joining meanwhile would otherwise enqueue
# into keys that are about to vanish).
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
    return 1
end
return 0
"""


class SharedFrontierScheduler(RedisScheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler for article requests, Scrapy's own for the rest."""

    local: Scheduler
    workers_key: str
    worker_id: str
    worker_timeout_s: float
    key_ttl_s: int
    _last_beat: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedFrontierScheduler:
        scheduler: SharedFrontierScheduler = super().from_crawler(crawler)
        settings = crawler.settings
        # Not DUPEFILTER_CLASS: that one is scrapy-redis's, for the shared frontier.
        scheduler.local = Scheduler(
            dupefilter=build_from_crawler(RFPDupeFilter, crawler),
            jobdir=job_dir(settings),
            dqclass=load_object(settings["SCHEDULER_DISK_QUEUE"]),
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )
        scheduler.workers_key = settings.get("KABAR_REDIS_WORKERS_KEY", "%(spider)s:workers")
        scheduler.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        scheduler.worker_timeout_s = settings.getfloat(
            "KABAR_REDIS_WORKER_TIMEOUT_S", DEFAULT_WORKER_TIMEOUT_S
        )
        scheduler.key_ttl_s = settings.getint("KABAR_REDIS_KEY_TTL_S", DEFAULT_KEY_TTL_S)
        return scheduler

    def open(self, spider: Spider) -> Deferred[None] | None:
        super().open(spider)
        self.workers_key = self.workers_key % {"spider": spider.name}
        self._beat(force=True)
        return self.local.open(spider)

    def close(self, reason: str) -> Deferred[None] | None:
        result = self.local.close(reason)
        super().close(reason)  # SCHEDULER_PERSIST: leaves the shared keys alone
        deleted = self.server.eval(
            _LEAVE,
            3,
            self.workers_key,
            self.queue.key,
            self.df.key,
            self.worker_id,
            time.time() - self.worker_timeout_s,
        )
        if deleted and self.stats is not None:
            self.stats.set_value("kabar/frontier/deleted", 1, spider=self.spider)
        return result

    def _beat(self, *, force: bool = False) -> None:
        """Tell the other workers this one is alive, and keep the keys from expiring."""
        now = time.monotonic()
        if not force and now - self._last_beat < HEARTBEAT_S:
            return
        self._last_beat = now
        pipe = self.server.pipeline(transaction=False)
        pipe.zadd(self.workers_key, {self.worker_id: time.time()})
        for key in (self.workers_key, self.queue.key, self.df.key):
            pipe.expire(key, self.key_ttl_s)
        pipe.execute()

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(KIND_META) not in SHARED_KINDS:
            return self.local.enqueue_request(request)
        self._beat()
        admitted: bool = super().enqueue_request(request)
        return admitted

    def next_request(self) -> Request | None:
        request: Request | None = self.local.next_request()
        if request is None:
            self._beat()
            request = super().next_request()
        return request

    def has_pending_requests(self) -> bool:
        return self.local.has_pending_requests() or super().has_pending_requests()

    def __len__(self) -> int:
        return len(self.local) + int(super().__len__())
