"""`kabar status` to trust (issue 16.4): error rate = failed runs / runs, "failing" when
the last run failed hard (exit 4), times in the site's zone, archive-only sites shown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive import models
from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.repository import SiteInfo, ensure_site, record_run_site, start_run
from tests.conftest import run_kabar


def archive_with_runs(db_url: str, runs: dict[str, list[bool]], zone: str) -> None:
    """Sites with runs, oldest first, each True when the site was unreachable."""
    engine = make_engine(db_url)
    upgrade(engine)
    started = datetime.now(UTC) - timedelta(hours=5)
    with session_scope(make_sessionmaker(engine)) as session:
        for name, outcomes in runs.items():
            site_id = ensure_site(
                session, SiteInfo(name=name, url=f"https://{name}.id/", timezone=zone)
            )
            for index, unreachable in enumerate(outcomes):
                run_id = start_run(session)
                record_run_site(
                    session,
                    run_id,
                    site_id,
                    started_at=started + timedelta(hours=index),
                    requests=1 if unreachable else 10,
                    errors=1 if unreachable else 0,
                    new_articles=0,
                    stats={"kabar/unreachable": "dns"} if unreachable else {},
                )
        session.add(
            models.SiteSchedule(
                site_name="pulih",
                next_crawl_at=datetime.now(UTC) + timedelta(minutes=30),
                interval_s=3600,
            )
        )
    engine.dispose()


def sites_file(tmp_path: Path, *names: str, zone: str) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(
        "".join(
            f'[[site]]\nname = "{n}"\nurl = "https://{n}.id/"\ntimezone = "{zone}"\n\n'
            for n in names
        ),
        encoding="utf-8",
    )
    return str(path)


def test_a_site_whose_last_run_failed_is_failing_and_exits_4(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    zone = "Asia/Makassar"  # WITA, +08:00
    archive_with_runs(
        db, {"mati": [True, True, True], "pulih": [True, False], "lama": [False]}, zone
    )
    sites = sites_file(tmp_path, "mati", "pulih", "baru", zone=zone)
    result = run_kabar("status", "--sites", sites, "--db", db, "--format", "json")
    assert result.returncode == 4, result.stderr
    assert "not in the sites file: lama" in result.stderr and "failing: mati" in result.stderr
    status = {s["site"]: s for s in json.loads(result.stdout)}
    assert list(status) == ["mati", "pulih", "baru", "lama"]
    assert status["mati"]["flags"] == ["failing"]
    assert status["mati"]["error_rate"] == 1.0 and status["mati"]["runs"] == 3
    assert status["mati"]["last_success_at"] is None
    assert status["pulih"]["flags"] == [] and status["pulih"]["error_rate"] == 0.5
    assert status["pulih"]["last_success_at"].endswith("+08:00")
    assert status["pulih"]["next_crawl_at"].endswith("+08:00")
    assert status["baru"]["flags"] == ["never_crawled"]
    assert status["lama"]["configured"] is False and "not_in_sites_file" in status["lama"]["flags"]
    table = run_kabar("status", "--sites", sites, "--db", db)
    assert table.returncode == 4
    lines = {line.split()[0]: line for line in table.stdout.splitlines()[2:]}
    assert "3/3 (100%)" in lines["mati"] and "failing" in lines["mati"]
    assert "+0800 (" in lines["pulih"] and " ago)" in lines["pulih"] and "(in 2" in lines["pulih"]
    assert "not_in_sites_file" in lines["lama"]


def test_healthy_sites_exit_0(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    archive_with_runs(db, {"pulih": [True, False]}, "Asia/Jakarta")
    result = run_kabar(
        "status", "--sites", sites_file(tmp_path, "pulih", zone="Asia/Jakarta"), "--db", db
    )
    assert result.returncode == 0, result.stderr
    assert "1/2 (50%)" in result.stdout and "+0700" in result.stdout
