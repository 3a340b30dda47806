"""Why a request failed, as one short, stable name: the crawl's failure kinds in one place.

The name is a stats key (``kabar/errors/<kind>``), a log word and a stored reason
(dead URLs remember it), so it never carries a URL or a message: ``http_404``,
``dns``, ``timeout``, ``connection_refused``, ``forbidden_by_robots``, ``too_large``,
else the exception's class name in lower case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

if TYPE_CHECKING:
    from twisted.python.failure import Failure

BUDGET = "request_budget"
"""A request the site's per-run request budget had no room for (not a fault)."""


class RequestBudgetExhausted(IgnoreRequest):
    """Raised for a request of a site whose request budget this run is spent
    (``crawler.middlewares.sites``): Scrapy calls its errback, the site notes the run
    incomplete."""


ABSENT = frozenset({"http_401", "http_403", "http_404", "http_410"})
"""Answers meaning "no such entry point here" when discovery probes one."""


def failure_kind(failure: Failure) -> str:
    """A short, stable name for why a request failed (a stats key and log word)."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, DNSLookupError | CannotResolveHostError):
        return "dns"
    if isinstance(error, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError | DownloadConnectionRefusedError):
        return "connection_refused"
    if isinstance(error, RequestBudgetExhausted):
        return BUDGET
    if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
        return "forbidden_by_robots"
    if isinstance(error, DownloadCancelledError):
        return "too_large"  # DOWNLOAD_MAXSIZE cut it
    return type(error).__name__.lower()
