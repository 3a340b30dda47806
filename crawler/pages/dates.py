"""Dates as Indonesian news pages write them, turned into aware datetimes.

Regional sites print "Senin, 17/07/2023 | 10:15 WIB", "17 Juli 2023" or
"2 jam yang lalu" instead of ISO 8601, and structured data often lacks an
offset. Every function here returns a timezone-aware datetime or ``None``:
naive times are read in the site's zone, WIB/WITA/WIT map to +07/+08/+09 and
relative times are resolved against the fetch time. Pure regular expressions,
no dateparser: this runs on every page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "ZONE_OFFSETS",
    "find_date",
    "parse_date",
    "parse_iso",
]

ZONE_OFFSETS: dict[str, timezone] = {
    "wib": timezone(timedelta(hours=7)),
    "wita": timezone(timedelta(hours=8)),
    "wit": timezone(timedelta(hours=9)),
    "utc": UTC,
    "gmt": UTC,
    "z": UTC,
}
"""Indonesian zone abbreviations (and UTC) to fixed offsets."""

MONTHS: dict[str, int] = {
    # Indonesian, with the spellings and abbreviations regional sites use
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agust": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ZONE = r"(?:\s*(?P<zone>WITA|WIB|WIT|UTC|GMT)\b)?"
_TIME = (
    r"(?:(?:\s*[,|\-–]\s*|\s+)(?:pukul\s+|jam\s+|at\s+)?"
    r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:[:.](?P<second>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?)\b)?" + _ZONE + r")?"
)

_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 17 Juli 2023 10:15 WIB / 17 Jul. 2023, 10.15
    re.compile(
        r"\b(?P<day>[0-3]?\d)\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b" + _TIME, re.I
    ),
    # July 17, 2023 10:15
    re.compile(
        r"\b"
        + _MONTH
        + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"
        + _TIME,
        re.I,
    ),
    # 2023-07-17 10:15 or 2023/07/17
    re.compile(
        r"\b(?P<year>(?:19|20)\d\d)[-/](?P<nmonth>[01]?\d)[-/](?P<day>[0-3]?\d)\b" + _TIME, re.I
    ),
    # 17/07/2023 | 10:15 WIB, Senin (17/7/2023), 17-07-2023 (day first, as Indonesia writes)
    re.compile(
        r"\b(?P<day>[0-3]?\d)[/.\-](?P<nmonth>[01]?\d)[/.\-](?P<year>(?:19|20)?\d\d)\b\)?"
        r"(?:\s*\|)?" + _TIME,
        re.I,
    ),
)

_RELATIVE = re.compile(
    r"\b(?P<n>\d+|se|satu|an?)\s*(?P<unit>detik|menit|jam|hari|minggu|pekan|bulan|tahun|"
    r"seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+"
    r"(?:yang\s+)?(?:lalu|ago)\b",
    re.I,
)
_UNIT_SECONDS: dict[str, int] = {
    "detik": 1, "second": 1,
    "menit": 60, "minute": 60, "min": 60,
    "jam": 3600, "hour": 3600, "hr": 3600,
    "hari": 86400, "day": 86400,
    "minggu": 7 * 86400, "pekan": 7 * 86400, "week": 7 * 86400,
    "bulan": 30 * 86400, "month": 30 * 86400,
    "tahun": 365 * 86400, "year": 365 * 86400,
}  # fmt: skip
_YESTERDAY = re.compile(r"\b(?P<word>kemarin|yesterday|hari ini|today)\b", re.I)

_ISO = re.compile(
    r"^\s*(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)"
    r"(?:[T ](?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:[.,]\d+)?)?)?"
    # A stray "Z" after an offset ("2015-06-19T03:40:00+07:00Z") is a common CMS slip.
    r"\s*(?P<offset>Z|[+-]\d\d:?\d\d|[+-]\d\d)?Z?\s*$",
    re.I,
)


def _zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _localize(naive: datetime, zone: tzinfo) -> datetime:
    return naive.replace(tzinfo=zone)


def _offset(text: str) -> timezone:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_iso(value: str, *, tz: tzinfo | str = "Asia/Jakarta") -> datetime | None:
    """An ISO 8601 date or datetime (structured data, ``<time datetime>``).

    A date alone is midnight in ``tz``; a time without offset is read in ``tz``.
    """
    match = _ISO.match(value)
    if match is None:
        return None
    g = match.groupdict()
    try:
        naive = datetime(
            int(g["year"]),
            int(g["month"]),
            int(g["day"]),
            int(g["hour"] or 0),
            int(g["minute"] or 0),
            int(g["second"] or 0),
        )
    except ValueError:
        return None
    zone = _offset(g["offset"]) if g["offset"] else _zone(tz)
    return _localize(naive, zone)


def _from_match(match: re.Match[str], zone: tzinfo) -> datetime | None:
    g = match.groupdict()
    month = MONTHS.get((g.get("month") or "").lower().rstrip(".")) or int(g.get("nmonth") or 0)
    year = int(g["year"])
    if year < 100:
        year += 2000
    hour, minute = int(g["hour"] or 0), int(g["minute"] or 0)
    ampm = (g.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        naive = datetime(year, month, int(g["day"]), hour, minute, int(g["second"] or 0))
    except ValueError:
        return None
    named = g.get("zone")
    return _localize(naive, ZONE_OFFSETS[named.lower()] if named else zone)


def _relative(text: str, now: datetime) -> datetime | None:
    match = _RELATIVE.search(text)
    if match is not None:
        raw = match["n"].lower()
        count = int(raw) if raw.isdigit() else 1
        unit = match["unit"].lower()
        seconds = _UNIT_SECONDS.get(unit) or _UNIT_SECONDS.get(unit.rstrip("s"), 0)
        return now - timedelta(seconds=count * seconds)
    word = _YESTERDAY.search(text)
    if word is not None:
        days = 1 if word["word"].lower() in ("kemarin", "yesterday") else 0
        return now - timedelta(days=days)
    return None


def find_date(
    text: str,
    *,
    tz: tzinfo | str = "Asia/Jakarta",
    now: datetime | None = None,
    relative: bool = True,
) -> datetime | None:
    """The first date written in ``text`` (any of the supported forms), or None.

    ``now`` (the fetch time, aware) resolves "2 jam yang lalu"; without it
    relative expressions are ignored.
    """
    zone = _zone(tz)
    best: tuple[int, datetime] | None = None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found = _from_match(match, zone)
            if found is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), found)
                break
    if best is not None:
        return best[1]
    if relative and now is not None:
        return _relative(text, now if now.tzinfo else now.replace(tzinfo=zone))
    return None


def parse_date(
    value: str | None,
    *,
    tz: tzinfo | str = "Asia/Jakarta",
    now: datetime | None = None,
) -> datetime | None:
    """A date from a metadata value or a short visible string: ISO first, then prose."""
    if not value:
        return None
    value = value.strip()
    return parse_iso(value, tz=tz) or find_date(value, tz=tz, now=now)
