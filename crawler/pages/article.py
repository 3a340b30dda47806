"""The generic article page object: every Article field from one fetched page.

The page is decoded and parsed once; the tree is shared by the structured
sources (JSON-LD, meta tags, microdata), the visible headline and byline, and
trafilatura's body extraction. Each field combines its sources by strength
(publisher's structured data first, visible page next, text heuristics last)
and is computed lazily, so a caller that only needs ``is_article`` pays little.
Site-specific page objects subclass this and override only what differs.
"""

from __future__ import annotations

import codecs
import copy
import html
import itertools
import logging
import re
import unicodedata
from collections import Counter
from datetime import datetime, tzinfo
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lxml.etree
import lxml.html
from htmldate import find_date as htmldate_find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.xml import xmltotxt
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    read_bom,
    resolve_encoding,
)

from crawler.pages import ExtractionError
from crawler.pages.cleanup import (
    Cleaned,
    clean_paragraphs,
    credit_names,
    is_desk_name,
    split_dateline,
    split_names,
)
from crawler.pages.dates import find_date, parse_date
from crawler.pages.overrides import Selectors, parse_selectors
from crawler.pages.sources import ARTICLE_TYPES, LISTING_TYPES, Sources, as_list, read_sources
from kabar.core.article import ARTICLE_FIELDS
from kabar.core.html import sanitize_tree
from kabar.core.text import strip_controls
from kabar.core.urls import join_url

__all__ = ["MAX_ELEMENTS", "MAX_HTML_CHARS", "ArticlePage", "parse_html"]

logger = logging.getLogger(__name__)

MAX_HTML_CHARS = 15_000_000
"""Pages larger than this are refused: no news article is that big."""
MAX_ELEMENTS = 60_000
"""Trees with more elements are refused: the body extractor would take seconds on them."""

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_DOCTYPE = re.compile(r"^\s*<!DOCTYPE[^>]*>", re.I)
# trafilatura's own parser settings: its heuristics were tuned on trees parsed like this.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)
_SPACE = re.compile(r"\s+")
_MIN_REPEAT_CHARS = 50
"""trafilatura drops a block equal to the previous one when it is longer than this."""
_MIN_LINK_CHARS = 15
# "MORE: ", "Lesen Sie auch | ", "- ": a label of up to four words, or a bullet.
_LINK_LABEL = re.compile(r"^(?:[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,3} ?[:|]|[-–•>»]+)\s*")
_MIN_ASIDE_PART = 25
"""A line this long (in letters and digits) found inside an aside's text belongs to it."""
_ASIDE_NAME = re.compile(
    r"(?<![a-z])(?:caption|factbox|infobox|facts?|bio|tweet|disclaimer)(?![a-z])", re.I
)
"""Class words of containers whose text is not the story's (``<figcaption>`` too)."""
_ASIDE_XPATH = lxml.etree.XPath(
    "//body//figcaption | //body//*[@class]["
    + " or ".join(
        f"contains(@class, '{word}')"
        for word in ("caption", "fact", "infobox", "bio", "tweet", "disclaimer")
    )
    + "]"
)
"""A fast first pass for :data:`_ASIDE_NAME` (class names are written in lower case)."""
_TRUNCATION = re.compile(r"\s*(?:\[…\]|\[\.\.\.\]|…|\.\.\.)\s*$")
_WORDS = re.compile(r"\w+")
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
_TAG_LINK_XPATH = (
    "//body//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')"
    " and not(contains(@rel, 'category'))]"
)
"""WordPress tag links; its category links say ``rel="category tag"``."""
_FIGURE_IMAGE_XPATH = "//body//article//img | //body//figure//img"
_NOT_A_PICTURE = re.compile(r"logo|icon|avatar|gravatar|emoji|banner|iklan|\bads?\b|pixel")
_SITE_NAME_WORDS = 5
_DOMAIN_NAME = re.compile(r"\w\.(?:com|co|id|net|org|news|tv)\b", re.I)
"""An outlet's domain in a name ("Kompas.com Bola", "Liputan6.com", "VIVA.co.id")."""
EARLIEST_YEAR = 1990
"""No news page was published on the web before this year."""
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_DATED_PERMALINK = re.compile(r"/(?:19|20)\d\d/[01]?\d/(?:[0-3]?\d/)?(?P<slug>[^/]+)/?$")
"""A post's own address: /2023/07/17/some-slug/ (WordPress and most news sites); the
archive of a day or month (/2023/07/17/) has no slug."""
_LISTING_PATH = re.compile(
    r"/(?:tag|tags|category|kategori|categories|author|penulis|topic|topik|label|search|"
    r"cari|indeks|index|arsip|archive|page)(?:/|$)|[?&](?:s|q|search)=",
    re.I,
)
_LISTING_BODY_CLASSES = frozenset(
    {"archive", "category", "tag", "author", "search", "home", "blog", "paged", "search-results"}
)
_ARTICLE_BODY_CLASSES = frozenset({"single", "single-post", "single-format-standard"})
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "date",
    "content_publish_date",
    "article:published",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article.updated",
    "dcterms.modified",
    "last-modified",
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
_BYLINE_XPATH = (
    "//body//*[contains(@class, 'author-name') or contains(@class, 'byline__name')"
    " or contains(@class, 'author__name') or @class='byline' or @class='author']"
)
_LABEL_XPATH = "//body//text()[contains(., ':')][not(parent::script or parent::style)]"
_BYLINE_LABEL = re.compile(
    r"^\s*(?:penulis|reporter|pewarta|wartawan|kontributor|writer|written by)\s*:", re.I
)
_CATEGORY_LINK_XPATH = "//body//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
_BREADCRUMB_XPATH = "//body//*[contains(@class, 'breadcrumb') or contains(@id, 'breadcrumb')][.//a]"
_BAD_AUTHOR = re.compile(
    r"https?://|www\.|@|\d{3,}|^(?:admin|administrator|redaksi|staff)$"
    # A company, not a person: "PT. VIVA MEDIA BARU" (an outlet's domain: _DOMAIN_NAME).
    r"|^(?:PT|CV)\b\.?\s",
    re.I,
)


def _decode(html: str | bytes, encoding: str | None) -> str:
    """Bytes to text, trusting the bytes over a declaration they contradict.

    Sites lie about their charset: UTF-8 pages declare ISO-8859-1, and windows-1252
    pages declare UTF-8. Bytes that are valid UTF-8 with non-ASCII characters are
    UTF-8 whatever the page says (text in another encoding almost never is); bytes
    that are not UTF-8 at all, on a page that claims UTF-8, are windows-1252.
    """
    if isinstance(html, str):
        return html
    if read_bom(html)[0] is not None:
        return html_to_unicode(None, html)[1]
    declared = _known_encoding(encoding)
    if declared is None:
        declared = _known_encoding(html_body_declared_encoding(html))
        # A <meta> cannot be read in UTF-16/32 unless the page is not: the label is wrong.
        declared = None if declared and declared.startswith("utf-16") else declared
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and (declared in (None, "utf-8") or not text.isascii()):
        return text
    if text is None and declared in (None, "utf-8"):
        loose = html.decode("utf-8", errors="replace")
        # A few bad bytes in a UTF-8 page stay replacement characters.
        if any(ord(c) > 0x7F and c != "\ufffd" for c in loose):
            return loose
        return html.decode("cp1252", errors="replace")
    return html.decode(declared or "utf-8", errors="replace")


def _known_encoding(label: str | None) -> str | None:
    if not label:
        return None
    resolved = resolve_encoding(label)
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name.replace("_", "-")
    except LookupError:
        return None


def parse_html(html: str | bytes, *, encoding: str | None = None) -> HtmlElement:
    """Decode and parse a page; :class:`ExtractionError` when there is nothing to parse."""
    if len(html) > MAX_HTML_CHARS:
        raise ExtractionError(f"page too large ({len(html)} > {MAX_HTML_CHARS})")
    text = strip_controls(_XML_DECLARATION.sub("", _decode(html, encoding)))
    text = _DOCTYPE.sub("", text, count=1)
    if not text.strip():
        raise ExtractionError("empty page")
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not parseable as HTML: {exc}") from exc
    if not isinstance(tree, HtmlElement):
        raise ExtractionError("not an HTML document")
    if sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        raise ExtractionError(f"page has more than {MAX_ELEMENTS} elements")
    return tree


def _norm(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _text(node: HtmlElement) -> str:
    return _norm(node.text_content())


def _fold(text: str) -> str:
    """Text as readers compare it: NFKC, no invisible characters, whitespace folded."""
    return _norm(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _unescape(text: str) -> str:
    """Metadata escaped twice ("&amp;#8216;") still carries entities once lxml decoded it."""
    return _norm(html.unescape(text) if "&" in text else text)


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            result.append(value)
    return result


def _names_of(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, Person, list of them)."""
    names: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            names.extend(split_names(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.extend(split_names(item["name"]))
    return names


def _strings(value: Any) -> list[str]:
    result: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            result.append(item)
        elif isinstance(item, dict):
            for key in ("name", "url", "@id"):
                if isinstance(item.get(key), str):
                    result.append(item[key])
                    break
    return result


class ArticlePage:
    """Article fields of one page; every property is computed once, on first use.

    Construction decodes and parses the page and raises :class:`ExtractionError`
    if that is impossible; the properties themselves never raise. ``selectors``
    (field -> CSS or "xpath:…", from the site's ``sites.toml`` entry) win over the
    generic sources for their fields; a field whose selector found nothing is listed
    in :attr:`selector_misses` and extracted generically.
    """

    def __init__(
        self,
        url: str,
        html: str | bytes,
        *,
        timezone: str = "Asia/Jakarta",
        language: str | None = None,
        fetched_at: datetime | None = None,
        encoding: str | None = None,
        selectors: Selectors | None = None,
    ) -> None:
        self.url = url
        try:
            self.selectors = parse_selectors(selectors)
        except ValueError as exc:
            raise ExtractionError(f"{url}: {exc}") from None
        self.selector_misses: list[str] = []
        try:
            self.tz: tzinfo = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ExtractionError(f"{url}: unknown time zone {timezone!r}") from exc
        self.site_language = language
        self.fetched_at = fetched_at
        try:
            self.tree = parse_html(html, encoding=encoding)
        except ExtractionError as exc:
            raise ExtractionError(f"{url}: {exc}") from None
        self.sources: Sources = read_sources(self.tree)

    # --- per-site selectors -------------------------------------------------

    @property
    def selected_fields(self) -> set[str]:
        """The fields the site's selectors supplied (of those computed so far)."""
        return set(self.selectors) - set(self.selector_misses)

    def _selected_nodes(self, field: str) -> list[HtmlElement | str] | None:
        """What the site's selector for ``field`` finds; None without a selector, and
        a miss is recorded when it finds nothing."""
        selector = self.selectors.get(field)
        if selector is None:
            return None
        found = selector.select(self.tree)
        if not found:
            self.selector_misses.append(field)
        return found

    def _selected(self, field: str) -> list[str] | None:
        """The texts the site's selector for ``field`` finds (None: no selector or no match)."""
        nodes = self._selected_nodes(field)
        if nodes is None:
            return None
        texts = [_norm(n) if isinstance(n, str) else _text(n) for n in nodes]
        texts = [t for t in texts if t]
        if nodes and not texts:
            self.selector_misses.append(field)
        return texts or None

    def _selected_first(self, field: str) -> str | None:
        texts = self._selected(field)
        return texts[0] if texts else None

    def _selected_date(self, field: str) -> datetime | None:
        texts = self._selected(field)
        if texts is None:
            return None
        found = next((d for d in (self._date(t) for t in texts) if d is not None), None)
        if found is None:
            self.selector_misses.append(field)
        return found

    # --- body ---------------------------------------------------------------

    @cached_property
    def _extracted(self) -> lxml.etree._Element | None:
        """trafilatura's main-content tree (its XML dialect), or None.

        With a body selector, trafilatura reads only what it selects; when that holds no
        text (a stale selector), the whole page, and the miss is recorded."""
        nodes = [n for n in self._selected_nodes("body") or [] if not isinstance(n, str)]
        if nodes:
            selected = lxml.html.fromstring("<html><body></body></html>")
            selected[0].extend(copy.deepcopy(n) for n in nodes)
            body = self._trafilatura(selected)
            if body is not None and "".join(body.itertext()).strip():
                return body
        if "body" in self.selectors and "body" not in self.selector_misses:
            self.selector_misses.append("body")
        return self._trafilatura(self.tree)

    def _trafilatura(self, tree: HtmlElement) -> lxml.etree._Element | None:
        try:
            document = bare_extraction(
                tree,
                url=self.url,
                with_metadata=False,
                include_comments=False,
                include_tables=True,
                include_formatting=False,
            )
        except Exception as exc:  # a bug in the extractor must not lose the page
            logger.warning("body extraction failed for %s: %r", self.url, exc)
            return None
        return None if document is None or isinstance(document, dict) else document.body

    @cached_property
    def _blocks(self) -> list[tuple[lxml.etree._Element, list[str]]]:
        """Top-level content blocks with their text lines."""
        body = self._extracted
        if body is None:
            return []
        blocks = []
        for child in body:
            lines = [_norm(line) for line in xmltotxt(child, False).split("\n")]
            blocks.append((child, [line for line in lines if line]))
        return self._restore_repeats(blocks)

    def _restore_repeats(
        self, blocks: list[tuple[lxml.etree._Element, list[str]]]
    ) -> list[tuple[lxml.etree._Element, list[str]]]:
        """Put back paragraphs the page really repeats, which trafilatura keeps once.

        trafilatura drops a block that repeats the one before it (an artifact of
        overlapping candidates, usually); when the page itself has that paragraph
        several times side by side in one container, the copies are the text.
        """
        wanted = self._sibling_repeats
        if not wanted:
            return blocks
        keys = [_key(" ".join(lines)) for _, lines in blocks]
        have: dict[str, int] = {}
        for key in keys:
            have[key] = have.get(key, 0) + 1
        result = []
        for (element, lines), key in zip(blocks, keys, strict=True):
            result.append((element, lines))
            missing = wanted.get(key, 0) - have.get(key, 0)
            if missing > 0 and key:
                result.extend((copy.deepcopy(element), lines) for _ in range(missing))
                have[key] = wanted[key]
        return result

    @cached_property
    def _sibling_repeats(self) -> dict[str, int]:
        """Paragraph key -> how often one container holds that paragraph (at most).

        Only paragraphs long enough for trafilatura's duplicate filter to drop.
        """
        groups: dict[HtmlElement, dict[str, int]] = {}
        for element in self.tree.iter("p", "div"):
            if element.tag == "div" and len(element):
                continue
            text = element.text_content()
            parent = element.getparent()
            if parent is not None and len(text) > _MIN_REPEAT_CHARS:
                counts = groups.setdefault(parent, {})
                key = _key(text)
                counts[key] = counts.get(key, 0) + 1
        repeats: dict[str, int] = {}
        for counts in groups.values():
            for key, count in counts.items():
                if count > 1:
                    repeats[key] = max(count, repeats.get(key, 0))
        return repeats

    @cached_property
    def _cleaned(self) -> Cleaned:
        paragraphs = self._confirmed_by_article_body(
            [line for _, lines in self._blocks for line in lines]
        )
        paragraphs = self._without_asides(self._without_link_teasers(paragraphs))
        headlines = {h.casefold() for h in (*self._h1s, *self._meta_titles) if len(h) >= 15}
        names = {n.casefold() for n in _names_of(self.sources.article.get("author"))}
        names.update(n.casefold() for n in self._meta_authors())
        return clean_paragraphs(
            paragraphs, headlines=headlines, names=names, site_names=self._site_keys
        )

    @cached_property
    def _link_keys(self) -> set[str]:
        """Keys of the page's link texts (links within the page itself excepted)."""
        keys = set()
        for anchor in self.tree.iterfind(".//body//a"):
            if (anchor.get("href") or "#").startswith("#"):
                continue
            text = anchor.text_content()
            if len(text) >= _MIN_LINK_CHARS:
                keys.add(_key(text))
        return keys

    def _without_link_teasers(self, paragraphs: list[str]) -> list[str]:
        """Blank labelled links to other pages: "MORE: <headline>", "- <headline>".

        A line that is a short label (or a list bullet) followed by nothing but
        a link's text points elsewhere; bare link lines stay (sites put real
        subheadings and lists of sources in links).
        """
        links = self._link_keys
        result = []
        for line in paragraphs:
            rest = _LINK_LABEL.sub("", line, count=1)
            teaser = rest != line and len(rest.split()) >= 3 and _key(rest) in links
            result.append("" if teaser else line)
        return result

    @cached_property
    def _aside_texts(self) -> list[str]:
        """Keys of the texts of captions, fact boxes, author bios and embedded posts.

        Containers are recognised by their class words; one that holds a
        third of the extracted text or more is a page wrapper, not an aside.
        """
        limit = sum(len(_key(line)) for _, lines in self._blocks for line in lines) / 3
        texts: list[str] = []
        for element in _ASIDE_XPATH(self.tree):
            if not isinstance(element, HtmlElement):
                continue
            if element.tag != "figcaption" and not _ASIDE_NAME.search(element.get("class", "")):
                continue
            whole = _key(element.text_content())
            if whole and len(whole) <= limit:
                texts.append(whole)
        return texts

    def _without_asides(self, paragraphs: list[str]) -> list[str]:
        """Blank lines that are an aside's text, or a long enough part of it."""
        asides = self._aside_texts
        if not asides:
            return paragraphs
        whole = set(asides)
        joined = "\n".join(asides)
        result = []
        for line in paragraphs:
            key = _key(line)
            aside = key in whole or (len(key) >= _MIN_ASIDE_PART and key in joined)
            result.append("" if line and aside else line)
        return result

    def _confirmed_by_article_body(self, paragraphs: list[str]) -> list[str]:
        """Blank out lines absent from the publisher's own ``articleBody`` (boilerplate).

        Only when ``articleBody`` covers most of the extracted text: a teaser-length
        ``articleBody`` says nothing about the rest. Blanked lines keep their index.
        """
        reference = self.sources.article.get("articleBody")
        if not isinstance(reference, str) or len(reference) < 500:
            return paragraphs
        words = set(_WORDS.findall(reference.casefold()))
        line_words = [_WORDS.findall(line.casefold()) for line in paragraphs]
        total = sum(len(w) for w in line_words)
        covered = sum(sum(1 for w in ws if w in words) for ws in line_words)
        if not total or covered / total < 0.6:
            return paragraphs
        return [
            line if not ws or sum(1 for w in ws if w in words) / len(ws) >= 0.5 else ""
            for line, ws in zip(paragraphs, line_words, strict=True)
        ]

    @cached_property
    def _standfirst(self) -> str | None:
        """The summary the page shows at the head of the article, when the extractor left it out.

        The publisher's description counts when the body does not already say it
        and an element inside the page's ``<article>`` (not a caption or an aside)
        shows it; the text is that element's, which is never cut off.
        """
        paragraphs = self._cleaned.paragraphs
        if not paragraphs:
            return None
        candidates = (
            self.sources.article.get("description"),
            self.sources.first_meta("og:description", "description", "twitter:description"),
        )
        body_words = _WORDS.findall(" ".join(paragraphs).casefold())
        body_grams = set(zip(*(body_words[i:] for i in range(4)), strict=False))
        for candidate in candidates:
            if not isinstance(candidate, str):
                continue
            description = _unescape(candidate)
            words = _WORDS.findall(description.casefold())
            if len(words) < 8:
                continue
            grams = list(zip(*(words[i:] for i in range(4)), strict=False))
            if sum(g in body_grams for g in grams) > 0.2 * len(grams):
                return None  # the body has it (an excerpt, or the lead paragraph)
            shown = self._shown_in_article(description)
            if shown is not None:
                return shown
        return None

    def _shown_in_article(self, description: str) -> str | None:
        """The text of the element inside ``<article>`` that shows ``description``."""
        want = _key(_TRUNCATION.sub("", description))
        try:
            found = self.tree.xpath(
                "//body//article//text()[contains(., $s)]"
                "[not(ancestor::figure or ancestor::figcaption or ancestor::aside"
                " or ancestor::script or ancestor::style or ancestor::noscript)]",
                s=description[:40],
            )
        except lxml.etree.XPathError:
            return None
        for text in found[:5] if isinstance(found, list) else ():
            element = text.getparent() if hasattr(text, "getparent") else None
            if element is not None and getattr(text, "is_tail", False):
                element = element.getparent()
            while element is not None and element.tag != "article":
                content = _norm(element.text_content())
                if len(content) > 1.3 * len(description) + 20:
                    break
                key = _key(content)
                if key == want or (len(want) > 60 and key.startswith(want)):
                    return content
                element = element.getparent()
        return None

    @cached_property
    def body(self) -> str | None:
        """Plain text, one paragraph per line."""
        text = "\n".join(self._cleaned.paragraphs)
        if text and self._standfirst:
            text = f"{self._standfirst}\n{text}"
        if text:
            return text
        fallback = self.sources.article.get("articleBody")
        return _norm(fallback) if isinstance(fallback, str) and fallback.strip() else None

    @cached_property
    def body_html(self) -> str | None:
        """Sanitized HTML of the kept blocks, links and images absolute."""
        if not self._blocks:
            return None
        kept = set(self._cleaned.kept)
        container = lxml.etree.Element("div")
        index = 0
        for element, lines in self._blocks:
            span = range(index, index + len(lines))
            index += len(lines)
            if lines and any(i in kept for i in span):
                container.append(element)
        if not len(container):
            return None
        self._strip_dateline(container[0])
        self._strip_credit(container[-1])
        if self._standfirst:
            standfirst = lxml.etree.Element("p")
            standfirst.text = self._standfirst
            container.insert(0, standfirst)
        converted = convert_to_html(container)[0]
        converted.tag = "div"
        markup = lxml.etree.tostring(converted, encoding="unicode")
        fragment = lxml.html.fragment_fromstring(markup)
        return sanitize_tree(fragment, self.url) or None

    def _strip_dateline(self, first: lxml.etree._Element) -> None:
        """Remove the dateline prefix the text body lost from the first block too."""
        cleaned = self._cleaned
        if cleaned.location is None or not cleaned.kept or first.text is None:
            return
        original = [line for _, lines in self._blocks for line in lines][cleaned.kept[0]]
        prefix = original[: len(original) - len(cleaned.paragraphs[0])]
        text = first.text.lstrip()
        if prefix and original.endswith(cleaned.paragraphs[0]) and _norm(text).startswith(prefix):
            first.text = (
                text[len(prefix) :] if text.startswith(prefix) else _norm(text)[len(prefix) :]
            )

    def _strip_credit(self, last: lxml.etree._Element) -> None:
        """Remove the credit suffix ("... berikutnya. (afz)") the text body lost from the
        last block too."""
        cleaned = self._cleaned
        if not cleaned.kept or not cleaned.paragraphs:
            return
        original = [line for _, lines in self._blocks for line in lines][cleaned.kept[-1]]
        ending = cleaned.paragraphs[-1]
        # The paragraph may also have lost a dateline in front (a one-paragraph story).
        at = original.find(ending)
        suffix = original[at + len(ending) :].strip() if at >= 0 else ""
        if not suffix:
            return
        texts = [t for t in last.xpath(".//text()") if t.strip()]
        if not texts:
            return
        node, text = texts[-1].getparent(), texts[-1].rstrip()
        if node is None or not text.endswith(suffix):
            return
        value = text[: -len(suffix)].rstrip()
        if texts[-1].is_tail:
            node.tail = value
        else:
            node.text = value

    @cached_property
    def lead(self) -> str | None:
        """The standfirst: the publisher's description when it is one, else the first paragraph.

        WordPress fills the description with the opening words of the body (dateline
        included, cut off with "[…]"): that is an excerpt, and the cleaned first
        paragraph says the same without the dateline and the cut.
        """
        selected = self._selected_first("lead")
        if selected is not None:
            return selected
        first = self._cleaned.paragraphs[0] if self._cleaned.paragraphs else None
        description = self.sources.article.get("description")
        if not isinstance(description, str):
            description = self.sources.first_meta("og:description", "description")
        description = _norm(description)
        if len(description) < 20:
            return first
        _, description = split_dateline(description, site_names=self._site_keys)
        story = "\n".join(self._cleaned.paragraphs)
        if first is not None and _is_excerpt_of(description, story or first):
            return first
        return description

    @cached_property
    def location(self) -> str | None:
        """The dateline place, e.g. "Tanjung Lago"."""
        selected = self._selected_first("location")
        return selected if selected is not None else self._cleaned.location

    # --- title --------------------------------------------------------------

    @cached_property
    def _site_keys(self) -> list[str]:
        """The site's names as keys (case-folded letters and digits): og:site_name,
        the publisher, the WebSite object, the host name and its domain's own label
        ("detik" for news.detik.com, not the generic "news")."""
        names = [
            self.sources.first_meta(
                "og:site_name", "application-name", "apple-mobile-web-app-title"
            )
        ]
        publisher = self.sources.article.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
        names.extend(
            o["name"]
            for o in self.sources.objects
            if isinstance(o.get("name"), str) and {"website", "organization"} & set(_types(o))
        )
        host = (urlsplit(self.url).hostname or "").removeprefix("www.")
        names += [host, _domain_label(host)]
        keys = (_key(n) for n in names if n)
        return _unique([k for k in keys if len(k) >= 3])

    def _is_site_name(self, part: str, *, suffix: bool = False) -> bool:
        """Whether a title part names the site: it is (part of) a site name or little more
        than one ("STERN.de"). A part after the headline (``suffix``) may also be a few
        words around a site name ("Die Neue Südtiroler Tageszeitung" on tageszeitung.it)
        or an outlet's domain ("Kompas.com Bola"). A longer part that mentions the site
        is headline text."""
        key = _key(part)
        words = part.split()
        if suffix and 0 < len(words) <= 2 and _DOMAIN_NAME.search(words[0]):
            return True
        short = suffix and len(words) <= _SITE_NAME_WORDS
        return len(key) >= 3 and any(
            key in site or (site in key and (2 * len(site) >= len(key) or short))
            for site in self._site_keys
        )

    def _strip_site_name(self, title: str, others: list[str]) -> str:
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
        first, last = 0, len(parts)
        if last - first > 1 and self._is_site_name(parts[0]):
            first = 1
        site = next(
            (i for i in range(first + 1, last) if self._is_site_name(parts[i], suffix=True)),
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

    @cached_property
    def _h1s(self) -> list[str]:
        return [t for t in (_text(h) for h in self.tree.iterfind(".//body//h1")) if t][:5]

    @cached_property
    def title_sources(self) -> dict[str, str]:
        """Each source's headline (entities decoded, whitespace folded), site names removed:
        the candidates :attr:`title` chooses from, public for diagnostics and benchmarks."""
        headline = self.sources.article.get("headline")
        raw = {
            "headline": headline if isinstance(headline, str) else None,
            "og:title": self.sources.first_meta("og:title"),
            "twitter:title": self.sources.first_meta("twitter:title"),
            "title": self._html_title,
        }
        metas = {name: _unescape(value) for name, value in raw.items() if value}
        metas = {name: value for name, value in metas.items() if value}
        h1s = [_unescape(h) for h in self._h1s]
        others = [*h1s, *metas.values()]
        found = {
            name: self._strip_site_name(value, [o for o in others if o != value])
            for name, value in metas.items()
        }
        keys = {_fold(v) for v in found.values()}
        # The h1 that the metadata confirms; some pages have a logo or section h1 first.
        h1 = next((h for h in h1s if _fold(h) in keys), h1s[0] if h1s else None)
        return {"h1": h1, **found} if h1 else found

    @cached_property
    def _meta_titles(self) -> list[str]:
        return [v for k, v in self.title_sources.items() if k != "h1"]

    @cached_property
    def title(self) -> str | None:
        """The headline the page's sources agree on.

        Sources whose texts differ only in quotes form one candidate. Each source votes
        for its candidate (``_TITLE_VOTES``), and each repeat of the text in the page
        adds a little (``_TITLE_REPEAT_VOTE``); a visible ``h1`` that no metadata
        confirms is ignored when metadata exists (it may be the logo or a section
        name). Ties go to the visible headline, then the structured one.
        """
        selected = self._selected_first("title")
        if selected is not None:
            return selected
        sources = self.title_sources
        if not sources:
            return None
        groups: dict[str, list[str]] = {}
        for name, value in sources.items():
            groups.setdefault(_fold(value).translate(_QUOTES), []).append(name)
        if any(set(names) - {"h1"} for names in groups.values()):
            groups = {k: names for k, names in groups.items() if set(names) - {"h1"}}
        page_text = self._page_text if len(groups) > 1 else ""

        def spelling(names: list[str]) -> str:
            """The group's spelling (curly or straight quotes) most of its sources use."""
            counts = Counter(_fold(sources[n]) for n in names)
            return sources[
                max(names, key=lambda n: (counts[_fold(sources[n])], -_TITLE_SPELLING.index(n)))
            ]

        def score(names: list[str]) -> tuple[float, int]:
            votes = sum(_TITLE_VOTES.get(n, 0.0) for n in names)
            repeats = min(page_text.count(spelling(names)), _TITLE_REPEAT_CAP) if page_text else 0
            return votes + _TITLE_REPEAT_VOTE * repeats, -min(_TITLE_ORDER.index(n) for n in names)

        # Invisible characters (zero-width spaces, soft hyphens) are not part of a headline.
        return _INVISIBLE.sub("", spelling(max(groups.values(), key=score))).strip()

    @cached_property
    def _page_text(self) -> str:
        """The page's markup with entities decoded and whitespace folded (to count repeats)."""
        markup = lxml.etree.tostring(self.tree, encoding="unicode")
        return _SPACE.sub(" ", html.unescape(markup))

    @cached_property
    def _html_title(self) -> str | None:
        node = self.tree.find(".//title")
        return _text(node) if node is not None else None

    # --- people and labels --------------------------------------------------

    @cached_property
    def authors(self) -> list[str]:
        """Structured authors, else meta/byline, else names credited in the text."""
        selected = self._selected("authors")
        if selected is not None:
            named = _unique([n for t in selected for n in split_names(t) if self._is_name(n)])
            if named:
                return named
            self.selector_misses.append("authors")
        for names in (
            _names_of(self.sources.article.get("author")),
            self._meta_authors(),
            self._byline_authors(),
            self._cleaned.credited,
        ):
            cleaned = _unique([n for n in (_norm(x) for x in names) if self._is_name(n)])
            if cleaned:
                return cleaned
        return []

    def _is_name(self, name: str) -> bool:
        return (
            bool(name)
            and len(name) <= 60
            and not _BAD_AUTHOR.search(name)
            and not _DOMAIN_NAME.search(name)
            and not is_desk_name(name)
        )

    def _meta_authors(self) -> list[str]:
        names: list[str] = []
        for key in _AUTHOR_META:
            for value in self.sources.meta.get(key, ()):
                if not _BAD_AUTHOR.search(value):  # article:author is often a profile URL
                    names.extend(split_names(value))
            if names:
                break
        return names

    def _byline_authors(self) -> list[str]:
        names: list[str] = []
        for node in self.sources.microdata.get("author", [])[:3]:
            inner = node.find(".//*[@itemprop='name']")
            value = (inner if inner is not None else node).get("content")
            names.extend(split_names(value or _text(inner if inner is not None else node)))
        if not names:
            for node in self.tree.xpath("//body//a[@rel='author']")[:3]:
                names.extend(split_names(_text(node)))
        if not names:
            for node in self.tree.xpath(_BYLINE_XPATH)[:2]:
                text = _text(node)
                if 2 < len(text) <= 60:
                    names.extend(split_names(text))
        if not names:
            names = self._labelled_byline()
        return names

    def _labelled_byline(self) -> list[str]:
        """Names after a "Reporter:" / "Penulis:" label outside the body text."""
        labelled = (t for t in self.tree.xpath(_LABEL_XPATH) if _BYLINE_LABEL.match(t))
        for text_node in itertools.islice(labelled, 5):
            parent = text_node.getparent()
            if parent is None:
                continue
            names = credit_names(_text(parent))
            if names:
                return names
        return []

    @cached_property
    def tags(self) -> list[str]:
        """Keywords: structured data, ``article:tag``, ``rel=tag`` links, then meta keywords."""
        selected = self._selected("tags")
        if selected is not None:
            return _unique(selected)
        keywords = self.sources.article.get("keywords")
        candidates: list[str] = []
        for item in _strings(keywords):
            candidates.extend(item.split(",") if "," in item else [item])
        if not candidates:
            candidates = list(self.sources.meta.get("article:tag", []))
        if not candidates:
            candidates = [_text(a) for a in self.tree.xpath(_TAG_LINK_XPATH)]
        if not candidates:
            keywords = self.sources.first_meta("news_keywords", "keywords")
            candidates = keywords.split(",") if keywords else []
        return _unique([_norm(c) for c in candidates if _norm(c) and len(_norm(c)) <= 80])

    @cached_property
    def categories(self) -> list[str]:
        """Sections: ``articleSection``, ``article:section``, WordPress category links."""
        selected = self._selected("categories")
        if selected is not None:
            return _unique(selected)
        found = _strings(self.sources.article.get("articleSection"))
        if not found:
            found = list(self.sources.meta.get("article:section", []))
        if not found:
            found = [_text(a) for a in self.tree.xpath(_CATEGORY_LINK_XPATH)]
        if not found:
            found = self._breadcrumb()
        return _unique([_norm(c) for c in found if _norm(c) and len(_norm(c)) <= 60])

    def _breadcrumb(self) -> list[str]:
        """The sections of a breadcrumb trail, without its home link and the page itself."""
        headline = (self.title or "").casefold()
        for obj in self.sources.objects:
            if "breadcrumblist" not in {t.lower() for t in _types(obj)}:
                continue
            items = [i for i in as_list(obj.get("itemListElement")) if isinstance(i, dict)]
            names = [_breadcrumb_name(i) for i in items[1:]]
            found = [n for n in names if n and n.casefold() != headline]
            if found:
                return found[-1:]
        for trail in self.tree.xpath(_BREADCRUMB_XPATH)[:1]:
            names = [_text(a) for a in trail.iter("a")][1:]
            found = [n for n in names if n and n.casefold() != headline]
            return found[-1:]
        return []

    # --- dates --------------------------------------------------------------

    def _date(self, value: Any) -> datetime | None:
        if not isinstance(value, str):
            return None
        return self._plausible(parse_date(value, tz=self.tz, now=self.fetched_at))

    @staticmethod
    def _plausible(found: datetime | None) -> datetime | None:
        """``found`` if a web page can have been published then, not before
        :data:`EARLIEST_YEAR`: a sidebar's "born 15 November 1930" is not the article's
        date. (Dates after the fetch are the pipeline's to judge: it knows the run.)"""
        return found if found is not None and found.year >= EARLIEST_YEAR else None

    def _microdata_date(self, prop: str) -> datetime | None:
        for node in self.sources.microdata.get(prop, [])[:2]:
            found = self._date(node.get("content") or node.get("datetime") or _text(node))
            if found:
                return found
        return None

    def _visible_date(self) -> datetime | None:
        for node in self.tree.xpath("//body//time[@datetime]")[:3]:
            found = self._date(node.get("datetime"))
            if found:
                return found
        for node in self.tree.xpath(
            "//body//time[not(@datetime)]"
            " | //body//*[contains(@class, 'date') or contains(@class, 'time')"
            " or contains(@class, 'posted-on') or contains(@class, 'meta')"
            " or contains(@class, 'byline')][not(self::body)]"
        )[:8]:
            text = _text(node)
            if len(text) <= 200:
                found = self._plausible(find_date(text, tz=self.tz, now=self.fetched_at))
                if found:
                    return found
        return None

    def _text_date(self) -> datetime | None:
        for paragraph in self._cleaned.paragraphs[:3]:
            found = self._plausible(find_date(paragraph, tz=self.tz, relative=False))
            if found:
                return found
        return None

    @cached_property
    def published_at(self) -> datetime | None:
        """First publication: structured data, meta, microdata, visible date, body text,
        and last htmldate's search of the whole page (the day only)."""
        return self._published_on_page or self._htmldate()

    @property
    def published_guessed(self) -> bool:
        """Whether :attr:`published_at` is htmldate's day rather than a time the page
        states: a listing's exact instant (feed, sitemap, API) should then win."""
        return self._published_on_page is None and self.published_at is not None

    @cached_property
    def _published_on_page(self) -> datetime | None:
        """The publication time kabar's own rules find, to the minute where the page says."""
        selected = self._selected_date("published_at")
        if selected is not None:
            return selected
        article = self.sources.article
        for value in (article.get("datePublished"), article.get("dateCreated")):
            found = self._date(value)
            if found:
                return found
        for key in _PUBLISHED_META:
            found = self._date(self.sources.first_meta(key))
            if found:
                return found
        return self._microdata_date("datePublished") or self._visible_date() or self._text_date()

    def _htmldate(self) -> datetime | None:
        """htmldate's original-publication date (URL, headers, scripts, text patterns in many
        languages) when kabar's rules found none; midnight in the site's zone."""
        try:
            # htmldate copies an lxml tree before pruning it, so it gets ours as is. Not
            # its opportunistic text search: it reads a footer's "© 2023" as 1 January.
            found = htmldate_find_date(
                self.tree, url=self.url or None, original_date=True, extensive_search=False
            )
        except Exception as exc:  # a bug in the library must not lose the page
            logger.debug("htmldate failed for %s: %r", self.url, exc)
            return None
        return self._date(found) if isinstance(found, str) else None

    @cached_property
    def modified_at(self) -> datetime | None:
        selected = self._selected_date("modified_at")
        if selected is not None:
            return selected
        found = self._date(self.sources.article.get("dateModified"))
        if found:
            return found
        for key in _MODIFIED_META:
            found = self._date(self.sources.first_meta(key))
            if found:
                return found
        return self._microdata_date("dateModified")

    # --- the rest -----------------------------------------------------------

    @cached_property
    def image_url(self) -> str | None:
        selected = self._selected_nodes("image_url")
        for node in selected or []:
            src = (node if isinstance(node, str) else _image_source(node)).strip()
            url = join_url(self.url, src)
            if url is not None:
                return url
        if selected:  # it found elements without an address
            self.selector_misses.append("image_url")
        candidates = [
            self.sources.first_meta("og:image", "og:image:url", "twitter:image"),
            *_strings(self.sources.article.get("image")),
        ]
        for candidate in candidates:
            url = join_url(self.url, candidate)
            if url is not None:
                return url
        return self._figure_image()

    def _figure_image(self) -> str | None:
        """Without metadata, the first picture in the article (not a logo, icon or avatar)."""
        for node in self.tree.xpath(_FIGURE_IMAGE_XPATH)[:10]:
            src = _image_source(node).strip()
            hint = " ".join((src, node.get("class") or "", node.get("alt") or "")).lower()
            url = join_url(self.url, src)
            if url is not None and not _NOT_A_PICTURE.search(hint):
                return url
        return None

    @cached_property
    def language(self) -> str | None:
        """The page's declared language (primary subtag), else the site's."""
        declared = (
            self.tree.get("lang")
            or self.sources.article.get("inLanguage")
            or self.sources.first_meta("og:locale", "content-language", "language")
        )
        if isinstance(declared, str) and declared.strip():
            return re.split(r"[-_]", declared.strip())[0].lower() or self.site_language
        return self.site_language

    @cached_property
    def is_article(self) -> bool:
        """Whether this is one article (not a listing, category, tag, author or search page)."""
        return self._article_score() >= 3

    def _article_score(self) -> int:
        score = 0
        types = self.sources.types()
        articles = [o for o in self.sources.objects if ARTICLE_TYPES & set(_types(o))]
        if len(articles) == 1 or (articles and self.sources.article.get("articleBody")):
            score += 3
        elif len(articles) > 3:
            score -= 2
        if types & (LISTING_TYPES - {"website"}) and not articles:
            score -= 2
        og_type = (self.sources.first_meta("og:type") or "").lower()
        score += 2 if og_type == "article" else -1 if og_type == "website" else 0
        body = self.tree.find("body")
        body_classes = set((body.get("class") or "").split()) if body is not None else set()
        if body_classes & _LISTING_BODY_CLASSES:
            score -= 3
        if body_classes & _ARTICLE_BODY_CLASSES or any(
            c.startswith("postid-") for c in body_classes
        ):
            score += 2
        if _LISTING_PATH.search(urlsplit(self.url).path + "?" + urlsplit(self.url).query):
            score -= 2
        elif _is_dated_permalink(urlsplit(self.url).path):
            score += 1
        score += self._content_score()
        return score

    def _content_score(self) -> int:
        body = self.body or ""
        score = 1 if self.title and self._h1s else 0
        # Not htmldate's: it finds some date on listing pages too.
        score += 1 if self._published_on_page else 0
        long_paragraphs = sum(1 for p in body.split("\n") if len(p) >= 80)
        if len(body) >= 600 and long_paragraphs >= 2:
            score += 2
        elif len(body) < 200:
            score -= 2
        return score

    def to_fields(self) -> dict[str, Any]:
        """The extracted fields, keyed like :class:`kabar.core.article.Article`."""
        fields: dict[str, Any] = {
            "url": self.url,
            "title": self.title,
            "authors": self.authors,
            "published_at": self.published_at,
            "modified_at": self.modified_at,
            "body": self.body,
            "body_html": self.body_html,
            "lead": self.lead,
            "image_url": self.image_url,
            "tags": self.tags,
            "categories": self.categories,
            "language": self.language,
            "location": self.location,
            "fetched_at": self.fetched_at,
        }
        assert set(fields) <= set(ARTICLE_FIELDS)
        return fields


_PUBLIC_SUFFIX_LABELS = frozenset(
    {"com", "net", "org", "co", "id", "or", "go", "ac", "web", "my", "sch", "biz", "info",
     "news", "tv", "uk", "de", "it", "fr", "es", "nl", "au", "in", "jp", "kr", "cn"}
)  # fmt: skip
"""Labels that end a host name without naming the site ("co.id", "com", "or.id")."""


def _domain_label(host: str) -> str:
    """The label that names the site in a host: "detik" in news.detik.com,
    "merahputihnews" in merahputihnews.co.id."""
    labels = [label for label in host.split(".") if label]
    while len(labels) > 1 and labels[-1] in _PUBLIC_SUFFIX_LABELS:
        labels.pop()
    return labels[-1] if labels else ""


def _is_dated_permalink(path: str) -> bool:
    """/2023/07/17/some-slug/: a dated path whose last segment is a slug (letters and a
    hyphen), not a day or month archive."""
    match = _DATED_PERMALINK.search(path)
    if match is None:
        return False
    slug = match["slug"]
    return "-" in slug and any(c.isalpha() for c in slug)


def _image_source(node: HtmlElement) -> str:
    """An image element's address: ``src`` (or a lazy loader's), ``content``, ``href``."""
    for name in ("src", "data-src", "data-lazy-src", "content", "href"):
        value = node.get(name)
        if value:
            return str(value)
    return ""


def _breadcrumb_name(item: dict[str, Any]) -> str:
    name = item.get("name")
    if not isinstance(name, str) and isinstance(item.get("item"), dict):
        name = item["item"].get("name")
    return _norm(name) if isinstance(name, str) else ""


def _is_excerpt_of(description: str, body: str) -> bool:
    """Whether ``description`` is the body's opening words (an automatic excerpt)."""
    words = _WORDS.findall(description.casefold())[:12]
    return len(words) >= 5 and " ".join(words) in " ".join(_WORDS.findall(body.casefold()))


def _types(obj: dict[str, Any]) -> list[str]:
    return [str(t).rsplit("/", 1)[-1].lower() for t in as_list(obj.get("@type"))]
