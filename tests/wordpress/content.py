"""Indonesian-like regional news for the test sites, deterministic per seed: published
posts (some sticky, with comments) and everything a crawler must never store (drafts,
private, pending, future and password-protected posts, pages, attachments)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
PLACES = (
    "Banyuasin", "Muara Enim", "Ogan Ilir", "Lahat", "Prabumulih", "Musi Rawas",
    "Pagar Alam", "Lubuklinggau", "Empat Lawang", "Ogan Komering Ulu", "Palembang",
)  # fmt: skip
SUBJECTS = (
    "Bupati", "Wali Kota", "Camat", "Kepala Desa", "Dinas Pendidikan", "Polres",
    "DPRD", "Dinas Kesehatan", "Warga", "Petani", "Nelayan", "Pelajar",
)  # fmt: skip
VERBS = (
    "Resmikan", "Tinjau", "Bahas", "Salurkan", "Gelar", "Tuntaskan", "Perbaiki",
    "Sosialisasikan", "Awasi", "Dukung",
)  # fmt: skip
OBJECTS = (
    "Jembatan Gantung Desa", "Bantuan Pangan Nontunai", "Pasar Murah Ramadan",
    "Jalan Poros Kecamatan", "Vaksinasi Anak Sekolah", "Festival Budaya Daerah",
    "Program Dana Desa", "Pelatihan Usaha Mikro", "Posyandu Balita", "Irigasi Sawah Warga",
    "Turnamen Sepak Bola Antar Desa", "Penanganan Banjir Musiman",
)  # fmt: skip
_TEXT = (
    "pemerintah kabupaten menyampaikan bahwa kegiatan ini bertujuan meningkatkan "
    "kesejahteraan masyarakat desa dan memperkuat pelayanan publik di tingkat "
    "kecamatan menurut keterangan warga setempat pembangunan tersebut sudah lama "
    "dinantikan karena akses jalan menuju pusat kota sering terputus saat musim "
    "hujan tiba anggaran yang digunakan berasal dari dana desa serta bantuan "
    "provinsi sehingga pengawasan dilakukan bersama aparat kepolisian dan tokoh "
    "masyarakat kepala dinas menegaskan seluruh pekerjaan harus selesai tepat waktu "
    "dengan kualitas yang baik para petani berharap hasil panen meningkat setelah "
    "saluran irigasi diperbaiki pihak sekolah juga menyambut baik program tersebut "
    "dan mengajak orang tua murid ikut berpartisipasi "
)
WORDS = tuple(_TEXT.split())
CATEGORIES = ("Berita", "Daerah", "Pemerintahan", "Ekonomi", "Olahraga", "Pendidikan")
TAGS = ("dana desa", "infrastruktur", "kesehatan", "pertanian", "banjir", "pelajar")


def paragraph(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + "."


def body(rng: random.Random, paragraphs: int, place: str) -> str:
    """Block-editor HTML, the dateline in the first paragraph as regional sites write it."""
    parts = []
    for i in range(paragraphs):
        text = paragraph(rng, rng.randint(35, 60))
        if i == 0:
            text = f"{place.upper()} – {text}"
        parts.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
    return "\n\n".join(parts)


def title(rng: random.Random, n: int) -> str:
    place = rng.choice(PLACES)
    return f"{rng.choice(SUBJECTS)} {place} {rng.choice(VERBS)} {rng.choice(OBJECTS)} Tahap {n}"


def local(moment: datetime) -> str:
    """WordPress's post_date: the site's local time, no offset."""
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M:%S")


def published_post(
    rng: random.Random, n: int, when: datetime, authors: list[int], **extra: Any
) -> dict[str, Any]:
    headline = title(rng, n)
    place = next(p for p in PLACES if p in headline)
    return {
        "op": "post",
        "title": headline,
        "content": body(rng, rng.randint(4, 7), place),
        "date": local(when),
        "author": rng.choice(authors),
        "categories": rng.sample(CATEGORIES, 2),
        "tags": rng.sample(TAGS, 2),
        "comments": [paragraph(rng, 12) for _ in range(rng.randint(0, 3))],
        **extra,
    }


def first_content(
    seed: str, now: datetime, authors: list[int], *, posts: int = 60
) -> list[dict[str, Any]]:
    """The site's history: ``posts`` published posts over the last 25 days (two sticky,
    among the oldest), and the non-articles."""
    rng = random.Random(seed)
    ops: list[dict[str, Any]] = []
    for n in range(posts):
        when = now - timedelta(days=25) + timedelta(hours=10 * n, minutes=rng.randint(0, 59))
        ops.append(published_post(rng, n + 1, when, authors, sticky=n in (1, 4)))
    recent = now - timedelta(days=2)
    for n, status in enumerate(("draft", "draft", "private", "private", "pending", "pending")):
        ops.append(published_post(rng, 100 + n, recent, authors, status=status))
    for n in range(2):  # scheduled: WordPress lists them nowhere until their time
        ops.append(published_post(rng, 110 + n, now + timedelta(days=3 + n), authors))
    for n in range(2):  # protected: the page shows a password form, not the story
        ops.append(published_post(rng, 120 + n, recent, authors, password="rahasia"))
    pages = (
        "Redaksi dan Susunan Pengurus Media Kami",
        "Pedoman Pemberitaan Media Siber Kabar Daerah",
        "Tentang Kami dan Sejarah Singkat Portal Berita",
        "Kontak dan Alamat Kantor Redaksi Kabar",
    )
    for page in pages:
        ops.append(
            {
                "op": "post",
                "type": "page",
                "title": page,
                "content": body(rng, 5, "Palembang"),
                "date": local(now - timedelta(days=40)),
            }
        )
    return ops


def new_posts(
    seed: str, now: datetime, newest: datetime, authors: list[int], count: int
) -> list[dict[str, Any]]:
    """``count`` posts published at once; every third back-dated before ``newest`` (an
    editor setting the event's day), which a feed's Last-Modified does not reveal."""
    rng = random.Random(seed)
    ops = []
    for n in range(count):
        back_dated = n % 3 == 0
        when = newest - timedelta(hours=5 + n) if back_dated else now - timedelta(minutes=30 + n)
        ops.append(published_post(rng, 200 + n, when, authors))
    return ops


def back_dated_posts(
    seed: str, newest: datetime, authors: list[int], count: int
) -> list[dict[str, Any]]:
    """``count`` posts published now but dated minutes before the ``newest`` post: on
    the first page of every listing, yet WordPress's feed Last-Modified (its newest
    post's modified time) does not move."""
    rng = random.Random(seed)
    return [
        published_post(rng, 300 + n, newest - timedelta(minutes=n + 1), authors)
        for n in range(count)
    ]


AUTHORS = (("rina", "Rina Marlina"), ("agus", "Agus Salim"), ("dewi", "Dewi Lestari"))
