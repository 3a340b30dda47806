"""What the mock web answers, at the HTTP level: responses and conditional requests.

Kept apart from the page builders so that they (and the REST API) can make
responses without importing :mod:`kabar.demo.web`, and so that the 304 logic the
incremental crawl relies on is in one small, testable function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class MockResponse:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    """How long the server waits before answering."""
    filler: bytes = b""
    """Streamed ``filler_count`` times after ``body`` (the huge page), never held whole."""
    filler_count: int = 0

    @property
    def size(self) -> int:
        return len(self.body) + len(self.filler) * self.filler_count


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def conditional(response: MockResponse, request_headers: Mapping[str, str]) -> MockResponse:
    """``response``, or 304 Not Modified when the request's validators still match it.

    As RFC 9110 says: ``If-None-Match`` (weak comparison) decides when present, else
    ``If-Modified-Since`` against ``Last-Modified``.
    """
    etag = response.headers.get("ETag")
    last_modified = response.headers.get("Last-Modified")
    if response.status != 200 or not (etag or last_modified):
        return response
    if_none_match = request_headers.get("If-None-Match")
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        fresh = etag is not None and ("*" in tags or etag in tags)
    elif if_modified_since is not None and last_modified is not None:
        try:
            fresh = parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            fresh = False  # an unreadable date is ignored, as servers do
    else:
        fresh = False
    if not fresh:
        return response
    validators = {k: v for k, v in response.headers.items() if k in ("ETag", "Last-Modified")}
    return MockResponse(304, response.content_type, b"", validators)
