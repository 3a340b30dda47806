"""Content fingerprints shared by deduplication and storage (one definition)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def body_hash(body: str | None) -> str | None:
    """SHA-256 of the body's words, case-folded: equal for texts that differ only in
    punctuation, spacing or case, so a copy with new typography is still exact."""
    if not body:
        return None
    words = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", body).casefold()).split()
    if not words:
        return None
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
