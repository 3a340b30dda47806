"""The story itself: trafilatura's main content, cleaned of what sites put around it.

trafilatura finds the main content; this module puts back paragraphs the page really
repeats, drops teasers, asides and page furniture (:mod:`crawler.pages.cleanup`),
restores a standfirst the extractor missed, and renders the kept blocks as sanitized
HTML. The lead and the dateline place come from the same cleaning.
"""

from __future__ import annotations

import copy
import itertools
import logging
import re
from collections.abc import Callable, Collection
from functools import cached_property

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.xml import xmltotxt

from crawler.pages.cleanup import (
    Cleaned,
    drop_furniture,
    looks_like_a_full_name,
    split_dateline,
    split_names,
)
from crawler.pages.sources import Sources
from crawler.pages.texts import WORDS, key, norm, unescape
from kabar.core.html import sanitize_tree

__all__ = ["BodyText", "is_excerpt_of"]

logger = logging.getLogger(__name__)

_MIN_REPEAT_CHARS = 50
"""trafilatura drops a block equal to the previous one when it is longer than this."""
_MIN_LINK_CHARS = 15
# "MORE: ", "Lesen Sie auch | ", "- ": a label of up to four words, or a bullet.
_LINK_LABEL = re.compile(r"^(?:[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,3} ?[:|]|[-–•>»]+)\s*")
_MIN_ASIDE_PART = 25
"""A line this long (in letters and digits) found inside an aside's text belongs to it."""
_ASIDE_NAME = re.compile(
    r"(?<![a-z])(?:caption|factbox|infobox|facts?|bio|tweet|disclaimer|consent|placeholder)"
    r"(?![a-z])",
    re.I,
)
"""Class words of containers whose text is not the story's (``<figcaption>`` too): an
embed's consent placeholder ("External content: your privacy settings block it") is
the site's, repeated at every embed."""
_ASIDE_CLASS_WORD = re.compile("caption|fact|infobox|bio|tweet|disclaimer|consent|placeholder")
"""A fast first pass for :data:`_ASIDE_NAME` over every class attribute (class names are
written in lower case): one XPath for the attributes and a regex each is a fraction of an
XPath testing eight words on every element."""
_CLASS_VALUES = lxml.etree.XPath("//body//@class")
_FIGCAPTIONS = lxml.etree.XPath("//body//figcaption")
_LAYOUT_CELL_CHARS = 150
"""A table cell with this much text, broken into lines, holds a story: the table is layout."""
_MIN_SIGNED_PARAGRAPHS = 3
"""A story this long may be signed by a paragraph of just the writer's name."""
_SIGNED_OPENING = 3
"""The writers' names stand among the story's first paragraphs, under a standfirst."""
_STANDFIRST_LINE_CHARS = 150
"""A longer paragraph is the story's: its writers' names stand above it."""
_SIGNATURE_NAMES = 4
"""More names than this in one bold line are a list, not the story's signature."""
_SIGNATURE_CHARS = 100
_SPACED = "normalize-space(translate(., '\u00a0', ' '))"
"""An element's text with whitespace folded, no-break spaces included, in XPath."""
_TRUNCATION = re.compile(r"\s*(?:\[…\]|\[\.\.\.\]|…|\.\.\.)\s*$")

Block = tuple[lxml.etree._Element, list[str]]


def without_layout_tables(tree: HtmlElement) -> HtmlElement:
    """``tree``, or a copy whose layout tables are plain blocks.

    Small regional sites still lay pages out with tables (header, story and sidebar as
    cells); trafilatura reads a table as data and returns the whole page as rows. A
    table with a cell of running text (:data:`_LAYOUT_CELL_CHARS`) is layout.
    """
    if not any(_is_layout_table(t) for t in tree.iter("table")):
        return tree
    copied = copy.deepcopy(tree)
    for table in [t for t in copied.iter("table") if _is_layout_table(t)]:
        for element in [table, *table.iter("tr", "td", "th", "tbody", "thead", "tfoot")]:
            element.tag = "div"
    return copied


def _is_layout_table(table: HtmlElement) -> bool:
    return any(
        len(cell.text_content()) >= _LAYOUT_CELL_CHARS
        and len(cell.xpath(".//table")) == 0
        and (cell.find("br") is not None or cell.find("font") is not None)
        for cell in table.iter("td")
    )


def extract_main(tree: HtmlElement, url: str) -> lxml.etree._Element | None:
    """trafilatura's main-content tree (its XML dialect), or None."""
    tree = without_layout_tables(tree)
    try:
        document = bare_extraction(
            tree,
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
        )
    except Exception as exc:  # a bug in the extractor must not lose the page
        logger.warning("body extraction failed for %s: %r", url, exc)
        return None
    return None if document is None or isinstance(document, dict) else document.body


_SPLIT_PARTS_MAX = 6
"""More containers of one class than this are a listing's cards, not one story's parts."""
_SPLIT_PART_MIN_CHARS = 150
"""A story part holds a paragraph at least this long (a card's teaser is shorter)."""
_SPLIT_GAIN = 1.2
"""The joined parts must say this much more than the one trafilatura chose."""
_SPLIT_ANCESTORS = 4
_CLASSED = lxml.etree.XPath("//body//*[@class]")


def extract_story(tree: HtmlElement, url: str) -> lxml.etree._Element | None:
    """trafilatura's main content, with the rest of a story the page splits in parts.

    Some sites break the story into several containers of one class (an ad, a teaser
    or a newsletter box between them); trafilatura keeps the largest part. When the
    paragraph it starts with stands in such a container, every part is extracted, in
    page order.
    """
    main = extract_main(tree, url)
    parts = _story_parts(tree, main)
    if main is None or not parts:
        return main
    joined = extract_selected(list(parts), url)
    if joined is None:
        return main
    before = len("".join(main.itertext()))
    return joined if len("".join(joined.itertext())) >= _SPLIT_GAIN * before else main


def _story_parts(tree: HtmlElement, main: lxml.etree._Element | None) -> list[HtmlElement]:
    """The containers of the story's class when there are several, else []."""
    if main is None:
        return []
    first = next((norm(xmltotxt(child, False)) for child in main if len(child) or child.text), "")
    if len(first) < 40:
        return []
    try:
        found = tree.xpath("//body//p[contains(normalize-space(), $s)]", s=first[:40])
    except lxml.etree.XPathError:
        return []
    if not found:
        return []
    classed: list[tuple[HtmlElement, set[str]]] | None = None
    for ancestor in itertools.islice(found[0].iterancestors(), _SPLIT_ANCESTORS):
        name = ancestor.get("class")
        if not name or not name.split() or ancestor.tag in ("body", "html"):
            continue
        if classed is None:
            classed = [
                (e, set(e.get("class", "").split()))
                for e in _CLASSED(tree)
                if isinstance(e, HtmlElement)
            ]
        parts = _same_class(classed, set(name.split()))
        if not 2 <= len(parts) <= _SPLIT_PARTS_MAX:
            continue
        if any(p is not q and p in q.iterancestors() for p in parts for q in parts):
            return []  # nested: one container, not parts
        stories = [p for p in parts if _holds_story_text(p)]
        return stories if len(stories) >= 2 else []
    return []


def _same_class(classed: list[tuple[HtmlElement, set[str]]], words: set[str]) -> list[HtmlElement]:
    """Elements classed like ``words``: the same class words, or all of them and a
    modifier ("body articleBody" and "body articleBody -bottom-space")."""
    return [e for e, own in classed if own and (words <= own or own <= words)]


def _holds_story_text(element: HtmlElement) -> bool:
    return any(len(norm(p.text_content())) >= _SPLIT_PART_MIN_CHARS for p in element.iter("p"))


def extract_selected(nodes: list[HtmlElement | str], url: str) -> lxml.etree._Element | None:
    """The main content of what a site's body selector found; None when it holds no text."""
    elements = [n for n in nodes if not isinstance(n, str)]
    if not elements:
        return None
    selected = lxml.html.fromstring("<html><body></body></html>")
    selected[0].extend(copy.deepcopy(n) for n in elements)
    body = extract_main(selected, url)
    return body if body is not None and "".join(body.itertext()).strip() else None


def _signature(text: str) -> list[str]:
    """The names of a paragraph that is nothing but writers' full names, else []."""
    if len(text) > _SIGNATURE_CHARS:
        return []
    names = split_names(text)
    if 0 < len(names) <= _SIGNATURE_NAMES and all(looks_like_a_full_name(n) for n in names):
        return names
    return []


def is_excerpt_of(description: str, body: str) -> bool:
    """Whether ``description`` is the body's opening words (an automatic excerpt)."""
    words = WORDS.findall(description.casefold())[:12]
    return len(words) >= 5 and " ".join(words) in " ".join(WORDS.findall(body.casefold()))


class BodyText:
    """The body of one page, from trafilatura's main content (``main``), computed once.

    ``headlines`` and ``names`` (case-folded) are dropped among the opening lines;
    ``site_names`` tell an outlet from a dateline's place.
    """

    def __init__(
        self,
        tree: HtmlElement,
        url: str,
        sources: Sources,
        main: lxml.etree._Element | None,
        *,
        headlines: Callable[[], Collection[str]],
        names: Callable[[], Collection[str]],
        site_names: list[str],
    ) -> None:
        self.tree = tree
        self.url = url
        self.sources = sources
        self.main = main
        self._headlines = headlines
        self._names = names
        self.site_names = site_names

    @cached_property
    def blocks(self) -> list[Block]:
        """Top-level content blocks with their text lines."""
        if self.main is None:
            return []
        blocks = []
        for child in self.main:
            lines = [norm(line) for line in xmltotxt(child, False).split("\n")]
            blocks.append((child, [line for line in lines if line]))
        return self._restore_repeats(blocks)

    def _restore_repeats(self, blocks: list[Block]) -> list[Block]:
        """Put back paragraphs the page really repeats, which trafilatura keeps once.

        trafilatura drops a block that repeats the one before it (an artifact of
        overlapping candidates, usually); when the page itself has that paragraph
        several times side by side in one container, the copies are the text.
        """
        wanted = self._sibling_repeats
        if not wanted:
            return blocks
        keys = [key(" ".join(lines)) for _, lines in blocks]
        have: dict[str, int] = {}
        for block_key in keys:
            have[block_key] = have.get(block_key, 0) + 1
        result = []
        for (element, lines), block_key in zip(blocks, keys, strict=True):
            result.append((element, lines))
            missing = wanted.get(block_key, 0) - have.get(block_key, 0)
            if missing > 0 and block_key:
                result.extend((copy.deepcopy(element), lines) for _ in range(missing))
                have[block_key] = wanted[block_key]
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
                text_key = key(text)
                counts[text_key] = counts.get(text_key, 0) + 1
        repeats: dict[str, int] = {}
        for counts in groups.values():
            for text_key, count in counts.items():
                if count > 1:
                    repeats[text_key] = max(count, repeats.get(text_key, 0))
        return repeats

    @cached_property
    def lines(self) -> list[str]:
        """Every text line of the blocks, in order."""
        return [line for _, lines in self.blocks for line in lines]

    @cached_property
    def cleaned(self) -> Cleaned:
        """The story's paragraphs, with the credits and the dateline place found on the way."""
        paragraphs = self._confirmed_by_article_body(self.lines)
        paragraphs = self._without_asides(self._without_link_teasers(paragraphs))
        cleaned = drop_furniture(
            paragraphs,
            headlines=self._headlines(),
            names=self._names(),
            site_names=self.site_names,
        )
        return self._without_bold_names(cleaned)

    def _without_bold_names(self, cleaned: Cleaned) -> Cleaned:
        """The story without its writers' names set in bold as its last paragraph or above
        it ("<p><strong>Jane Doe</strong></p>"), which credits those names instead.

        Sites without a byline field sign the story so; the names are no story text. Only
        a paragraph that is nothing but bold text shaped like full names counts ("Jane
        Doe/John Roe" too), above the story only under the standfirst's short lines.
        """
        paragraphs, kept = list(cleaned.paragraphs), list(cleaned.kept)
        if len(paragraphs) < _MIN_SIGNED_PARAGRAPHS:
            return cleaned
        opening = next(
            (
                i
                for i, text in enumerate(paragraphs[:_SIGNED_OPENING])
                if _signature(text) or len(text) > _STANDFIRST_LINE_CHARS
            ),
            None,
        )
        signed: list[str] = []
        for position in (len(paragraphs) - 1, opening):
            if position is None:
                continue
            text = paragraphs[position]
            names = _signature(text)
            if names and self._shown_in_bold(text):
                signed[:0] = names
                del paragraphs[position], kept[position]
        if not signed:
            return cleaned
        credited = [*cleaned.credited, *signed]
        return Cleaned(paragraphs, kept, credited, cleaned.location)

    def _shown_in_bold(self, text: str) -> bool:
        """Whether a paragraph of the page is ``text`` in bold, and nothing else (a
        no-break space typed after the name is space: XPath's normalize-space keeps it)."""
        try:
            found = self.tree.xpath(
                f"//body//p[{_SPACED} = $t][.//strong[{_SPACED} = $t] or .//b[{_SPACED} = $t]]",
                t=text,
            )
        except lxml.etree.XPathError:
            return False
        return bool(found)

    @cached_property
    def _link_keys(self) -> set[str]:
        """Keys of the page's link texts (links within the page itself excepted)."""
        keys = set()
        for anchor in self.tree.iterfind(".//body//a"):
            if (anchor.get("href") or "#").startswith("#"):
                continue
            text = anchor.text_content()
            if len(text) >= _MIN_LINK_CHARS:
                keys.add(key(text))
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
            # "- Zum Artikel: <headline>": a bullet, then a label, then the link.
            after_label = _LINK_LABEL.sub("", rest, count=1)
            teaser = rest != line and any(
                len(part.split()) >= 3 and key(part) in links for part in (rest, after_label)
            )
            result.append("" if teaser else line)
        return result

    @cached_property
    def _aside_texts(self) -> list[str]:
        """Keys of the texts of captions, fact boxes, author bios and embedded posts.

        Containers are recognised by their class words; one that holds a
        third of the extracted text or more is a page wrapper, not an aside.
        """
        limit = sum(len(key(line)) for line in self.lines) / 3
        texts: list[str] = []
        classed = (v.getparent() for v in _CLASS_VALUES(self.tree) if _ASIDE_CLASS_WORD.search(v))
        for element in itertools.chain(_FIGCAPTIONS(self.tree), classed):
            if not isinstance(element, HtmlElement):
                continue
            if element.tag != "figcaption" and not _ASIDE_NAME.search(element.get("class", "")):
                continue
            whole = key(element.text_content())
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
            line_key = key(line)
            aside = line_key in whole or (len(line_key) >= _MIN_ASIDE_PART and line_key in joined)
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
        words = set(WORDS.findall(reference.casefold()))
        line_words = [WORDS.findall(line.casefold()) for line in paragraphs]
        total = sum(len(w) for w in line_words)
        covered = sum(sum(1 for w in ws if w in words) for ws in line_words)
        if not total or covered / total < 0.6:
            return paragraphs
        return [
            line if not ws or sum(1 for w in ws if w in words) / len(ws) >= 0.5 else ""
            for line, ws in zip(paragraphs, line_words, strict=True)
        ]

    @cached_property
    def standfirst(self) -> str | None:
        """The summary the page shows at the head of the article, when the extractor left it out.

        The publisher's description counts when the body does not already say it
        and an element inside the page's ``<article>`` (not a caption or an aside)
        shows it; the text is that element's, which is never cut off.
        """
        paragraphs = self.cleaned.paragraphs
        if not paragraphs:
            return None
        candidates = (
            self.sources.article.get("description"),
            self.sources.first_meta("og:description", "description", "twitter:description"),
        )
        body_words = WORDS.findall(" ".join(paragraphs).casefold())
        body_grams = set(zip(*(body_words[i:] for i in range(4)), strict=False))
        for candidate in candidates:
            if not isinstance(candidate, str):
                continue
            description = unescape(candidate)
            words = WORDS.findall(description.casefold())
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
        want = key(_TRUNCATION.sub("", description))
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
                content = norm(element.text_content())
                if len(content) > 1.3 * len(description) + 20:
                    break
                content_key = key(content)
                if content_key == want or (len(want) > 60 and content_key.startswith(want)):
                    return content
                element = element.getparent()
        return None

    @cached_property
    def text(self) -> str | None:
        """Plain text, one paragraph per line (standfirst first); None without any."""
        text = "\n".join(self.cleaned.paragraphs)
        if text and self.standfirst:
            text = f"{self.standfirst}\n{text}"
        return text or None

    @cached_property
    def html(self) -> str | None:
        """Sanitized HTML of the kept blocks, links and images absolute."""
        if not self.blocks:
            return None
        cleaned = dict(zip(self.cleaned.kept, self.cleaned.paragraphs, strict=True))
        container = lxml.etree.Element("div")
        index = 0
        for element, lines in self.blocks:
            span = range(index, index + len(lines))
            index += len(lines)
            kept = [i for i in span if i in cleaned]
            if not lines or not kept:
                continue
            if len(kept) == len(lines):
                container.append(element)
                continue
            # A block holding furniture too (a custom CMS's one <div> with <br>s): its
            # kept lines, as the text body has them, one paragraph each.
            for i in kept:
                paragraph = lxml.etree.SubElement(container, "p")
                paragraph.text = cleaned[i]
        if not len(container):
            return None
        self._strip_dateline(container[0])
        self._strip_credit(container[-1])
        if self.standfirst:
            standfirst = lxml.etree.Element("p")
            standfirst.text = self.standfirst
            container.insert(0, standfirst)
        converted = convert_to_html(container)[0]
        converted.tag = "div"
        markup = lxml.etree.tostring(converted, encoding="unicode")
        fragment = lxml.html.fragment_fromstring(markup)
        return sanitize_tree(fragment, self.url) or None

    def _strip_dateline(self, first: lxml.etree._Element) -> None:
        """Remove the dateline prefix the text body lost from the first block too."""
        cleaned = self.cleaned
        if cleaned.location is None or not cleaned.kept or first.text is None:
            return
        original = self.lines[cleaned.kept[0]]
        prefix = original[: len(original) - len(cleaned.paragraphs[0])]
        text = first.text.lstrip()
        if prefix and original.endswith(cleaned.paragraphs[0]) and norm(text).startswith(prefix):
            first.text = (
                text[len(prefix) :] if text.startswith(prefix) else norm(text)[len(prefix) :]
            )

    def _strip_credit(self, last: lxml.etree._Element) -> None:
        """Remove the credit suffix ("... berikutnya. (afz)") the text body lost from the
        last block too."""
        cleaned = self.cleaned
        if not cleaned.kept or not cleaned.paragraphs:
            return
        original = self.lines[cleaned.kept[-1]]
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

    def lead(self) -> str | None:
        """The standfirst: the publisher's description when it is one, else the first paragraph.

        WordPress fills the description with the opening words of the body (dateline
        included, cut off with "[…]"): that is an excerpt, and the cleaned first
        paragraph says the same without the dateline and the cut.
        """
        paragraphs = self.cleaned.paragraphs
        first = paragraphs[0] if paragraphs else None
        description = self.sources.article.get("description")
        if not isinstance(description, str):
            description = self.sources.first_meta("og:description", "description")
        description = norm(description)
        if len(description) < 20:
            return first
        _, description = split_dateline(description, site_names=self.site_names)
        story = "\n".join(paragraphs)
        if first is not None and is_excerpt_of(description, story or first):
            return first
        return description
