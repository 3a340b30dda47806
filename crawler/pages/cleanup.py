"""kabar's cleanup of extracted article paragraphs.

Generic extractors keep what regional WordPress sites put around the story:
"Baca juga:" teasers, share buttons, the comment form ("Tinggalkan Balasan"),
reporter credits such as "(Deni)." or "Penulis: …", and the dateline prefix
"TANJUNG LAGO, MERAHPUTIHNEWS.CO ID –". This module decides, paragraph by
paragraph, what to keep; it reports the credited names (authors of last
resort) and the dateline place (``location``) instead of throwing them away.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from crawler.pages.dates import MONTHS, find_date
from crawler.pages.texts import unique

__all__ = [
    "Cleaned",
    "credit_names",
    "drop_furniture",
    "is_desk_name",
    "looks_like_a_full_name",
    "merge_names",
    "read_credits",
    "split_dateline",
    "split_names",
]

# A paragraph starting like this is a teaser for another article.
_TEASER = re.compile(
    r"^\s*[\[(]?\s*(?:baca\s+(?:juga|pula|selengkapnya|berita)|lihat\s+juga|simak\s+juga|"
    r"artikel\s+terkait|berita\s+terkait|read\s+(?:also|more)|see\s+also|related\s*:|"
    r"les\s+også|lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|lire\s+aussi|"
    r"leia\s+(?:também|mais)|lee\s+también|leggi\s+anche)\b\s*[:\-–]?",
    re.I,
)
# Boilerplate lines dropped wherever they appear (share bars, comment prompts).
_NOISE = re.compile(
    r"^\s*(?:bagikan(?:\s+ini)?|share(?:\s+this)?(?:\s*:)?|suka\s+ini|like\s+this|"
    r"klik\s+untuk\s+(?:berbagi|membagikan)\S*.*|click\s+to\s+share.*|"
    r"(?:\d+\s+)?min(?:ute)?s?\s+read|loading\.*|advertisement|scroll\s+to\s+continue.*|"
    r"iklan(?:\s*(?:&|dan)\s*promosi)?|sponsored|rekomendasi\s+untuk\s+anda|follow\s+us.*|ikuti\s+kami.*|"
    r"dapatkan\s+update\s+berita.*|simak\s+(?:berita|artikel|update|informasi)\b.{0,80}google\s+news.*|"
    # Syndication footers: "Artikel ini telah tayang di Tribunnews.com dengan judul …".
    r"(?:artikel|berita)\s+ini\s+(?:telah\s+)?(?:tayang|terbit|dimuat)\s+di\b.*|"
    # Pagination of a split article, and the end mark "(*)" / "***".
    r"halaman\s+\d+(?:\s+\d+)*(?:\s+(?:selanjutnya|berikutnya))?|"
    r"(?:halaman\s+)?(?:selanjutnya|berikutnya)|"
    r"[(\[]\s*\*+\s*[)\]]|\*{3,}|"
    r"(?:©|\(c\)|copyright\b).{0,120}|all\s+rights\s+reserved.*|"
    r"-?\s*(?:rate\s+artikel\s+ini|(?:dis)?like\s*\(\d+\)|credits\s*\(\d+\)))"
    r"\s*[:.]?\s*$",
    re.I,
)
# The comment form: everything from here on belongs to it.
_COMMENT_FORM = re.compile(
    r"^\s*(?:tinggalkan\s+(?:balasan|komentar)|leave\s+a\s+(?:reply|comment)|"
    r"alamat\s+email\s+anda\s+tidak\s+akan\s+dipublikasikan|"
    r"your\s+email\s+address\s+will\s+not\s+be\s+published|"
    r"ruas\s+yang\s+wajib\s+ditandai|required\s+fields\s+are\s+marked|"
    r"\d+\s+(?:komentar|comments?)\s*$|komentar\s*$|comments?\s*$)",
    re.I,
)
_LABELS = (
    r"penulis|reporter|pewarta|wartawan|kontributor|jurnalis|writer|written\s+by|"
    r"reporting\s+by|editor|redaktur|penyunting|editing|edited\s+by|sumber|source|foto|"
    r"fotografer|photo|video|videografer|grafis|ilustrasi|desain|layout|penerjemah|"
    r"translator|laporan|oleh|by|rep|red|quelle|bild|fuente|fonte|credit|image"
)
_CREDIT_LABEL = re.compile(
    r"^\s*(?P<label>" + _LABELS + r")\s*[:：]\s*(?P<names>.{1,120})$",
    re.I,
)
_CREDIT_PART = re.compile(r"(?:^|(?<=[|,;/•·\s]))\s*(?P<label>" + _LABELS + r")\s*[:：]\s*", re.I)
"""A label inside a credit line: "Reporter: A | Editor: B" has two."""
_AUTHOR_LABELS = frozenset(
    {
        "penulis", "reporter", "pewarta", "wartawan", "kontributor", "jurnalis", "writer",
        "written by", "reporting by", "laporan", "oleh", "by", "rep",
    }
)  # fmt: skip
# "(Deni)", "(Deni).", "(Deni/Rul)", "(ant)", "[red]"
_CREDIT_PAREN = re.compile(r"^\s*[(\[](?P<names>[^()\[\]\d]{2,40})[)\]]\s*\.?\s*$")
_TRAILING_PAREN = re.compile(r"\s+[(\[](?P<names>[^()\[\]\d]{2,40})[)\]]\s*\.?\s*$")
# Desk and role words that credit lines and bylines use instead of a person's name.
_DESK = frozenset(
    {
        "red", "redaksi", "tim redaksi", "redaktur", "admin", "administrator", "editor", "tim",
        "staff", "staf", "webmaster", "newsroom", "desk", "humas", "adv", "advertorial",
        "redaktion", "rédaction", "redacción", "redazione", "agenturen", "agencies",
        "jurnalis", "wartawan", "reporter", "penulis", "kontributor", "pewarta", "writer",
        "by", "oleh", "von", "author", "posted by", "diposting oleh",
    }
)  # fmt: skip
_DESK_PREFIX = re.compile(
    r"^(?:tim|redaksi|admin|desk|newsroom|kontributor|koresponden|wartawan|jurnalis|"
    r"reporter|pewarta|penulis)\b(?:\s|$)"
)
"""A name starting like this is a desk or a role ("Tim Redaksi", "Redaksi Kabarku",
"Kontributor Palembang"), not a person."""
# A credit naming a press release ("(Rilis/Diskominfo Banyuasin)") credits its source,
# not a writer.
_RELEASE = re.compile(
    r"^(?:rilis|rls|release|press\s+release|siaran\s+pers|humas|adv|advertorial)$", re.I
)
_SIGNED = re.compile(r"^\s*(?:oleh|by|von|par|por)\s*:?\s+(?P<names>.{2,60})$", re.I)
"""A byline line above the story: "Oleh: Mega Puspita", "By Jane Doe"."""
_BYLINE = re.compile(r"^\s*(?:oleh|by|von|par|por|di)\s*:?\s*(?P<names>.{0,60})$", re.I)
_WORD = re.compile(r"\w+")
# The reporter line Tribun-network sites open with: "Laporan Wartawan Tribunsumsel.com,
# Arief Basuki" (the outlet, then the reporter).
_REPORT_LINE = re.compile(
    r"^\s*laporan\s+(?:wartawan|reporter|koresponden|kontributor|jurnalis)\s+"
    r"(?P<outlet>[^,]{2,60}),\s*(?P<names>[^,]{2,60}?)\s*$",
    re.I,
)
_LEADING_WINDOW = 8
_CAPTION_WINDOW = 2
"""Pictures stand above the story: a caption comes before its second paragraph."""
_PHOTO_CREDIT = re.compile(
    r"\((?:(?i:foto|photo|dok|dokumentasi|ilustrasi)\b[^()]{0,60}"
    r"|[^()]{0,40}[A-Z][^()]{2,40}/[^()]{0,40}[A-Za-z]{4,}[^()]{0,20})\)\s*\.?\s*$"
)
"""A picture credit closing a caption: "(Bagus Kurniawan/detikcom)", "(ANTARA FOTO/…)",
"(Foto: Istimewa)"; a reporter's initials ("(bgs/rul)") are not one."""
_HEADER_LINE_CHARS = 160
"""A page header's lines (site name, tagline, breadcrumb) are shorter than this."""
"""How many opening paragraphs may be page furniture (headline, date, byline)."""
_NAME = re.compile(r"^[A-Z][\w'.\-]*(?:\s+[A-Z][\w'.\-]*){0,3}$")

# "TANJUNG LAGO, MERAHPUTIHNEWS.CO ID –", "JAKARTA, KOMPAS.com -", "Jakarta (ANTARA) -",
# "Yogyakarta -": a place, optionally the outlet, then a dash.
_PLACE = r"(?P<place>[A-Z][A-Za-z0-9'.]*(?:\s+[A-Z][A-Za-z'.]*){0,3})"
_DATELINES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\s*" + _PLACE + r"\s*,\s*(?P<outlet>[^\s,–—-][^,–—]{0,40}?)\s*[–—-]{1,2}\s+"),
    re.compile(r"^\s*" + _PLACE + r"\s*\((?P<outlet>[^()]{1,40})\)\s*[–—-]{1,2}\s+"),
    re.compile(r"^\s*" + _PLACE + r"\s+[–—-]{1,2}\s+(?=\S)"),
)
_OUTLET = re.compile(r"(?:\.(?:com|co|id|net|org|news)\b|\b(?:co\s+id|news|pos|times)\b)", re.I)
_LONG_DATELINE_REST = 100
"""A title-case "Place Name - " dateline needs a story paragraph after it."""
_PLACE_ONLY = re.compile(_PLACE + r"$")
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$")


@dataclass
class Cleaned:
    """The outcome of cleaning: what to keep and what was learned on the way."""

    paragraphs: list[str]
    kept: list[int]
    """Indices (into the input) of the kept paragraphs, in order."""
    credited: list[str] = field(default_factory=list)
    """Names from reporter credits, e.g. ["Deni"]."""
    location: str | None = None
    """The dateline place, title-cased."""


_DATEISH = re.compile(
    r"\d{1,4}[./:-]\d{1,2}|(?:19|20)\d\d|^\W*\d+\s*[^\W\d]{0,3}\W*$|\d+\s*(?:detik|menit|jam|hari|minggu|"
    r"pekan|bulan|tahun|sec|min|hour|hr|day|week|month|year)",
    re.IGNORECASE,
)
"""A byline part that is a date, a time or an age ("2 jam yang lalu"), not a name."""


_NAME_EDGES = " .-–—|·•"
_ROLE_SUFFIX = re.compile(
    r"(?<=\S)\s*(?:(?:선임|수석|객원|전문)?기자|특파원|記者|记者|特派員|特派员)$"
)
"""The reporter's title Korean, Japanese and Chinese bylines write after the name
("신현주 기자", "山田太郎記者"): not part of the name."""


_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
"""One word of a name: letters, or letters joined by hyphens and apostrophes
("Kirchner-Rätsch", "O'Brien", "N’Diaye")."""


def looks_like_a_full_name(name: str) -> bool:
    """Two to four words, each capitalised: what a class-word guess must look like
    (a menu's "capital" or an agency's "dpa" must not pass)."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[0].isupper() and _NAME_WORD.fullmatch(w) for w in words)


def split_names(text: str) -> list[str]:
    """ "Deni/Rul", "A, B dan C", "By A and B" -> a list of names.

    A byline often carries the time too ("Ahmad Fauzi · 2 jam yang lalu"); such
    parts are dropped (a desk like "BR24 Redaktion" stays)."""
    text = re.sub(r"^\s*(?:by|oleh|penulis|reporter|von)\s*[:]?\s+", "", text.strip(), flags=re.I)
    parts = re.split(
        r"\s*(?:/|,|;|&|\||·|•)\s*|\s+[-–—]\s+|\s+(?:and|dan|und|en|et|y|og|och)\s+", text
    )
    # "Elena Oberholzer (obe)": the desk initials are not part of the name.
    parts = [re.sub(r"\s*\([^()]{1,6}\)\s*$", "", p) for p in parts]
    parts = [_ROLE_SUFFIX.sub("", p) for p in parts]
    return [p.strip(_NAME_EDGES) for p in parts if p.strip(_NAME_EDGES) and not _DATEISH.search(p)]


def _is_outlet(text: str, site_names: Collection[str]) -> bool:
    key = re.sub(r"\W+", "", text.casefold())
    return bool(_OUTLET.search(text)) or any(
        key and (key == name or key.startswith(name)) for name in site_names
    )


def split_dateline(paragraph: str, *, site_names: Collection[str] = ()) -> tuple[str | None, str]:
    """(place, rest) when ``paragraph`` opens with a dateline, else (None, paragraph).

    ``site_names`` (case-folded, letters and digits only) tell an outlet written
    before the place ("SUARASUMSEL.ID, PALEMBANG -") from the place itself.
    """
    names = [n for n in site_names if len(n) >= 4]
    for index, pattern in enumerate(_DATELINES):
        match = pattern.match(paragraph)
        if match is None:
            continue
        place = match["place"]
        rest = paragraph[match.end() :]
        if len(rest) < 20:
            continue
        if index == 0 and _is_outlet(place, names):
            # The outlet comes first: the place is what follows the comma.
            swapped = _PLACE_ONLY.match(match["outlet"].strip())
            if swapped is None or _is_outlet(swapped["place"], names):
                continue
            return _title(swapped["place"]), rest
        # A bare "Place -" is only a dateline when the place is written in capitals
        # or is a single word; "Update - Something" must not become a location.
        # ("Ogan Ilir - " opening a long paragraph is detik's dateline.)
        if index == 2 and not (
            place.isupper() or " " not in place or len(rest) >= _LONG_DATELINE_REST
        ):
            continue
        if index == 0 and not (
            place.isupper() or _OUTLET.search(match["outlet"]) or _is_outlet(match["outlet"], names)
        ):
            continue
        return _title(place), rest
    return None, paragraph


def _title(place: str) -> str:
    # "BANYUASIN II" -> "Banyuasin II": a Roman numeral stays in capitals.
    return " ".join(
        w.capitalize() if w.isupper() and not _ROMAN.match(w) else w for w in place.split()
    )


def is_desk_name(name: str) -> bool:
    """ "Red", "Redaksi", "Admin", "Tim Redaksi Kabarku": the desk or a role, not a person."""
    folded = re.sub(r"\s+", " ", name.casefold().strip(" ."))
    return folded in _DESK or _DESK_PREFIX.match(folded) is not None


def read_credits(text: str) -> list[tuple[bool, list[str]]]:
    """Each labelled part of a credit line as (is_author, names):
    "Reporter: Sari | Editor: Budi" -> [(True, ["Sari"]), (False, ["Budi"])].
    Empty when the line does not open with a label."""
    # A credit laid out as a table row: "| Penulis | : Anju Christian |"
    text = re.sub(r"\s*\|\s*(?=:)|^\s*\|\s*|\s*\|\s*$", "", text)
    if _CREDIT_LABEL.match(text) is None:
        return []
    parts = list(_CREDIT_PART.finditer(text))
    found = []
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        end = following.start() if following is not None else len(text)
        names = split_names(text[part.end() : end].strip(" |,;/•·"))
        label = re.sub(r"\s+", " ", part["label"].lower())
        found.append((label in _AUTHOR_LABELS, names))
    return found


def _credit(paragraph: str) -> tuple[bool, list[str]] | None:
    """(is_author_credit, names) when the paragraph is only a credit line; the names of
    its author parts when it has any ("Reporter: A | Editor: B" credits A)."""
    credits = read_credits(paragraph)
    if credits:
        authors = [n for is_author, names in credits if is_author for n in names]
        return (True, authors) if authors else (False, credits[0][1])
    paragraph = re.sub(r"\s*\|\s*(?=:)|^\s*\|\s*|\s*\|\s*$", "", paragraph)
    paren = _CREDIT_PAREN.match(paragraph)
    if paren is not None:
        names = split_names(paren["names"])
        return not any(_RELEASE.match(n) for n in names), names
    return None


def credit_names(text: str) -> list[str]:
    """The people a credit line names as writers: "Reporter: Sari Wulandari" -> ["Sari Wulandari"].

    Editors, photographers, sources, desks and press releases give nothing.
    """
    found = _credit(text)
    if found is None or not found[0]:
        return []
    return _as_authors(found[1])


def _as_authors(names: list[str]) -> list[str]:
    # "(ant)" or "(red)" are agency / desk codes, not people.
    if any(_RELEASE.match(n) for n in names):
        return []
    return [n for n in names if _NAME.match(n) and len(n) > 2 and not is_desk_name(n)]


def _drop_tail_credits(paragraphs: list[str], kept: list[int], credited: list[str]) -> None:
    while kept:
        last = paragraphs[kept[-1]]
        found = _credit(last)
        if found is None:
            break
        is_author, names = found
        if is_author:
            credited[:0] = _as_authors(names)
        kept.pop()


def _strip_trailing_paren(text: str, credited: list[str]) -> str:
    match = _TRAILING_PAREN.search(text)
    if match is None or not re.search(r"[.!?\"”]\s*$", text[: match.start()]):
        return text
    names = _as_authors(split_names(match["names"]))
    if names or match["names"].islower():
        credited[:0] = names
        return text[: match.start()].rstrip()
    return text


_DATE_WORDS = re.compile(
    r"\d+|\b(?:wib|wita|wit|gmt|utc|pukul|jam|updated?|diperbarui|diupdate|published|stand|"
    r"diterbitkan|dipublikasikan|terbit|posted|on|pada|"
    r"senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b",
    re.I,
)
"""The words of a date line: labels, zones, day and month names."""


def _is_date_line(text: str) -> bool:
    """A short line that is mostly a date ("Selasa 16 Jun 2015, 14:05 WIB")."""
    if len(text) > 120 or find_date(text, relative=False) is None:
        return False
    rest = _DATE_WORDS.sub(" ", text)
    return len(_WORD.findall(rest)) <= 4


def _is_furniture(text: str, headlines: Collection[str], names: Collection[str]) -> bool:
    """Headline, date or byline lines that extractors pick up above the story."""
    folded = text.casefold().strip(" .:")
    if folded in headlines or folded in names or _is_date_line(text):
        return True
    byline = _BYLINE.match(text)
    return byline is not None and (
        not byline["names"].strip(" :") or byline["names"].strip(" :").casefold() in names
    )


def drop_furniture(
    paragraphs: list[str],
    *,
    strip_dateline: bool = True,
    headlines: Collection[str] = (),
    names: Collection[str] = (),
    site_names: Collection[str] = (),
) -> Cleaned:
    """Drop teasers, boilerplate, the comment form and trailing credits; split the dateline.

    Among the opening paragraphs, a repeated headline (``headlines``, case-folded),
    a bare date, a byline or an author's name alone (``names``) is dropped too, and a
    reporter line ("Laporan Wartawan Tribunsumsel.com, Arief Basuki") credits its name.
    """
    kept: list[int] = []
    credited: list[str] = []
    # Short lines above the headline, when the extractor kept it, are the page's header
    # (site name, tagline, breadcrumb); a story paragraph there means the headline
    # stands below the story (a footer's share box), and nothing is dropped.
    start = next(
        (
            i + 1
            for i, text in enumerate(paragraphs[:_LEADING_WINDOW])
            if text.casefold().strip(" .:") in headlines
        ),
        0,
    )
    if any(len(text) > _HEADER_LINE_CHARS for text in paragraphs[: max(start - 1, 0)]):
        start = 0
    for index, text in enumerate(paragraphs):
        if index < start:
            continue
        if _COMMENT_FORM.match(text) and kept:
            break
        bare = text.strip(" |")
        if not bare or _TEASER.match(bare) or _NOISE.match(bare):
            continue
        if index < _LEADING_WINDOW:
            report = _REPORT_LINE.match(text)
            if report is not None and _NAME.match(report["names"]):
                credited.extend(split_names(report["names"]))
                continue
            signed = _signed_names(text)
            if signed:
                credited.extend(signed)
                continue
            if _is_furniture(text, headlines, names):
                continue
            if len(kept) < _CAPTION_WINDOW and _PHOTO_CREDIT.search(text) and len(text) < 300:
                continue  # a picture's caption: "… (Bagus Kurniawan/detikcom)"
        # A credit line ("Penulis: …", "Editor: …", "(Foto: Istimewa)") is not story text
        # wherever it stands; the tail's are read below, in order.
        credit = _credit(text) if index < _LEADING_WINDOW or kept else None
        if credit is not None and _CREDIT_LABEL.match(text.strip(" |")) is not None:
            if credit[0]:
                credited.extend(_as_authors(credit[1]))
            continue
        kept.append(index)
    tail: list[str] = []
    _drop_tail_credits(paragraphs, kept, tail)
    out = [paragraphs[i] for i in kept]
    if out:
        out[-1] = _strip_trailing_paren(out[-1], tail)
    location = None
    if strip_dateline and out:
        location, out[0] = split_dateline(out[0], site_names=site_names)
    return Cleaned(
        paragraphs=out, kept=kept, credited=merge_names([*credited, *tail]), location=location
    )


def _signed_names(line: str) -> list[str]:
    """The writers a short line above the story signs: "Oleh: Mega Puspita", or a date
    line with a byline part ("Senin, 17/07/2023 | Oleh: Agus Salim")."""
    if len(line) > 120:
        return []
    parts = [p for p in re.split(r"\s+[|•·]\s+|\s*\|\s*", line) if p.strip()]
    names: list[str] = []
    rest = []
    for part in parts:
        signed = _SIGNED.match(part)
        credit = _credit(part) if signed is None else None
        if signed is not None:
            names.extend(_as_authors(split_names(signed["names"])))
        elif credit is not None and credit[0] and _CREDIT_LABEL.match(part):
            names.extend(_as_authors(credit[1]))
        else:
            rest.append(part)
    # Whatever else the line holds must be a date, or it is a sentence that starts "Oleh".
    if names and all(find_date(p, relative=False) is not None for p in rest):
        return names
    return []


def merge_names(names: list[str]) -> list[str]:
    """Names without repeats, a short form giving way to the full name it abbreviates:
    "(Mega)" at the end is the same person as "Oleh: Mega Puspita" at the top, and so
    is "(MP)"."""
    names = unique(names)
    result = []
    for name in names:
        words = name.casefold().split()
        others = [o for o in names if o != name]
        longer = any(o.casefold().split()[: len(words)] == words for o in others)
        initials = name.isupper() and any(
            "".join(w[0] for w in o.split()).upper() == name for o in others if " " in o
        )
        if not (longer or initials):
            result.append(name)
    return result
