"""The archive side of incremental crawling: what discovery learned per site, the
articles already stored and those due a re-check for edits, and HTTP validators for
conditional requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import models
from archive.models import utcnow

LOOKUP_BATCH = 500
"""URLs per ``IN (...)`` look-up (well under SQLite's and PostgreSQL's parameter limits)."""


@dataclass
class SiteState:
    strategy: str | None = None
    api_root: str | None = None
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    last_success_at: datetime | None = None


def load_site_state(session: Session, site_name: str) -> SiteState:
    """The remembered discovery state (empty for a site never crawled)."""
    row = session.scalar(
        select(models.SiteDiscovery).join(models.Site).where(models.Site.name == site_name)
    )
    if row is None:
        return SiteState()
    return SiteState(
        strategy=row.strategy,
        api_root=row.api_root,
        feeds=list(row.feeds or []),
        sitemaps=list(row.sitemaps or []),
        last_success_at=row.last_success_at,
    )


def save_site_state(session: Session, site_id: int, state: SiteState) -> None:
    row = session.get(models.SiteDiscovery, site_id)
    if row is None:
        row = models.SiteDiscovery(site_id=site_id)
        session.add(row)
    row.strategy = state.strategy
    row.api_root = state.api_root
    row.feeds = list(state.feeds)
    row.sitemaps = list(state.sitemaps)
    row.last_success_at = state.last_success_at
    row.updated_at = utcnow()
    session.flush()


def known_articles(session: Session, site_name: str) -> dict[str, datetime]:
    """Canonical URL -> the instant of the stored version (modified, else published,
    else fetched) for every article of the site."""
    version = type_coerce(
        func.coalesce(
            models.Article.modified_at, models.Article.published_at, models.Article.fetched_at
        ),
        models.UTCDateTime(),
    )
    rows = session.execute(
        select(models.Article.canonical_url, models.Article.url, version)
        .join(models.Site)
        .where(models.Site.name == site_name)
    ).all()
    known: dict[str, datetime] = {}
    for canonical, url, when in rows:
        moment = when or utcnow()
        known[canonical] = moment
        known.setdefault(url, moment)
    return known


def load_validators(session: Session, *, prefix: str) -> dict[str, tuple[str | None, str | None]]:
    """URL -> (ETag, Last-Modified) for the stored URLs that start with ``prefix``."""
    rows = session.scalars(
        select(models.HttpValidator).where(
            models.HttpValidator.url.startswith(prefix, autoescape=True)
        )
    ).all()
    return {row.url: (row.etag, row.last_modified) for row in rows}


def save_validator(session: Session, url: str, etag: str | None, last_modified: str | None) -> None:
    row = session.get(models.HttpValidator, url)
    if row is None:
        try:
            with session.begin_nested():
                session.add(models.HttpValidator(url=url, etag=etag, last_modified=last_modified))
            return
        except IntegrityError:
            row = session.get(models.HttpValidator, url)
            if row is None:
                raise
    row.etag, row.last_modified, row.updated_at = etag, last_modified, utcnow()


def load_dead_urls(session: Session, site_name: str, *, since: datetime) -> set[str]:
    """URLs of the site that gave no article when checked after ``since``."""
    return set(
        session.scalars(
            select(models.DeadUrl.url).where(
                models.DeadUrl.site_name == site_name, models.DeadUrl.checked_at >= since
            )
        )
    )


def save_dead_urls(session: Session, site_name: str, reasons: dict[str, str]) -> None:
    """Record (or refresh) the URLs that gave no article in this run."""
    now = utcnow()
    for url, reason in reasons.items():
        row = session.get(models.DeadUrl, url)
        if row is None:
            session.add(models.DeadUrl(url=url, site_name=site_name, reason=reason, checked_at=now))
        else:
            row.reason, row.checked_at = reason, now
    session.flush()


def due_revisits(
    session: Session,
    site_name: str,
    *,
    now: datetime,
    last_run: datetime,
    ages: Sequence[timedelta],
    limit: int,
) -> list[str]:
    """URLs of the site's articles to fetch again for edits, youngest first.

    An article is due when one of the ``ages`` after its publication (a decaying
    schedule: 1 h, 6 h, 24 h, 3 days) fell since the last run (``last_run``) and since
    it was fetched: a site whose listings show no modified date (WordPress's RSS2 and
    core sitemaps, listing pages) reveals an edit only on the article's page."""
    if not ages:
        return []
    oldest = min(last_run, now) - max(ages)  # a last point may have fallen since
    rows = session.execute(
        select(models.Article.url, models.Article.published_at, models.Article.fetched_at)
        .join(models.Site)
        .where(
            models.Site.name == site_name,
            models.Article.published_at.is_not(None),
            models.Article.published_at >= oldest,
        )
        .order_by(models.Article.published_at.desc())
    ).all()
    due: list[str] = []
    for url, published, fetched in rows:
        if published is None:
            continue
        after: datetime = max(last_run, fetched) if fetched is not None else last_run
        if any(after < published + age <= now for age in ages):
            due.append(url)
            if len(due) >= limit:
                break
    return due


class Known(NamedTuple):
    """A stored article as discovery needs it: the instant of its stored version and its
    title (a listing showing another title means an edit the modified time may not tell)."""

    version: datetime
    title: str | None


def known_among(session: Session, site_name: str, urls: Sequence[str]) -> dict[str, Known]:
    """Like :func:`known_articles`, for the given URLs only (batched ``IN`` look-ups), so a
    crawl holds the URLs it meets, not every URL the site ever had."""
    version = type_coerce(
        func.coalesce(
            models.Article.modified_at, models.Article.published_at, models.Article.fetched_at
        ),
        models.UTCDateTime(),
    )
    wanted = set(urls)
    known: dict[str, Known] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), LOOKUP_BATCH):
        chunk = ordered[start : start + LOOKUP_BATCH]
        rows = session.execute(
            select(models.Article.canonical_url, models.Article.url, version, models.Article.title)
            .join(models.Site)
            .where(
                models.Site.name == site_name,
                or_(models.Article.canonical_url.in_(chunk), models.Article.url.in_(chunk)),
            )
        ).all()
        for canonical, url, when, title in rows:
            stored = Known(when or utcnow(), title)
            if canonical in wanted:
                known[canonical] = stored
            if url in wanted:
                known.setdefault(url, stored)
    return known
