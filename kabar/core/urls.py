"""URL identity and URL policy: one canonical form per article, one archive key, and the
rule for which URLs kabar may store or publish.

Scraped URLs are hostile input: a stray ``[`` in a host makes :func:`urllib.parse.urljoin`
raise, and ``javascript:`` or ``file:`` addresses must never reach a reader. Every URL
kabar follows, stores or publishes passes through :func:`join_url` or :func:`http_url`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

from kabar.core.text import strip_controls

TRACKING_PARAMS: Final = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "_ga", "mc_cid", "mc_eid",
    "amp", "amp_js_v", "share", "ref", "src", "print",
    # Session ids make one page many URLs (a crawler trap as much as a duplicate).
    "sid", "session", "sessionid", "session_id", "phpsessid", "jsessionid", "s_id",
)  # fmt: skip
NAVIGATION_PARAMS: Final = ("Itemid",)
"""Parameters that choose the menu around a page, not the page: Joomla's ``Itemid`` puts
one article at as many URLs as menus link it (the homepage's, the section's, the feed's)."""
_AMP_SUFFIX: Final = re.compile(r"/(?:amp|print)/?$")
_WEB_SCHEMES: Final = frozenset({"http", "https"})
_INVISIBLE: Final = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
MAX_URL_CHARS: Final = 8192
"""Longer addresses are a page's bug or an attack (browsers and servers refuse them too)."""

_malformed_observer: ContextVar[Callable[[str], None] | None] = ContextVar(
    "kabar_malformed_url_observer", default=None
)


@contextmanager
def observe_malformed_urls(observer: Callable[[str], None]) -> Iterator[None]:
    """Call ``observer(url)`` for each malformed URL :func:`join_url` or :func:`http_url`
    meets while the context is open (a stray ``[`` in a host, a bad port, an address
    too long), so a parse boundary can count what the URL functions silently skip.

    Non-web addresses (``mailto:``, ``javascript:void(0)``) are not reported: pages are
    full of them and they are no fault of the page."""
    token = _malformed_observer.set(observer)
    try:
        yield
    finally:
        _malformed_observer.reset(token)


def _malformed(url: str) -> None:
    observer = _malformed_observer.get()
    if observer is not None:
        observer(url[:200])


def http_url(url: str | None) -> str | None:
    """``url`` if, once stripped of white space and controls, it is an absolute http(s)
    URL with a host that parses; None otherwise (``javascript:``, `` JaVaScRiPt:``,
    ``data:``, ``file:``, relative or malformed)."""
    if not url:
        return None
    cleaned = _INVISIBLE.sub(" ", strip_controls(url)).strip()
    if not cleaned or any(c.isspace() for c in cleaned.split("://", 1)[0]):
        return None
    if len(cleaned) > MAX_URL_CHARS:
        _malformed(cleaned)
        return None
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
        if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
            return None
        # w3lib re-parses the host by its own rules and may still refuse it ("HTTP://][::").
        return str(safe_url_string(cleaned))
    except ValueError:
        if cleaned[:8].lower().startswith(("http:", "https:", "//")):
            _malformed(cleaned)
        return None


def join_url(base_url: str, href: str | None, *, keep_fragment: bool = False) -> str | None:
    """``href`` resolved against ``base_url`` as an http(s) URL (without its fragment unless
    ``keep_fragment``); None when either is malformed or the result is not a web address."""
    if href is None:
        return None
    href = strip_controls(href).strip()
    if not href or (href.startswith("#") and not keep_fragment):
        return None
    try:
        joined = urljoin(base_url, href)
    except ValueError:
        _malformed(href)
        return None
    return http_url(joined if keep_fragment else joined.split("#", 1)[0])


def canonical_url(url: str) -> str:
    """One URL per article: tracking and navigation parameters, AMP/print suffixes and
    fragments removed, host lower-cased, query sorted (w3lib)."""
    cleaned = url_query_cleaner(
        url, TRACKING_PARAMS + NAVIGATION_PARAMS, remove=True, keep_fragments=False
    )
    parts = urlsplit(cleaned)
    path = _AMP_SUFFIX.sub("/", parts.path) or "/"
    rebuilt = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def url_key(canonical: str) -> str:
    """The archive's identity of a URL: ``https://www.contoh.id/a/`` and
    ``http://contoh.id/a/`` are one article (``contoh.id/a/``); the stored
    ``canonical_url`` keeps the real scheme and host."""
    parts = urlsplit(canonical)
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def same_site(url: str, netloc: str) -> bool:
    """Whether ``url`` is on the site whose host[:port] is ``netloc`` (``www.`` ignored)."""
    try:
        host = urlsplit(url).netloc.lower()
    except ValueError:
        return False
    return host.removeprefix("www.") == netloc.lower().removeprefix("www.")
