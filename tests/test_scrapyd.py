"""scrapyd end to end: scrapy.cfg's [deploy] target deploys kabar to a real scrapyd with
scrapyd-deploy, scrapyd lists the sites, runs one site's spider from the egg (a zip:
sites.toml and the Alembic migrations are read from inside it) and the articles land
in the SQLite archive named in the job's settings."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kabar.demo import build_web, write_sites_toml
from tests.conftest import PROJECT_ROOT

pytest.importorskip("scrapyd", reason="scrapyd is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.slow  # a scrapyd server, an egg build and a scheduled crawl

SITE = "merahputih"
FAST = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "KABAR_BACKOFF_BASE_S": "0.1",
}  # as tests.test_crawl_e2e.FAST
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", ".*_cache", "__pycache__", "*.egg-info", "build", "dist", "tests",
    "kabar-demo", "*.db", "*.db-*",
)  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        answer: dict[str, Any] = json.load(response)
    return answer


def clean_env() -> dict[str, str]:
    """The environment without the test run's KABAR_* settings: jobs get theirs per job."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KABAR_")}


@pytest.fixture
def scrapyd_url(tmp_path: Path) -> Iterator[str]:
    """A scrapyd of its own on a free port, with its eggs, logs and queues in tmp_path."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
        "poll_interval = 0.2\nmax_proc = 2\n",
        encoding="utf-8",
    )
    log = (home / "scrapyd.out").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"],
        cwd=home,
        env=clean_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if call(url + "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = (home / "scrapyd.out").read_text(errors="replace")
                pytest.fail(f"scrapyd did not start:\n{output[-3000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def deploy(project_copy: Path, scrapyd_url: str) -> tuple[str, str]:
    """``scrapyd-deploy`` from a copy of the project whose scrapy.cfg gains a target
    pointing at the test's scrapyd; returns the project name and version."""
    config = configparser.ConfigParser()
    config.read(PROJECT_ROOT / "scrapy.cfg")
    project = config["deploy"]["project"]
    with (project_copy / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:e2e]\nurl = {scrapyd_url}\nproject = {project}\n")
    script = Path(sys.executable).with_name("scrapyd-deploy")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "scrapyd_client.deploy"]
    version = "e2e1"
    result = subprocess.run(
        [*command, "e2e", "--version", version],
        cwd=project_copy,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["status"] == "ok", result.stdout
    return project, version


def wait_finished(scrapyd_url: str, project: str, job: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        jobs = call(f"{scrapyd_url}listjobs.json?project={project}")
        if any(j["id"] == job for j in jobs["finished"]):
            return
        time.sleep(0.3)
    pytest.fail(f"job {job} did not finish in {timeout_s} s: {jobs}")


def test_deploy_list_schedule_and_store(
    scrapyd_url: str, mockweb: dict[str, str], tmp_path: Path
) -> None:
    # The deployed project ships the mock web's sites as its sites.toml: scrapyd checks
    # a scheduled spider's name against `scrapy list`, which runs without job settings.
    project_copy = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT, project_copy, ignore=COPY_IGNORE)
    write_sites_toml(mockweb, project_copy / "crawler" / "sites.toml")
    project, version = deploy(project_copy, scrapyd_url)

    egg = tmp_path / "scrapyd" / "eggs" / project / f"{version}.egg"
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "crawler/sites.toml" in names
    assert "archive/migrations/env.py" in names
    assert "archive/migrations/script.py.mako" in names
    migrations = sorted(p.name for p in (PROJECT_ROOT / "archive/migrations/versions").glob("*.py"))
    assert {f"archive/migrations/versions/{m}" for m in migrations} <= names
    assert "settings = crawler.settings" in entry_points

    # `scrapy list` under scrapyd reads sites.toml from inside the egg.
    spiders = call(f"{scrapyd_url}listspiders.json?project={project}")
    assert spiders["status"] == "ok", spiders
    # Every site, and "kabar", the spider of all sites at once.
    assert sorted(spiders["spiders"]) == sorted([*mockweb, "kabar"])

    sites_file = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db = tmp_path / "kabar.db"
    settings = {**FAST, "KABAR_SITES_FILE": str(sites_file), "KABAR_DB_URL": f"sqlite:///{db}"}
    answer = call(
        scrapyd_url + "schedule.json",
        [("project", project), ("spider", SITE)]
        + [("setting", f"{name}={value}") for name, value in settings.items()],
    )
    assert answer["status"] == "ok", answer
    wait_finished(scrapyd_url, project, answer["jobid"], timeout_s=45)

    log = tmp_path / "scrapyd" / "logs" / project / SITE / f"{answer['jobid']}.log"
    log_text = log.read_text(errors="replace") if log.exists() else "(no job log)"
    assert db.exists(), log_text[-3000:]
    with sqlite3.connect(db) as connection:
        urls = [
            url
            for (url,) in connection.execute(
                "SELECT a.url FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.name = ?",
                (SITE,),
            )
        ]
    truth = {a.path for a in build_web().articles() if a.site == SITE}
    assert sorted(urlsplit(u).path for u in urls) == sorted(truth), log_text[-3000:]
    assert "'finish_reason': 'finished'" in log_text
