"""SIGTERM honoured within seconds, even when the reactor is blocked.

Scrapy's own SIGTERM handler only *schedules* a graceful stop on the reactor; a
callback stuck in a long CPU loop keeps the reactor from ever running it, and the
process ignores SIGTERM for as long as the loop lasts. :func:`install` puts a
handler in front of whatever handler is in place (Scrapy's): it sets a process-wide
flag (:func:`shutdown_requested`, for cooperative checks in long loops), passes the
signal on, and starts a watchdog thread that ends the process with ``os._exit(143)``
if it is still alive ``grace_s`` seconds after the first SIGTERM. A second SIGTERM
ends it at once. Ending this way is safe for the archive: every write is a database
transaction (SQLite or PostgreSQL), so a cut-off batch is rolled back and stored again
by the next run; the graceful path (the batched writer commits on close) is taken
whenever the reactor gets to it within the grace.

Python runs signal handlers in the main thread between bytecodes, so a loop in
Python code sees the signal at once; a single C call (one huge regex) delays it
until that call returns. No Scrapy import here: the mechanism is plain signals and
a thread.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

EXIT_CODE = 128 + signal.SIGTERM
"""What a shell reports for a process ended by SIGTERM (143)."""

_requested = threading.Event()
_lock = threading.Lock()
Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def shutdown_requested() -> bool:
    """True once SIGTERM arrived: long loops check this and stop early."""
    return _requested.is_set()


def install(grace_s: float) -> None:
    """Put the watchdog handler in front of the current SIGTERM handler (main thread only).

    The handler passed on to may replace itself (Scrapy's installs its "second signal"
    handler); the new one is wrapped again, so this handler stays in front.
    """
    _wrap(signal.getsignal(signal.SIGTERM), grace_s)


def _wrap(previous: Handler, grace_s: float) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        with _lock:
            again = _requested.is_set()
            _requested.set()
        if again:
            _end()
        threading.Thread(
            target=_watchdog, args=(grace_s,), name="kabar-shutdown-watchdog", daemon=True
        ).start()
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            _end()
        current = signal.getsignal(signal.SIGTERM)
        if current is not handler:
            _wrap(current, grace_s)

    signal.signal(signal.SIGTERM, handler)


def _watchdog(grace_s: float) -> None:
    """Ends the process if it is still running ``grace_s`` seconds after the first SIGTERM."""
    time.sleep(grace_s)
    _end()


def _end() -> NoReturn:
    """End the process now, and its worker processes with it.

    ``os._exit`` runs no cleanup, so the extraction pool's forked workers would
    outlive it (orphans holding the parent's stdout and stderr open); they are
    killed first.
    """
    try:
        for child in multiprocessing.active_children():
            child.kill()
    finally:
        os._exit(EXIT_CODE)
