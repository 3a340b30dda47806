"""Indonesian date wording and WordPress-style slugs for the mock news web.

Regional sites print dates in words ("Senin, 17 Juli 2023 - 09:30 WIB") or in a
dateline's short form ("Senin (17/7/2023)"); date extraction is measured
against exactly these shapes, so they are written in one place.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
"""Western Indonesian Time, where all the mock sites are."""

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def date_words(moment: datetime) -> str:
    """``17 Juli 2023``"""
    local = moment.astimezone(WIB)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def day_date_words(moment: datetime) -> str:
    """``Senin, 17 Juli 2023``"""
    return f"{DAYS[moment.astimezone(WIB).weekday()]}, {date_words(moment)}"


def day_date_time_words(moment: datetime) -> str:
    """``Senin, 17 Juli 2023 - 09:30 WIB``"""
    return f"{day_date_words(moment)} - {moment.astimezone(WIB):%H:%M} WIB"


def day_short_date(moment: datetime) -> str:
    """``Senin (17/7/2023)``, as news copy names the day of the event."""
    local = moment.astimezone(WIB)
    return f"{DAYS[local.weekday()]} ({local.day}/{local.month}/{local.year})"


def slugify(text: str) -> str:
    """What WordPress makes of a title: ``Harga TBS Naik Rp 85`` -> ``harga-tbs-naik-rp-85``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def excerpt(paragraphs: tuple[str, ...], words: int = 30) -> str:
    """The automatic excerpt of a post: its first words, then ``[…]``."""
    tokens = " ".join(paragraphs).split()
    if len(tokens) <= words:
        return " ".join(tokens)
    return " ".join(tokens[:words]) + " […]"
