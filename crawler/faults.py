"""Fault isolation: a bad element costs that element, never the listing around it.

Scraped documents are hostile input. Two layers keep one bad element from losing a
whole site:

- **Inside a parser**, each element (a feed entry, a sitemap ``<url>``, a REST post)
  is read through :func:`isolated`: an element that raises is reported with
  :func:`report` and skipped, and the parser goes on with the next one.
- **At each parse boundary** (a spider callback), :func:`parse_boundary` collects
  those reports, and the malformed URLs the core's URL functions skip
  (:func:`kabar.core.urls.observe_malformed_urls`), as stats counters
  ``kabar/errors/<where>/<kind>``; any exception that still escapes the callback is
  counted as ``kabar/errors/<where>/<exception>`` and logged as one line with the URL,
  no traceback. Requests the callback yielded before the fault are kept.

Outside a boundary (tests, ``kabar extract``) reports go nowhere: the parser's
result is the same either way. Nothing here imports Scrapy.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from crawler.requests import SITE_META
from kabar.core.counts import inc
from kabar.core.text import strip_controls
from kabar.core.urls import http_url, join_url, observe_malformed_urls

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MAX_DETAIL_CHARS = 160
_KIND = re.compile(r"[^a-z0-9_]+")


class Faults:
    """The faults met while one response was parsed: counts per kind, and the first
    detail of each kind (for the one log line)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.details: dict[str, str] = {}

    def add(self, kind: str, detail: str = "") -> None:
        self.counts[kind] += 1
        if kind not in self.details:
            # Scraped text: one log line, whatever newlines or controls it holds.
            self.details[kind] = " ".join(strip_controls(detail[: 4 * MAX_DETAIL_CHARS]).split())[
                :MAX_DETAIL_CHARS
            ]


_current: ContextVar[Faults | None] = ContextVar("kabar_faults", default=None)


def report(kind: str, detail: str = "") -> None:
    """A parser met a bad element of ``kind`` (``bad_entry``, ``bad_url`` …) and skipped it."""
    faults = _current.get()
    if faults is not None:
        faults.add(kind, detail)


def describe(exc: BaseException) -> str:
    """One line naming an exception: its class and the first line of its message."""
    message = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def isolated(elements: Iterable[T], read: Callable[[T], R | None], kind: str) -> Iterator[R]:
    """``read(element)`` for each element, skipping (and reporting as ``kind``) those that
    raise; ``None`` results are skipped silently (the reader decided the element is not
    one to keep, and reported why if it was a fault)."""
    for element in elements:
        try:
            value = read(element)
        except Exception as exc:  # RecursionError included: deep JSON, deep markup
            report(kind, describe(exc))
            continue
        if value is not None:
            yield value


def web_url(base_url: str | None, href: str | None, *, kind: str = "bad_url") -> str | None:
    """``href`` as an http(s) URL (resolved against ``base_url`` when given), or None; a
    non-empty ``href`` that is none (malformed, ``javascript:``, ``file:``) is reported
    once as ``kind`` (not a second time by the boundary's malformed-URL count)."""
    if href is None or not href.strip():
        return None
    with observe_malformed_urls(lambda _: None):
        url = join_url(base_url, href) if base_url else http_url(href)
    if url is None:
        report(kind, href)
    return url


def exception_kind(exc: BaseException) -> str:
    """A stats-safe name for an exception class (``TypeError`` → ``typeerror``)."""
    return _KIND.sub("_", type(exc).__name__.lower())


class _Spider(Protocol):
    name: str
    crawler: Any


def _site_of(response: Any) -> str | None:
    """The configured site a response is for (``meta[SITE_META]``), when it says."""
    request = getattr(response, "request", None)
    meta = getattr(request, "meta", None) or {}
    site = meta.get(SITE_META)
    return site if isinstance(site, str) else None


def flush(spider: _Spider, where: str, url: str, faults: Faults, site: str | None = None) -> None:
    """Count ``faults`` under ``kabar/errors/<where>/<kind>`` (for the crawl and for
    ``site``) and log them as one line."""
    if not faults.counts:
        return
    crawler = getattr(spider, "crawler", None)
    stats = getattr(crawler, "stats", None) if crawler is not None else None
    for kind, count in faults.counts.items():
        inc(stats, f"errors/{where}/{kind}", count, site=site)
    summary = "; ".join(
        f"{kind} ×{count}" + (f" ({faults.details[kind]})" if faults.details.get(kind) else "")
        for kind, count in sorted(faults.counts.items())
    )
    logger.warning("%s: %s %s: skipped %s", site or spider.name, where, url, summary)


_DONE: Any = object()
Callback = Callable[..., Any]


FAULT_HOOK = "parse_fault"
"""A spider method ``parse_fault(response, where) -> Iterable[Request] | None``, called
after an exception ended a callback: the spider decides what the lost response means
(an entry point that failed: the next strategy; a later listing page: incomplete)."""


def parse_boundary(where: str) -> Callable[[Callback], Callable[..., Any]]:
    """Wrap a spider callback (a method taking the response first; a generator or an
    async generator) so that nothing it meets is lost silently and nothing escapes it:
    element faults and malformed URLs are counted, an exception ends the callback as a
    counted, one-line fault. What it yielded before the exception (requests, items)
    stands, and the spider's :data:`FAULT_HOOK`, if it has one, gives what follows."""

    def decorate(callback: Callback) -> Callable[..., Any]:
        if inspect.isasyncgenfunction(callback):
            return _async_boundary(where, callback)

        @functools.wraps(callback)
        def wrapper(
            spider: _Spider, response: Any, *args: Any, **kwargs: Any
        ) -> Generator[Any, None, None]:
            faults = Faults()
            url = str(getattr(response, "url", "?"))

            step = _stepper(faults)

            try:
                output = step(lambda: callback(spider, response, *args, **kwargs))
                iterator = iter(output) if output is not None else iter(())
                while (value := step(lambda: next(iterator, _DONE))) is not _DONE:
                    yield value
            except Exception as exc:  # the one place every fault of a callback ends
                yield from _after_fault(spider, response, where, faults, exc, step)
            finally:
                flush(spider, where, url, faults, _site_of(response))

        return wrapper

    return decorate


def _stepper(faults: Faults) -> Callable[[Callable[[], T]], T]:
    """Run one step of a callback with ``faults`` collecting its reports and malformed URLs."""

    def step(run: Callable[[], T]) -> T:
        token = _current.set(faults)
        try:
            with observe_malformed_urls(lambda bad: faults.add("bad_url", bad)):
                return run()
        finally:
            _current.reset(token)

    return step


async def _async_step(faults: Faults, next_value: Callable[[], Awaitable[T]]) -> T:
    """:func:`_stepper` for an async callback: the collector stays set while the step
    awaits (the context is the task's own, so other tasks never report into it)."""
    token = _current.set(faults)
    try:
        with observe_malformed_urls(lambda bad: faults.add("bad_url", bad)):
            return await next_value()
    finally:
        _current.reset(token)


def _after_fault(
    spider: _Spider,
    response: Any,
    where: str,
    faults: Faults,
    exc: Exception,
    step: Callable[[Callable[[], list[Any]]], list[Any]],
) -> list[Any]:
    """Count ``exc`` and ask the spider's fault hook what the lost response means."""
    faults.add(exception_kind(exc), describe(exc))
    hook = getattr(spider, FAULT_HOOK, None)
    if not callable(hook):
        return []
    try:
        return step(lambda: list(hook(response, where) or ()))
    except Exception as again:
        faults.add(exception_kind(again), describe(again))
        return []


def _async_boundary(where: str, callback: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`parse_boundary` for an ``async def`` callback that yields."""

    @functools.wraps(callback)
    async def wrapper(
        spider: _Spider, response: Any, *args: Any, **kwargs: Any
    ) -> AsyncGenerator[Any, None]:
        faults = Faults()
        url = str(getattr(response, "url", "?"))

        step = _stepper(faults)

        try:
            iterator = step(lambda: callback(spider, response, *args, **kwargs).__aiter__())
            while True:
                # Each step runs with the faults collector set; it is reset before the
                # value leaves, so nothing outside the callback reports into it.
                try:
                    value = await _async_step(faults, iterator.__anext__)
                except StopAsyncIteration:
                    break
                yield value
        except Exception as exc:
            for value in _after_fault(spider, response, where, faults, exc, step):
                yield value
        finally:
            flush(spider, where, url, faults, _site_of(response))

    return wrapper
