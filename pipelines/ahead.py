"""Work done ahead: the pure per-article values the extraction workers compute while
they read the page, and the pipelines take instead of computing them again.

The crawl process runs the pipelines and the archive writes on one core, while the
extraction workers (``crawler.extraction``) wait for pages much of the time. So a
worker, having read an article, also runs the pipelines' own pure functions on it
(:func:`compute`: the normalized text, its topics, regions, body hash and
near-duplicate preparation, one definition each, the pipelines') and sends the
results back with the page. The pipelines look each result up by its *inputs*
(:func:`computed`): it is used only when the inputs are exactly the pipeline's, so
a field a listing hint filled in after the worker, or another body cap, just means
the work is done again, never another value. With no workers
(``KABAR_EXTRACTION_PROCESSES=0``) nothing is found and everything is computed
in place, as before.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from crawler.sites import SiteConfig
    from kabar.core.article import Article

T = TypeVar("T")
Result = tuple[str, Hashable, Any]
"""``(kind, inputs, value)``: what one pure function gave for these inputs."""
LIMIT = 4096
"""Results held at most (a few per article): those nobody took (an item dropped, a
hint that changed the inputs) are forgotten oldest first."""

_MISSING = object()


class Ahead:
    """The results sent by the workers, until a pipeline takes them (each once)."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._results: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.found = 0
        self.missed = 0

    def add(self, results: Iterable[Result]) -> None:
        with self._lock:
            for kind, inputs, value in results:
                self._results[kind, inputs] = value
            while len(self._results) > self.limit:
                self._results.popitem(last=False)

    def take(self, kind: str, inputs: Hashable) -> Any:
        with self._lock:
            value = self._results.pop((kind, inputs), _MISSING)
            if value is _MISSING:
                self.missed += 1
            else:
                self.found += 1
            return value

    def clear(self) -> None:
        with self._lock:
            self._results.clear()

    def __len__(self) -> int:
        return len(self._results)


ahead = Ahead()
"""The crawl process's results from its workers."""


def computed(kind: str, inputs: Hashable, compute: Callable[[], T]) -> T:
    """The value a worker computed for ``inputs``, else ``compute()`` now."""
    value = ahead.take(kind, inputs)
    return compute() if value is _MISSING else value  # type: ignore[no-any-return]


# The kinds, with the inputs that key them (the pipelines build the same keys).


def topics_key(item: Article) -> Hashable:
    return (item.title or "", item.body or "", (*item.categories, *item.tags, *item.topics))


def regions_key(item: Article, region: str | None) -> Hashable:
    return (item.location, item.title or "", item.body or "", region)


def compute(site: SiteConfig, item: Article) -> list[Result]:
    """In a worker: what the pipelines will compute for ``item`` (fresh from the page
    object), computed by their own functions on a copy normalized as they will."""
    from kabar.core.taxonomy import default_taxonomy
    from pipelines import near_duplicates
    from pipelines.fingerprints import body_hash
    from pipelines.normalize import MAX_BODY_CHARS, clean_body, normalize_article
    from pipelines.regions import default_gazetteer

    results: list[Result] = []
    raw = item.body
    item = dataclasses.replace(item)  # the caller's lists are replaced, never changed
    if raw:
        results.append(("clean_body", raw, clean_body(raw)))
    normalize_article(item, site, MAX_BODY_CHARS)
    body = item.body
    results.append(
        (
            "topics",
            topics_key(item),
            default_taxonomy().assign(
                title=item.title or "",
                body=body or "",
                labels=[*item.categories, *item.tags, *item.topics],
            ),
        )
    )
    results.append(
        (
            "regions",
            regions_key(item, site.region),
            default_gazetteer().regions(
                dateline=item.location, title=item.title or "", body=body or "", region=site.region
            ),
        )
    )
    if body:
        results.append(("body_hash", body, body_hash(body)))
        prepared = near_duplicates.prepare(body)
        results.append(("prepared", body, prepared))
        # Signed whole: what the store uses when the site has no boilerplate in it.
        results.append(("signature", body, near_duplicates.signature(prepared)))
    return results


def compute_page(site: SiteConfig, url: str, fields: dict[str, Any]) -> list[Result]:
    """:func:`compute` on the article the spider will make of a read page's ``fields``
    (called in an extraction worker: ``KABAR_EXTRACTION_AHEAD`` names this module)."""
    from kabar.core.article import Article

    return compute(site, Article(**{**fields, "url": url, "site": site.name}))


def receive(results: Iterable[Result]) -> None:
    """Keep a worker's results in the crawl process until the pipelines take them."""
    ahead.add(results)


def warm() -> None:
    """Build the taxonomy and the gazetteer (once per process, before the first page)."""
    from kabar.core.taxonomy import default_taxonomy
    from pipelines.regions import default_gazetteer

    default_taxonomy().index  # noqa: B018 (built on first use)
    default_gazetteer()


__all__ = [
    "Ahead",
    "ahead",
    "compute",
    "compute_page",
    "computed",
    "receive",
    "regions_key",
    "topics_key",
    "warm",
]
