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
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

import numpy as np
from datasketch import MinHash

from archive.stories import MatchRule, Signature

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
RULE = MatchRule(containment=0.33, numbers=0.6)
"""Tuned on the labelled set: copies contain >= 0.42 of each other, other reports of
the same event <= 0.23; copies state >= 0.5 of the same numbers, recycled templates
<= 0.5 (mostly 0)."""
SEED = 1
"""Fixed forever: signatures stored by earlier runs must stay comparable."""
MAX_NUMBERS = 256

_NUMBER = re.compile(r"\d+(?:[.,/:]\d+)*")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


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


def signature(body: str | None) -> Signature | None:
    """The body's signature, or None for an empty body (nothing to compare)."""
    items = shingles(body or "")
    if not items:
        return None
    values = np.asarray(minhash(items).hashvalues, dtype="<u4")
    return Signature(
        minhash=values.tobytes(),
        band_keys=band_keys(values),
        shingle_count=len(items),
        numbers=numbers(body or ""),
    )
