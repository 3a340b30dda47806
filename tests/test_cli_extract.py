"""``kabar extract --explain``: each field of the seed article names its source."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_kabar

SEED = Path(__file__).parent / "fixtures" / "pages" / "seed-merahputih"


def test_explain_names_the_source_of_every_field_of_the_seed() -> None:
    url = (SEED / "url.txt").read_text("utf-8").strip()
    result = run_kabar("extract", "--explain", "--url", url, str(SEED / "page.html"))
    assert result.returncode == 0, result.stderr
    explained = json.loads(result.stdout)
    found = {name: entry for name, entry in explained.items() if entry.get("value")}
    assert {"title", "authors", "published_at", "body", "location"} <= found.keys()
    for name, entry in found.items():
        assert entry["source"], name
    assert explained["authors"]["value"] == ["Deni"]
    assert explained["location"]["value"] == "Tanjung Lago"


def test_extract_gives_the_topics_and_regions_a_crawl_gives() -> None:
    """Issue 16: ``extract`` left topics and regions empty; it runs the crawl's own
    topic pipeline and region finder now (a kecamatan dateline names its regency)."""
    url = (SEED / "url.txt").read_text("utf-8").strip()
    result = run_kabar("extract", "--url", url, str(SEED / "page.html"))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["topics"] == ["Pemerintahan"]
    assert record["regions"][:2] == ["Kabupaten Banyuasin", "Sumatera Selatan"]
