"""Dates as Indonesian news pages write them, turned into aware datetimes.

Regional sites print "Senin, 17/07/2023 | 10:15 WIB", "17 Juli 2023" or
"2 jam yang lalu" instead of ISO 8601, and structured data often lacks an
offset. Every function here returns a timezone-aware datetime or ``None``:
naive times are read in the site's zone, WIB/WITA/WIT map to +07/+08/+09 and
relative times are resolved against the fetch time. Pure regular expressions,
no dateparser: this runs on every page.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "ZONE_OFFSETS",
    "find_date",
    "find_time",
    "has_zone",
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
    # German and Dutch
    "januar": 1, "jänner": 1, "jän": 1, "februar": 2, "märz": 3, "mär": 3, "maart": 3,
    "mai": 5, "augustus": 8, "dezember": 12, "dez": 12,
    # French
    "janvier": 1, "janv": 1, "février": 2, "févr": 2, "fév": 2, "mars": 3, "avril": 4,
    "avr": 4, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "déc": 12,
    # Spanish and Portuguese
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9,
    "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
    "janeiro": 1, "fevereiro": 2, "fev": 2, "março": 3, "maio": 5, "junho": 6,
    "julho": 7, "setembro": 9, "set": 9, "outubro": 10, "out": 10, "dezembro": 12,
    # Italian
    "gennaio": 1, "gen": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "mag": 5,
    "giugno": 6, "giu": 6, "luglio": 7, "lug": 7, "settembre": 9, "ottobre": 10,
    "ott": 10, "dicembre": 12,
}  # fmt: skip
"""Month names and abbreviations: Indonesian first, then the languages of the other
news sites kabar reads (a date line in German or Spanish is as much the page's as one in
Indonesian)."""

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ZONE = (
    r"(?:\s*\(?(?P<zone>WITA|WIB|WIT|UTC|GMT)"
    r"(?:\s*(?P<zone_offset>[+-]\s*\d{1,2}(?:[:.]?\d\d)?))?\)?(?![\w+-]))?"
)
"""WIB/WITA/WIT, or UTC/GMT with an optional offset ("GMT+7", "UTC +07:00")."""
_SEPARATOR = (
    r"(?:\s*(?:[,|/\-–—•·]|\bpukul\b|\bjam\b|\bat\b|\bum\b|\bà\b|\ba\s+las\b|\balle\b|"
    r"\bàs\b|\bom\b)\s*)*"
)
"""Between a date and its time: "|", ",", "-", "/", "pukul", or several ("| Pukul"); "at",
"um", "à", "a las", "alle", "às", "om" in other languages."""
_CLOCK = (
    r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:[:.](?P<second>[0-5]\d))?(?!\d|[.:]\d)"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?)(?!\w))?"
)
_TIME = r"(?:(?:" + _SEPARATOR + r"|\s+)" + _CLOCK + _ZONE + r")?"
_DAY_MONTH = r"(?:\s+de\s+|\s+|\s*[-/]\s*)"
"""Between a day and a month name: "17 Juli", "17-Jul-2023", "17 de julio de 2023"."""

_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 17 Juli 2023 10:15 WIB / 17 Jul. 2023, 10.15 / 17-Jul-2023 | 10:15
    re.compile(
        r"\b(?P<day>[0-3]?\d)\.?"
        + _DAY_MONTH
        + _MONTH
        + r",?"
        + _DAY_MONTH
        + r"(?P<year>(?:19|20)\d\d)\b"
        + _TIME,
        re.I,
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
        r"\b(?P<day>[0-3]?\d)[/.\-](?P<nmonth>[01]?\d)[/.\-](?P<year>(?:19|20)?\d\d)\b\)?" + _TIME,
        re.I,
    ),
)
_CLOCK_ALONE = re.compile(r"(?<![\d.:])" + _CLOCK + _ZONE, re.I)
"""A time written apart from its date ("10:15 WIB" in its own element, or before the date)."""
_TIME_BEFORE = re.compile(
    r"(?<![\d.:])" + _CLOCK + _ZONE + r"(?:\s*(?:[,|/\-–—•·]|\bpada\b)\s*)*"
    r"(?:(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?\s*\(?\s*)?$",
    re.I,
)
"""A time just before the date it belongs to: "10:15 WIB, Senin 17 Juli 2023"."""
_MAX_MATCHES = 4
"""Dates read per form in one text: the publication follows an update's date at most."""
_UPDATE_LABEL = re.compile(
    r"(?:diperbarui|diperbaharui|diupdate|update[d]?|last\s+updated?|modified|perubahan)"
    r"\s*(?:pada|on|at)?\s*[:\-]?\s*(?:\w+\s*[,(]?\s*)?$",
    re.I,
)
"""Just before a date, a label saying it is the last update, not the publication."""

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
    # "2023-07-17 T10:15": a stray space before the "T" is a CMS slip, not a date alone.
    r"(?:(?:\s*T\s*|\s+)(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:[.,]\d+)?)?)?"
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


def _zone_of(name: str | None, offset: str | None, default: tzinfo) -> tzinfo:
    """The zone a date line names ("WIB", "GMT+7", "UTC +07:00"), else ``default``."""
    if not name:
        return default
    if offset:
        sign = -1 if offset.lstrip()[0] == "-" else 1
        digits = re.sub(r"\D", "", offset)
        hours, minutes = (
            (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        )
        if hours > 14 or minutes >= 60:
            return default
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    return ZONE_OFFSETS[name.lower()]


def _clock(groups: dict[str, str | None]) -> tuple[int, int, int]:
    hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return hour, minute, int(groups["second"] or 0)


def _from_match(match: re.Match[str], zone: tzinfo, text: str) -> datetime | None:
    g = match.groupdict()
    month = MONTHS.get((g.get("month") or "").lower().rstrip(".")) or int(g.get("nmonth") or 0)
    year = int(g["year"])
    if year < 100:
        year += 2000
    if g["hour"] is None:
        # The time may stand before the date ("10:15 WIB, Senin 17 Juli 2023").
        before = _TIME_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
        if before is not None:
            g = {**g, **before.groupdict()}
    hour, minute, second = _clock(g)
    try:
        naive = datetime(year, month, int(g["day"]), hour, minute, second)
    except ValueError:
        return None
    return _localize(naive, _zone_of(g.get("zone"), g.get("zone_offset"), zone))


def find_time(text: str) -> tuple[int, int, tzinfo | None] | None:
    """(hour, minute, zone or None) of the first time of day written in ``text``."""
    match = _CLOCK_ALONE.search(text)
    if match is None:
        return None
    hour, minute, _ = _clock(match.groupdict())
    zone = match["zone"]
    return hour, minute, _zone_of(zone, match["zone_offset"], UTC) if zone else None


_NAMED_ZONE = re.compile(r"\b(?:WIB|WITA|WIT)\b|\b(?:GMT|UTC)\s*[+-]\s*\d", re.I)


def has_zone(text: str) -> bool:
    """Whether ``text`` names a local zone ("WIB", "GMT+7"), so its times are exact."""
    return _NAMED_ZONE.search(text) is not None


def _is_update(text: str, start: int) -> bool:
    """Whether the date at ``start`` is labelled as the last update."""
    return _UPDATE_LABEL.search(text[max(0, start - 40) : start]) is not None


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
    found: list[tuple[int, datetime]] = []
    for pattern in _PATTERNS:
        for match in itertools.islice(pattern.finditer(text), _MAX_MATCHES):
            date = _from_match(match, zone, text)
            if date is not None:
                found.append((match.start(), date))
                if not _is_update(text, match.start()):
                    break
    if found:
        found.sort(key=lambda item: item[0])
        # "Diperbarui: …" before a date says it is the update; the publication is the other.
        published = [item for item in found if not _is_update(text, item[0])]
        return (published or found)[0][1]
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
