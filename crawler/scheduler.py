"""The scheduler of a distributed crawl: article pages shared in Redis, discovery local.

A site's discovery (homepage, REST API, feeds, sitemaps, listing pages) is a small
state machine kept in the process for the run (``crawler.sitecrawl``): its callbacks
must run in the process that issued them, so discovery requests stay in a local Scrapy
scheduler, and each site is discovered by one worker only, the first to claim it
(``crawler.distributed.DiscoveryLease``). Article requests are self-contained (a spider
method name and a :class:`~crawler.discovery.Candidate` in ``cb_kwargs``, both
serializable) and are the bulk of a crawl: they go to scrapy-redis's queue and duplicate
filter, so each article page is fetched by exactly one worker, whichever is free.

A worker with nothing to do does not stop while another live worker is still busy (it
may yet list articles into the shared queue): each worker marks itself idle in
``<workers key>:idle`` when Scrapy finds it idle, and stops only when the shared queue
is empty and every live worker is idle. Lifecycle of the keys: every worker registers
in ``<prefix>:<spider>:workers`` and refreshes its entry every few seconds while it
runs; the last one to close deletes the queue, the duplicate filter, the discovery
leases and the registers, so the next run starts with a fresh frontier (a re-run must
be able to fetch a modified article again). A worker killed outright stops counting
as live after ``KABAR_REDIS_LIVE_S`` seconds without a heartbeat (and as registered
after ``KABAR_REDIS_WORKER_TIMEOUT_S``); every key expires ``KABAR_REDIS_KEY_TTL_S``
after the last activity in any case.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.job import job_dir
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

from crawler.distributed import DISCOVERY_KEY_SETTING
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
DEFAULT_LIVE_S = 30.0
IDLE_POLL_S = 0.5

# Atomically: leave the register, forget workers silent for too long, and when no one
# is left delete the site's frontier (a worker joining meanwhile would otherwise enqueue
# into keys that are about to vanish).
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
    return 1
end
return 0
"""


class SharedFrontierScheduler(RedisScheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler for article requests, Scrapy's own for the rest."""

    local: Scheduler
    workers_key: str
    discovery_key: str
    worker_id: str
    worker_timeout_s: float
    key_ttl_s: int
    live_s: float
    idle_key: str
    _idle: bool
    crawler: Crawler
    _ticker: task.LoopingCall | None
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
        scheduler.discovery_key = settings.get(DISCOVERY_KEY_SETTING, "%(spider)s:discovery")
        scheduler.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        scheduler.worker_timeout_s = settings.getfloat(
            "KABAR_REDIS_WORKER_TIMEOUT_S", DEFAULT_WORKER_TIMEOUT_S
        )
        scheduler.key_ttl_s = settings.getint("KABAR_REDIS_KEY_TTL_S", DEFAULT_KEY_TTL_S)
        scheduler.live_s = settings.getfloat("KABAR_REDIS_LIVE_S", DEFAULT_LIVE_S)
        scheduler._idle = False
        scheduler._ticker = None
        scheduler.crawler = crawler
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> Deferred[None] | None:
        super().open(spider)
        self.workers_key = self.workers_key % {"spider": spider.name}
        self.discovery_key = self.discovery_key % {"spider": spider.name}
        self.idle_key = f"{self.workers_key}:idle"
        self._beat(force=True)
        self._ticker = task.LoopingCall(self._tick)
        self._ticker.start(IDLE_POLL_S, now=False)
        return self.local.open(spider)

    def close(self, reason: str) -> Deferred[None] | None:
        result = self.local.close(reason)
        super().close(reason)  # SCHEDULER_PERSIST: leaves the shared keys alone
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        deleted = self.server.eval(
            _LEAVE,
            5,
            self.workers_key,
            self.queue.key,
            self.df.key,
            self.discovery_key,
            self.idle_key,
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
        for key in (self.workers_key, self.queue.key, self.df.key, self.idle_key):
            pipe.expire(key, self.key_ttl_s)
        pipe.execute()

    def _tick(self) -> None:
        """Keep this worker's heartbeat going; while idle, wake the engine as soon as
        another worker has queued articles (Scrapy's own idle poll is every 5 s, longer
        than a small crawl)."""
        self._beat()
        if self._idle and len(self.queue) > 0:
            slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy's engine loop
            if slot is not None:
                slot.nextcall.schedule()

    def _busy(self) -> None:
        if self._idle:
            self._idle = False
            self.server.zrem(self.idle_key, self.worker_id)

    def spider_idle(self, spider: Spider) -> None:
        """Scrapy found this worker idle: stop only when no live worker is busy and the
        shared queue is empty (another worker may still be listing articles into it)."""
        now = time.time()
        self._idle = True
        self.server.zadd(self.idle_key, {self.worker_id: now})
        self._beat(force=True)
        live = {
            member.decode()
            for member in self.server.zrangebyscore(self.workers_key, now - self.live_s, "+inf")
        }
        idle = {member.decode() for member in self.server.zrange(self.idle_key, 0, -1)}
        if super().has_pending_requests() or live - idle - {self.worker_id}:
            raise DontCloseSpider

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(KIND_META) not in SHARED_KINDS:
            return self.local.enqueue_request(request)
        self._beat()
        self._busy()
        admitted: bool = super().enqueue_request(request)
        return admitted

    def next_request(self) -> Request | None:
        request: Request | None = self.local.next_request()
        if request is None:
            self._beat()
            request = super().next_request()
        if request is not None:
            self._busy()
        return request

    def has_pending_requests(self) -> bool:
        return self.local.has_pending_requests() or super().has_pending_requests()

    def __len__(self) -> int:
        return len(self.local) + int(super().__len__())
