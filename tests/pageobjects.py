"""Code page objects used by the recorded cases (``page = "tests.pageobjects:…"`` in a
case's ``site.toml``): what a site that needs more than selectors looks like."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cached_property
from typing import Any

from crawler.pages.article import ArticlePage


class ScriptDataPage(ArticlePage):
    """A client-rendered site: the HTML is an empty shell and the article lives only in
    the JSON of ``<script id="__NEXT_DATA__">`` (props.pageProps.post). Every field the
    JSON has comes from it; the rest (language, image, …) stays generic."""

    @cached_property
    def _post(self) -> dict[str, Any]:
        for script in self.tree.xpath("//script[@id='__NEXT_DATA__']/text()")[:1]:
            try:
                post = json.loads(script)["props"]["pageProps"]["post"]
            except (ValueError, KeyError, TypeError):
                return {}
            return post if isinstance(post, dict) else {}
        return {}

    @cached_property
    def title(self) -> str | None:
        return self._post.get("title") or super().title

    @cached_property
    def authors(self) -> list[str]:
        names = [a["name"] for a in self._post.get("authors", []) if a.get("name")]
        return names or super().authors

    @cached_property
    def published_at(self) -> datetime | None:
        return self.read_date(self._post.get("publishedAt")) or super().published_at

    @cached_property
    def body(self) -> str | None:
        paragraphs = [p.strip() for p in self._post.get("paragraphs", []) if p.strip()]
        return "\n".join(paragraphs) or super().body

    @cached_property
    def body_html(self) -> str | None:
        return None if self._post else super().body_html

    @cached_property
    def is_article(self) -> bool:
        return bool(self._post.get("paragraphs")) or super().is_article
