"""A fingerprint of code, so outputs built by other code are rebuilt."""

from __future__ import annotations

import hashlib
import inspect
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType


def code_fingerprint(modules: tuple[ModuleType, ...], packages: tuple[str, ...] = ()) -> str | None:
    """A digest of ``modules``' source and ``packages``' installed versions; None when a source
    cannot be read (then nothing may be skipped as unchanged)."""
    digest = hashlib.sha256()
    try:
        for module in modules:
            digest.update(inspect.getsource(module).encode("utf-8"))
        for package in packages:
            digest.update(version(package).encode("utf-8"))
    except (OSError, TypeError, ValueError, PackageNotFoundError):
        return None
    return digest.hexdigest()
