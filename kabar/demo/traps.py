"""The traps and faults of the mock web: what a polite crawler must survive on a bad site.

Real regional sites stall, rate-limit, loop, lie about their charset and offer
infinitely many URLs. kabar must bound and count all of that, so the ``jebakan``
site (and any site whose ``stories.toml`` entry lists faults or article quirks)
serves each on purpose:

* article quirks, on good articles: ``flaky`` (500 on the first request, then 200),
  ``rate_limited`` (429 with ``Retry-After: 1``, then 200), ``slow`` (answers after
  :data:`SLOW_S`), ``latin1_declared`` (UTF-8 bytes, ``<meta charset>`` says
  ISO-8859-1) and ``cp1252_bytes`` (windows-1252 bytes, ``<meta charset>`` says
  UTF-8); neither lying page has a charset in its ``Content-Type``;
* fault URLs: ``very_slow`` (answers after :data:`VERY_SLOW_S`), ``huge`` (about
  20 MB of HTML, streamed), ``not_html`` (a PDF), ``redirect_loop``,
  ``robots_disallowed`` (an article under a path robots.txt forbids),
  ``server_error``, ``not_found``;
* URL traps: a ``calendar`` whose months link to the next and previous month
  forever, ``endless_pagination`` (every archive page links one more, listing
  only articles already seen), session-id and tracking parameters on links,
  and AMP (``/slug/amp/``) and print (``/slug/?print=1``) copies of each article
  with ``rel=canonical`` to the real one.

Only the first request of a URL can fail, so the server tells :meth:`MockSite.render`
how many times a path has been asked for (``attempt``).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from html import escape as e
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from kabar.demo import documents, theme_base, themes
from kabar.demo.http import HTML, MockResponse
from kabar.demo.text import MONTHS, date_words, day_date_time_words

if TYPE_CHECKING:
    from kabar.demo.model import Fault, MockArticle, Query, SiteData

SLOW_S = 2.0
VERY_SLOW_S = 60.0
HUGE_BYTES = 20 * 1024 * 1024
RETRY_AFTER_S = 1
_CHUNK = 64 * 1024
_CALENDAR = re.compile(r"/kalender/(?P<year>\d{4})/(?P<month>0[1-9]|1[0-2])/")
_PAGED = re.compile(r"page/(?P<page>[1-9]\d*)/")
_LYING_CHARSET = "text/html"
"""Pages whose ``<meta charset>`` lies send no charset in the header, as old servers do."""


def route(
    site: SiteData, path: str, query: Query, theme: theme_base.Theme, attempt: int
) -> MockResponse | None:
    """The trap or fault answer to ``GET path``, or None if ``path`` is not one."""
    for fault in site.faults:
        if fault.path == path and (answer := _fault(site, fault, theme)) is not None:
            return answer
        if fault.kind == "redirect_loop" and fault.target == path:
            return _redirect(theme.abs(fault.path))
    article = site.article_at(path)
    if article is not None:
        if isinstance(theme, Jebakan) and "print" in query:
            return MockResponse(200, HTML, print_page(theme, article).encode())
        return None if article.quirk is None else _quirky(theme, article, attempt)
    if isinstance(theme, Jebakan) and path.endswith("/amp/"):
        original = site.article_at(path.removesuffix("amp/"))
        if original is not None:
            return MockResponse(200, HTML, amp_page(theme, original).encode())
    kinds = {f.kind: f for f in site.faults}
    calendar = _CALENDAR.fullmatch(path)
    if calendar is not None and "calendar" in kinds:
        month = date(int(calendar["year"]), int(calendar["month"]), 1)
        return site.cacheable(calendar_page(theme, month))
    endless = kinds.get("endless_pagination")
    if endless is not None and path.startswith(endless.path):
        rest = path.removeprefix(endless.path)
        paged = _PAGED.fullmatch(rest)
        if not rest or paged is not None:
            page = int(paged["page"]) if paged is not None else 1
            return site.cacheable(archive_page(theme, endless.path, page))
    return None


def _redirect(location: str) -> MockResponse:
    return MockResponse(302, HTML, b"", {"Location": location})


def _fault(site: SiteData, fault: Fault, theme: theme_base.Theme) -> MockResponse | None:
    if fault.kind == "not_html":
        return MockResponse(200, "application/pdf", documents.pdf(fault.title))
    if fault.kind == "server_error":
        return MockResponse(500, HTML, theme_base.data_file("server_error.html").encode())
    if fault.kind == "not_found":
        return MockResponse(404, HTML, theme.not_found_page().encode())
    if fault.kind == "redirect_loop" and fault.target is not None:
        return _redirect(theme.abs(fault.target))
    if fault.kind == "very_slow":
        page = plain_article(theme, fault.title, site.now)
        return MockResponse(200, HTML, page.encode(), delay_s=VERY_SLOW_S)
    if fault.kind == "robots_disallowed":
        return MockResponse(200, HTML, plain_article(theme, fault.title, site.now).encode())
    if fault.kind == "huge":
        head = (
            f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="UTF-8"><title>{e(fault.title)}'
            f" - {e(site.title)}</title></head><body><article><h1>{e(fault.title)}</h1>\n"
        ).encode()
        row = "<p>Lampiran tabel anggaran: pos belanja, pagu, realisasi, sisa pagu.</p>\n"
        filler = (row * (_CHUNK // len(row) + 1)).encode()[:_CHUNK]
        count = (HUGE_BYTES - len(head)) // _CHUNK + 1
        return MockResponse(200, HTML, head, filler=filler, filler_count=count)
    return None  # calendar and archive entry points are pages of their own kind


def _quirky(theme: theme_base.Theme, article: MockArticle, attempt: int) -> MockResponse:
    page = theme.article_page(article)
    if article.quirk == "flaky" and attempt == 1:
        return MockResponse(500, HTML, theme_base.data_file("server_error.html").encode())
    if article.quirk == "rate_limited" and attempt == 1:
        body = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
        return MockResponse(429, HTML, body, {"Retry-After": str(RETRY_AFTER_S)})
    if article.quirk == "slow":
        return MockResponse(200, HTML, page.encode(), delay_s=SLOW_S)
    if article.quirk == "latin1_declared":
        lying = page.replace('<meta charset="UTF-8">', '<meta charset="iso-8859-1">', 1)
        return MockResponse(200, _LYING_CHARSET, lying.encode())
    if article.quirk == "cp1252_bytes":
        return MockResponse(200, _LYING_CHARSET, page.encode("cp1252", "xmlcharrefreplace"))
    return MockResponse(200, HTML, page.encode())


def session_id(page_title: str, path: str) -> str:
    """The ``sid`` a page puts on a link: different on every page, stable across requests."""
    return hashlib.md5(f"{page_title}|{path}".encode()).hexdigest()[:26]


class Jebakan(themes.Terang):
    """The trap site's theme: GeneratePress-like, with session IDs, tracking parameters,
    AMP and print links, a calendar widget and an endless archive."""

    name = "jebakan"

    def frame(self, title: str, head: str, body_class: str, main: str, home: bool = False) -> str:
        recent = "".join(
            f'<li><a href="{a.path}?{urlencode({"sid": session_id(title, a.path)})}">'
            f'<span class="title">{e(a.title)}</span></a></li>'
            for a in self.site.articles[:5]
        )
        popular = "".join(
            f'<li><a href="{self.abs(a.path)}?utm_source=jebakanpos&amp;utm_medium=widget'
            f'&amp;utm_campaign=terpopuler">{e(a.title)}</a></li>'
            for a in self.site.articles[2:6]
        )
        now = self.site.now
        widgets = (
            f'<aside class="widget widget-populer"><h2 class="widget-title">Terpopuler</h2>'
            f"<ul>{popular}</ul></aside>\n"
            f'<aside class="widget widget_calendar"><a href="/kalender/{now:%Y/%m}/">'
            f"Kalender {MONTHS[now.month - 1]} {now.year}</a> &bull; "
            f'<a href="/arsip/">Arsip berita</a></aside>'
        )
        return theme_base.template("terang_frame.html").substitute(
            self.frame_values(title, head, body_class, f"{main}\n{widgets}"), recent=recent
        )

    def article_head(self, article: MockArticle) -> str:
        amp = f'<link rel="amphtml" href="{self.abs(article.path)}amp/" />'
        return f"{super().article_head(article)}\n{amp}"

    def article_main(self, article: MockArticle) -> str:
        printable = (
            f'<p class="cetak"><a href="{article.path}?print=1" rel="nofollow">Cetak berita</a></p>'
        )
        return super().article_main(article) + printable


def _canonical_page(
    theme: theme_base.Theme, article: MockArticle, html_attrs: str, extra: str
) -> str:
    return (
        f'<!DOCTYPE html>\n<html {html_attrs} lang="id"><head><meta charset="UTF-8">'
        f"<title>{e(article.title)} - {e(theme.site.title)}</title>"
        f'<link rel="canonical" href="{theme.abs(article.path)}">{extra}</head><body>'
        f'<article><h1>{e(article.title)}</h1><p class="tanggal">'
        f"{day_date_time_words(article.published)}</p>\n{theme.content(article)}\n</article>"
        "</body></html>\n"
    )


def amp_page(theme: theme_base.Theme, article: MockArticle) -> str:
    """The AMP copy of an article: same text, ``rel=canonical`` to the real page."""
    return _canonical_page(
        theme, article, "amp", '<script async src="https://cdn.ampproject.org/v0.js"></script>'
    )


def print_page(theme: theme_base.Theme, article: MockArticle) -> str:
    """The printer-friendly copy (``?print=1``): same text, canonical, noindex."""
    return _canonical_page(
        theme, article, 'class="print"', '<meta name="robots" content="noindex">'
    )


def plain_article(theme: theme_base.Theme, title: str, moment: datetime) -> str:
    """An article-looking page that is no good article (behind a fault)."""
    main = (
        f'<article class="post type-post"><header class="entry-header"><h1 class="entry-title">'
        f"{e(title)}</h1><time>{date_words(moment)}</time></header>"
        '<div class="entry-content"><p>Isi berita ini tidak untuk diarsipkan.</p></div></article>'
    )
    return theme.frame(f"{title} - {theme.site.title}", "", "single single-post", main)


def _months_away(month: date, step: int) -> date:
    index = month.year * 12 + month.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def calendar_page(theme: theme_base.Theme, month: date) -> str:
    """One month of the calendar: its articles, and links to the months either side."""
    site = theme.site
    shown = [
        a
        for a in site.articles
        if (a.published.year, a.published.month) == (month.year, month.month)
    ]
    label = f"{MONTHS[month.month - 1]} {month.year}"
    before, after = _months_away(month, -1), _months_away(month, 1)
    prev_href, next_href = f"/kalender/{before:%Y/%m}/", f"/kalender/{after:%Y/%m}/"
    items = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in shown)
    main = (
        f'<header class="page-header"><h1 class="page-title">Arsip Bulanan: {label}</h1></header>'
        f'<ul class="kalender">{items or "<li>Tidak ada berita.</li>"}</ul>'
        f'<nav class="kalender-nav"><a href="{prev_href}" rel="prev">&laquo; Bulan sebelumnya</a> '
        f'<a href="{next_href}" rel="next">Bulan berikutnya &raquo;</a></nav>'
    )
    head = f'<link rel="prev" href="{prev_href}">\n<link rel="next" href="{next_href}">'
    return theme.frame(f"{label} - {site.title}", head, "archive date", main)


def archive_page(theme: theme_base.Theme, root: str, page: int) -> str:
    """Page ``page`` of the endless archive: always the same few articles, always a next page."""
    site = theme.site
    items = "".join(
        f'<li><a href="{a.path}">{e(a.title)}</a> <span>{date_words(a.published)}</span></li>'
        for a in site.articles[: site.listing_size]
    )
    following = f"{root}page/{page + 1}/"
    main = (
        f'<header class="page-header"><h1 class="page-title">Arsip Berita - Halaman {page}</h1>'
        f'</header><ul class="arsip">{items}</ul><nav class="navigation pagination">'
        f'<a class="next page-numbers" href="{following}">Berikutnya &raquo;</a></nav>'
    )
    head = f'<link rel="next" href="{following}">'
    return theme.frame(f"Arsip Berita - Halaman {page} - {site.title}", head, "archive", main)
