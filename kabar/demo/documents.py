"""The mock sites' non-page documents: robots.txt, RSS and Atom feeds, sitemaps, files.

Shaped like WordPress's and Yoast's output (RFC-822 dates in UTC, CDATA
bodies, ``?p=`` GUIDs, ``?paged=`` feed pages, sitemap indexes, a Google News
sitemap, a gzipped child) because kabar's discovery parses the real ones. The PNG
and PDF writers exist so images and the "download" fault are served as real files
of their content type, built here without libraries.
"""

from __future__ import annotations

import functools
import gzip
import math
import struct
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from kabar.demo import theme_base, themes

if TYPE_CHECKING:
    from collections.abc import Callable

    from kabar.demo.model import MockArticle, Query, SiteData

FEED_SIZE = 10
POSTS_PER_SITEMAP = 6
"""Yoast splits at 1,000; the mock splits small so that a site has two post sitemaps."""
NEWS_SITEMAP_DAYS = 2
"""Google News sitemaps list only the last two days' articles."""
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
GZIP = "application/x-gzip"
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
_NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
GENERATOR = "https://wordpress.org/?v=6.2.2"

_RSS_HEAD = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>{title}</title>
	<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
	<link>{base}</link>
	<description>{description}</description>
	<lastBuildDate>{built}</lastBuildDate>
	<language>id</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>{generator}</generator>
"""


def render(
    site: SiteData, path: str, query: Query, base_url: str
) -> tuple[str, str | bytes] | None:
    """``(content type, text)`` of the document at ``path``, or None if the site has none.

    Feeds and sitemaps come as text (the caller adds validators); static files and
    gzipped sitemaps as bytes.
    """
    if path == "/robots.txt":
        return "text/plain; charset=utf-8", robots(site, base_url).encode()
    if path.startswith("/wp-content/themes/") and path.endswith("/style.css"):
        return "text/css; charset=utf-8", theme_base.data_file("style.css").encode()
    page = query.get("paged", ["1"])[0]
    if not page.isdigit() or int(page) < 1 or (int(page) > 1 and not _feed_page(site, int(page))):
        return None  # WordPress answers 404 past a feed's last page
    if "rss" in site.feeds and path == "/feed/":
        return RSS, rss(site, base_url, page=int(page))
    if "rss" in site.feeds and path == "/comments/feed/":
        return RSS, rss(site, base_url, comments=True)
    if "atom" in site.feeds and path == "/feed/atom/":
        return ATOM, atom(site, base_url, page=int(page))
    if path in (sitemaps := _sitemaps(site)):
        text = sitemaps[path](site, base_url)
        if path.endswith(".gz"):
            return GZIP, gzip.compress(text.encode(), mtime=0)
        return XML, text
    return None


def _feed_page(site: SiteData, page: int) -> tuple[MockArticle, ...]:
    return site.articles[(page - 1) * FEED_SIZE : page * FEED_SIZE]


def _sitemaps(site: SiteData) -> dict[str, Callable[[SiteData, str], str]]:
    if site.sitemap == "index":
        return {
            "/sitemap.xml": sitemap_index,
            "/post-sitemap.xml": post_sitemap,
            "/category-sitemap.xml": category_sitemap,
        }
    if site.sitemap == "urlset":
        return {"/sitemap.xml": post_sitemap}
    if site.sitemap == "yoast_news":
        parts: dict[str, Callable[[SiteData, str], str]] = {
            "/sitemap_index.xml": yoast_index,
            "/page-sitemap.xml": page_sitemap,
            "/category-sitemap.xml": category_sitemap,
            "/news-sitemap.xml": news_sitemap,
        }
        for number, name in enumerate(_post_sitemap_names(site), start=1):
            parts[f"/{name}"] = functools.partial(post_sitemap_part, number=number)
        return parts
    return {}


def robots(site: SiteData, base_url: str) -> str:
    lines = ["User-agent: *", "Disallow: /wp-admin/"]
    lines += [f"Disallow: {path}" for path in site.disallow]
    lines.append("Allow: /wp-admin/admin-ajax.php")
    if site.crawl_delay is not None:
        lines.append(f"Crawl-delay: {site.crawl_delay:g}")
    lines.append("")
    if site.sitemap != "none":
        name = "sitemap_index.xml" if site.sitemap == "yoast_news" else "sitemap.xml"
        lines += [f"Sitemap: {base_url}{name}", ""]
    return "\n".join(lines)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _guid(base_url: str, article: MockArticle) -> str:
    return f"{base_url}?p={article.post_id}"


def rss(site: SiteData, base_url: str, *, comments: bool = False, page: int = 1) -> str:
    """The WordPress RSS 2.0 feed of the latest posts (or the empty comments feed)."""
    items = () if comments else _feed_page(site, page)
    built = max((a.modified for a in site.articles), default=site.now)
    parts = [
        _RSS_HEAD.format(
            title=escape(f"Komentar untuk {site.title}" if comments else site.title),
            self_url=f"{base_url}{'comments/' if comments else ''}feed/",
            base=base_url,
            description=escape(site.tagline),
            built=format_datetime(built.astimezone(UTC)),
            generator=GENERATOR,
        )
    ]
    for article in items:
        url = article.url(base_url)
        categories = "".join(
            f"\t\t<category>{_cdata(term)}</category>\n"
            for term in (article.category_label, *article.tags)
        )
        parts.append(
            f"\t<item>\n"
            f"\t\t<title>{escape(article.title, quote=False)}</title>\n"
            f"\t\t<link>{escape(url)}</link>\n"
            f"\t\t<comments>{escape(url)}#respond</comments>\n"
            f"\t\t<dc:creator>{_cdata(article.author)}</dc:creator>\n"
            f"\t\t<pubDate>{format_datetime(article.published.astimezone(UTC))}</pubDate>\n"
            f"{categories}"
            f'\t\t<guid isPermaLink="false">{_guid(base_url, article)}</guid>\n'
            f"\t\t<description>{_cdata(escape(article.summary))}</description>\n"
            f"\t\t<content:encoded>"
            f"{_cdata(themes.for_site(site, base_url).content(article))}</content:encoded>\n"
            f"\t\t<slash:comments>0</slash:comments>\n"
            f"\t</item>\n"
        )
    parts.append("\t</channel>\n</rss>\n")
    return "".join(parts)


def atom(site: SiteData, base_url: str, *, page: int = 1) -> str:
    """The WordPress Atom feed (``/feed/atom/``) of the latest posts."""
    updated = max((a.modified for a in site.articles), default=site.now)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><feed\n'
        '  xmlns="http://www.w3.org/2005/Atom"\n'
        '  xmlns:thr="http://purl.org/syndication/thread/1.0"\n'
        '  xml:lang="id"\n  >\n'
        f'\t<title type="text">{escape(site.title)}</title>\n'
        f'\t<subtitle type="text">{escape(site.tagline)}</subtitle>\n'
        f"\t<updated>{_utc(updated)}</updated>\n"
        f'\t<link rel="alternate" type="text/html" href="{base_url}" />\n'
        f"\t<id>{base_url}feed/atom/</id>\n"
        f'\t<link rel="self" type="application/atom+xml" href="{base_url}feed/atom/" />\n'
        f'\t<generator uri="https://wordpress.org/" version="6.2.2">WordPress</generator>\n'
    ]
    for article in _feed_page(site, page):
        url = escape(article.url(base_url))
        categories = "".join(
            f'\t\t<category scheme="{base_url}" term="{escape(term)}" />\n'
            for term in (article.category_label, *article.tags)
        )
        parts.append(
            f"\t<entry>\n"
            f"\t\t<author>\n\t\t\t<name>{escape(article.author)}</name>\n\t\t</author>\n"
            f'\t\t<title type="html">{_cdata(article.title)}</title>\n'
            f'\t\t<link rel="alternate" type="text/html" href="{url}" />\n'
            f"\t\t<id>{_guid(base_url, article)}</id>\n"
            f"\t\t<updated>{_utc(article.modified)}</updated>\n"
            f"\t\t<published>{_utc(article.published)}</published>\n"
            f"{categories}"
            f'\t\t<summary type="html">{_cdata(escape(article.summary))}</summary>\n'
            f'\t\t<content type="html" xml:base="{url}">'
            f"{_cdata(themes.for_site(site, base_url).content(article))}</content>\n"
            f"\t</entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts)


def _urlset(entries: list[tuple[str, datetime]]) -> str:
    urls = "".join(
        f"\t<url>\n\t\t<loc>{escape(loc)}</loc>\n\t\t<lastmod>{lastmod.isoformat()}</lastmod>\n"
        f"\t</url>\n"
        for loc, lastmod in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {_NS}>\n{urls}</urlset>\n'


def post_sitemap(site: SiteData, base_url: str) -> str:
    """Homepage and posts with ``lastmod`` (Yoast writes UTC, plain WordPress local time)."""
    zone = UTC if site.sitemap == "index" else None

    def stamp(moment: datetime) -> datetime:
        return moment.astimezone(zone) if zone else moment

    latest = max(a.modified for a in site.articles)
    entries = [(base_url, stamp(latest))]
    entries += [(a.url(base_url), stamp(a.modified)) for a in site.articles]
    return _urlset(entries)


def category_sitemap(site: SiteData, base_url: str) -> str:
    entries = []
    for slug in site.categories:
        dates = [a.modified for a in site.articles if a.category == slug]
        if dates:
            entries.append((f"{base_url}category/{slug}/", max(dates).astimezone(UTC)))
    return _urlset(entries)


def sitemap_index(site: SiteData, base_url: str) -> str:
    latest = max(a.modified for a in site.articles)
    return _index(base_url, [("post-sitemap.xml", latest), ("category-sitemap.xml", latest)])


def _index(base_url: str, children: list[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"\t<sitemap>\n\t\t<loc>{base_url}{name}</loc>\n"
        f"\t\t<lastmod>{lastmod.astimezone(UTC).isoformat()}</lastmod>\n\t</sitemap>\n"
        for name, lastmod in children
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {_NS}>\n{entries}</sitemapindex>\n'
    )


def _post_parts(site: SiteData) -> list[tuple[MockArticle, ...]]:
    """The posts, oldest first, cut into Yoast's numbered post sitemaps."""
    oldest_first = site.articles[::-1]
    count = max(1, math.ceil(len(oldest_first) / POSTS_PER_SITEMAP))
    return [oldest_first[i * POSTS_PER_SITEMAP : (i + 1) * POSTS_PER_SITEMAP] for i in range(count)]


def _post_sitemap_names(site: SiteData) -> list[str]:
    """``post-sitemap.xml``, ``post-sitemap2.xml``, ...: the last one gzipped."""
    count = len(_post_parts(site))
    names = [f"post-sitemap{n if n > 1 else ''}.xml" for n in range(1, count + 1)]
    if count > 1:
        names[-1] += ".gz"
    return names


def yoast_index(site: SiteData, base_url: str) -> str:
    """Yoast's ``/sitemap_index.xml``: post parts, pages, categories and the news sitemap."""
    parts = _post_parts(site)
    children = [
        (name, max(a.modified for a in part))
        for name, part in zip(_post_sitemap_names(site), parts, strict=True)
    ]
    oldest = site.articles[-1].published
    latest = max(a.modified for a in site.articles)
    children += [
        ("page-sitemap.xml", oldest),
        ("category-sitemap.xml", latest),
        ("news-sitemap.xml", latest),
    ]
    return _index(base_url, children)


def post_sitemap_part(site: SiteData, base_url: str, number: int) -> str:
    """One of Yoast's numbered post sitemaps (the first starts with the homepage)."""
    part = _post_parts(site)[number - 1]
    entries = [(a.url(base_url), a.modified.astimezone(UTC)) for a in part]
    if number == 1:
        entries.insert(0, (base_url, max(a.modified for a in site.articles).astimezone(UTC)))
    return _urlset(entries)


def page_sitemap(site: SiteData, base_url: str) -> str:
    """The static pages (about, contact, ...): never articles."""
    since = site.articles[-1].published.astimezone(UTC)
    return _urlset([(base_url + path.lstrip("/"), since) for path in theme_base.STATIC_PATHS])


def news_sitemap(site: SiteData, base_url: str) -> str:
    """A Google News sitemap: the articles of the last two days, with title and date."""
    recent = [
        a for a in site.articles if a.published > site.now - timedelta(days=NEWS_SITEMAP_DAYS)
    ]
    urls = "".join(
        f"\t<url>\n\t\t<loc>{escape(a.url(base_url))}</loc>\n"
        f"\t\t<news:news>\n\t\t\t<news:publication>\n"
        f"\t\t\t\t<news:name>{escape(site.title)}</news:name>\n"
        f"\t\t\t\t<news:language>id</news:language>\n\t\t\t</news:publication>\n"
        f"\t\t\t<news:publication_date>{_utc(a.published)}</news:publication_date>\n"
        f"\t\t\t<news:title>{escape(a.title, quote=False)}</news:title>\n"
        f"\t\t</news:news>\n\t</url>\n"
        for a in recent
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {_NS} {_NEWS_NS}>\n{urls}</urlset>\n'


def png(label: str, width: int = 160, height: int = 90) -> bytes:
    """A small solid-colour PNG whose colour follows ``label``."""
    color = zlib.crc32(label.encode()).to_bytes(4, "big")[:3]
    row = b"\x00" + color * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf(title: str) -> bytes:
    """A one-page PDF showing ``title`` (ASCII only), with a correct xref table."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
