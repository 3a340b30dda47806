"""`kabar serve`'s HTTP behaviour, through a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.serve import make_app
from tests.conftest import serve_app


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
