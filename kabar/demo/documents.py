"""The mock sites' non-page documents: robots.txt, RSS and Atom feeds, sitemaps, files.

Shaped like WordPress's and Yoast's output (RFC-822 dates in UTC, CDATA
bodies, ``?p=`` GUIDs, a sitemap index) because kabar's discovery parses the
real ones. The PNG and PDF writers exist so images and the "download" fault
are served as real files of their content type, built here without libraries.
"""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from kabar.demo import themes

if TYPE_CHECKING:
    from kabar.demo.web import MockArticle, MockSite

FEED_SIZE = 10
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
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


def render(site: MockSite, path: str, base_url: str) -> tuple[str, str] | None:
    """``(content type, text)`` of the document at ``path``, or None if the site has none."""
    if path == "/robots.txt":
        return "text/plain; charset=utf-8", robots(site, base_url)
    if path == f"/wp-content/themes/{site.theme}/style.css":
        return "text/css; charset=utf-8", themes.data_file("style.css")
    if "rss" in site.feeds and path == "/feed/":
        return RSS, rss(site, base_url)
    if "rss" in site.feeds and path == "/comments/feed/":
        return RSS, rss(site, base_url, comments=True)
    if "atom" in site.feeds and path == "/feed/atom/":
        return ATOM, atom(site, base_url)
    sitemaps = {
        "index": {
            "/sitemap.xml": sitemap_index,
            "/post-sitemap.xml": post_sitemap,
            "/category-sitemap.xml": category_sitemap,
        },
        "urlset": {"/sitemap.xml": post_sitemap},
        "none": {},
    }[site.sitemap]
    if path in sitemaps:
        return XML, sitemaps[path](site, base_url)
    return None


def robots(site: MockSite, base_url: str) -> str:
    lines = ["User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php", ""]
    if site.sitemap != "none":
        lines += [f"Sitemap: {base_url}sitemap.xml", ""]
    return "\n".join(lines)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _guid(base_url: str, article: MockArticle) -> str:
    return f"{base_url}?p={article.post_id}"


def rss(site: MockSite, base_url: str, *, comments: bool = False) -> str:
    """The WordPress RSS 2.0 feed of the latest posts (or the empty comments feed)."""
    items = () if comments else site.articles[:FEED_SIZE]
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


def atom(site: MockSite, base_url: str) -> str:
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
    for article in site.articles[:FEED_SIZE]:
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
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def post_sitemap(site: MockSite, base_url: str) -> str:
    """Homepage and posts with ``lastmod`` (Yoast writes UTC, plain WordPress local time)."""
    zone = UTC if site.sitemap == "index" else None

    def stamp(moment: datetime) -> datetime:
        return moment.astimezone(zone) if zone else moment

    latest = max(a.modified for a in site.articles)
    entries = [(base_url, stamp(latest))]
    entries += [(a.url(base_url), stamp(a.modified)) for a in site.articles]
    return _urlset(entries)


def category_sitemap(site: MockSite, base_url: str) -> str:
    entries = []
    for slug in site.categories:
        dates = [a.modified for a in site.articles if a.category == slug]
        if dates:
            entries.append((f"{base_url}category/{slug}/", max(dates).astimezone(UTC)))
    return _urlset(entries)


def sitemap_index(site: MockSite, base_url: str) -> str:
    latest = max(a.modified for a in site.articles).astimezone(UTC)
    children = "".join(
        f"\t<sitemap>\n\t\t<loc>{base_url}{name}</loc>\n"
        f"\t\t<lastmod>{latest.isoformat()}</lastmod>\n\t</sitemap>\n"
        for name in ("post-sitemap.xml", "category-sitemap.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{children}</sitemapindex>\n"
    )


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
