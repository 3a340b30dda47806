"""Near-duplicate signatures: MinHash over word shingles of a body, cut into LSH bands.

A syndicated press release keeps most of its sentences word for word while each
site changes the intro, the credit line and the boilerplate, reorders or trims
paragraphs: the copy's text is largely *contained* in the original's. A
different report of the same event shares facts but few word runs. The hard case
is an agency's recycled template reporting other news: the same sentences with
another district, other figures, another date; text alone cannot tell it from a
copy, the numbers the body states can. The parameters and :data:`RULE` are tuned
on ``benchmarks/dedup_set.py`` (``python benchmarks/dedup.py``); the archive
stores and compares the result (``archive.stories``).

A newsroom's different stories share its boilerplate (the "Baca juga" lines, the
closing formula, a template's fixed sentences); :func:`link_article` asks the
archive which of the body's sentences the site already repeats in several articles
and signs only the rest, so only distinctive text, and the numbers, dates and
names it states, decide.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash

from archive.stories import (
    MatchRule,
    NewArticle,
    Signature,
    StoryLink,
    link_story,
    own_story,
    site_boilerplate,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SHINGLE_WORDS = 4
"""Words per shingle: 3 lets common phrases collide across unrelated news, 5 and more
lose copies whose every sentence got a small edit."""
NUM_PERM = 128
"""MinHash permutations: the Jaccard estimate's standard error is 0.04 at 0.25."""
BANDS = 32
ROWS = 2
"""LSH bands x rows, on the first ``BANDS * ROWS`` MinHash values: a pair at Jaccard
0.25 (a heavily edited copy) shares a band with probability 1 - (1 - 0.25**2)**32 =
0.87, at 0.35 0.98; chance collisions are ranked last by shared band count."""
RULE = MatchRule(containment=0.33, numbers=0.5, names=0.5, dates=True, window_days=7, same_site=0.8)
"""Tuned on the labelled set (``benchmarks/dedup.py``): copies contain >= 0.33 of each
other's distinctive text (boilerplate left out), other reports of the same event
less; copies state at least half the same numbers and names and a common day,
templates and a newsroom's other stories do not; a site's own repost is nearly
whole (>= 0.8), its other stories share its stock sentences."""
OLD_RULE = MatchRule(containment=0.33, numbers=0.6)
"""The rule before the event evidence and boilerplate (for the benchmark's comparison)."""
BOILERPLATE_ARTICLES = 2
"""A sentence already found in this many of a site's stored articles is its
boilerplate: one repeat may be the same story posted twice, two are a pattern."""
MIN_SENTENCE_WORDS = 4
"""Shorter lines ("(Rilis)", "Editor: Andi") are not counted as sentences."""
SEED = 1
"""Fixed forever: signatures stored by earlier runs must stay comparable."""
MAX_NUMBERS = 256

_NUMBER = re.compile(r"\d+(?:[.,/:]\d+)*")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…”\"])\s+(?=[“\"(]?[A-Z0-9])|\n+")
_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("januari", "jan"), ("februari", "feb", "pebruari"), ("maret", "mar"),
            ("april", "apr"), ("mei",), ("juni", "jun"), ("juli", "jul"),
            ("agustus", "agu", "agt", "ags", "aug"), ("september", "sep", "sept"),
            ("oktober", "okt", "oct"), ("november", "nov", "nop"), ("desember", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?![\d/])")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\s+([A-Za-z]{3,9})\b")
"""A day and a word that may be a month ("17 Juli", "3 Agt."): checked against
:data:`_MONTHS` (one alternation of every month spelling costs ten times more)."""
_CAPITALIZED = re.compile(r"(?<![\w.])[A-Z][a-z][\w'’-]*")
_NOT_NAMES = """
    senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli
    agustus september oktober november desember kabupaten kecamatan kelurahan desa dusun
    kota provinsi pemerintah pemkab pemkot pemprov dinas badan kantor bupati wakil camat
    kepala ketua sekretaris kapolsek kapolres kapolda polsek polres polda kasat kanit
    unit satuan bagian bidang kasi kabid kadis sekda gubernur wali walikota lurah kades
    menurut selain namun sementara kemudian saat ketika dalam dengan untuk pada dari yang
    baca juga editor penulis reporter sumber foto ikuti simak berita the and ia mereka kami
    kita ini itu tersebut para sang pak bu ibu bapak haji hj dr ir drs
"""
NOT_NAMES = frozenset(_NOT_NAMES.split())
"""Capitalized words that name no one: days, months, offices, sentence openers."""


def words(body: str) -> list[str]:
    """The body's words, case-folded, without punctuation (as ``body_hash`` sees them)."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", body).casefold()).split()


def shingles(body: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping runs of ``size`` words; a body shorter than that is one shingle."""
    tokens = words(body)
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Generating the permutations costs more than hashing a whole article; do it once.
    template = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    a, b = template.permutations
    return a, b


def minhash(items: set[bytes]) -> MinHash:
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme="affine32")
    sketch.update_batch(items)
    return sketch


def band_keys(hashvalues: np.ndarray, *, bands: int = BANDS, rows: int = ROWS) -> tuple[int, ...]:
    """One signed 64-bit key per band (band number and its values hashed together),
    so one indexed BIGINT column serves every band."""
    values = np.ascontiguousarray(hashvalues, dtype="<u4")
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(
            values[band * rows : (band + 1) * rows].tobytes(),
            digest_size=8,
            person=band.to_bytes(16, "little"),
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


def numbers(body: str) -> bytes:
    """The distinct numbers the body states ("17/7/2023", "837.062", "21"), as sorted
    uint32 hashes: what a recycled template changes and a copy keeps."""
    found = dict.fromkeys(_NUMBER.findall(unicodedata.normalize("NFKC", body)))
    hashes = sorted(
        int.from_bytes(hashlib.blake2b(n.encode(), digest_size=4).digest(), "little")
        for n in list(found)[:MAX_NUMBERS]
    )
    return np.asarray(hashes, dtype="<u4").tobytes()


def sentences(body: str) -> list[str]:
    """The body's sentences (and lines): the unit a site's boilerplate repeats."""
    return [part.strip() for part in _SENTENCE_END.split(body) if part and part.strip()]


def sentence_key(sentence: str) -> int | None:
    """The sentence's signed 64-bit key, or None for a line too short to count."""
    tokens = words(sentence)
    if len(tokens) < MIN_SENTENCE_WORDS:
        return None
    digest = hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class Unsigned(enum.Enum):
    """The type of :data:`UNSIGNED`."""

    UNSIGNED = enum.auto()


UNSIGNED = Unsigned.UNSIGNED
"""No signature computed yet (where None means an empty body's)."""


@dataclass(frozen=True)
class Prepared:
    """A body split once: its normalized text, sentences and their keys."""

    text: str
    sentences: list[str]
    keys: list[int | None]

    def sentence_keys(self) -> list[int]:
        return [key for key in self.keys if key is not None]


def prepare(body: str | None) -> Prepared:
    text = unicodedata.normalize("NFKC", body or "")
    parts = sentences(text)
    return Prepared(text, parts, [sentence_key(part) for part in parts])


def sentence_keys(body: str | None) -> list[int]:
    """The keys of the body's sentences, in order (see :func:`sentence_key`)."""
    return prepare(body).sentence_keys()


def _packed(values: Collection[str]) -> bytes:
    hashes = sorted(
        {
            int.from_bytes(hashlib.blake2b(v.encode(), digest_size=4).digest(), "little")
            for v in values
        }
    )
    return np.asarray(hashes[:MAX_NUMBERS], dtype="<u4").tobytes()


def dates(text: str) -> bytes:
    """The calendar days the text states ("17/7/2023", "(17/7)", "17 Juli 2023") as
    sorted uint32 hashes of day and month: a copy states its event's day, a template
    filled in on another day states another."""
    days: set[str] = set()
    for day, month, _year in _NUMERIC_DATE.findall(text):
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            days.add(f"{int(day)}-{int(month)}")
    for day, word in _WORD_DATE.findall(text):
        month = _MONTHS.get(word.casefold())
        if month is not None and 1 <= int(day) <= 31:
            days.add(f"{int(day)}-{month}")
    return _packed(days)


def names(text: str, parts: list[str] | None = None) -> bytes:
    """The capitalized words that are not sentence openers, days, months or offices
    (people, organisations, places), as sorted uint32 hashes (``parts``: the text's
    sentences, when already split)."""
    found: set[str] = set()
    for part in sentences(text) if parts is None else parts:
        for match in _CAPITALIZED.finditer(part):
            if not any(c.islower() for c in part[: match.start()]):
                continue  # the sentence's first word (after a dateline or a quote mark)
            word = match.group().casefold()
            if word not in NOT_NAMES:
                found.add(word)
    return _packed(found)


def signature(
    body: str | Prepared | None, *, boilerplate: Collection[int] = ()
) -> Signature | None:
    """The body's signature, or None for an empty body (nothing to compare).

    Sentences whose key is in ``boilerplate`` are left out of what is compared (the
    shingles, numbers, dates and names); a body that is all boilerplate is signed
    whole, so a repost of it can still be found.
    """
    prepared = body if isinstance(body, Prepared) else prepare(body)
    text, parts = prepared.text, prepared.sentences
    if boilerplate:
        kept = [
            part
            for part, key in zip(prepared.sentences, prepared.keys, strict=True)
            if key is None or key not in boilerplate
        ]
        distinctive = "\n".join(kept)
        if shingles(distinctive):
            text, parts = distinctive, kept
    items = shingles(text)
    if not items:
        return None
    values = np.asarray(minhash(items).hashvalues, dtype="<u4")
    return Signature(
        minhash=values.tobytes(),
        band_keys=band_keys(values),
        shingle_count=len(items),
        numbers=numbers(text),
        names=names(text, parts),
        dates=dates(text),
        sentence_keys=tuple(prepared.sentence_keys()),
    )


def link_article(
    session: Session,
    site_id: int,
    article_id: int,
    body: str | Prepared | None,
    *,
    rule: MatchRule = RULE,
    unsigned: bool = False,
    whole: Signature | Unsigned | None = UNSIGNED,
    new: NewArticle | None = None,
) -> StoryLink | None:
    """Sign a stored article without its site's boilerplate and put it in its story
    (None: an empty body, nothing to link). ``body`` may come prepared already, and
    ``whole`` is its signature without leaving anything out, when computed already
    (``pipelines.ahead``): it is the signature when the site has no boilerplate in
    the body. ``unsigned``: the article was inserted in this transaction (see
    ``link_story``). ``new``: inserted in this transaction without its ``story_id``,
    which is written here whatever the body (``link_story``)."""
    prepared = body if isinstance(body, Prepared) else prepare(body)
    boilerplate = site_boilerplate(
        session, site_id, prepared.sentence_keys(), min_articles=BOILERPLATE_ARTICLES
    )
    if not boilerplate and whole is not UNSIGNED:
        found = whole
    else:
        found = signature(prepared, boilerplate=boilerplate)
    if found is None:
        if new is not None:
            own_story(session, new.id)
        return None
    return link_story(session, article_id, found, rule=rule, unsigned=unsigned, new=new)
