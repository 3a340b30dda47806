"""`kabar serve`'s HTTP behaviour, through a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from feeds.serve import ServeLimits, accepts_gzip, make_app, running
from tests.conftest import PROJECT_ROOT, serve_app


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    root = tmp_path / "public"
    root.mkdir()
    (root / "all.xml").write_bytes(b"<rss version='2.0'>" + b"x" * 2000 + b"</rss>")
    (root / "all.atom").write_bytes(b"<feed/>")
    (root / "index.html").write_bytes(b"<!doctype html><title>kabar</title>")
    (root / ".kabar-manifest.json").write_bytes(b"[]")
    (tmp_path / "secret.txt").write_bytes(b"secret")
    with serve_app(make_app(root)) as port:
        yield "127.0.0.1", port, root


def get(
    server: tuple[str, int, Path], path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(server[0], server[1], timeout=5)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_content_types_and_validators(served: tuple[str, int, Path]) -> None:
    status, headers, _ = get(served, "/all.xml")
    assert status == 200
    assert headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert headers["etag"].startswith('"') and "last-modified" in headers
    assert "max-age" in headers["cache-control"]
    assert get(served, "/all.atom")[1]["content-type"].startswith("application/atom+xml")
    assert get(served, "/")[1]["content-type"].startswith("text/html")


def test_conditional_get_answers_304(served: tuple[str, int, Path]) -> None:
    _, headers, _ = get(served, "/all.xml")
    status, _, body = get(served, "/all.xml", {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    status, _, _ = get(served, "/all.xml", {"If-Modified-Since": headers["last-modified"]})
    assert status == 304
    status, _, _ = get(served, "/all.xml", {"If-None-Match": '"other"'})
    assert status == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert get(served, "/all.xml", {"If-Modified-Since": old})[0] == 200


def test_gzip_on_request(served: tuple[str, int, Path]) -> None:
    status, headers, body = get(served, "/all.xml", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"<rss")


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/.kabar-manifest.json", "/nope.xml"]
)
def test_nothing_outside_the_directory(served: tuple[str, int, Path], path: str) -> None:
    assert get(served, path)[0] == 404


# --- RFC 9110 details ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("deflate, gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("x-gzip", True),
    ],
)
def test_accept_encoding_is_parsed_with_its_qualities(header: str, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok


def test_gzip_refused_with_q0_is_not_sent(served: tuple[str, int, Path]) -> None:
    status, headers, body = get(served, "/all.xml", {"Accept-Encoding": "gzip;q=0"})
    assert status == 200 and "content-encoding" not in headers
    assert body.startswith(b"<rss")


def test_gzip_copy_has_its_own_etag_and_answers_conditional_requests(
    served: tuple[str, int, Path],
) -> None:
    _, plain, _ = get(served, "/all.xml")
    _, zipped, body = get(served, "/all.xml", {"Accept-Encoding": "gzip"})
    assert gzip.decompress(body).startswith(b"<rss")
    assert zipped["etag"] != plain["etag"]
    assert zipped["last-modified"] == plain["last-modified"]
    assert "accept-encoding" in zipped["vary"].lower()
    again = get(served, "/all.xml", {"Accept-Encoding": "gzip", "If-None-Match": zipped["etag"]})
    assert again[0] == 304


def test_future_if_modified_since_is_ignored(served: tuple[str, int, Path]) -> None:
    future = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
    status, _, body = get(served, "/all.xml", {"If-Modified-Since": future})
    assert status == 200 and body.startswith(b"<rss")


def test_range_requests_are_answered_with_206(served: tuple[str, int, Path]) -> None:
    status, headers, body = get(served, "/all.xml", {"Range": "bytes=0-9"})
    assert (status, body) == (206, b"<rss versi")
    assert headers["content-range"].startswith("bytes 0-9/")
    assert headers["accept-ranges"] == "bytes"


def test_browsers_get_feeds_as_xml_readers_as_feeds(served: tuple[str, int, Path]) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reader = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"
    assert get(served, "/all.xml", {"Accept": browser})[1]["content-type"].startswith(
        "application/xml"
    )
    assert get(served, "/all.xml", {"Accept": reader})[1]["content-type"].startswith(
        "application/rss+xml"
    )
    assert "accept" in get(served, "/all.xml")[1]["vary"].lower()


def test_no_write_methods_and_security_headers(served: tuple[str, int, Path]) -> None:
    connection = http.client.HTTPConnection(served[0], served[1], timeout=5)
    connection.request("POST", "/all.xml", body=b"x")
    assert connection.getresponse().status == 405
    connection.close()
    status, headers, body = get(served, "/")
    assert status == 200 and body.startswith(b"<!doctype html>")
    assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in headers["content-security-policy"]
    head = http.client.HTTPConnection(served[0], served[1], timeout=5)
    head.request("HEAD", "/all.xml")
    response = head.getresponse()
    assert response.status == 200 and response.read() == b""
    head.close()


# --- bounded clients ----------------------------------------------------------------------


@contextmanager
def guarded(app: web.Application) -> Iterator[int]:
    """Serve ``app`` as ``kabar serve`` does (limits, guard) from a thread; yields the port."""
    loop = asyncio.new_event_loop()
    stack = AsyncExitStack()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(
        stack.enter_async_context(running(app, "127.0.0.1", 0)), loop
    ).result(10)
    try:
        yield port
    finally:
        asyncio.run_coroutine_threadsafe(stack.aclose(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_half_open_and_slowloris_connections_are_closed(tmp_path: Path) -> None:
    (tmp_path / "all.xml").write_bytes(b"<rss/>")
    app = make_app(tmp_path, limits=ServeLimits(idle_timeout_s=0.5))
    with guarded(app) as port:
        silent = socket.create_connection(("127.0.0.1", port), timeout=10)
        slow = socket.create_connection(("127.0.0.1", port), timeout=10)
        slow.sendall(b"GET /all.xml HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        # Closed by the server (b""), long before the 10 s socket timeout would fire.
        assert silent.recv(100) == b""
        assert slow.recv(100) == b""
        silent.close()
        slow.close()
        # The server is still there for a well-behaved client.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/all.xml")
        assert connection.getresponse().read() == b"<rss/>"
        connection.close()


def test_clients_over_the_limit_get_503_at_once(tmp_path: Path) -> None:
    (tmp_path / "all.xml").write_bytes(b"<rss/>")
    app = make_app(tmp_path, limits=ServeLimits(max_connections=2, idle_timeout_s=30))
    with guarded(app) as port:
        held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
        for sock in held:  # both admitted: each gets an answer
            sock.sendall(b"GET /all.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(1000).startswith(b"HTTP/1.1 200")
        extra = socket.create_connection(("127.0.0.1", port), timeout=10)
        answer = extra.recv(1000)
        assert answer.startswith(b"HTTP/1.1 503") and b"Retry-After" in answer
        extra.close()
        for sock in held:
            sock.close()


def test_a_client_that_stops_reading_is_cut_off(tmp_path: Path) -> None:
    size = 32 * 1024 * 1024
    with (tmp_path / "big.json").open("wb") as out:
        out.truncate(size)
    limits = ServeLimits(send_timeout_s=0.5, min_send_rate_bps=1024 * 1024 * 1024)
    with guarded(make_app(tmp_path, limits=limits)) as port:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(30)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET /big.json HTTP/1.1\r\nHost: x\r\n\r\n")
        # Not reading for a while: well past the server's budget of about half a second.
        threading.Event().wait(2)
        received = 0
        ended = False
        while not ended:
            try:
                chunk = sock.recv(1024 * 1024)
            except ConnectionResetError:
                chunk = b""
            ended = not chunk
            received += len(chunk)
        sock.close()
    assert 0 < received < size  # cut off: the headers and what the buffers held


# --- memory -------------------------------------------------------------------------------

SERVER_SCRIPT = """
import sys
from pathlib import Path
from feeds.serve import serve_directory
serve_directory(Path(sys.argv[1]), port=0, on_ready=lambda url: print(url, flush=True))
"""
MAX_SERVER_RSS_BYTES = 150 * 1024 * 1024


def _peak_rss_bytes(pid: int) -> int:
    """The process's peak resident set (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _big_feed(path: Path, size: int) -> None:
    item = (
        "<item><title>Berita {n}: Pemkab salurkan bantuan benih padi</title>"
        "<link>https://contoh.id/berita/{n}/</link><description>Ringkasan berita nomor {n} "
        "tentang pertanian di Kabupaten Banyuasin.</description></item>\n"
    )
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n')
        n = 0
        while out.tell() < size:
            out.write(item.format(n=n))
            n += 1
        out.write("</channel></rss>\n")


async def _fetch_all(url: str, clients: int) -> list[tuple[int, int, int, str]]:
    """``clients`` concurrent GETs, half asking for gzip; (status, bytes read, Content-Length,
    Content-Encoding) each, bodies counted and dropped as they arrive."""
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, auto_decompress=False
    ) as session:

        async def one(number: int) -> tuple[int, int, int, str]:
            encoding = "gzip" if number % 2 else "identity"
            async with session.get(url, headers={"Accept-Encoding": encoding}) as response:
                read = 0
                async for chunk in response.content.iter_chunked(256 * 1024):
                    read += len(chunk)
                return (
                    response.status,
                    read,
                    int(response.headers["Content-Length"]),
                    response.headers.get("Content-Encoding", "identity"),
                )

        return await asyncio.gather(*(one(n) for n in range(clients)))


def test_fifty_concurrent_downloads_of_a_20_mb_feed_stay_under_150_mb(tmp_path: Path) -> None:
    size = 20 * 1024 * 1024
    _big_feed(tmp_path / "all.xml", size)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip() + "all.xml"
        results = asyncio.run(_fetch_all(url, 50))
        peak = _peak_rss_bytes(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    assert [status for status, *_ in results] == [200] * 50
    # Every body complete: as long as its Content-Length, the identity ones the whole file.
    assert all(read == length for _, read, length, _ in results)
    identity = [read for _, read, _, coding in results if coding == "identity"]
    zipped = [read for _, read, _, coding in results if coding == "gzip"]
    assert len(identity) == len(zipped) == 25
    assert set(identity) == {(tmp_path / "all.xml").stat().st_size}
    assert len(set(zipped)) == 1 and zipped[0] < size // 5  # one gzip copy, shared
    assert peak < MAX_SERVER_RSS_BYTES, f"serve peaked at {peak / 2**20:.0f} MiB"
