"""The sites of the other-CMS web: each answers a request (path and query) with a page,
and says what that page is, so a test can tell articles from everything else.

Every site holds :data:`ARTICLES_PER_SITE` articles published over the last days (the
crawl's age window holds them all). What each platform does differently is its URLs
(``/node/123``, ``index.php?option=com_content&view=article&id=…``, ``/2026/12/slug.html``,
``/berita/12345/slug``), where its feeds and sitemaps live and how they page, and how
its listings page (``?page=1``, ``?start=10``, ``?updated-max=…``, ``/kategori/x/2``).

Kinds of page (:class:`Page.kind`): ``article``; ``listing`` (sections, pagination),
``feed``, ``sitemap`` and ``home`` that a crawler reads to discover; ``never`` (tags,
authors, search, login, static pages: no crawler that only wants articles needs them,
though listing strategies may skim some) and ``missing`` (a 404).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import ClassVar
from urllib.parse import parse_qsl, quote, urlsplit

ARTICLES_PER_SITE = 32
SECTIONS = ("daerah", "politik", "ekonomi")
_WORDS = tuple(
    " ".join(
        (
            "warga desa menggelar musyawarah bersama pemerintah kecamatan untuk membahas",
            "pembangunan jalan irigasi sekolah pasar puskesmas dan jembatan yang rusak akibat",
            "banjir musim hujan tahun ini sementara kepala dinas berjanji menyelesaikan",
            "anggaran sebelum akhir bulan depan dengan pengawasan ketat dari dewan",
        )
    ).split(" ")
)
RSS_TYPE = "application/rss+xml"
_PLACES = ("Banyuasin", "Lahat", "Muara Enim", "Prabumulih", "Ogan Ilir", "Musi Rawas")
_TOPICS = ("Jalan Rusak", "Harga Cabai", "Banjir Bandang", "Pilkades Serentak", "Dana Desa")
_VERBS = ("Dibahas", "Naik Lagi", "Ditinjau Bupati", "Jadi Sorotan", "Segera Ditangani")


@dataclass(frozen=True)
class Post:
    """One article of a site."""

    number: int
    site: str
    published: datetime

    @property
    def title(self) -> str:
        topic = _TOPICS[self.number % len(_TOPICS)]
        verb = _VERBS[(self.number // len(_TOPICS)) % len(_VERBS)]
        place = _PLACES[self.number % len(_PLACES)]
        return f"{topic} di {place} {verb}, Warga Nomor {self.number} Angkat Bicara"

    @property
    def slug(self) -> str:
        return "-".join(w.lower().strip(",") for w in self.title.split())

    @property
    def section(self) -> str:
        return SECTIONS[self.number % len(SECTIONS)]

    @property
    def ident(self) -> int:
        return 10_000 + self.number * 7

    def paragraphs(self) -> list[str]:
        out = []
        for p in range(5):
            start = (self.number * 3 + p * 5) % len(_WORDS)
            words = [_WORDS[(start + i) % len(_WORDS)] for i in range(38)]
            out.append(" ".join(words).capitalize() + f" (laporan {self.number}-{p}).")
        return out


@dataclass
class Page:
    """A response: what it is (see the module's docstring), its status and body."""

    kind: str
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    article: int | None = None


POST_INTERVAL = timedelta(hours=13)
FIRST_POST_AGE = timedelta(days=2)
"""The newest post is this old when the web starts: :meth:`Site.publish` adds newer
ones, still in the past."""


def _posts(site: str, now: datetime) -> list[Post]:
    """Newest first, one every 13 hours: 32 posts span about 19 days."""
    return [
        Post(number=n, site=site, published=now - FIRST_POST_AGE - POST_INTERVAL * n)
        for n in range(ARTICLES_PER_SITE)
    ]


def _html(title: str, body: str, head: str = "", lang: str = "id") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{head}</head><body>{body}</body></html>"
    ).encode()


def _rfc822(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Site:
    """A site: its posts, its URLs and its pages. Subclasses are the platforms."""

    name = ""
    platform = ""
    per_page = 10
    robots = "User-agent: *\nDisallow:\n"

    def __init__(self, now: datetime, base: str) -> None:
        self.now = now
        self.base = base.rstrip("/")
        self.posts = _posts(self.name, now)

    def publish(self, count: int) -> list[Post]:
        """``count`` new posts, each 13 hours after the newest (numbered from 1000)."""
        newest = self.posts[0]
        base = max(1000, newest.number + 1)
        fresh = [
            Post(
                number=base + k,
                site=self.name,
                published=newest.published + POST_INTERVAL * (k + 1),
            )
            for k in range(count)
        ]
        self.posts = fresh[::-1] + self.posts
        return fresh

    # -- what subclasses define ----------------------------------------------------------

    def post_url(self, post: Post, *, context: str = "") -> str:
        """The post's address as a page in ``context`` links it (home, section, feed)."""
        raise NotImplementedError

    def route(self, path: str, query: dict[str, str]) -> Page:
        raise NotImplementedError

    # -- shared parts ---------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base + path

    def by_ident(self, ident: str) -> Post | None:
        for post in self.posts:
            if str(post.ident) == ident or str(post.number) == ident:
                return post
        return None

    def head(self) -> str:
        return ""

    def a(self, path: str, text: str, attrs: str = "") -> str:
        """A link to ``path`` on this site."""
        return f'<a href="{escape(self.url(path))}"{attrs}>{escape(text)}</a>'

    def alternate(self, path: str, kind: str = RSS_TYPE) -> str:
        """A feed advertised in the head."""
        return f'<link rel="alternate" type="{kind}" href="{escape(self.url(path))}">'

    def menu(self) -> str:
        return ""

    def chrome(self, title: str, main: str, *, head: str = "") -> bytes:
        return _html(
            f"{title} | {self.name.title()} News",
            f'<header><a href="{self.url("/")}">{self.name.title()}</a>'
            f"<nav>{self.menu()}</nav></header><main>{main}</main>"
            "<footer><p>Hak cipta redaksi.</p></footer>",
            head=self.head() + head,
        )

    def teaser(self, post: Post, context: str) -> str:
        href = escape(self.post_url(post, context=context))
        return (
            f'<article class="teaser"><h2><a href="{href}">{escape(post.title)}</a></h2></article>'
        )

    def article_page(self, post: Post, *, head: str = "") -> Page:
        canonical = escape(self.post_url(post, context="canonical"))
        published = _iso(post.published)
        meta = (
            f'<link rel="canonical" href="{canonical}">'
            '<meta property="og:type" content="article">'
            f'<meta property="og:title" content="{escape(post.title)}">'
            f'<meta property="article:published_time" content="{published}">'
        )
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in post.paragraphs())
        main = (
            f'<article class="node-article"><h1>{escape(post.title)}</h1>'
            f'<p class="meta">Oleh <span class="author">Redaksi</span> | '
            f'<time datetime="{published}">{post.published:%d/%m/%Y %H:%M}</time></p>'
            f'<div class="content">{paragraphs}</div></article>'
        )
        return Page("article", self.chrome(post.title, main, head=meta + head), article=post.number)

    def listing_page(self, title: str, posts: Sequence[Post], context: str, pager: str) -> Page:
        teasers = "".join(self.teaser(p, context) for p in posts)
        return Page("listing", self.chrome(title, f"<h1>{escape(title)}</h1>{teasers}{pager}"))

    def static_page(self, title: str) -> Page:
        text = (
            f"<h1>{escape(title)}</h1><p>{escape(title)} redaksi. Alamat kantor di Jalan "
            "Merdeka Nomor 17, Palembang. Telepon 0711-350017.</p>"
        )
        return Page("never", self.chrome(title, text))

    def rss(self, posts: Sequence[Post], *, link: Callable[[Post], str] | None = None) -> bytes:
        link = link or (lambda p: self.post_url(p, context="feed"))
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{escape(link(p))}</link>"
            f'<guid isPermaLink="false">{p.ident}</guid>'
            f"<pubDate>{_rfc822(p.published)}</pubDate><category>{p.section}</category>"
            f"<description>{escape(p.paragraphs()[0])}</description></item>"
            for p in posts
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{self.name}</title><link>{self.url('/')}</link>"
            f"<description>{self.name}</description>{items}</channel></rss>"
        ).encode()

    def atom(
        self, posts: Sequence[Post], *, next_href: str | None = None, prev_href: str | None = None
    ) -> bytes:
        entries = "".join(
            f"<entry><id>tag:{self.name},2026:post-{p.ident}</id><title>{escape(p.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{self._feed_href(p)}"/>'
            f'<link rel="replies" type="text/html" href="{self._feed_href(p)}#comments"/>'
            f"<published>{_iso(p.published)}</published><updated>{_iso(p.published)}</updated>"
            f"<author><name>Redaksi</name></author></entry>"
            for p in posts
        )
        nxt = f'<link rel="next" href="{escape(next_href)}"/>' if next_href else ""
        if prev_href:
            nxt += f'<link rel="previous" href="{escape(prev_href)}"/>'
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>tag:{self.name},2026</id><title>{self.name}</title>"
            f'<link rel="self" href="{self.url("/")}"/>{nxt}<updated>{_iso(self.now)}</updated>'
            f"{entries}</feed>"
        ).encode()

    def _feed_href(self, post: Post) -> str:
        return escape(self.post_url(post, context="feed"))

    @staticmethod
    def urlset(entries: Sequence[tuple[str, datetime | None]], *, news: bool = False) -> bytes:
        ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
        rows = []
        for loc, lastmod in entries:
            mod = f"<lastmod>{_iso(lastmod)}</lastmod>" if lastmod else ""
            rows.append(f"<url><loc>{escape(loc)}</loc>{mod}</url>")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{"".join(rows)}</urlset>'
        ).encode()

    @staticmethod
    def sitemap_index(children: Sequence[tuple[str, datetime | None]]) -> bytes:
        rows = "".join(
            f"<sitemap><loc>{escape(loc)}</loc>"
            + (f"<lastmod>{_iso(mod)}</lastmod>" if mod else "")
            + "</sitemap>"
            for loc, mod in children
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
        ).encode()

    def pages(self, posts: Sequence[Post], page: int, per_page: int | None = None) -> list[Post]:
        size = per_page or self.per_page
        return list(posts[page * size : (page + 1) * size])

    def in_section(self, section: str) -> list[Post]:
        return [p for p in self.posts if p.section == section]


XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


class Drupal(Site):
    """Drupal 10: ``/node/123`` beside path aliases, ``/rss.xml`` advertised only on the
    front page's sections (not on the homepage), 0-based ``?page=1`` pagination, and a
    ``simple_sitemap`` index of pages ``/sitemap.xml?page=1`` listing nodes, terms and
    users alike."""

    name = "drupal"
    platform = "Drupal"

    def post_url(self, post: Post, *, context: str = "") -> str:
        if post.number % 2:
            return self.url(f"/node/{post.ident}")
        return self.url(f"/{post.section}/{post.slug}")

    def menu(self) -> str:
        links = [f'<a href="{self.url("/" + s)}">{s.title()}</a>' for s in SECTIONS]
        links += [
            f'<a href="{self.url("/taxonomy/term/7")}">Banjir</a>',
            f'<a href="{self.url("/user/3")}">Redaksi</a>',
            f'<a href="{self.url("/user/login")}">Masuk</a>',
            f'<a href="{self.url("/search/node?keys=banjir")}">Cari</a>',
            f'<a href="{self.url("/tentang-kami")}">Tentang</a>',
        ]
        return "".join(links)

    def _pager(self, path: str, page: int, total: int) -> str:
        last = (total - 1) // self.per_page
        items = []
        for n in range(last + 1):
            href = path if n == 0 else f"{path}?page={n}"
            items.append(f'<li><a href="{self.url(href)}">{n + 1}</a></li>')
        if page < last:
            following = self.a(f"{path}?page={page + 1}", "›", " rel=next")
            items.append(f'<li class="pager__item--next">{following}</li>')
        return f'<nav class="pager"><ul>{"".join(items)}</ul></nav>'

    def route(self, path: str, query: dict[str, str]) -> Page:
        page = int(query.get("page", "0") or 0) if query.get("page", "0").isdigit() else 0
        feed_link = self.alternate("/rss.xml")
        if path == "/":
            listing = self.listing_page(
                "Beranda",
                self.pages(self.posts, page),
                "home",
                self._pager("/", page, len(self.posts)),
            )
            return Page("listing" if page else "home", listing.body)
        if path == "/rss.xml":
            return Page("feed", self.rss(self.posts[:10]), content_type=RSS)
        if path.strip("/") in SECTIONS:
            posts = self.in_section(path.strip("/"))
            listing = self.listing_page(
                path.strip("/").title(),
                self.pages(posts, page),
                "section",
                self._pager(path, page, len(posts)),
            )
            listing.body = listing.body.replace(b"</head>", feed_link.encode() + b"</head>")
            return listing
        if path == "/sitemap.xml":
            if "page" not in query:
                return Page(
                    "sitemap",
                    self.sitemap_index(
                        [
                            (self.url("/sitemap.xml?page=1"), self.posts[0].published),
                            (
                                self.url("/sitemap.xml?page=2"),
                                self.posts[len(self.posts) // 2].published,
                            ),
                        ]
                    ),
                    content_type=XML,
                )
            half = len(self.posts) // 2
            chunk = self.posts[:half] if page == 1 else self.posts[half:]
            entries: list[tuple[str, datetime | None]] = [
                (self.post_url(p), p.published) for p in chunk
            ]
            if page == 1:
                entries = [
                    (self.url("/"), self.now),
                    (self.url("/tentang-kami"), None),
                    (self.url("/taxonomy/term/7"), None),
                    (self.url("/user/3"), None),
                    *entries,
                ]
            return Page("sitemap", self.urlset(entries), content_type=XML)
        if path.startswith("/node/"):
            post = self.by_ident(path.removeprefix("/node/"))
            if post is not None:
                return self.article_page(post)
        for post in self.posts:
            if post.number % 2 == 0 and path == f"/{post.section}/{post.slug}":
                return self.article_page(post)
        if path in ("/taxonomy/term/7", "/user/3", "/user/login", "/search/node", "/tentang-kami"):
            return self.static_page(path.rsplit("/", 1)[-1].replace("-", " ").title())
        return Page("missing", status=404)


class Joomla(Site):
    """Joomla 3/4 without search-engine-friendly URLs: articles at
    ``index.php?option=com_content&view=article&id=123:slug&catid=8&Itemid=101`` whose
    ``Itemid`` depends on the menu the link sits in (and the feed adds ``utm_*``), a
    feed at ``?format=feed&type=rss`` advertised in every head and not paging (any
    other parameter is ignored), category blogs paged with ``&start=10``."""

    name = "joomla"
    platform = "Joomla"
    _ITEMIDS: ClassVar[dict[str, str]] = {
        "home": "101",
        "section": "115",
        "feed": "101",
        "canonical": "101",
    }

    def catid(self, section: str) -> int:
        return 8 + SECTIONS.index(section)

    def post_url(self, post: Post, *, context: str = "") -> str:
        itemid = self._ITEMIDS.get(context, "101")
        url = (
            f"/index.php?option=com_content&view=article&id={post.ident}:{post.slug}"
            f"&catid={self.catid(post.section)}&Itemid={itemid}"
        )
        if context == "feed":
            url += "&utm_source=rss&utm_medium=feed"
        return self.url(url)

    def head(self) -> str:
        href = escape(self.url("/index.php?format=feed&type=rss"))
        return f'<link href="{href}" rel="alternate" type="application/rss+xml" title="RSS 2.0">'

    def section_url(self, section: str, start: int = 0) -> str:
        url = f"/index.php?option=com_content&view=category&id={self.catid(section)}&Itemid=115"
        return self.url(url + (f"&start={start}" if start else ""))

    def menu(self) -> str:
        links = [f'<a href="{escape(self.section_url(s))}">{s.title()}</a>' for s in SECTIONS]
        links += [
            self.a("/index.php?option=com_users&view=login&Itemid=120", "Login"),
            self.a("/index.php?option=com_search&searchword=banjir", "Cari"),
            self.a("/index.php?option=com_contact&view=contact&id=1", "Kontak"),
            self.a("/index.php?option=com_tags&view=tag&id=4", "Banjir"),
        ]
        return "".join(links)

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path not in ("/", "/index.php"):
            return Page("missing", status=404)
        if query.get("format") == "feed":
            return Page("feed", self.rss(self.posts[:10]), content_type=RSS)
        option, view = query.get("option"), query.get("view")
        if not option:
            return Page("home", self.listing_page("Beranda", self.posts[:8], "home", "").body)
        if option == "com_content" and view == "article":
            post = self.by_ident(query.get("id", "").split(":")[0])
            return self.article_page(post) if post is not None else Page("missing", status=404)
        if option == "com_content" and view == "category":
            section = (
                SECTIONS[int(query.get("id", "8")) - 8]
                if query.get("id") in ("8", "9", "10")
                else None
            )
            if section is None:
                return Page("missing", status=404)
            posts = self.in_section(section)
            start = int(query.get("start", "0")) if query.get("start", "0").isdigit() else 0
            shown = posts[start : start + 5]
            links = "".join(
                f'<li><a href="{escape(self.section_url(section, s))}">{s // 5 + 1}</a></li>'
                for s in range(0, len(posts), 5)
            )
            if start + 5 < len(posts):
                href = escape(self.section_url(section, start + 5))
                links += f'<li><a title="Berikutnya" href="{href}">Berikutnya</a></li>'
            return self.listing_page(
                section.title(), shown, "section", f'<div class="pagination"><ul>{links}</ul></div>'
            )
        return self.static_page(f"{option} {view}")


class Ghost(Site):
    """Ghost 5: posts at ``/short-slug/`` (slugs of one or two words as often as long
    ones), ``/rss/`` advertised and holding the 15 newest (it does not page), the
    homepage paged at ``/page/2/``, and a ``sitemap.xml`` index of ``sitemap-posts.xml``,
    ``sitemap-pages.xml``, ``sitemap-tags.xml`` and ``sitemap-authors.xml``."""

    name = "ghost"
    platform = "Ghost"

    def post_url(self, post: Post, *, context: str = "") -> str:
        words = post.slug.split("-")
        if post.number % 3 == 0:
            return self.url(f"/{words[0]}{post.number}/")
        return self.url(f"/{'-'.join(words[: 1 + post.number % 3])}-{post.number}/")

    def head(self) -> str:
        return self.alternate("/rss/")

    def menu(self) -> str:
        return (
            self.a("/tag/daerah/", "Daerah")
            + self.a("/author/redaksi/", "Redaksi")
            + self.a("/about/", "About")
            + self.a("/signup/", "Langganan")
        )

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/rss/":
            return Page("feed", self.rss(self.posts[:15]), content_type="application/rss+xml")
        page = 1
        if path.startswith("/page/") and path.removeprefix("/page/").strip("/").isdigit():
            page = int(path.removeprefix("/page/").strip("/"))
            path = "/"
        if path == "/":
            shown = self.pages(self.posts, page - 1, 12)
            if not shown:
                return Page("missing", status=404)
            older = (
                f'<a class="older-posts" href="{self.url(f"/page/{page + 1}/")}">Older Posts →</a>'
                if page * 12 < len(self.posts)
                else ""
            )
            newer = (
                self.a(f"/page/{page - 1}/" if page > 2 else "/", "← Newer Posts")
                if page > 1
                else ""
            )
            listing = self.listing_page(
                "Ghost",
                shown,
                "home",
                f'<nav class="pagination">{newer} Page {page} of 3 {older}</nav>',
            )
            rel = f'<link rel="next" href="{self.url(f"/page/{page + 1}/")}">' if older else ""
            listing.body = listing.body.replace(b"</head>", rel.encode() + b"</head>")
            return Page("home" if page == 1 else "listing", listing.body)
        if path == "/sitemap.xml":
            kids = [
                (self.url(f"/sitemap-{k}.xml"), self.posts[0].published)
                for k in ("pages", "posts", "authors", "tags")
            ]
            return Page("sitemap", self.sitemap_index(kids), content_type="text/xml")
        if path == "/sitemap-posts.xml":
            return Page(
                "sitemap",
                self.urlset([(self.post_url(p), p.published) for p in self.posts]),
                content_type="text/xml",
            )
        if path in ("/sitemap-pages.xml", "/sitemap-tags.xml", "/sitemap-authors.xml"):
            return Page(
                "sitemap", self.urlset([(self.url("/about/"), None)]), content_type="text/xml"
            )
        for post in self.posts:
            if self.post_url(post) == self.url(path):
                return self.article_page(post)
        if path in ("/tag/daerah/", "/author/redaksi/", "/about/", "/signup/"):
            return self.static_page(path.strip("/").title())
        return Page("missing", status=404)


class Blogger(Site):
    """Blogger: posts at ``/2026/12/slug.html``, an Atom feed at ``/feeds/posts/default``
    (25 entries, paged by its own ``<link rel="next">`` with ``start-index``), label
    pages under ``/search/label/``, older posts at ``/search?updated-max=…`` (a link whose
    only mark is its id and class ``blog-pager-older-link``)."""

    name = "blogger"
    platform = "Blogger"

    def post_url(self, post: Post, *, context: str = "") -> str:
        return self.url(f"/{post.published:%Y/%m}/{'-'.join(post.slug.split('-')[:6])}.html")

    def head(self) -> str:
        return (
            self.alternate("/feeds/posts/default", "application/atom+xml")
            + self.alternate("/feeds/posts/default?alt=rss")
            + '<link rel="service.post" type="application/atom+xml" '
            'href="https://www.blogger.com/feeds/1234/posts/default">'
        )

    def menu(self) -> str:
        return (
            f'<a href="{self.url("/search/label/Daerah")}">Daerah</a>'
            f'<a href="{self.url("/p/tentang.html")}">Tentang</a>'
            '<a href="https://www.blogger.com/profile/0042">Profil</a>'
        )

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/feeds/posts/default":
            start = (
                int(query.get("start-index", "1")) if query.get("start-index", "1").isdigit() else 1
            )
            size = 25
            chunk = self.posts[start - 1 : start - 1 + size]
            nxt = (
                self.url(f"/feeds/posts/default?start-index={start + size}&max-results={size}")
                if start - 1 + size < len(self.posts)
                else None
            )
            if query.get("alt") == "rss":
                return Page("feed", self.rss(chunk), content_type=RSS)
            prev = self.url("/feeds/posts/default") if start > 1 else None
            return Page("feed", self.atom(chunk, next_href=nxt, prev_href=prev), content_type=ATOM)
        if path in ("/", "/search"):
            if path == "/search" and "updated-max" not in query:
                return self.static_page("Cari")
            before = query.get("updated-max")
            posts = [p for p in self.posts if before is None or _iso(p.published) < before]
            shown = posts[:8]
            pager = ""
            if len(posts) > 8:
                mark = quote(_iso(shown[-1].published), safe="")
                older = self.a(
                    f"/search?updated-max={mark}&max-results=8",
                    "Posting Lama",
                    ' class="blog-pager-older-link" id="Blog1_blog-pager-older-link"',
                )
                pager = f'<div id="blog-pager">{older}</div>'
            listing = self.listing_page("Beranda", shown, "home", pager)
            return Page("home" if before is None else "listing", listing.body)
        if path == "/sitemap.xml":
            return Page(
                "sitemap",
                self.urlset([(self.post_url(p), p.published) for p in self.posts]),
                content_type=XML,
            )
        for post in self.posts:
            if self.post_url(post) == self.url(path):
                return self.article_page(post)
        if path.startswith("/search/label/") or path == "/p/tentang.html":
            return self.static_page("Label")
        return Page("missing", status=404)


class Portal(Site):
    """A hand-written PHP news portal: no feed, no sitemap, no ``rel=next``; articles at
    ``/berita/12345/slug`` and ``/read/2026/12/05/123/slug``; sections at
    ``/kategori/daerah`` paged ``/kategori/daerah/2`` by a numbered pager that shows a
    window of pages around the current one; tags, writers, search and login beside."""

    name = "portal"
    platform = "custom PHP"

    def post_url(self, post: Post, *, context: str = "") -> str:
        if post.number % 2:
            return self.url(f"/berita/{post.ident}/{post.slug}")
        return self.url(f"/read/{post.published:%Y/%m/%d}/{post.number + 100}/{post.slug}")

    def menu(self) -> str:
        links = [f'<a href="{self.url("/kategori/" + s)}">{s.title()}</a>' for s in SECTIONS]
        links += [
            f'<a href="{self.url("/tag/banjir")}">#banjir</a>',
            f'<a href="{self.url("/penulis/andi")}">Andi</a>',
            f'<a href="{self.url("/cari?q=banjir")}">Cari</a>',
            f'<a href="{self.url("/login")}">Masuk</a>',
            f'<a href="{self.url("/halaman/tentang-kami")}">Tentang Kami</a>',
        ]
        return "".join(links)

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/":
            return Page("home", self.listing_page("Beranda", self.posts[:6], "home", "").body)
        parts = [p for p in path.split("/") if p]
        if len(parts) in (2, 3) and parts[0] == "kategori" and parts[1] in SECTIONS:
            posts = self.in_section(parts[1])
            size = 3
            last = (len(posts) + size - 1) // size
            page = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 1
            if not 1 <= page <= last:
                return Page("missing", status=404)
            shown = posts[(page - 1) * size : page * size]
            window = range(max(1, page - 2), min(last, page + 2) + 1)
            base = f"/kategori/{parts[1]}"
            pager = "".join(
                f'<a href="{self.url(base if n == 1 else f"{base}/{n}")}">{n}</a>' for n in window
            )
            if page < last:
                pager += f'<a href="{self.url(f"{base}/{page + 1}")}">»</a>'
            return self.listing_page(
                parts[1].title(), shown, "section", f'<div class="paging">{pager}</div>'
            )
        for post in self.posts:
            if self.post_url(post) == self.url(path):
                return self.article_page(post)
        if parts and parts[0] in ("tag", "penulis", "cari", "login", "halaman"):
            return self.static_page(parts[-1].title())
        return Page("missing", status=404)


class Newsmap(Site):
    """Sitemaps only, and only where robots.txt says: a Google News sitemap of the two
    newest days and a sitemap index of gzipped monthly sitemaps, at paths no crawler
    guesses; no feed, a homepage showing five posts and no section pages."""

    name = "newsmap"
    platform = "sitemaps in robots.txt"

    @property
    def robots(self) -> str:  # type: ignore[override]
        return (
            "User-agent: *\nDisallow: /admin/\n\n"
            f"Sitemap: {self.url('/peta/berita-terkini.xml')}\n"
            f"Sitemap: {self.url('/peta/indeks.xml')}\n"
        )

    def post_url(self, post: Post, *, context: str = "") -> str:
        return self.url(f"/artikel/{post.ident}/{post.slug}")

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/":
            return Page("home", self.listing_page("Beranda", self.posts[:5], "home", "").body)
        if path == "/peta/berita-terkini.xml":
            newest = self.posts[0].published
            recent = [p for p in self.posts if newest - p.published < timedelta(days=2)]
            rows = "".join(
                f"<url><loc>{escape(self.post_url(p))}</loc><news:news><news:publication>"
                f"<news:name>{self.name}</news:name><news:language>id</news:language>"
                f"</news:publication><news:publication_date>{_iso(p.published)}"
                f"</news:publication_date><news:title>{escape(p.title)}</news:title>"
                "</news:news></url>"
                for p in recent
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{rows}</urlset>"
            ).encode()
            return Page("sitemap", body, content_type=XML)
        if path == "/peta/indeks.xml":
            half = len(self.posts) // 2
            kids = [
                (self.url("/peta/bulan-1.xml.gz"), self.posts[0].published),
                (self.url("/peta/bulan-2.xml.gz"), self.posts[half].published),
                (self.url("/peta/halaman.xml.gz"), self.posts[-1].published),
            ]
            return Page("sitemap", self.sitemap_index(kids), content_type=XML)
        if path in ("/peta/bulan-1.xml.gz", "/peta/bulan-2.xml.gz"):
            half = len(self.posts) // 2
            chunk = self.posts[:half] if path.endswith("1.xml.gz") else self.posts[half:]
            body = gzip.compress(self.urlset([(self.post_url(p), p.published) for p in chunk]))
            return Page("sitemap", body, content_type="application/x-gzip")
        if path == "/peta/halaman.xml.gz":
            body = gzip.compress(
                self.urlset([(self.url("/redaksi"), None), (self.url("/kontak"), None)])
            )
            return Page("sitemap", body, content_type="application/x-gzip")
        for post in self.posts:
            if self.post_url(post) == self.url(path):
                return self.article_page(post)
        if path in ("/redaksi", "/kontak"):
            return self.static_page(path.strip("/").title())
        return Page("missing", status=404)


class Quirky(Site):
    """Feeds as small sites get them wrong: an RSS feed at ``/index.xml`` sent as
    ``text/html`` with relative links (``/posts/slug/``), not advertised in the head
    but linked from an RSS icon in the footer; an Atom feed beside it; the RSS holds
    every post; posts under ``/posts/`` with slugs of two words."""

    name = "quirky"
    platform = "static generator (Hugo-like)"

    def post_url(self, post: Post, *, context: str = "") -> str:
        words = post.slug.split("-")
        path = f"/posts/{words[0]}-{words[2]}{post.number}/"
        return path if context == "feed" else self.url(path)

    def menu(self) -> str:
        return (
            f'<a href="{self.url("/index.xml")}" class="rss-icon">RSS</a>'
            + self.a("/tags/banjir/", "banjir")
            + self.a("/about/", "about")
        )

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/":
            return Page("home", self.listing_page("Home", self.posts[:4], "home", "").body)
        if path == "/index.xml":
            feed = self.rss(self.posts, link=lambda p: self.post_url(p, context="feed"))
            return Page("feed", feed, content_type="text/html; charset=utf-8")
        if path == "/atom.xml":
            return Page("feed", self.atom(self.posts), content_type="text/xml")
        for post in self.posts:
            if self.post_url(post) == self.url(path):
                return self.article_page(post)
        if path in ("/tags/banjir/", "/about/"):
            return self.static_page(path.strip("/").title())
        return Page("missing", status=404)


class Moved(Site):
    """A homepage that redirects: the configured address answers 301 to the site's real
    home at another origin (``http://`` to ``https://`` moves the port the same way),
    under ``/id/``; every link there is absolute to the new origin. An RSS feed is
    advertised there; sections ``/id/kanal/daerah?page=2``."""

    name = "moved"
    platform = "redirected home"
    target = ""
    """The real origin (set by the server once it knows the other port)."""

    def post_url(self, post: Post, *, context: str = "") -> str:
        return f"{self.target}/id/{post.section}/{post.ident}/{post.slug}"

    def head(self) -> str:
        return f'<link rel="alternate" type="application/rss+xml" href="{self.target}/id/rss">'

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/":
            return Page("redirect", status=301, headers={"Location": f"{self.target}/id/"})
        if path == "/id/rss":
            return Page("feed", self.rss(self.posts[:10]), content_type=RSS)
        if path in ("/id/", "/id"):
            sections = "".join(f'<a href="{self.target}/id/kanal/{s}">{s}</a>' for s in SECTIONS)
            home = self.listing_page("Beranda", self.posts[:6], "home", sections)
            return Page("home", home.body)
        if path.startswith("/id/kanal/") and path.removeprefix("/id/kanal/") in SECTIONS:
            posts = self.in_section(path.removeprefix("/id/kanal/"))
            page = int(query["page"]) if query.get("page", "").isdigit() else 1
            shown = posts[(page - 1) * 4 : page * 4]
            pager = (
                f'<a rel="next" href="{self.target}{path}?page={page + 1}">Berikutnya</a>'
                if page * 4 < len(posts)
                else ""
            )
            return self.listing_page("Kanal", shown, "section", pager)
        for post in self.posts:
            if self.post_url(post) == self.target + path:
                return self.article_page(post)
        return Page("missing", status=404)


class Burner(Site):
    """A blog whose head advertises only a feed on a feed proxy's host (FeedBurner's
    habit) whose items link through the proxy, with no ``origLink``; its own
    ``/sitemap.xml`` lists every post (not named in robots.txt)."""

    name = "burner"
    platform = "feed on a proxy's host"
    proxy = ""
    """The proxy's origin (set by the server): it serves ``/burner`` and redirects
    ``/~r/burner/<id>`` to the post."""

    def post_url(self, post: Post, *, context: str = "") -> str:
        if context == "feed":
            return f"{self.proxy}/~r/burner/{post.ident}"
        return self.url(f"/{post.published:%Y/%m}/{'-'.join(post.slug.split('-')[:5])}.html")

    def head(self) -> str:
        return f'<link rel="alternate" type="{RSS_TYPE}" href="{self.proxy}/burner">'

    def proxied(self, path: str) -> Page:
        """What the proxy serves for this site."""
        if path == "/burner":
            return Page("feed", self.rss(self.posts[:10]), content_type=RSS)
        post = self.by_ident(path.removeprefix("/~r/burner/"))
        if post is None:
            return Page("missing", status=404)
        return Page("redirect", status=301, headers={"Location": self.post_url(post)})

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/":
            return Page("home", self.listing_page("Beranda", self.posts[:6], "home", "").body)
        if path == "/sitemap.xml":
            entries = [(self.post_url(p), p.published) for p in self.posts]
            return Page("sitemap", self.urlset(entries), content_type=XML)
        for post in self.posts:
            if self.post_url(post) == self.url(path):
                return self.article_page(post)
        return Page("missing", status=404)


SITES: tuple[type[Site], ...] = (
    Drupal,
    Joomla,
    Ghost,
    Blogger,
    Portal,
    Newsmap,
    Quirky,
    Moved,
    Burner,
)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
