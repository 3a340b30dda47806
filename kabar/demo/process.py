"""Run the mock web server as a child process: what the tests and ``kabar demo`` use.

A child process rather than a thread, so the server never competes with the
crawl for its process's event loop (Twisted's reactor runs once per process),
and so it is as separate from the crawler as a real site is. The child stops
when its stdin closes, so it cannot outlive a parent that crashes.

What the parent gets is the ``{site name: base URL}`` mapping it always was, with
the server's controls as methods (:class:`ServedMockWeb`): advancing the web a day,
and reading or resetting the request counts a test asserts on.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTROL_PREFIX = "/_mock/"
"""Where every site's port answers the server's control requests (never linked)."""


class MockWebError(RuntimeError):
    """The mock web server could not be started; the message says why."""


class ServedMockWeb(dict[str, str]):
    """``{site name: base URL}`` of a running mock web server, with its controls.

    A dict, so it goes wherever the plain mapping went (``write_sites_toml``,
    comparisons, JSON). Example::

        with serve_mockweb_subprocess() as web:
            crawl(web["merahputih"])
            web.reset_stats()
            web.advance()          # day 1: new articles, one edited
            crawl(web["merahputih"])
            assert web.stats()["sites"]["jebakan"]["paths"].get("/rahasia/...") is None
    """

    def _control(self, action: str, *, post: bool = False) -> Any:
        url = next(iter(self.values())).rstrip("/") + CONTROL_PREFIX + action
        request = urllib.request.Request(url, method="POST" if post else "GET")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except OSError as exc:
            raise MockWebError(f"mock web server did not answer {url}: {exc}") from exc

    def advance(self) -> int:
        """Move the web on a day (same ports); returns the new day."""
        return int(self._control("advance", post=True)["day"])

    def stats(self) -> dict[str, Any]:
        """Requests since the start or the last reset:
        ``{"day": 0, "now": ..., "sites": {name: {"requests": n, "paths": {path: n},
        "statuses": {"200": n}}}}``."""
        result: dict[str, Any] = self._control("stats")
        return result

    def reset_stats(self) -> None:
        self._control("reset-stats", post=True)

    def requests(self, site: str, path: str | None = None) -> int:
        """Requests to ``site`` so far, or to one of its paths (query ignored)."""
        counts = self.stats()["sites"][site]
        return int(counts["requests"] if path is None else counts["paths"].get(path, 0))


def _read_line(stream: IO[bytes], timeout_s: float) -> bytes | None:
    """One line from ``stream``, or None if none came within ``timeout_s``."""
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout_s)
    except queue.Empty:
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()  # the server's cue to stop
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


@contextmanager
def serve_mockweb_subprocess(
    *, port_base: int = 0, now: datetime | None = None, timeout_s: float = 20.0
) -> Iterator[ServedMockWeb]:
    """Serve the mock web from a child process; yields ``{site name: base URL}``
    (a :class:`ServedMockWeb`, which can also advance the web and count requests).

    Example::

        with serve_mockweb_subprocess() as base_urls:
            urllib.request.urlopen(base_urls["merahputih"] + "feed/")
    """
    command = [sys.executable, "-m", "kabar.demo.server", "--port-base", str(port_base)]
    if now is not None:
        command += ["--now", now.isoformat()]
    path = os.pathsep.join(p for p in (str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p)
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "PYTHONPATH": path},
        )
        try:
            assert process.stdout is not None
            line = _read_line(process.stdout, timeout_s)
            if not line:
                _stop(process)
                stderr.seek(0)
                tail = stderr.read().decode(errors="replace").strip().splitlines()[-3:]
                reason = "exited" if line == b"" else f"did not start within {timeout_s:g} s"
                detail = f": {' | '.join(tail)}" if tail else ""
                raise MockWebError(f"mock web server {reason} (exit code {process.poll()}){detail}")
            try:
                sites = json.loads(line)["sites"]
            except (ValueError, KeyError, TypeError) as exc:
                raise MockWebError(f"mock web server said {line!r}, not its sites") from exc
            yield ServedMockWeb({str(name): str(url) for name, url in sites.items()})
        finally:
            _stop(process)
