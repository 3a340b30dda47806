"""The headline: each source's text with site names cut off, and the vote among them.

A page states its headline several times (``<h1>``, JSON-LD ``headline``, ``og:title``,
``twitter:title``, ``<title>``), most of them with the outlet's name glued on. Each is
cut to the headline, then the sources vote.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
from lxml.html import HtmlElement

from crawler.pages.sources import Sources, type_names
from crawler.pages.texts import DOMAIN_NAME, INVISIBLE, fold, key, text_of, unescape, unique

__all__ = ["choose_title", "h1_texts", "page_text", "site_keys", "title_sources"]

_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•»/ㅣ]|::|--)\s+|\s*(?:\||--|::|»|ㅣ)\s*")
"""Between a headline and the site or section name. A middle dot or bullet separates only
with spaces around it: "A·B" is one phrase in Korean and Japanese headlines. "ㅣ" (a Hangul
letter) is the pipe of Korean sites ("Headline-정치ㅣ한국일보")."""
_TITLE_TAIL = re.compile(r"\s*[|\-–—:·•»/ㅣ]")
"""What may follow a headline that another source gives alone: "Headline-Section"."""
_TITLE_VOTES = {"h1": 1.0, "headline": 1.0, "og:title": 2.0}
"""Votes per headline source. og:title is the text the publisher chose to share; twitter:title
and ``<title>`` mostly copy another source, so they confirm an ``h1`` but do not vote.
(Measured on the eval sets: weighting the h1 half and og:title like the JSON-LD headline
gains 1 title in 257 on fundus/ and loses 4 in 121 on readability/.)"""
_TITLE_ORDER = ("h1", "headline", "og:title", "twitter:title", "title")
_TITLE_SPELLING = ("og:title", "headline", "title", "twitter:title", "h1")
"""Whose spelling wins among sources that differ only in quotes (curly or straight): the
shared text is usually typed once and curled by the theme for the visible ``h1``."""
_QUOTES = str.maketrans(dict.fromkeys("‘’‚‛", "'") | dict.fromkeys("“”„‟«»", '"'))
_TITLE_REPEAT_VOTE = 0.05
"""Per repeat of a headline in the page's markup (meta tags, share links, JSON, breadcrumbs):
a tie-break for the text a publisher uses throughout."""
_TITLE_REPEAT_CAP = 20
_SITE_NAME_WORDS = 5
_GLUED_PREFIX = re.compile(r"^\s*(?P<prefix>[^:|]{2,40}?)\s*:\s+(?=\S)")
"""A short part before a colon at the front: the outlet ("Kompas.com: …") or a rubric."""
_RUBRIC = re.compile(r"^\s*(?P<rubric>[^\W\d_a-z][^\W\d_a-z ]{1,20}(?: [^\W\d_a-z]+)?)\s*:\s+")
"""A rubric in capitals before the headline: "FOTO: …", "VIDEO: …", "BREAKING NEWS: …"."""
_PUBLIC_SUFFIX_LABELS = frozenset(
    {"com", "net", "org", "co", "id", "or", "go", "ac", "web", "my", "sch", "biz", "info",
     "news", "tv", "uk", "de", "it", "fr", "es", "nl", "au", "in", "jp", "kr", "cn"}
)  # fmt: skip
"""Labels that end a host name without naming the site ("co.id", "com", "or.id")."""


def domain_label(host: str) -> str:
    """The label that names the site in a host: "detik" in news.detik.com,
    "merahputihnews" in merahputihnews.co.id."""
    labels = [label for label in host.split(".") if label]
    while len(labels) > 1 and labels[-1] in _PUBLIC_SUFFIX_LABELS:
        labels.pop()
    return labels[-1] if labels else ""


def site_keys(sources: Sources, url: str) -> list[str]:
    """The site's names as keys (case-folded letters and digits): og:site_name,
    the publisher, the WebSite object, the host name and its domain's own label
    ("detik" for news.detik.com, not the generic "news")."""
    names = [sources.first_meta("og:site_name", "application-name", "apple-mobile-web-app-title")]
    publisher = sources.article.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        names.append(publisher["name"])
    names.extend(
        o["name"]
        for o in sources.objects
        if isinstance(o.get("name"), str) and {"website", "organization"} & type_names(o)
    )
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names += [host, domain_label(host)]
    keys = (key(n) for n in names if n)
    return unique([k for k in keys if len(k) >= 3])


def is_site_name(part: str, sites: list[str], *, suffix: bool = False) -> bool:
    """Whether a title part names the site: it is (part of) a site name or little more
    than one ("STERN.de"). A part after the headline (``suffix``) may also be a few
    words around a site name ("Die Neue Südtiroler Tageszeitung" on tageszeitung.it)
    or an outlet's domain ("Kompas.com Bola"). A longer part that mentions the site
    is headline text."""
    part_key = key(part)
    words = part.split()
    if suffix and 0 < len(words) <= 2 and DOMAIN_NAME.search(words[0]):
        return True
    short = suffix and len(words) <= _SITE_NAME_WORDS
    return len(part_key) >= 3 and any(
        part_key in site or (site in part_key and (2 * len(site) >= len(part_key) or short))
        for site in sites
    )


def strip_site_name(title: str, others: list[str], sites: list[str]) -> str:
    """``title`` without a site-name prefix or suffix ("Headline | Site", "Site: Headline").

    Everything from a suffix site name on goes ("Headline | Site | by Author"). The
    rest is also cut to another source's headline when it only adds a section to it:
    "Headline - Section - Site" or "Headline-Section" where the ``h1`` says "Headline".
    """
    # Each part's (start, end) in the title, between separators.
    bounds: list[tuple[int, int]] = []
    position = 0
    for separator in _TITLE_SEPARATORS.finditer(title):
        bounds.append((position, separator.start()))
        position = separator.end()
    bounds.append((position, len(title)))
    parts = [title[a:b] for a, b in bounds]
    glued = _GLUED_PREFIX.match(title)
    if glued is not None and (
        is_site_name(glued["prefix"], sites)
        or (len(glued["prefix"].split()) <= 2 and DOMAIN_NAME.search(glued["prefix"]))
    ):
        # "Outlet.com: Headline": the outlet glued on at the front, a colon after it.
        return strip_site_name(title[glued.end() :], others, sites)
    first, last = 0, len(parts)
    if last - first > 1 and is_site_name(parts[0], sites):
        first = 1
    site = next(
        (i for i in range(first + 1, last) if is_site_name(parts[i], sites, suffix=True)),
        None,
    )
    if site is not None:
        last = site
    if (first, last) != (0, len(parts)):
        title = title[bounds[first][0] : bounds[last - 1][1]].strip() or title
    for other in others:
        if (
            len(other) >= 0.4 * len(title)
            and title.startswith(other)
            and _TITLE_TAIL.match(title, len(other)) is not None
        ):
            return other
    return title


def h1_texts(tree: HtmlElement) -> list[str]:
    """The texts of the page's first ``<h1>`` elements (a logo's or a section's among them)."""
    return [t for t in (text_of(h) for h in tree.iterfind(".//body//h1")) if t][:5]


def _html_title(tree: HtmlElement) -> str | None:
    node = tree.find(".//title")
    return text_of(node) if node is not None else None


def title_sources(
    tree: HtmlElement, sources: Sources, sites: list[str], h1s: list[str]
) -> dict[str, str]:
    """Each source's headline (entities decoded, whitespace folded), site names removed."""
    headline = sources.article.get("headline")
    raw: dict[str, Any] = {
        "headline": headline if isinstance(headline, str) else None,
        "og:title": sources.first_meta("og:title"),
        "twitter:title": sources.first_meta("twitter:title"),
        "title": _html_title(tree),
    }
    metas = {name: unescape(value) for name, value in raw.items() if value}
    metas = {name: value for name, value in metas.items() if value}
    unescaped = [unescape(h) for h in h1s]
    others = [*unescaped, *metas.values()]
    found = {
        name: strip_site_name(value, [o for o in others if o != value], sites)
        for name, value in metas.items()
    }
    found = {name: _rubric_as_shown(value, unescaped) for name, value in found.items()}
    keys = {fold(v) for v in found.values()}
    # The h1 that the metadata confirms; some pages have a logo or section h1 first.
    h1 = next((h for h in unescaped if fold(h) in keys), unescaped[0] if unescaped else None)
    return {"h1": h1, **found} if h1 else found


def _rubric_as_shown(value: str, h1s: list[str]) -> str:
    """A rubric ("FOTO: ", "VIDEO: ") as the page's own headline element shows it: kept
    when an ``h1`` has it, dropped when an ``h1`` shows the headline without it, and
    added when an ``h1`` shows it before the same headline."""
    rubric = _RUBRIC.match(value)
    for h1 in h1s:
        if rubric is not None and fold(h1) == fold(value[rubric.end() :]):
            return h1
        shown = _RUBRIC.match(h1)
        if rubric is None and shown is not None and fold(h1[shown.end() :]) == fold(value):
            return h1
    return value


_SERIALIZED_ESCAPES = (
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#10;", "\n"),
    ("&#13;", "\r"),
    ("&#9;", "\t"),
    ("&amp;", "&"),
)
"""Every escape lxml's serialization writes, ``&amp;`` last: undoing them in this order
gives the parsed text back exactly, as ``html.unescape`` would, in a fraction of its time."""


def page_text(tree: HtmlElement) -> str:
    """The page's markup with entities decoded and whitespace folded (to count repeats).

    Built with ``str`` methods: a regex substitution over a megabyte of markup costs
    tens of milliseconds, more than the rest of the title's work."""
    markup = lxml.etree.tostring(tree, encoding="unicode")
    for escaped, char in _SERIALIZED_ESCAPES:
        if escaped in markup:
            markup = markup.replace(escaped, char)
    return " ".join(markup.split())


def choose_title(
    candidates: dict[str, str], markup: Callable[[], str]
) -> tuple[str, list[str]] | None:
    """The headline the sources agree on, and the sources that voted for it.

    Sources whose texts differ only in quotes form one candidate. Each source votes
    for its candidate (``_TITLE_VOTES``), and each repeat of the text in the page
    (``markup``, asked only when there is a choice) adds a little (``_TITLE_REPEAT_VOTE``);
    a visible ``h1`` that no metadata confirms is ignored when metadata exists (it may be
    the logo or a section name). Ties go to the visible headline, then the structured one.
    """
    if not candidates:
        return None
    groups: dict[str, list[str]] = {}
    for name, value in candidates.items():
        groups.setdefault(fold(value).translate(_QUOTES), []).append(name)
    if any(set(names) - {"h1"} for names in groups.values()):
        groups = {k: names for k, names in groups.items() if set(names) - {"h1"}}
    text = markup() if len(groups) > 1 else ""

    def spelling(names: list[str]) -> str:
        """The group's spelling (curly or straight quotes) most of its sources use."""
        counts = Counter(fold(candidates[n]) for n in names)
        return candidates[
            max(names, key=lambda n: (counts[fold(candidates[n])], -_TITLE_SPELLING.index(n)))
        ]

    def score(names: list[str]) -> tuple[float, int]:
        votes = sum(_TITLE_VOTES.get(n, 0.0) for n in names)
        repeats = min(text.count(spelling(names)), _TITLE_REPEAT_CAP) if text else 0
        return votes + _TITLE_REPEAT_VOTE * repeats, -min(_TITLE_ORDER.index(n) for n in names)

    winner = max(groups.values(), key=score)
    # Invisible characters (zero-width spaces, soft hyphens) are not part of a headline.
    return INVISIBLE.sub("", spelling(winner)).strip(), winner
