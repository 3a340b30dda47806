"""What a URL points to, judged from its shape; link extraction (URL identity is the core's:
:mod:`kabar.core.urls`).

Shared by every discovery strategy, so a listing or tag page is never taken for an
article whichever way it was found.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from kabar.core.urls import join_url


class UrlKind(enum.Enum):
    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


_NON_ARTICLE_SEGMENTS = frozenset(
    {
        "tag", "tags", "author", "penulis", "search", "cari", "feed", "rss", "wp-admin",
        "wp-content", "wp-includes", "wp-json", "wp-login.php", "comments", "amp", "login",
        "register", "privacy-policy", "kebijakan-privasi", "redaksi", "kontak", "contact",
        "about", "tentang-kami", "pedoman-media-siber", "disclaimer", "iklan",
        # Drupal's term and user pages, sign-up and log-out pages of any platform.
        "taxonomy", "user", "users", "signup", "logout", "cdn-cgi",
    }
)  # fmt: skip
_LISTING_SEGMENTS = frozenset(
    {"category", "kategori", "kanal", "rubrik", "topik", "indeks", "index"}
)
_STATIC_SUFFIX = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|rar|mp[34]|mov|avi|docx?|xlsx?|pptx?|xml|json|txt)$",
    re.IGNORECASE,
)
_DATE_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/[^/]+")
_ID_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}[-/]?\d*(?:\.html?)?/?$")
_NUMERIC_ID = re.compile(r"/(?:read|berita|news|artikel|post|node|detail|baca|story)/\d{3,}")
_PAGINATION = re.compile(r"/page/\d+/?$|[?&](?:page|paged|start|limitstart)=\d+")
"""WordPress's ``/page/2/``, ``?page=1`` (Drupal), ``?start=10`` (Joomla)."""
_ID_THEN_SLUG = re.compile(r"/(?:[a-z]-)?\d{4,}[-/][a-z][a-z0-9]*(?:-[a-z0-9]+)+/?(?:\.html?)?$")
"""An article's number, then its slug: ``/daerah/12345/judul-berita``,
``/berita/d-7654321/judul-slug``, ``/12345-judul-berita``."""
_LANGUAGE = re.compile(r"[a-z]{2}(?:-[a-z]{2})?")
_FRONT_PATHS = frozenset({"/", "/index.php"})
"""Where WordPress's query-string URLs live ("Plain" permalinks: ``/?p=123``)."""
_WP_ARTICLE_QUERY = re.compile(r"^\d+$")
_WP_OTHER_QUERY = frozenset(
    {"page_id", "attachment_id", "feed", "replytocom", "preview", "rest_route", "s"}
)
"""Query keys of WordPress's front URLs that are no article and no listing: pages (an
outlet's "Redaksi" or "Pedoman Media Siber"), attachments, feeds, comment replies, the
REST API, previews and search."""
_WP_LISTING_QUERY = frozenset({"cat", "tag", "author", "m", "year", "monthnum", "day", "paged"})
_SCRIPT = re.compile(r"\.(?:php\d?|aspx?|jsp|cfm|cgi|pl)$", re.IGNORECASE)
"""A script's path (``index.php``, ``berita.php``, ``Default.aspx``): its query says
what the page is (Joomla without friendly URLs, hand-written PHP portals)."""
_QUERY_OTHER_KEYS = frozenset(
    {"task", "searchword", "keys", "q", "query", "search", "keyword", "replytocom", "print",
     "tmpl", "action", "logout", "login"}
)  # fmt: skip
"""Keys of a script's query that make a page no article and no listing: actions (a
Joomla ``task``), searches, print and bare (``tmpl=component``) views."""
_QUERY_OTHER_VALUES = {
    "option": frozenset(
        {"com_users", "com_user", "com_search", "com_finder", "com_contact", "com_tags",
         "com_mailto", "com_banners", "com_ajax", "com_media"}
    ),
    "view": frozenset(
        {"login", "registration", "register", "reset", "remind", "profile", "search",
         "contact", "tag", "tags", "form", "default"}
    ),
    "format": frozenset({"feed", "pdf", "raw", "json", "xml", "rss", "atom"}),
}  # fmt: skip
"""Values of a script's query keys that make a page no article (Joomla's components
for users, search, contacts and tags; feeds and PDF renderings of any page)."""
_QUERY_ARTICLE_VIEWS = frozenset({"article", "item", "entry", "story", "detail", "read", "post"})
_QUERY_LISTING_VIEWS = frozenset(
    {"category", "categories", "section", "featured", "frontpage", "blog", "archive", "list"}
)
_QUERY_LISTING_KEYS = frozenset({"start", "limitstart", "page", "offset", "kategori", "kanal"})
_QUERY_ID_KEYS = frozenset(
    {"id", "newsid", "news_id", "artid", "article_id", "articleid", "berita_id", "idberita",
     "post_id", "postid", "aid", "nid", "idb", "idn"}
)  # fmt: skip
"""Keys holding an article's number in a script's query (``berita.php?id=123``)."""
_QUERY_ID = re.compile(r"^\d+(?::[\w-]*)?$")
"""A number, or Joomla's ``123:the-slug``."""


def _front_query_kind(query: str) -> UrlKind | None:
    """What a WordPress front URL's query makes it (``/?p=123`` an article), or None."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if params.keys() & _WP_OTHER_QUERY:
        return UrlKind.OTHER
    if "p" in params:
        return UrlKind.ARTICLE if _WP_ARTICLE_QUERY.match(params["p"]) else UrlKind.OTHER
    if params.keys() & _WP_LISTING_QUERY:
        return UrlKind.LISTING
    return None


def _script_query_kind(query: str) -> UrlKind | None:
    """What a script's query makes the page: Joomla's
    ``option=com_content&view=article&id=123:slug`` an article, ``view=category`` and
    ``start=10`` a listing, ``option=com_users`` or ``format=feed`` neither; a plain
    ``?id=123`` an article. None when the query says nothing of it."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    lowered = {k.lower(): v.lower() for k, v in params.items()}
    if lowered.keys() & _QUERY_OTHER_KEYS or any(
        lowered.get(key) in values for key, values in _QUERY_OTHER_VALUES.items()
    ):
        return UrlKind.OTHER
    view = lowered.get("view", "")
    if view in _QUERY_LISTING_VIEWS or lowered.keys() & _QUERY_LISTING_KEYS:
        return UrlKind.LISTING
    ids = [lowered[k] for k in lowered.keys() & _QUERY_ID_KEYS]
    if view in _QUERY_ARTICLE_VIEWS or (not view and any(_QUERY_ID.match(v) for v in ids)):
        return UrlKind.ARTICLE if any(_QUERY_ID.match(v) for v in ids) else UrlKind.OTHER
    return UrlKind.OTHER if view else None


def _query_kind(query: str, path: str, segments: list[str]) -> UrlKind | None:
    """What the query of a front URL (WordPress's ``/?p=123``) or a script's
    (``index.php?option=com_content&view=article&id=123``) makes the page, or None."""
    if not query:
        return None
    kind = _front_query_kind(query) if path in _FRONT_PATHS else None
    if kind is None and (not segments or _SCRIPT.search(segments[-1])):
        kind = _script_query_kind(query)
    return kind


def excluded(url: str) -> bool:
    """Whether ``url`` is surely no article, whoever lists it (a sitemap listing a site's
    every page, a feed with its pages): a file, a tag, author, search, login or static
    page, or a query that says so (``option=com_users``, ``?page_id=2``)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if _STATIC_SUFFIX.search(path):
        return True
    segments = [s for s in path.lower().split("/") if s]
    if any(s in _NON_ARTICLE_SEGMENTS for s in segments) or "s=" in parts.query.split("&")[0]:
        return True
    return _query_kind(parts.query, path, segments) is UrlKind.OTHER


def classify_url(url: str, *, article_pattern: str | None = None) -> UrlKind:
    """Guess from its shape alone what a same-site URL points to.

    Regional WordPress sites put articles at ``/YYYY/MM/DD/slug/`` or ``/slug/``
    with a long hyphenated slug, or, with WordPress's default "Plain" permalinks, at
    ``/?p=123`` (its pages at ``/?page_id=2``: no articles); listings live under
    ``/category/`` and friends (``/?cat=3``). Scripts' queries are read too (Joomla's
    ``index.php?option=com_content&view=article&id=123``, ``berita.php?id=123``).
    ``article_pattern`` (a site override) decides alone when given.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if article_pattern is not None and re.search(article_pattern, url):
        return UrlKind.ARTICLE
    if excluded(url):
        return UrlKind.OTHER
    segments = [s for s in path.lower().split("/") if s]
    kind = _query_kind(parts.query, path, segments)
    if kind is UrlKind.ARTICLE and article_pattern is not None:
        return UrlKind.OTHER  # the site's pattern decides alone
    if kind is not None:
        return kind
    if not segments or _PAGINATION.search(path + ("?" + parts.query if parts.query else "")):
        return UrlKind.LISTING
    if segments[0] in _LISTING_SEGMENTS or (
        # Under a language's prefix: /id/kanal/daerah, /en/category/x.
        len(segments) > 1 and _LANGUAGE.fullmatch(segments[0]) and segments[1] in _LISTING_SEGMENTS
    ):
        return UrlKind.LISTING
    if article_pattern is not None:
        return UrlKind.OTHER
    if _DATE_PATH.search(path) or _NUMERIC_ID.search(path) or _ID_THEN_SLUG.search(path):
        return UrlKind.ARTICLE
    if _ID_SLUG.search(segments[-1]) and segments[-1].count("-") >= 3:
        return UrlKind.ARTICLE
    return UrlKind.OTHER


def base_url_of(html: Selector, url: str) -> str:
    """The URL a page's relative links resolve against: its ``<base href>`` if any."""
    base = html.xpath("//head/base/@href").get()
    return (join_url(url, base) or url) if base else url


def page_links(html: Selector, base_url: str) -> list[str]:
    """Absolute http(s) links of a page, fragment removed, de-duplicated in order; a
    malformed ``href`` is skipped, never fatal to the page."""
    base_url = base_url_of(html, base_url)
    seen: dict[str, None] = {}
    for href in html.xpath("//a/@href").getall():
        url = join_url(base_url, href)
        if url is not None:
            seen.setdefault(url, None)
    return list(seen)


def next_page_link(html: Selector, base_url: str) -> str | None:
    """The next page of a listing: ``rel=next`` (head or body), else a "next" pager link."""
    for query in (
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
        "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
        "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href",
    ):
        for href in html.xpath(query).getall():
            url = join_url(base_url_of(html, base_url), href)
            if url is not None:
                return url
    return None


_WORD = re.compile(r"[a-z_]+(?:\.[a-z]{2,5})?")
"""A path segment that names a place of the site (``posts``, ``berita``, ``index.php``),
not one article: kept as itself in a URL's shape."""


def url_shape(url: str) -> tuple[str, ...] | None:
    """The shape of a URL's path, its parts that vary from article to article abstracted:
    ``/berita/12345/judul-slug`` is ``("berita", "#", "*")``, ``/posts/banjir-2/`` is
    ``("posts", "*")``. None for a path with nothing that varies (``/about/``, ``/``):
    such a path names one page, it is no pattern.

    A site's feed or sitemap lists articles: the shapes of what they list tell the
    site's articles among a listing's links even when their URLs are too short or
    plain for :func:`classify_url` (Ghost's ``/short-slug/``, ``/posts/slug/``)."""
    segments = [s for s in urlsplit(url).path.lower().split("/") if s]
    shape = tuple("#" if s.isdigit() else s if _WORD.fullmatch(s) else "*" for s in segments)
    return shape if "#" in shape or "*" in shape else None


_NEXT_WORDS = frozenset(
    {"next", "next page", "older", "older posts", "older entries", "more posts", "berikutnya",
     "selanjutnya", "halaman berikutnya", "lanjut", "posting lama", "berita lainnya",
     "»", "›", ">", ">>", "→"}
)  # fmt: skip
"""What a pager's "next" link says when no ``rel`` or class says it (English and
Indonesian themes, arrows)."""
_NEXT_MARK = re.compile(r"(?:^|[-_\s])(?:next|older|nextpostslink|berikutnya)(?:$|[-_\s])", re.I)


def pager_next_link(html: Selector, base_url: str) -> str | None:
    """The next page of a listing whose pager marks it in no way :func:`next_page_link`
    knows: an ``id`` or class naming it (Blogger's ``blog-pager-older-link``, WP-PageNavi's
    ``nextpostslink``, Drupal's ``pager__item--next``), or its words ("Berikutnya", "»")."""
    base = base_url_of(html, base_url)
    for anchor in html.xpath("//a[@href]"):
        marks = " ".join(anchor.xpath("@class | @id | parent::li/@class").getall())
        words = " ".join(" ".join(anchor.xpath(".//text()").getall()).split()).lower()
        if _NEXT_MARK.search(marks) or words in _NEXT_WORDS:
            url = join_url(base, anchor.attrib.get("href"))
            if url is not None:
                return url
    return None
