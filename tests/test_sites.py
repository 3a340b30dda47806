from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import SitesError, load_sites, select_sites


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_entry_gets_defaults(tmp_path: Path) -> None:
    (site,) = load_sites(write(tmp_path, '[[site]]\nname = "a"\nurl = "https://a.example"\n'))
    assert site.url == "https://a.example/"
    assert site.timezone == "Asia/Jakarta"
    assert site.language == "id"
    assert site.netloc == "a.example"


def test_shipped_default_lists_real_regional_sites() -> None:
    sites = load_sites()
    assert len(sites) >= 10
    assert all(site.region for site in sites)
    hosts = {site.netloc for site in sites}
    assert {"merahputihnews.co.id", "halopos.id", "sumsel.tribunnews.com"} <= hosts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[site]]\nname = "a"\n', "site #1 ('a'): url: Field required"),
        ('[[site]]\nname = "a"\nurl = "ftp://x"\n', "not an http(s) URL"),
        ('[[site]]\nname = "A b"\nurl = "https://x"\n', "name: String should match"),
        ('[[site]]\nname = "a"\nurl = "https://x"\ncolour = 1\n', "colour: Extra inputs"),
        ('[[site]]\nname = "a"\nurl = "https://x"\ntimezone = "Mars/Base"\n', "unknown time zone"),
        ('[[site]]\nname = "a"\nurl = "https://x"\narticle_pattern = "("\n', "bad regular"),
        ('[[site]]\nname = "a"\nurl = "https://x"\n[[site]]\nname = "a"\nurl = "https://y"\n',
         "site #2 ('a'): duplicate name"),
        ("", "no [[site]] entries"),
        ("[[site]\n", "not valid TOML"),
        ('sites = 1\n[[site]]\nname = "a"\nurl = "https://x"\n', "unknown top-level key"),
    ],
)  # fmt: skip
def test_bad_files_fail_with_file_entry_and_reason(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SitesError) as error:
        load_sites(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_and_unknown_selection(tmp_path: Path) -> None:
    with pytest.raises(SitesError, match="no such file"):
        load_sites(tmp_path / "nope.toml")
    sites = load_sites(write(tmp_path, '[[site]]\nname = "a"\nurl = "https://a.example"\n'))
    assert select_sites(sites, []) == sites
    with pytest.raises(SitesError, match="unknown site"):
        select_sites(sites, ["b"])
