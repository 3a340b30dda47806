"""Tag an article with the regencies/cities and provinces it is about, from evidence.

The places come from Kemendagri's gazetteer (``pipelines.gazetteer``: kabupaten,
kota and kecamatan). A name counts when its kind is certain: after a prefix
("Kabupaten Banyuasin", "Wali Kota Palembang", "Kecamatan Tanjung Lago"), or
capitalized and naming one regency only and no common word ("Palembang"), or a
province's name or alias. The dateline names a regency, a kecamatan or a town
("Baturaja": Baturaja Timur and Barat); a name several places share ("Tebing
Tinggi", "Kota Agung", "Bandar") is resolved by, in turn, the regencies the text
names, the provinces it names, and the site's own region (``SiteConfig.region``).
What stays ambiguous within one province gives that province only; what stays
ambiguous across provinces gives nothing: an empty region is better than another
province's. A name is looked up as written first, so "Kota Agung" is never read as
"Agung".

The result is the dateline's regency, the regencies named in order (at most
:data:`MAX_REGENCIES`), their provinces, then any other province named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Self

from pipelines.ahead import computed, regions_key
from pipelines.common import crawled_site
from pipelines.gazetteer import COMMON_WORDS, Gazetteer, Mention, Regency, key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from kabar.core.article import Article

MAX_REGENCIES = 5
_PREFIXES = ("kabupaten ", "kab ", "kota ")


@dataclass
class Evidence:
    """What a text says about where it is: the regencies it names for certain, the
    kecamatan it names (each possibly in several regencies), the provinces it names,
    and the site's own region."""

    regencies: list[Regency]
    districts: list[list[Regency]]
    provinces: list[str]
    site_regency: Regency | None
    site_province: str | None

    @property
    def home_province(self) -> str | None:
        """The site's province (its region's, when that is a regency)."""
        if self.site_regency is not None:
            return self.site_regency.province
        return self.site_province

    def known_provinces(self) -> set[str]:
        """The provinces the text names (or whose regencies it names) and the site's."""
        known = set(self.provinces) | {r.province for r in self.regencies}
        if self.home_province is not None:
            known.add(self.home_province)
        return known

    def resolve(self, candidates: list[Regency]) -> Regency | str | None:
        """The one regency among ``candidates`` the evidence points to, else their
        common province, else None (they lie in several provinces)."""
        candidates = list(dict.fromkeys(candidates))
        named = set(self.regencies)
        named_provinces = set(self.provinces) | {r.province for r in self.regencies}
        home = self.home_province
        tiers = (
            lambda r: r in named,
            lambda r: r.province in named_provinces,
            lambda r: r == self.site_regency,
            lambda r: r.province == home,
        )
        for tier in tiers:
            if len(candidates) == 1:
                break
            narrowed = [r for r in candidates if tier(r)]
            if narrowed:
                candidates = narrowed
        if len(candidates) == 1:
            return candidates[0]
        if len({r.province for r in candidates}) == 1:
            return candidates[0].province
        return None


class Regions:
    """The regions of an article (see the module's docstring)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    @property
    def regencies(self) -> list[Regency]:
        return self.gazetteer.regencies

    @property
    def provinces(self) -> dict[str, str]:
        return self.gazetteer.provinces

    def _site(self, region: str | None) -> tuple[Regency | None, str | None]:
        if not region:
            return None, None
        spelled = key(region)
        if spelled in self.gazetteer.by_name:
            return self.gazetteer.by_name[spelled], None
        if spelled.removeprefix("provinsi ") in self.provinces:
            return None, self.provinces[spelled.removeprefix("provinsi ")]
        place = self.gazetteer.places.get(spelled)
        if place is not None and len(place.regencies) == 1:
            return place.regencies[0], None
        return None, None

    def evidence(self, text: str, *, region: str | None) -> Evidence:
        regencies: list[Regency] = []
        districts: list[list[Regency]] = []
        provinces: list[str] = []
        for mention in self.gazetteer.mentions(text):
            found = self._certain(mention)
            if isinstance(found, Regency):
                regencies.append(found)
            elif isinstance(found, str):
                provinces.append(found)
            elif mention.kind == "kecamatan" and mention.place.candidates() not in districts:
                districts.append(mention.place.candidates())
        site_regency, site_province = self._site(region)
        return Evidence(
            list(dict.fromkeys(regencies)),
            districts,
            list(dict.fromkeys(provinces)),
            site_regency,
            site_province,
        )

    @staticmethod
    def _certain(mention: Mention) -> Regency | str | None:
        """The regency (or province) a mention names without doubt, if any."""
        place = mention.place
        if mention.kind in ("kabupaten", "kota") and place.regencies:
            kota = mention.kind == "kota"
            same_kind = [r for r in place.regencies if r.kota == kota]
            return (
                (same_kind or place.regencies)[0]
                if len(same_kind or place.regencies) == 1
                else None
            )
        if mention.kind is not None:
            return None
        if place.province is not None and mention.text in place.spellings:
            return place.province
        if (
            len(place.regencies) == 1
            and place.regencies[0].bare not in COMMON_WORDS
            and mention.text == place.regencies[0].bare  # capitalized as a name is
        ):
            return place.regencies[0]
        return None

    def dateline(self, place: str, evidence: Evidence) -> Regency | str | None:
        """What a dateline names: a regency, else a province, else None."""
        spelled = key(place)
        if spelled in self.gazetteer.by_name:
            return self.gazetteer.by_name[spelled]
        entry = self.gazetteer.places.get(spelled)
        if entry is not None and entry.candidates():
            found = evidence.resolve(entry.candidates())
            if isinstance(found, str):
                # Left ambiguous within one province: a dateline names a regency or
                # city by its own name before a kecamatan of another one.
                named = [r for r in entry.regencies if r.province == found]
                if len(named) == 1:
                    return named[0]
            return found
        if entry is not None and entry.province is not None:
            return entry.province
        for prefix in _PREFIXES:  # "Kab Banyuasin", "Kota Bogor": only after the name as written
            if spelled.startswith(prefix):
                bare = self.gazetteer.places.get(spelled.removeprefix(prefix))
                if bare is not None and bare.regencies:
                    kota = prefix == "kota "
                    same_kind = [r for r in bare.regencies if r.kota == kota]
                    return evidence.resolve(same_kind or bare.regencies)
        return None

    def regions(
        self, *, dateline: str | None, title: str, body: str, region: str | None
    ) -> list[str]:
        evidence = self.evidence(f"{title}\n{body}", region=region)
        regencies: list[Regency] = []
        provinces: list[str] = []
        if dateline:
            found = self.dateline(dateline, evidence)
            if isinstance(found, Regency):
                regencies.append(found)
            elif found is not None:
                provinces.append(found)
        regencies += evidence.regencies
        known = evidence.known_provinces()
        for candidates in evidence.districts:
            resolved = evidence.resolve(candidates)
            # A kecamatan named in passing counts only where the rest of the evidence is.
            if isinstance(resolved, Regency) and (not known or resolved.province in known):
                regencies.append(resolved)
        regencies = list(dict.fromkeys(regencies))[:MAX_REGENCIES]
        names = [r.name for r in regencies] + [r.province for r in regencies]
        return list(dict.fromkeys(names + provinces + evidence.provinces))


@cache
def default_gazetteer() -> Regions:
    return Regions(Gazetteer.from_kemendagri())


class RegionsPipeline:
    """Sets ``item.regions`` from the Kemendagri gazetteer."""

    def __init__(self, crawler: Crawler, gazetteer: Regions) -> None:
        self.crawler = crawler
        self.gazetteer = gazetteer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, default_gazetteer())

    def process_item(self, item: Article) -> Article:
        site = crawled_site(self.crawler, item.site)
        region = site.region if site is not None else None
        regions = partial(
            self.gazetteer.regions,
            dateline=item.location,
            title=item.title or "",
            body=item.body or "",
            region=region,
        )
        # Computed ahead by an extraction worker with the shipped gazetteer only.
        shipped = self.gazetteer is default_gazetteer()
        item.regions = (
            computed("regions", regions_key(item, region), regions) if shipped else regions()
        )
        return item
