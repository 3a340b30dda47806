"""WordPress's query-string URLs ("Plain" permalinks) classified by shape: ``/?p=123``
is a post, ``/?page_id=2`` a page (an outlet's "Redaksi"), ``/?cat=3`` a listing."""

from __future__ import annotations

import pytest

from crawler.discovery.urls import UrlKind, classify_url


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://x.id/?p=123", UrlKind.ARTICLE),
        ("https://x.id/index.php?p=123", UrlKind.ARTICLE),
        ("https://x.id/?p=123&page=2", UrlKind.ARTICLE),  # a post's second page
        ("https://x.id/?page_id=2", UrlKind.OTHER),
        ("https://x.id/?attachment_id=7", UrlKind.OTHER),
        ("https://x.id/?p=123&replytocom=5", UrlKind.OTHER),
        ("https://x.id/?feed=rss2", UrlKind.OTHER),
        ("https://x.id/?rest_route=/wp/v2/posts", UrlKind.OTHER),
        ("https://x.id/?p=123&preview=true", UrlKind.OTHER),
        ("https://x.id/?p=abc", UrlKind.OTHER),
        ("https://x.id/?cat=3", UrlKind.LISTING),
        ("https://x.id/?paged=2", UrlKind.LISTING),
        ("https://x.id/?m=202312", UrlKind.LISTING),
        ("https://x.id/", UrlKind.LISTING),
        # Elsewhere than the front script, ?p= is no WordPress post id.
        ("https://x.id/berita?p=2", UrlKind.OTHER),
    ],
)
def test_wordpress_query_urls(url: str, kind: UrlKind) -> None:
    assert classify_url(url) is kind


def test_a_sites_article_pattern_decides_alone() -> None:
    assert classify_url("https://x.id/?p=123", article_pattern=r"/berita/\d+") is UrlKind.OTHER
    assert classify_url("https://x.id/?p=123", article_pattern=r"\?p=\d+") is UrlKind.ARTICLE
