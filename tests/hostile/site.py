"""A small WordPress-like news site whose every listing and some articles hold one bad
element: malformed URLs, a REST post that raises, control-character references in a
body, dangerous image addresses. Everything around each bad element is good, so a
crawler that isolates faults stores every article.

:data:`PROBES` names each bad element and where it is; the suite prints them with
what the crawl counted, so a failure shows what was tried.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from aiohttp import web

ARTICLES = 19
MALFORMED = ("http://example.com]/x", "//[object Object]")
CONTROL_REFERENCES = ("&#11;", "&#12;", "&#1;", "&#8;", "&#27;", "&#xFFFE;")
DANGEROUS_IMAGES = (
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
    "DATA:image/svg+xml;base64,PHN2Zy8+",
    "file:///etc/passwd",
)
CONTROL_ARTICLE = 2
"""The article whose title and body carry the control-character references."""
BAD_LINK_ARTICLE = 1
"""The article whose body links and picture are malformed URLs."""
FIRST_DANGEROUS_IMAGE = 3
"""Articles FIRST_DANGEROUS_IMAGE … +5 have a dangerous og:image (and REST media)."""

PROBES = (
    f"feed: one <item> linking {MALFORMED[0]} among {ARTICLES} good ones",
    f"sitemap: one <loc>{MALFORMED[1]}</loc> among {ARTICLES} good ones",
    f"homepage: links to {MALFORMED[0]} and {MALFORMED[1]} among {ARTICLES} articles",
    f"article {BAD_LINK_ARTICLE}: og:image, twitter:image, canonical, body links and picture "
    f"at {' and '.join(MALFORMED)}",
    f"article {CONTROL_ARTICLE}: {' '.join(CONTROL_REFERENCES)} in title and body",
    f"articles {FIRST_DANGEROUS_IMAGE}-{FIRST_DANGEROUS_IMAGE + 5}: og:image "
    + ", ".join(repr(u.split("(")[0]) for u in DANGEROUS_IMAGES),
    "REST posts: a number for _embedded.author, a number for wp:featuredmedia, a post that "
    "is a number, a post nested 100,000 deep, the six dangerous images and a malformed one "
    "as featured media",
)

_VOCABULARY = (
    "pemerintah kabupaten warga desa sungai jalan bupati camat kecamatan banjir sekolah "
    "petani sawah pasar nelayan pelabuhan jembatan puskesmas posyandu anggaran dinas "
    "gotong royong musyawarah lapangan masjid gereja pemuda olahraga budaya tari lagu"
)
_WORDS = _VOCABULARY.split()


@dataclass(frozen=True)
class Article:
    number: int
    published_at: datetime

    @property
    def slug(self) -> str:
        a, b, c = (_WORDS[(self.number * k + 3) % len(_WORDS)] for k in (1, 5, 11))
        return f"{a}-{b}-{c}-{self.number}"

    @property
    def path(self) -> str:
        day = self.published_at.astimezone(UTC)
        return f"/{day:%Y/%m/%d}/{self.slug}/"

    @property
    def title(self) -> str:
        words = " ".join(w.capitalize() for w in self.slug.split("-")[:3])
        if self.number == CONTROL_ARTICLE:
            words = f"{words}{CONTROL_REFERENCES[0]} di{CONTROL_REFERENCES[4]} Desa"
        return f"{words}: Laporan Nomor {self.number}"

    def paragraphs(self) -> list[str]:
        out = []
        for p in range(len(CONTROL_REFERENCES)):
            words = [_WORDS[(self.number * 7 + p * 13 + i * 3) % len(_WORDS)] for i in range(24)]
            out.append(f"Laporan {self.number} bagian {p}: " + " ".join(words) + ".")
        if self.number == CONTROL_ARTICLE:
            out = [
                f"Kalimat{reference}ke-{n} tetap utuh di sini." + " " + text
                for n, (reference, text) in enumerate(zip(CONTROL_REFERENCES, out, strict=False))
            ]
        return out

    @property
    def image(self) -> str:
        if self.number == BAD_LINK_ARTICLE:
            return MALFORMED[1]
        if FIRST_DANGEROUS_IMAGE <= self.number < FIRST_DANGEROUS_IMAGE + len(DANGEROUS_IMAGES):
            return DANGEROUS_IMAGES[self.number - FIRST_DANGEROUS_IMAGE]
        return f"/wp-content/uploads/foto-{self.number}.jpg"


def articles(now: datetime | None = None) -> list[Article]:
    now = now or datetime.now(UTC)
    return [Article(n, now - timedelta(hours=2 * n + 1)) for n in range(ARTICLES)]


def _wib(moment: datetime) -> datetime:
    return moment.astimezone(UTC) + timedelta(hours=7)


def article_html(article: Article) -> str:
    body = "".join(f"<p>{text}</p>" for text in article.paragraphs())
    if article.number == BAD_LINK_ARTICLE:
        body += (
            f'<p>Baca juga <a href="{escape(MALFORMED[0])}">tautan rusak</a> dan '
            f'<a href="{escape(MALFORMED[1])}">yang lain</a>.</p>'
            f'<figure><img src="{escape(MALFORMED[1])}" alt="foto kegiatan"></figure>'
        )
    extra_head = ""
    if article.number == BAD_LINK_ARTICLE:
        # ArticlePage.image_url and the canonical link met these (issue 17, item 1).
        extra_head = (
            f'<meta name="twitter:image" content="{escape(MALFORMED[0])}">'
            f'<link rel="canonical" href="{escape(MALFORMED[0])}">'
        )
    iso = article.published_at.isoformat()
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": iso,
        "author": {"@type": "Person", "name": "Deni Saputra"},
    }
    # The title and body are written raw: the control references are the probe.
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{article.title} - Kabar Rusak</title>
<meta property="og:title" content="{article.title}">
<meta property="og:type" content="article">
<meta property="og:image" content="{escape(article.image)}">{extra_head}
<meta property="article:published_time" content="{iso}">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head><body><header><a href="/">Kabar Rusak</a></header>
<article><h1 class="entry-title">{article.title}</h1>
<div class="entry-meta">Oleh Deni Saputra, {_wib(article.published_at):%d/%m/%Y %H:%M} WIB</div>
<div class="entry-content">{body}</div></article>
<footer><a href="/kontak/">Kontak</a></footer></body></html>"""


def homepage_html(items: list[Article]) -> str:
    links = [f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in items]
    links.insert(len(links) // 2, f'<li><a href="{escape(MALFORMED[0])}">rusak</a></li>')
    links.insert(len(links) // 3, f'<li><a href="{escape(MALFORMED[1])}">rusak</a></li>')
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Kabar Rusak</title>
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="https://api.w.org/" href="/wp-json/">
</head><body><h1>Kabar Rusak</h1><ul>{"".join(links)}</ul></body></html>"""


def feed_xml(items: list[Article], base: str) -> str:
    entries = [
        f"<item><title>{escape(a.title)}</title><link>{base.rstrip('/')}{a.path}</link>"
        # Indonesian feeds write their zone so (issue 12): RFC 822 has no WIB.
        f"<pubDate>{_wib(a.published_at):%a, %d %b %Y %H:%M:%S} WIB</pubDate>"
        "<dc:creator>Deni Saputra</dc:creator></item>"
        for a in items
    ]
    if entries:
        bad = f"<item><title>Rusak</title><link>{escape(MALFORMED[0])}</link></item>"
        entries.insert(len(entries) // 2, bad)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Kabar Rusak</title>'
        f"<link>{base}</link>{''.join(entries)}</channel></rss>"
    )


def sitemap_xml(items: list[Article], base: str) -> str:
    urls = [f"<url><loc>{base.rstrip('/')}{a.path}</loc></url>" for a in items]
    urls.insert(len(urls) // 2, f"<url><loc>{escape(MALFORMED[1])}</loc></url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(urls)}</urlset>'
    )


def posts_json(items: list[Article], base: str) -> str:
    posts: list[Any] = []
    for a in items:
        site_path = a.image.startswith("/wp-content/")
        image = base.rstrip("/") + a.image if site_path else a.image
        posts.append(
            {
                "id": a.number + 1,
                "link": base.rstrip("/") + a.path,
                "status": "publish",
                "date_gmt": a.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "modified_gmt": a.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "title": {"rendered": escape(a.title)},
                "_embedded": {
                    "author": [{"name": "Deni Saputra"}],
                    "wp:featuredmedia": [{"source_url": image}],
                },
            }
        )
    posts[10]["_embedded"]["author"] = 5
    posts[12]["_embedded"]["wp:featuredmedia"] = 3
    text = [json.dumps(p) for p in posts]
    text.insert(7, "7")
    deep = "[" * 100_000 + "]" * 100_000
    text.insert(14, f'{{"link": "{base}2020/01/01/terlalu-dalam-sekali/", "meta": {deep}}}')
    return "[" + ",".join(text) + "]"


def make_app() -> web.Application:
    """The site; its URLs are absolute from the Host it is asked under."""
    items = articles()
    by_path = {a.path: a for a in items}

    def base(request: web.Request) -> str:
        return f"http://{request.host}/"

    async def home(request: web.Request) -> web.Response:
        return web.Response(text=homepage_html(items), content_type="text/html")

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text=f"User-agent: *\nAllow: /\nSitemap: {base(request)}sitemap.xml\n")

    async def feed(request: web.Request) -> web.Response:
        if request.query.get("paged", "1") != "1":  # one page: later pages are empty
            return web.Response(
                text=feed_xml([], base(request)), content_type="application/rss+xml"
            )
        return web.Response(text=feed_xml(items, base(request)), content_type="application/rss+xml")

    async def sitemap(request: web.Request) -> web.Response:
        return web.Response(text=sitemap_xml(items, base(request)), content_type="application/xml")

    async def posts(request: web.Request) -> web.Response:
        return web.Response(
            text=posts_json(items, base(request)),
            content_type="application/json",
            headers={"X-WP-TotalPages": "1", "X-WP-Total": str(len(items))},
        )

    async def api_root(request: web.Request) -> web.Response:
        return web.json_response({"name": "Kabar Rusak", "namespaces": ["wp/v2"]})

    async def page(request: web.Request) -> web.Response:
        article = by_path.get(request.path)
        if article is None:
            raise web.HTTPNotFound()
        return web.Response(text=article_html(article), content_type="text/html")

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/feed/", feed)
    app.router.add_get("/sitemap.xml", sitemap)
    app.router.add_get("/wp-json/", api_root)
    app.router.add_get("/wp-json/wp/v2/posts", posts)
    app.router.add_get("/{tail:.*}", page)
    return app
