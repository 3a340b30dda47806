"""kabar runs from a zip too (scrapyd's eggs): its data files are package resources and
the Alembic scripts are copied out when the package directory is not a real one."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import archive.db
from archive.db import copy_scripts, current_revision, make_engine, migrations_dir, upgrade
from crawler.sites import default_sites_path, load_sites

MIGRATIONS = archive.db.MIGRATIONS_DIR


def script_names(root: Path) -> set[str]:
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.suffix in (".py", ".mako") and "__pycache__" not in p.parts
    }


def test_migration_scripts_copy_out_of_a_zip(tmp_path: Path) -> None:
    bundle = tmp_path / "kabar.egg"
    with zipfile.ZipFile(bundle, "w") as egg:
        for path in MIGRATIONS.rglob("*"):
            if path.is_file():
                egg.write(path, f"archive/migrations/{path.relative_to(MIGRATIONS)}")
    copy_scripts(zipfile.Path(bundle, "archive/migrations/"), tmp_path / "out")
    assert script_names(tmp_path / "out") == script_names(MIGRATIONS)
    assert "script.py.mako" in script_names(tmp_path / "out")


def test_upgrade_works_when_the_package_is_not_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive.db, "MIGRATIONS_DIR", tmp_path / "kabar.egg" / "migrations")
    archive.db._materialized_migrations.cache_clear()
    try:
        scripts = migrations_dir()
        assert scripts != MIGRATIONS and scripts.is_dir()
        assert migrations_dir() == scripts  # copied once per process
        engine = make_engine(f"sqlite:///{tmp_path / 'kabar.db'}")
        upgrade(engine)
        assert current_revision(engine) is not None
        engine.dispose()
    finally:
        archive.db._materialized_migrations.cache_clear()


def test_shipped_sites_are_a_package_resource() -> None:
    resource = default_sites_path()
    assert resource.name == "sites.toml"
    assert load_sites() and load_sites(None) == load_sites(str(resource))
