"""The trap site's faults over real HTTP, advancing the web a day, and request stats.

These change the server's state (first-request faults, the day, the counts), so
the module runs its own server instead of the session's ``mockweb``.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlencode, urlsplit

import lxml.html
import pytest

from crawler.discovery.sitemaps import parse_sitemap
from kabar.demo import ServedMockWeb, build_web, serve_mockweb_subprocess
from kabar.demo.traps import HUGE_BYTES, SLOW_S, VERY_SLOW_S
from kabar.demo.web import MAX_DAY, Fault, MockArticle

WEB = build_web()
DAY1 = WEB.on_day(1)
JEBAKAN = WEB.site("jebakan")


@pytest.fixture(scope="module")
def served() -> Iterator[ServedMockWeb]:
    with serve_mockweb_subprocess() as web:
        yield web


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get(
    url: str, headers: dict[str, str] | None = None, *, timeout: float = 5, follow: bool = True
) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def quirky(kind: str) -> MockArticle:
    [article] = [a for a in JEBAKAN.articles if a.quirk == kind]
    return article


def fault(kind: str) -> Fault:
    [found] = [f for f in JEBAKAN.faults if f.kind == kind]
    return found


# -- ground truth ------------------------------------------------------------------------


def test_trap_site_ground_truth_keeps_faults_apart() -> None:
    good = [a for a in WEB.articles() if a.site == "jebakan"]
    assert len(good) == 8
    faults = [f for f in WEB.faults() if f.site == "jebakan"]
    assert {f.kind for f in faults} >= {
        "flaky", "rate_limited", "slow", "latin1_declared", "cp1252_bytes", "very_slow",
        "huge", "not_html", "redirect_loop", "robots_disallowed", "calendar",
        "endless_pagination",
    }  # fmt: skip
    good_paths = {a.path for a in good}
    for item in faults:
        assert (item.path in good_paths) == item.is_article, item


# -- faults that heal on the retry ----------------------------------------------------------


def test_flaky_article_fails_once_then_serves(served: ServedMockWeb) -> None:
    url = quirky("flaky").url(served["jebakan"])
    assert get(url)[0] == 500
    status, _, body = get(url)
    assert status == 200 and quirky("flaky").title.encode() in body


def test_rate_limited_article_asks_to_retry_after_a_second(served: ServedMockWeb) -> None:
    url = quirky("rate_limited").url(served["jebakan"])
    status, headers, _ = get(url)
    assert (status, headers["Retry-After"]) == (429, "1")
    assert get(url)[0] == 200


def test_slow_article_arrives_late_and_very_slow_page_outlasts_a_timeout(
    served: ServedMockWeb,
) -> None:
    url = quirky("slow").url(served["jebakan"])
    path = urlsplit(url).path
    before = served.requests("jebakan", path)
    # Late: a client that waits less than SLOW_S gets nothing; one that waits gets it.
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        get(url, timeout=SLOW_S / 4)
    status, _, body = get(url, timeout=SLOW_S + 30)
    assert status == 200 and quirky("slow").title.encode() in body
    assert served.requests("jebakan", path) == before + 2
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        get(served["jebakan"] + fault("very_slow").path.lstrip("/"), timeout=0.5)


# -- pages that never become a good article -----------------------------------------------------


def test_redirect_loop_points_back_and_forth(served: ServedMockWeb) -> None:
    base, loop = served["jebakan"], fault("redirect_loop")
    assert loop.target is not None
    status, headers, _ = get(base + loop.path.lstrip("/"), follow=False)
    assert (status, headers["Location"]) == (302, base + loop.target.lstrip("/"))
    status, headers, _ = get(base + loop.target.lstrip("/"), follow=False)
    assert (status, headers["Location"]) == (302, base + loop.path.lstrip("/"))


def test_huge_page_is_streamed_without_a_length(served: ServedMockWeb) -> None:
    parts = urlsplit(served["jebakan"])
    connection = HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", fault("huge").path)
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Content-Length") is None
        assert response.getheader("Transfer-Encoding") == "chunked"
        total = 0
        while chunk := response.read(1 << 20):
            total += len(chunk)
        assert total >= HUGE_BYTES
    finally:
        connection.close()
    # A client that gives up early does not upset the server.
    connection = HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", fault("huge").path)
    connection.getresponse().read(1000)
    connection.close()
    assert get(served["jebakan"])[0] == 200


def test_pdf_at_an_article_url(served: ServedMockWeb) -> None:
    status, headers, body = get(served["jebakan"] + fault("not_html").path.lstrip("/"))
    assert (status, headers["Content-Type"], body[:5]) == (200, "application/pdf", b"%PDF-")


def text(page: str) -> str:
    return " ".join(lxml.html.fromstring(page).text_content().split())


def test_lying_charsets_hide_correct_text(served: ServedMockWeb) -> None:
    base = served["jebakan"]
    latin = quirky("latin1_declared")
    status, headers, body = get(latin.url(base))
    assert (status, headers["Content-Type"]) == (200, "text/html")
    assert b'<meta charset="iso-8859-1">' in body
    assert latin.paragraphs[0] in text(body.decode("utf-8")) and "René" in latin.paragraphs[0]
    assert "–" in latin.paragraphs[0]
    cp1252 = quirky("cp1252_bytes")
    status, headers, body = get(cp1252.url(base))
    assert (status, headers["Content-Type"]) == (200, "text/html")
    assert b'<meta charset="UTF-8">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert cp1252.paragraphs[0] in text(body.decode("cp1252")) and "“" in cp1252.paragraphs[0]


def test_broken_html_is_still_an_article(served: ServedMockWeb) -> None:
    [article] = [a for a in JEBAKAN.articles if a.malformed]
    status, _, body = get(article.url(served["jebakan"]))
    assert status == 200 and b"</p>" not in body
    assert article.paragraphs[1] in " ".join(lxml.html.fromstring(body).text_content().split())


# -- URL traps ---------------------------------------------------------------------------------


def links(url: str) -> list[str]:
    status, _, body = get(url)
    assert status == 200, url
    return [str(h) for h in lxml.html.fromstring(body).xpath("//a/@href")]


def test_calendar_links_months_forever(served: ServedMockWeb) -> None:
    base = served["jebakan"]
    page = base + "kalender/2023/07/"
    for _ in range(30):  # two and a half years back, and still a previous month
        body = get(page)[2]
        [previous] = lxml.html.fromstring(body).xpath('//a[@rel="prev"]/@href')
        page = base + str(previous).lstrip("/")
    assert page == base + "kalender/2021/01/"
    assert "/kalender/2999/02/" in links(base + "kalender/2999/01/")


def test_archive_pages_on_forever_over_the_same_articles(served: ServedMockWeb) -> None:
    base = served["jebakan"]
    first = set(h for h in links(base + "arsip/") if JEBAKAN.article_at(h))
    deep = links(base + "arsip/page/500/")
    assert "/arsip/page/501/" in deep
    assert set(h for h in deep if JEBAKAN.article_at(h)) == first != set()


def test_session_and_tracking_parameters_and_print_and_amp_copies(served: ServedMockWeb) -> None:
    base = served["jebakan"]
    hrefs = links(base)
    sids = [h for h in hrefs if "?sid=" in h]
    tracked = [h for h in hrefs if "utm_source=" in h]
    assert sids and tracked
    other_page = links(base + "category/sekayu/")
    assert not set(sids) & {h for h in other_page if "?sid=" in h}  # a new sid on every page
    article = JEBAKAN.articles[0]
    assert get(base + sids[0].lstrip("/"))[0] == 200
    page = lxml.html.fromstring(get(article.url(base))[2])
    [amp] = page.xpath('//link[@rel="amphtml"]/@href')
    [printable] = [h for h in page.xpath("//a/@href") if "print=1" in h]
    for copy in (amp, base + printable.lstrip("/")):
        status, _, body = get(copy)
        assert status == 200
        copy_page = lxml.html.fromstring(body)
        assert copy_page.xpath('//link[@rel="canonical"]/@href') == [article.url(base)]
        assert article.paragraphs[-1] in copy_page.text_content()


def test_robots_slows_crawlers_and_hides_a_linked_secret(served: ServedMockWeb) -> None:
    base = served["jebakan"]
    robots = get(base + "robots.txt")[2].decode().splitlines()
    assert "Crawl-delay: 0.2" in robots and "Disallow: /rahasia/" in robots
    secret = fault("robots_disallowed").path
    assert secret.startswith("/rahasia/") and secret in links(base)


# -- advancing a day, and counting requests -------------------------------------------------------


def test_ground_truth_after_a_day() -> None:
    counts = {s.name: len(s.articles) for s in WEB.sites}
    after = {s.name: len(s.articles) for s in DAY1.sites}
    assert {n: after[n] - counts[n] for n in counts} == {
        "merahputih": 2, "halobanyuasin": 1, "suarasumsel": 2, "sumselterkini": 1, "jebakan": 1,
    }  # fmt: skip
    assert WEB.articles(day=1) == DAY1.articles() and DAY1.articles(day=0) == WEB.articles()
    assert DAY1.now == WEB.now + timedelta(days=1) and MAX_DAY == 1
    old = {a.path: a for a in WEB.articles()}
    new = [a for a in DAY1.articles() if a.path not in old]
    assert len(new) == sum(after.values()) - sum(counts.values())
    assert all(a.day == 1 and WEB.now < a.published < DAY1.now for a in new)
    edited = [a for a in DAY1.articles() if a.path in old and a != old[a.path]]
    changed = {a.path for a in edited if a.title != old[a.path].title}
    assert len(changed) == 1 and edited[0].site == "merahputih"
    [article] = [a for a in edited if a.path in changed]
    assert article.modified == DAY1.now and article.published == old[article.path].published
    assert article.paragraphs[0] != old[article.path].paragraphs[0]
    assert article.paragraphs[0].startswith("PANGKALAN BALAI, MERAHPUTIHNEWS.CO.ID – ")
    # Only the site's sidebars and links move: every other article is as it was.
    assert {a.path for a in edited} == changed


def stats(web: ServedMockWeb) -> dict[str, Any]:
    sites: dict[str, Any] = web.stats()["sites"]
    return sites


def test_advance_and_stats_over_http() -> None:
    with serve_mockweb_subprocess() as web:
        base = web["merahputih"]
        ports = dict(web)
        feed = get(base + "feed/")
        api = json.loads(get(base + "wp-json/wp/v2/posts?per_page=100")[2])
        assert len(api) == 12
        counts = stats(web)
        assert counts["merahputih"]["paths"] == {"/feed/": 1, "/wp-json/wp/v2/posts": 1}
        assert counts["merahputih"]["requests"] == 2 and counts["jebakan"]["requests"] == 0
        web.reset_stats()
        assert stats(web)["merahputih"]["requests"] == 0

        assert web.advance() == 1
        assert dict(web) == ports
        assert get(base + "feed/", {"If-None-Match": feed[1]["ETag"]})[0] == 200
        since = (WEB.now + timedelta(minutes=1)).isoformat()
        query = urlencode({"modified_after": since, "orderby": "modified", "per_page": 100})
        _, headers, body = get(f"{base}wp-json/wp/v2/posts?{query}")
        changed = json.loads(body)
        assert headers["X-WP-Total"] == "3"  # two new, one edited
        truth = {a.post_id: a for a in DAY1.site("merahputih").articles}
        assert {p["title"]["rendered"] for p in changed} == {truth[p["id"]].title for p in changed}
        assert changed[0]["modified"] == "2023-07-21T12:00:00"
        sitemap = parse_sitemap(get(base + "post-sitemap.xml")[2], base)
        lastmods = {c.url: c.modified_at for c in sitemap.urls}
        assert max(v for v in lastmods.values() if v) == DAY1.now
        assert web.requests("merahputih", "/post-sitemap.xml") == 1
        sumsel = parse_sitemap(get(web["sumselterkini"] + "news-sitemap.xml")[2], base).urls
        assert sumsel[0].title == DAY1.site("sumselterkini").articles[0].title
        assert DAY1.site("jebakan").articles[0].path in links(web["jebakan"])
        assert stats(web)["jebakan"]["statuses"] == {"200": 1}
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(base + "_mock/advance", method="POST"), timeout=5
            )
        assert refused.value.code == 409
        assert web.stats()["day"] == 1


def test_server_stops_promptly_while_a_very_slow_page_is_pending() -> None:
    """Stopping the server answers a pending very slow page at once ("shutting down")
    instead of waiting out its VERY_SLOW_S or cutting the connection."""
    path = fault("very_slow").path
    with serve_mockweb_subprocess() as web:
        parts = urlsplit(web["jebakan"])
        # Longer than any stop may take, far shorter than the page's own delay.
        connection = HTTPConnection(parts.hostname or "", parts.port, timeout=VERY_SLOW_S / 3)
        connection.request("GET", path)
        for _ in range(100):  # the request has reached the server's handler
            if web.requests("jebakan", path) == 1:
                break
        assert web.requests("jebakan", path) == 1
    try:
        response = connection.getresponse()  # the server has stopped: this reads its answer
        assert (response.status, response.read()) == (503, b"shutting down")
    finally:
        connection.close()
