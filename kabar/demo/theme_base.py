"""What the mock sites' themes share: the static pages, the page skeletons of
``kabar/demo/data``, the WordPress parts every theme draws, and the markup breaker.
The themes themselves are :mod:`kabar.demo.themes`.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime
from html import escape as e
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from kabar.demo.text import day_date_words, slugify

if TYPE_CHECKING:
    from kabar.demo.model import Listing, MockArticle, SiteData


_STATIC_PAGES = {
    "/redaksi/": (
        "Redaksi",
        (
            "{title} adalah media siber yang memberitakan peristiwa di {region} dan sekitarnya.",
            "Pemimpin Redaksi: {author}. Redaktur Pelaksana: Tim Redaksi {title}.",
            "Alamat redaksi: Jalan Merdeka Nomor 17, Pangkalan Balai, Banyuasin, Sumatera Selatan.",
        ),
    ),
    "/pedoman-media-siber/": (
        "Pedoman Media Siber",
        (
            "{title} menjalankan kegiatan jurnalistik sesuai Pedoman Pemberitaan Media Siber "
            "yang ditetapkan Dewan Pers.",
            "Setiap berita diverifikasi sebelum disiarkan. Ralat dan hak jawab dimuat pada "
            "berita yang sama, disertai waktu pemuatannya.",
        ),
    ),
    "/kontak/": (
        "Kontak",
        (
            "Kirim rilis, hak jawab, dan pertanyaan seputar iklan ke redaksi melalui email "
            "redaksi@{host}.",
            "Telepon dan WhatsApp: 0711-350017 (Senin sampai Jumat, pukul 08.00-16.00 WIB).",
        ),
    ),
}


STATIC_PATHS = tuple(_STATIC_PAGES)
"""The site's static pages (never articles), as Yoast's page sitemap lists them."""


_THEMES: dict[str, type[Theme]] = {}
"""Theme name -> class; each :class:`Theme` subclass with a ``name`` registers itself."""


@functools.cache
def data_file(name: str) -> str:
    """A file of ``kabar/demo/data`` as text."""
    return resources.files("kabar.demo").joinpath("data", name).read_text(encoding="utf-8")


def template(name: str) -> Template:
    """A page skeleton of ``kabar/demo/data`` (:class:`string.Template`)."""
    return Template(data_file(name))


def _ld_json(data: Any, css_class: str = "") -> str:
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    attrs = f' class="{css_class}"' if css_class else ""
    return f'<script type="application/ld+json"{attrs}>{text}</script>'


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _reading_minutes(article: MockArticle) -> int:
    """As reading-time plugins count: 250 words a minute, at least one."""
    return max(1, round(len(article.body.split()) / 250))


def _with_dateline(paragraph: str) -> str:
    """The first paragraph with its dateline in bold, as editors type it."""
    match = re.match(r"([A-Z][^a-z–]{3,60}?)( [–-] )", paragraph)
    if match is None:
        return f"<p>{e(paragraph)}</p>"
    return f"<p><strong>{e(match[1])}</strong>{match[2]}{e(paragraph[match.end() :])}</p>"


class Theme:
    """What every theme shares: the WordPress parts and the page assembly."""

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            _THEMES[cls.name] = cls

    def __init__(self, site: SiteData, base_url: str) -> None:
        self.site = site
        self.base = base_url

    def abs(self, path: str) -> str:
        return self.base + path.removeprefix("/")

    def link(self, path: str) -> str:
        """How the theme writes links in menus and lists: absolute unless overridden."""
        return self.abs(path)

    # -- pages ---------------------------------------------------------------

    def article_page(self, article: MockArticle) -> str:
        page = self.frame(
            f"{article.title} - {self.site.title}",
            self.article_head(article),
            f"post-template-default single single-post postid-{article.post_id} "
            "single-format-standard",
            self.article_main(article),
        )
        return break_markup(page) if article.malformed else page

    def listing_page(self, listing: Listing) -> str:
        head = []
        if listing.page > 1:
            head.append(f'<link rel="prev" href="{self.link(listing.path(listing.page - 1))}">')
        if listing.page < listing.pages:
            head.append(f'<link rel="next" href="{self.link(listing.path(listing.page + 1))}">')
        main = self.listing_main(listing) + self.pagination(listing)
        if listing.kind == "home" and listing.page == 1 and self.site.faults:
            picks = "".join(
                f'<li><a href="{self.link(f.path)}">{e(f.title)}</a></li>' for f in self.site.faults
            )
            picks = f'<section class="berita-pilihan"><h2>Berita Pilihan</h2><ul>{picks}</ul>'
            main = f"{picks}</section>\n{main}"
        home = listing.kind == "home"
        body_class = "home blog" if home else f"archive {listing.kind}"
        return self.frame(self.listing_title(listing), "\n".join(head), body_class, main, home)

    def listing_title(self, listing: Listing) -> str:
        page = f" - Halaman {listing.page} dari {listing.pages}" if listing.page > 1 else ""
        if listing.kind == "home":
            return f"{self.site.title} - {self.site.tagline}{page}"
        if listing.kind == "author":
            return f"{listing.label}, Penulis di {self.site.title}{page}"
        return f"Arsip {listing.label}{page} - {self.site.title}"

    def listing_heading(self, listing: Listing) -> str:
        if listing.kind == "home":
            return "Berita Terkini"
        word = {"category": "Kategori", "tag": "Tag", "author": "Penulis"}[listing.kind]
        return f"{word}: <span>{e(listing.label)}</span>"

    def static_page(self, path: str) -> str | None:
        if path not in _STATIC_PAGES:
            return None
        title, paragraphs = _STATIC_PAGES[path]
        values = {
            "title": self.site.title,
            "region": self.site.region,
            "author": self.site.articles[-1].author,
            "host": self.site.brand.lower(),
        }
        text = "".join(f"<p>{e(p.format(**values))}</p>" for p in paragraphs)
        main = (
            '<article class="page type-page status-publish hentry"><header class="entry-header">'
            f'<h1 class="entry-title">{title}</h1></header>'
            f'<div class="entry-content">{text}</div></article>'
        )
        return self.frame(f"{title} - {self.site.title}", "", "page-template-default page", main)

    def not_found_page(self) -> str:
        main = (
            '<section class="error-404 not-found"><header class="page-header">'
            '<h1 class="page-title">Oops! Halaman tidak ditemukan.</h1></header>'
            '<div class="page-content"><p>Sepertinya tidak ada yang ditemukan di lokasi ini. '
            "Mungkin coba pencarian?</p></div></section>"
        )
        return self.frame(f"Halaman tidak ditemukan - {self.site.title}", "", "error404", main)

    # -- parts shared by the themes ---------------------------------------------

    def content(self, article: MockArticle) -> str:
        """The post as stored in WordPress (and put in feeds): text, "Baca juga", credit."""
        paragraphs = [_with_dateline(article.paragraphs[0])]
        paragraphs += [f"<p>{e(p)}</p>" for p in article.paragraphs[1:]]
        target = self.site.article_at(article.see_also) if article.see_also else None
        if target is not None:
            paragraphs.insert(min(2, len(paragraphs)), self.see_also(target))
        paragraphs.append(f"<p>{e(article.credit)}</p>")
        return "\n".join(paragraphs)

    def see_also(self, target: MockArticle) -> str:
        return f'<p>Baca juga: <a href="{self.abs(target.path)}">{e(target.title)}</a></p>'

    def feed_links(self) -> str:
        kinds = {
            "rss": ("application/rss+xml", "Feed", "/feed/"),
            "atom": ("application/atom+xml", "Atom Feed", "/feed/atom/"),
        }
        links = [
            f'<link rel="alternate" type="{kind}" title="{e(self.site.title)} &raquo; {label}" '
            f'href="{self.link(path)}" />'
            for kind, label, path in (kinds[f] for f in self.site.feeds)
        ]
        if "rss" in self.site.feeds:
            links.append(
                f'<link rel="alternate" type="application/rss+xml" title="{e(self.site.title)} '
                f'&raquo; Umpan Komentar" href="{self.link("/comments/feed/")}" />'
            )
        if self.site.rest_api == "enabled":
            links.append(f'<link rel="https://api.w.org/" href="{self.abs("/wp-json/")}" />')
        return "\n".join(links)

    def comment_form(self, article: MockArticle) -> str:
        return template("comment_form.html").substitute(
            url=self.abs(article.path), base=self.base, post_id=article.post_id
        )

    def share(self, article: MockArticle, css_class: str) -> str:
        url = quote(self.abs(article.path), safe="")
        title = quote(article.title, safe="")
        targets = (
            ("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
            ("twitter", "Twitter", f"https://twitter.com/intent/tweet?text={title}&amp;url={url}"),
            ("whatsapp", "WhatsApp", f"https://api.whatsapp.com/send?text={title}%20{url}"),
            ("telegram", "Telegram", f"https://t.me/share/url?url={url}&amp;text={title}"),
        )
        links = "".join(
            f'<a class="share-{key}" href="{href}" target="_blank" rel="nofollow noopener">'
            f"{label}</a>"
            for key, label, href in targets
        )
        return f'<div class="{css_class}"><span class="share-title">Bagikan:</span>{links}</div>'

    def related(self, article: MockArticle, count: int = 3) -> list[MockArticle]:
        others = [a for a in self.site.articles if a.path != article.path]
        same = [a for a in others if a.category == article.category]
        # By category, not "not in same" (a dataclass comparison with each of them): a
        # site of 2,500 articles took minutes per page set to render (throughput.py 10k).
        return (same + [a for a in others if a.category != article.category])[:count]

    def tag_links(self, article: MockArticle, separator: str = ", ") -> str:
        return separator.join(
            f'<a href="{self.link(f"/tag/{slugify(t)}/")}" rel="tag">{e(t)}</a>'
            for t in article.tags
        )

    def category_counts(self) -> str:
        items = []
        for slug, label in self.site.categories.items():
            count = sum(a.category == slug for a in self.site.articles)
            if count:
                href = self.link(f"/category/{slug}/")
                items.append(f'<li class="cat-item"><a href="{href}">{e(label)}</a> ({count})</li>')
        return "".join(items)

    def menu(self) -> str:
        return "".join(
            '<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
            f'<a href="{self.link(f"/category/{slug}/")}">{e(label)}</a></li>'
            for slug, label in self.site.categories.items()
        )

    def footer_links(self) -> str:
        # Footer menus are typed in by hand: root-relative on every theme.
        return "".join(
            f'<li class="menu-item"><a href="{path}">{title}</a></li>'
            for path, (title, _) in _STATIC_PAGES.items()
        )

    def pagination(self, listing: Listing) -> str:
        if listing.pages == 1:
            return ""
        parts = []
        if listing.page > 1:
            href = self.link(listing.path(listing.page - 1))
            parts.append(f'<a class="prev page-numbers" href="{href}">&laquo; Sebelumnya</a>')
        for number in range(1, listing.pages + 1):
            if number == listing.page:
                current = '<span aria-current="page" class="page-numbers current">'
                parts.append(f"{current}{number}</span>")
            else:
                href = self.link(listing.path(number))
                parts.append(f'<a class="page-numbers" href="{href}">{number}</a>')
        if listing.page < listing.pages:
            href = self.link(listing.path(listing.page + 1))
            parts.append(f'<a class="next page-numbers" href="{href}">Berikutnya &raquo;</a>')
        return (
            '<nav class="navigation pagination" aria-label="Pos"><h2 class="screen-reader-text">'
            f'Navigasi pos</h2><div class="nav-links">{"".join(parts)}</div></nav>'
        )

    def article_values(self, article: MockArticle) -> dict[str, object]:
        """What every ``<theme>_article.html`` may use."""
        a = article
        return {
            "post_id": a.post_id,
            "title": e(a.title),
            "url": self.abs(a.path),
            "category": e(a.category_label),
            "category_slug": a.category,
            "category_url": self.link(f"/category/{a.category}/"),
            "author": e(a.author),
            "author_url": self.link(f"/author/{slugify(a.author)}/"),
            "image": self.link(a.image_path),
            "site_title": e(self.site.title),
            "content": self.content(a),
            "comments": self.comment_form(a),
        }

    def frame_values(self, title: str, head: str, body_class: str, main: str) -> dict[str, str]:
        return {
            "title": e(title),
            "head": head,
            "body_class": body_class,
            "main": main,
            "base": self.base,
            "site_title": e(self.site.title),
            "tagline": e(self.site.tagline),
            "today": day_date_words(self.site.now),
            "menu": self.menu(),
            "categories": self.category_counts(),
            "footer_links": self.footer_links(),
            "feed_links": self.feed_links(),
        }

    # -- what each theme writes its own way --------------------------------------

    def frame(self, title: str, head: str, body_class: str, main: str, home: bool = False) -> str:
        raise NotImplementedError

    def article_head(self, article: MockArticle) -> str:
        raise NotImplementedError

    def article_main(self, article: MockArticle) -> str:
        raise NotImplementedError

    def listing_main(self, listing: Listing) -> str:
        raise NotImplementedError


_BREAKS = (
    (r"</p>", ""),
    (r"</h1>", "</h1></span></div>"),
    (r'(<div class="entry-content"[^>]*>)', r'\1<div class="ads-inline"><b>Iklan & Promosi'),
    (r"</article>", ""),
    (r"</body>\s*</html>\s*$", ""),
)


def break_markup(page: str) -> str:
    """Damage a page the way hand-edited posts and plugins do, keeping its text.

    Every ``</p>`` dropped, stray end tags after the headline, an unclosed ad
    ``<div><b>`` with a bare ``&``, the article never closed and the document
    cut off before ``</body></html>``: parsers must recover.
    """
    for pattern, replacement in _BREAKS:
        page, count = re.subn(pattern, replacement, page, count=0 if pattern == "</p>" else 1)
        if not count:
            raise ValueError(f"cannot break this theme's markup: no {pattern!r}")
    return page
