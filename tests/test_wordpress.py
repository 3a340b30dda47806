"""kabar against a real WordPress (Debian's package on Apache with mod_php and MariaDB,
filled through WordPress's own API; ``tests/wordpress/``), one site per setup of issue 14.

Each site lives through one story, crawled by the real ``kabar crawl`` into a real SQLite
file after every step: the first crawl, an unchanged re-crawl, 15 posts published at once
(some back-dated), three dated minutes before the newest (a WordPress feed's
Last-Modified stays), a post edited down to 199 characters, then the same post lengthened
and another retitled, and a post trashed. The tests below each assert one fact about a
story; a story is told once per test run.

What the archive does with a trashed post (decided here): it keeps it. An archive records
what was published; WordPress's trash is reversible and looks, from outside, like any
other 404 or a page that left the listings, so kabar neither deletes nor marks it, and
the crawl that follows counts no error for it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_kabar
from tests.test_crawl_e2e import report
from tests.wordpress import content
from tests.wordpress.server import Post, Site

pytest_plugins = ("tests.wordpress.plugin",)

CRAWL = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "--set", "KABAR_BACKOFF_BASE_S=0.1",
    # WordPress on a busy two-core machine takes seconds a page: no timeouts, no retries.
    "--set", "DOWNLOAD_TIMEOUT=120",
    "--set", "RETRY_TIMES=1",
]  # fmt: skip

STRATEGY = {
    "pretty": "wp_rest",
    "plain": "wp_rest",
    "feed": "feed",
    "sitemap": "sitemap",
    "listing": "listing",
    "plain-listing": "listing",
}
SHORT_BODY = (
    "PALEMBANG – Berita ini diperbarui redaksi. Isi lengkap sedang disusun kembali oleh "
    "wartawan kami di lapangan dan akan segera diterbitkan ulang setelah diperiksa editor."
)
LONG_BODY = "\n\n".join(
    f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"
    for text in (
        "PALEMBANG – Pemerintah kota menambah anggaran perbaikan jalan lingkungan setelah "
        "warga dari tiga kelurahan menyampaikan keluhan dalam musyawarah perencanaan.",
        "Kepala dinas pekerjaan umum mengatakan pengerjaan dimulai pekan depan dan diawasi "
        "langsung oleh inspektorat bersama perwakilan warga setiap kelurahan penerima.",
        "Warga menyambut baik keputusan tersebut karena jalan yang rusak sering menyebabkan "
        "kecelakaan ringan terutama saat hujan deras mengguyur kawasan permukiman mereka.",
        "Revisi lengkap: redaksi menambahkan keterangan dari camat yang memastikan seluruh "
        "pekerjaan selesai sebelum akhir tahun anggaran berjalan sesuai rencana kerja.",
    )
)
NEW_TITLE = "Judul Diperbarui: Camat Pastikan Perbaikan Jalan Lingkungan Selesai Akhir Tahun"


@dataclass
class Crawl:
    """One ``kabar crawl`` of a story's site and the archive after it."""

    line: dict[str, str]
    output: str
    stored: dict[str, tuple[str, str]]  # canonical URL -> (title, body)
    revisions: dict[str, int]  # canonical URL -> revisions recorded
    dead: set[str]
    published: set[str]  # canonical URLs WordPress shows the public, at crawl time
    stats: dict[str, Any]  # the crawl's Scrapy and kabar stats, for failure messages

    @property
    def requests(self) -> int:
        return int(self.line["requests"])

    @property
    def errors(self) -> str:
        return self.line["errors"]


@dataclass
class Story:
    site: Site
    crawls: dict[str, Crawl] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)  # role -> post
    added: dict[str, set[str]] = field(default_factory=dict)  # step -> new post URLs
    never: set[str] = field(default_factory=set)  # URLs that must never be stored

    def figures(self) -> dict[str, Any]:
        """The story in numbers (the issue's table of setups x figures)."""
        first, new, back = self.crawls["first"], self.crawls["new"], self.crawls["backdated"]
        long = self.crawls["long"]
        edited = [_key(self.posts[r].link) for r in ("edited", "retitled")]
        trashed = _key(self.posts["trashed"].link)
        return {
            "strategy": first.line["strategy"],
            "first_recall": f"{len(first.published & set(first.stored))}/{len(first.published)}",
            "first_requests": first.requests,
            "non_articles_stored": len(
                set().union(*(set(c.stored) - c.published for c in self.crawls.values()))
                - {trashed}
            ),
            "unchanged_requests": self.crawls["unchanged"].requests,
            "new_15_found": len(self.added["new"] & set(new.stored)),
            "new_requests": new.requests,
            "backdated_3_found": len(self.added["backdated"] & set(back.stored)),
            "edits_captured": sum(long.revisions.get(u, 0) == 1 for u in edited),
            "edit_requests": self.crawls["short"].requests + long.requests,
            "trashed_kept": trashed in self.crawls["trash"].stored,
            "errors": {k: c.errors for k, c in self.crawls.items() if c.errors != "none"},
        }


def _key(url: str) -> str:
    """WordPress's permalinks are already in kabar's canonical form (lower-case host,
    one query parameter at most), so they compare as they are."""
    return url


def _archive(db: Path) -> tuple[dict[str, tuple[str, str]], dict[str, int], set[str]]:
    with sqlite3.connect(db) as connection:
        stored = {
            url: (title or "", body or "")
            for url, title, body in connection.execute(
                "SELECT canonical_url, title, body FROM articles"
            )
        }
        revisions = dict(
            connection.execute(
                "SELECT a.canonical_url, count(*) FROM revisions r "
                "JOIN articles a ON a.id = r.article_id GROUP BY a.canonical_url"
            ).fetchall()
        )
        dead = {url for (url,) in connection.execute("SELECT url FROM dead_urls")}
    return stored, revisions, dead


def _last_stats(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as connection:
        (stats,) = connection.execute(
            "SELECT stats FROM crawl_run_sites ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return {k: v for k, v in json.loads(stats).items() if k.startswith(("kabar/", "downloader/r"))}


def _age_s(db: Path, url: str) -> int:
    """Whole seconds since the stored article's publication, as kabar stored it."""
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT published_at FROM articles WHERE canonical_url = ?", (url,)
        ).fetchone()
    assert row is not None and row[0], f"{url} is not stored: nothing to revisit"
    published = row[0]
    moment = datetime.fromisoformat(published)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int((datetime.now(UTC) - moment).total_seconds())


def tell(site: Site, workdir: Path) -> Story:
    """Live the story on ``site``, crawling after each step."""
    story = Story(site)
    name = site.setup.name
    sites_toml = workdir / "sites.toml"
    sites_toml.write_text(f'[[site]]\nname = "{name}"\nurl = "{site.url}/"\n')
    db = workdir / "kabar.db"

    def crawl(step: str, *settings: str) -> None:
        result = run_kabar(
            "crawl",
            "--sites",
            str(sites_toml),
            "--db",
            f"sqlite:///{db}",
            *CRAWL,
            *settings,
            timeout=900,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        lines = report(result.stdout)
        assert name in lines, result.stdout + result.stderr
        stored, revisions, dead = _archive(db)
        published = {_key(p.link) for p in site.posts() if p.public_article}
        story.crawls[step] = Crawl(
            lines[name], result.stdout, stored, revisions, dead, published, _last_stats(db)
        )

    posts = site.posts()
    story.never = {_key(p.link) for p in posts if not p.public_article}
    crawl("first")
    crawl("unchanged")

    def newest() -> datetime:
        return max(p.published_at for p in site.posts() if p.public_article and p.published_at)

    now = datetime.now(UTC)
    authors = [1]
    added = site.run(content.new_posts(f"{name}-new", now, newest(), authors, 15))
    story.added["new"] = {_key(p["link"]) for p in added}
    crawl("new")

    added = site.run(content.back_dated_posts(f"{name}-back", newest(), authors, 3))
    story.added["backdated"] = {_key(p["link"]) for p in added}
    crawl("backdated")

    ordered = sorted((p for p in site.posts() if p.public_article), key=lambda p: p.id)
    story.posts = {"edited": ordered[40], "retitled": ordered[35], "trashed": ordered[30]}

    def revisit_now(*roles: str) -> str:
        """A revisit schedule putting the posts' next re-check between the last crawl
        and the next: their age now, a second less (the crawl's own clock decides)."""
        ages = [_age_s(db, _key(story.posts[role].link)) - 1 for role in roles]
        return f"KABAR_REVISIT_AGES_S={','.join(str(a) for a in ages)}"

    site.run([{"op": "update", "id": story.posts["edited"].id, "content": SHORT_BODY}])
    crawl("short", "--set", revisit_now("edited"))
    site.run(
        [
            {"op": "update", "id": story.posts["edited"].id, "content": LONG_BODY},
            {"op": "update", "id": story.posts["retitled"].id, "title": NEW_TITLE},
        ]
    )
    crawl("long", "--set", revisit_now("edited", "retitled"))
    site.run([{"op": "trash", "id": story.posts["trashed"].id}])
    crawl("trash")
    return story


_stories: dict[str, Story] = {}


@pytest.fixture(params=list(STRATEGY))
def story(
    request: pytest.FixtureRequest,
    wordpress: dict[str, Site],
    tmp_path_factory: pytest.TempPathFactory,
) -> Story:
    name = str(request.param)
    if name not in _stories:
        _stories[name] = tell(wordpress[name], tmp_path_factory.mktemp(f"wp-{name}"))
        figures = tmp_path_factory.getbasetemp() / "wordpress-figures.json"
        table = json.loads(figures.read_text()) if figures.exists() else {}
        table[name] = _stories[name].figures()
        figures.write_text(json.dumps(table, indent=1))
    return _stories[name]


def test_first_crawl_finds_every_published_post(story: Story) -> None:
    first = story.crawls["first"]
    assert first.line["strategy"] == STRATEGY[story.site.setup.name], first.output
    missing = first.published - set(first.stored)
    assert not missing, (f"{len(missing)} of {len(first.published)} missed", missing, first.stats)


def test_nothing_but_published_posts_is_stored(story: Story) -> None:
    for step, crawl in story.crawls.items():
        extra = set(crawl.stored) - crawl.published - {_key(story.posts["trashed"].link)}
        assert not extra, (step, extra)
        assert not set(crawl.stored) & story.never, step


def test_unchanged_recrawl_costs_at_most_five_requests(story: Story) -> None:
    again = story.crawls["unchanged"]
    assert int(again.line["new"]) == 0, again.line
    assert again.requests <= 5, (again.line, again.stats)


def test_fifteen_posts_published_at_once_are_all_found(story: Story) -> None:
    crawl = story.crawls["new"]
    missing = story.added["new"] - set(crawl.stored)
    assert not missing, (f"{len(missing)} of 15 missed", sorted(missing), crawl.stats)


def test_posts_backdated_behind_the_newest_are_found(story: Story) -> None:
    crawl = story.crawls["backdated"]
    missing = story.added["backdated"] - set(crawl.stored)
    assert not missing, (f"{len(missing)} of 3 missed", sorted(missing), crawl.stats)


def test_an_edit_to_a_short_post_keeps_the_stored_article(story: Story) -> None:
    """A stored article whose new version extracts as no article keeps its stored
    version, and its URL never joins the dead URLs (its next edit must be fetched)."""
    url = _key(story.posts["edited"].link)
    before, after = story.crawls["backdated"], story.crawls["short"]
    assert after.stored[url] == before.stored[url]
    for crawl in story.crawls.values():
        assert url not in crawl.dead


def test_edits_are_captured_as_one_revision_each(story: Story) -> None:
    """Under the REST API the listing says which posts changed; elsewhere the revisit
    schedule (``KABAR_REVISIT_AGES_S``, here set so that both posts fall due between two
    crawls) fetches them again."""
    crawl = story.crawls["long"]
    edited, retitled = _key(story.posts["edited"].link), _key(story.posts["retitled"].link)
    assert "Revisi lengkap" in crawl.stored[edited][1]
    assert crawl.stored[retitled][0] == NEW_TITLE
    assert crawl.revisions.get(edited) == 1, (crawl.revisions, crawl.stats)
    assert crawl.revisions.get(retitled) == 1, (crawl.revisions, crawl.stats)
    # Each revision stored once: the re-checks of unchanged posts wrote nothing.
    assert sum(crawl.revisions.values()) == 2, crawl.revisions


def test_a_trashed_post_stays_in_the_archive(story: Story) -> None:
    url = _key(story.posts["trashed"].link)
    crawl = story.crawls["trash"]
    assert url not in crawl.published
    assert url in crawl.stored
    assert crawl.errors == "none", crawl.line


def test_wordpress_normal_behaviour_counts_no_errors(story: Story) -> None:
    """Only the post edited down to two lines counts, as a regressed extraction."""
    errors = {step: c.errors for step, c in story.crawls.items() if c.errors != "none"}
    if errors.get("short") == "regressed_extraction 1":
        del errors["short"]
    assert not errors, errors


def test_every_setup_is_told_once(wordpress: dict[str, Site]) -> None:
    """The stories share one WordPress server: each site is its own install."""
    urls = {site.url for site in wordpress.values()}
    assert len(urls) == len(wordpress) == len(STRATEGY)
    assert json.dumps(sorted(wordpress)) == json.dumps(sorted(STRATEGY))
