"""The failure kinds (:mod:`crawler.failures`): one stable name per cause."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.python.failure import Failure

from crawler.failures import ABSENT, failure_kind


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (HttpError(Response("https://contoh.id/", status=404), "404"), "http_404"),
        (DNSLookupError(), "dns"),
        (DownloadTimeoutError(), "timeout"),
        (ConnectionRefusedError(), "connection_refused"),  # type: ignore[no-untyped-call]
        (IgnoreRequest("Forbidden by robots.txt"), "forbidden_by_robots"),
        (IgnoreRequest("other"), "ignorerequest"),
        (DownloadCancelledError(), "too_large"),
        (ValueError("x"), "valueerror"),
    ],
)
def test_failure_kind(error: Exception, kind: str) -> None:
    failure = Failure(error)  # type: ignore[no-untyped-call]
    failure.request = Request("https://contoh.id/")  # type: ignore[attr-defined]
    assert failure_kind(failure) == kind


def test_absent_entry_points_are_client_errors_only() -> None:
    assert "http_404" in ABSENT and "http_500" not in ABSENT
