"""The mock sites' HTML: three WordPress themes that put the same facts in different places
(their shared parts are :mod:`kabar.demo.theme_base`).

Extraction is measured against these pages, so each theme copies the habits of
a family of real regional-news themes: ``jurnal`` (Yoast SEO: ``@graph``
JSON-LD, og:/article: meta, absolute links), ``terang`` (GeneratePress-like
microdata, one plain NewsArticle JSON-LD, root-relative links, inline ads) and
``klasik`` (an old custom theme: no structured data at all, the date only in
Indonesian words). All carry the noise real pages do: menus, a sidebar, share
buttons, related posts and the WordPress comment form. The page skeletons are
``data/<theme>_*.html`` (:class:`string.Template`); the repeated parts are here.
"""

from __future__ import annotations

import zlib
from html import escape as e
from typing import TYPE_CHECKING

from kabar.demo.model import LOGO
from kabar.demo.text import date_words, day_date_time_words, day_date_words, slugify
from kabar.demo.theme_base import (
    _THEMES,
    Theme,
    _ld_json,
    _reading_minutes,
    _utc,
    template,
)

if TYPE_CHECKING:
    from kabar.demo.model import Listing, MockArticle, SiteData


def for_site(site: SiteData, base_url: str) -> Theme:
    """The theme ``site`` is configured with, bound to the URL it is served at."""
    return _THEMES[site.theme](site, base_url)


class Jurnal(Theme):
    """A Yoast-equipped news theme: everything in meta and ``@graph`` JSON-LD, links absolute."""

    name = "jurnal"

    def frame(self, title: str, head: str, body_class: str, main: str, home: bool = False) -> str:
        recent = "".join(
            f'<li><a class="wp-block-latest-posts__post-title" href="{self.abs(a.path)}">'
            f'{e(a.title)}</a><time datetime="{a.published.isoformat()}" '
            f'class="wp-block-latest-posts__post-date">{date_words(a.published)}</time></li>'
            for a in self.site.articles[:5]
        )
        return template("jurnal_frame.html").substitute(
            self.frame_values(title, head, body_class, main),
            brand_tag="h1" if home else "p",
            recent=recent,
        )

    def article_head(self, article: MockArticle) -> str:
        a, site, base = article, self.site, self.base
        url, image = self.abs(a.path), self.abs(a.image_path)
        person = f"{base}#/schema/person/{zlib.crc32(a.author.encode()):08x}"
        published, modified = _utc(a.published), _utc(a.modified)
        graph = [
            {"@type": "NewsArticle", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": {"name": a.author, "@id": person}, "headline": a.title,
             "datePublished": published, "dateModified": modified,
             "mainEntityOfPage": {"@id": url}, "wordCount": len(a.body.split()),
             "commentCount": 0, "publisher": {"@id": f"{base}#organization"},
             "image": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": image,
             "keywords": list(a.tags), "articleSection": [a.category_label], "inLanguage": "id"},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{a.title} - {site.title}",
             "isPartOf": {"@id": f"{base}#website"},
             "primaryImageOfPage": {"@id": f"{url}#primaryimage"},
             "datePublished": published, "dateModified": modified,
             "breadcrumb": {"@id": f"{url}#breadcrumb"}, "inLanguage": "id"},
            {"@type": "ImageObject", "@id": f"{url}#primaryimage", "url": image,
             "contentUrl": image, "width": 160, "height": 90},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Beranda", "item": base},
                {"@type": "ListItem", "position": 2, "name": a.title}]},
            {"@type": "WebSite", "@id": f"{base}#website", "url": base, "name": site.title,
             "description": site.tagline, "publisher": {"@id": f"{base}#organization"},
             "inLanguage": "id"},
            {"@type": "Organization", "@id": f"{base}#organization", "name": site.title,
             "url": base, "logo": {"@type": "ImageObject", "url": self.abs(LOGO)}},
            {"@type": "Person", "@id": person, "name": a.author,
             "url": self.abs(f"/author/{slugify(a.author)}/")},
        ]  # fmt: skip
        minutes = _reading_minutes(a)
        meta = [
            ("name", "description", a.summary),
            ("name", "robots", "index, follow, max-image-preview:large, max-snippet:-1"),
            ("property", "og:locale", "id_ID"),
            ("property", "og:type", "article"),
            ("property", "og:title", f"{a.title} - {site.title}"),
            ("property", "og:description", a.summary),
            ("property", "og:url", url),
            ("property", "og:site_name", site.title),
            ("property", "article:section", a.category_label),
            *(("property", "article:tag", t) for t in a.tags),
            ("property", "article:published_time", published),
            ("property", "article:modified_time", modified),
            ("property", "og:image", image),
            ("property", "og:image:width", "160"),
            ("property", "og:image:height", "90"),
            ("property", "og:image:type", "image/png"),
            ("name", "author", a.author),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:label1", "Ditulis oleh"),
            ("name", "twitter:data1", a.author),
            ("name", "twitter:label2", "Estimasi waktu membaca"),
            ("name", "twitter:data2", f"{minutes} menit"),
        ]
        lines = [f'<link rel="canonical" href="{url}">']
        lines += [f'<meta {attr}="{key}" content="{e(value)}">' for attr, key, value in meta]
        schema = {"@context": "https://schema.org", "@graph": graph}
        lines.append(_ld_json(schema, "yoast-schema-graph"))
        lines.append(f'<link rel="shortlink" href="{base}?p={a.post_id}">')
        return "\n".join(lines)

    def article_main(self, article: MockArticle) -> str:
        a = article
        index = self.site.articles.index(a)
        newer = self.site.articles[index - 1] if index > 0 else None
        older = self.site.articles[index + 1] if index + 1 < len(self.site.articles) else None
        navigation = "".join(
            f'<div class="nav-{side}"><a href="{self.abs(n.path)}" rel="{rel}"><span '
            f'class="nav-subtitle">{word}</span> <span class="nav-title">{e(n.title)}</span>'
            "</a></div>"
            for side, rel, word, n in (
                ("previous", "prev", "Sebelumnya", older),
                ("next", "next", "Selanjutnya", newer),
            )
            if n is not None
        )
        related = "".join(
            f'<li><a href="{self.abs(r.path)}">{e(r.title)}</a> <span class="post-date">'
            f"{date_words(r.published)}</span></li>"
            for r in self.related(a)
        )
        updated = ""
        if a.modified != a.published:
            stamp = _utc(a.modified)
            updated = f'<time class="updated" datetime="{stamp}">{date_words(a.modified)}</time>'
        classes = (
            f"post-{a.post_id} post type-post status-publish format-standard has-post-thumbnail "
            f"hentry category-{a.category} " + " ".join(f"tag-{slugify(t)}" for t in a.tags)
        )
        return template("jurnal_article.html").substitute(
            self.article_values(a),
            classes=classes,
            published_iso=_utc(a.published),
            published=date_words(a.published),
            updated=updated,
            minutes=_reading_minutes(a),
            image_id=a.post_id - 1,
            tags=self.tag_links(a),
            share=self.share(a, "post-share sharedaddy sd-sharing-enabled"),
            navigation=navigation,
            related=related,
        )

    def listing_main(self, listing: Listing) -> str:
        items = "".join(
            f'<article id="post-{a.post_id}" class="post-{a.post_id} post type-post '
            f'status-publish format-standard has-post-thumbnail hentry category-{a.category}">'
            f'<div class="post-thumbnail"><a href="{self.abs(a.path)}"><img src="'
            f'{self.abs(a.image_path)}" alt="{e(a.title)}" width="160" height="90"></a></div>'
            f'<div class="post-body"><h2 class="entry-title"><a href="{self.abs(a.path)}" '
            f'rel="bookmark">{e(a.title)}</a></h2><div class="entry-meta"><span class="posted-on">'
            f'<time class="entry-date published" datetime="{_utc(a.published)}">'
            f'{date_words(a.published)}</time></span> <span class="byline">{e(a.author)}</span>'
            f'</div><div class="entry-summary"><p>{e(a.summary)}</p></div></div></article>\n'
            for a in listing.articles
        )
        tag = "h2" if listing.kind == "home" else "h1"
        heading = f'<{tag} class="page-title">{self.listing_heading(listing)}</{tag}>'
        return f'<header class="page-header">{heading}</header>\n{items}'


class Terang(Theme):
    """A GeneratePress-like theme: microdata, a plain NewsArticle JSON-LD, root-relative links."""

    name = "terang"

    def link(self, path: str) -> str:
        return path

    def see_also(self, target: MockArticle) -> str:
        return f'<p><strong>Baca Juga:</strong> <a href="{target.path}">{e(target.title)}</a></p>'

    def frame(self, title: str, head: str, body_class: str, main: str, home: bool = False) -> str:
        recent = "".join(
            f'<li><a href="{a.path}"><img src="{a.image_path}" alt="" width="80" height="45">'
            f'<span class="title">{e(a.title)}</span></a></li>'
            for a in self.site.articles[:5]
        )
        return template("terang_frame.html").substitute(
            self.frame_values(title, head, body_class, main), recent=recent
        )

    def article_head(self, article: MockArticle) -> str:
        a, url, image = article, self.abs(article.path), self.abs(article.image_path)
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": a.title,
            "description": a.summary,
            "image": [image],
            "datePublished": a.published.isoformat(),
            "dateModified": a.modified.isoformat(),
            "author": [{"@type": "Person", "name": a.author}],
            "publisher": {
                "@type": "Organization",
                "name": self.site.title,
                "logo": {"@type": "ImageObject", "url": self.abs(LOGO)},
            },
        }
        meta = [
            ("og:type", "article"),
            ("og:title", a.title),
            ("og:url", url),
            ("og:image", image),
            ("og:site_name", self.site.title),
            ("article:published_time", a.published.isoformat()),
            ("article:modified_time", a.modified.isoformat()),
            ("article:section", a.category_label),
            *(("article:tag", t) for t in a.tags),
        ]
        lines = [f'<meta name="description" content="{e(a.summary)}" />']
        lines.append(f'<link rel="canonical" href="{url}" />')
        lines += [f'<meta property="{key}" content="{e(value)}" />' for key, value in meta]
        lines.append(_ld_json(data))
        return "\n".join(lines)

    def article_main(self, article: MockArticle) -> str:
        a = article
        paragraphs = self.content(a).split("\n")
        paragraphs.insert(
            1,
            '<div class="code-block code-block-2 ads-inline" style="margin: 8px auto; '
            'text-align: center;"><span class="ads-label">ADVERTISEMENT</span>'
            '<ins class="adsbygoogle" style="display:block" '
            'data-ad-client="ca-pub-3940256099942544" data-ad-slot="6300978111" '
            'data-ad-format="auto"></ins>'
            "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>",
        )
        related = "".join(
            '<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
            f'<a href="{self.abs(r.path)}">{e(r.title)}</a></h4>'
            f'<p class="jp-relatedposts-post-date">{day_date_words(r.published)}</p></div>'
            for r in self.related(a)
        )
        values = self.article_values(a) | {"content": "\n".join(paragraphs)}
        return template("terang_article.html").substitute(
            values,
            published_iso=a.published.isoformat(),
            published=day_date_time_words(a.published),
            tags=self.tag_links(a),
            share=self.share(a, "social-share"),
            related=related,
        )

    def listing_main(self, listing: Listing) -> str:
        items = "".join(
            f'<article id="post-{a.post_id}" class="post-{a.post_id} post type-post status-publish '
            f'format-standard hentry category-{a.category}" itemtype="https://schema.org/'
            'CreativeWork" itemscope><div class="inside-article"><header class="entry-header">'
            '<h2 class="entry-title" itemprop="headline">'
            f'<a href="{self.abs(a.path)}" rel="bookmark">'
            f'{e(a.title)}</a></h2><div class="entry-meta"><span class="posted-on"><time '
            f'class="entry-date published" datetime="{a.published.isoformat()}">'
            f"{day_date_words(a.published)}</time></span></div></header>"
            f'<div class="entry-summary" itemprop="text"><p>{e(a.summary)} <a class="read-more" '
            f'href="{a.path}">Baca Selengkapnya</a></p></div></div></article>\n'
            for a in listing.articles
        )
        if listing.kind == "home":
            return items
        heading = f'<h1 class="page-title">{self.listing_heading(listing)}</h1>'
        return f'<header class="page-header">{heading}</header>\n{items}'


class Klasik(Theme):
    """An old custom theme: no feed links, no meta, no JSON-LD; dates only in words."""

    name = "klasik"

    def link(self, path: str) -> str:
        return path

    def see_also(self, target: MockArticle) -> str:
        return (
            '<div class="baca-juga"><strong>Baca Juga:</strong><ul><li>'
            f'<a href="{self.abs(target.path)}">{e(target.title)}</a></li></ul></div>'
        )

    def views(self, article: MockArticle) -> int:
        return 150 + zlib.crc32(article.slug.encode()) % 4850

    def menu(self) -> str:
        return "".join(
            f'<li><a href="/category/{slug}/">{e(label)}</a></li>'
            for slug, label in self.site.categories.items()
        )

    def frame(self, title: str, head: str, body_class: str, main: str, home: bool = False) -> str:
        popular = "".join(
            f'<li><a href="{a.path}">{e(a.title)}</a><span class="dibaca">{self.views(a)} '
            "kali dibaca</span></li>"
            for a in sorted(self.site.articles, key=self.views, reverse=True)[:5]
        )
        recent = "".join(
            f'<li><a href="{a.path}">{e(a.title)}</a><br /><span class="tgl">'
            f"{day_date_time_words(a.published)}</span></li>"
            for a in self.site.articles[:5]
        )
        return template("klasik_frame.html").substitute(
            self.frame_values(title, head, body_class, main), popular=popular, recent=recent
        )

    def article_head(self, article: MockArticle) -> str:
        return (
            f'<meta name="description" content="{e(article.summary)}" />\n'
            f'<meta name="keywords" content="{e(", ".join(article.tags))}" />'
        )

    def article_main(self, article: MockArticle) -> str:
        related = "".join(
            f'<li><a href="{r.path}">{e(r.title)}</a> <span class="tgl">'
            f"{day_date_time_words(r.published)}</span></li>"
            for r in self.related(article, 4)
        )
        return template("klasik_article.html").substitute(
            self.article_values(article),
            published=day_date_time_words(article.published),
            tags=self.tag_links(article, " "),
            share=self.share(article, "share-box"),
            views=self.views(article),
            related=related,
        )

    def listing_main(self, listing: Listing) -> str:
        items = "".join(
            f'<div class="item"><a href="{a.path}"><img class="thumb" src="{a.image_path}" '
            f'alt="" /></a><h2><a href="{self.abs(a.path)}">{e(a.title)}</a></h2><span class="tgl">'
            f"{day_date_time_words(a.published)}</span><p>{e(a.summary)}</p></div>\n"
            for a in listing.articles
        )
        heading = f'<h1 class="judul-kanal">{self.listing_heading(listing)}</h1>'
        return f'{heading}\n<div class="list-berita">\n{items}</div>'

    def pagination(self, listing: Listing) -> str:
        links = []
        if listing.page < listing.pages:
            href = listing.path(listing.page + 1)
            links.append(f'<a href="{href}" rel="next">&laquo; Berita Sebelumnya</a>')
        if listing.page > 1:
            href = listing.path(listing.page - 1)
            links.append(f'<a href="{href}" rel="prev">Berita Berikutnya &raquo;</a>')
        return f'<div class="wp-pagenavi">{" ".join(links)}</div>' if links else ""
