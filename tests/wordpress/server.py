"""Real WordPress sites on 127.0.0.1: Debian's ``wordpress`` package served by an Apache
instance of the tests' own (its own config, pid file and ports), one MariaDB database per
site, built and changed through WordPress's own PHP API (``php/site.php``).

Several sites share one WordPress core copy: its ``wp-config.php`` picks the site from
``KABAR_WP_SITE`` (Apache's ``SetEnv`` per virtual host), so each site has its own port,
database and ``wp-content`` (themes linked from the package, its own mu-plugins).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

WORDPRESS_DIR = Path("/usr/share/wordpress")
APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
MARIADB = Path("/usr/sbin/mariadbd")
PACKAGES = (
    "wordpress",
    "wordpress-theme-twentytwentythree",
    "wordpress-theme-twentytwentyone",
    "apache2",
    "libapache2-mod-php",
    "php-mysql",
    "php-xml",  # SimpleXML: without it WordPress answers its sitemaps with 501
)
"""What the fixture needs; ``.ci/run`` installs them up front."""
DB_HOST = "127.0.0.1:3306"
PHP_DIR = Path(__file__).parent / "php"
MODULES = ("mpm_prefork", "authz_core", "dir", "mime", "alias", "env")


class Unavailable(RuntimeError):
    """WordPress, Apache, PHP or MariaDB cannot be had on this machine."""


@dataclass(frozen=True)
class Setup:
    """How one test site is configured, as its owner would in wp-admin."""

    name: str
    permalinks: str  # "" is WordPress's "Plain": ?p=123
    theme: str
    rest: bool = True
    feeds: bool = True
    sitemaps: bool = True

    @property
    def plugins(self) -> list[str]:
        off = {"rest-off": self.rest, "feeds-off": self.feeds, "sitemaps-off": self.sitemaps}
        return [name for name, on in off.items() if not on]


@dataclass
class Post:
    id: int
    status: str
    type: str
    title: str
    link: str
    password: bool
    published_at: datetime | None  # None: a draft WordPress has not dated

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Post:
        return cls(
            id=int(data["id"]),
            status=str(data["status"]),
            type=str(data["type"]),
            title=str(data["title"]),
            link=str(data["link"]),
            password=bool(data["password"]),
            published_at=(
                None
                if data["date_gmt"].startswith("0000")
                else datetime.fromisoformat(data["date_gmt"]).replace(tzinfo=UTC)
            ),
        )

    @property
    def public_article(self) -> bool:
        """What a crawler should store: a published, unprotected post."""
        return self.type == "post" and self.status == "publish" and not self.password


@dataclass
class Site:
    """One WordPress install: its URL, and its content changed through WordPress."""

    setup: Setup
    url: str
    db: str
    content_dir: Path
    server: WordPressServer = field(repr=False)

    def run(self, operations: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Run ``php/site.php`` operations on this site; their JSON results."""
        return self.server.php(self, operations)

    def posts(self) -> list[Post]:
        """Every post, page and attachment WordPress holds, whatever its status."""
        (posts,) = self.run([{"op": "posts"}])
        return [Post.from_json(p) for p in posts]

    def published(self) -> set[str]:
        return {p.link for p in self.posts() if p.public_article}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_installed() -> None:
    """Install the Debian packages when missing and we may (root); else raise Unavailable."""
    if _have_packages():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise Unavailable(f"needs {' '.join(PACKAGES)} (missing; installing them needs root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q"]
    result = subprocess.run(
        [*command, "--no-install-recommends", *PACKAGES],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0 or not _have_packages():
        raise Unavailable(f"apt-get install failed: {result.stderr.strip()[-300:]}")


def _have_packages() -> bool:
    themes = WORDPRESS_DIR / "wp-content" / "themes"
    return (
        (WORDPRESS_DIR / "wp-load.php").exists()
        and (themes / "twentytwentythree").is_dir()
        and (themes / "twentytwentyone").is_dir()
        and APACHE.exists()
        and _php_module() is not None
        and shutil.which("php") is not None
        and shutil.which("mysql") is not None
        and _php_has("SimpleXML")
    )


def _php_has(extension: str) -> bool:
    check = f"exit(extension_loaded('{extension}') ? 0 : 1);"
    return subprocess.run(["php", "-r", check], check=False).returncode == 0


def _php_module() -> Path | None:
    found = sorted(APACHE_MODULES.glob("libphp*.so"))
    return found[-1] if found else None


def ensure_mariadb() -> None:
    """MariaDB on 127.0.0.1:3306, started when it is down (as ``.ci/run`` does)."""
    if _mysql("SELECT 1").returncode == 0:
        return
    if not MARIADB.exists() or os.geteuid() != 0:
        raise Unavailable("MariaDB is not running on 127.0.0.1:3306 and cannot be started")
    Path("/run/mysqld").mkdir(exist_ok=True)
    shutil.chown("/run/mysqld", "mysql", "mysql")
    subprocess.run(
        ["start-stop-daemon", "--start", "--oknodo", "--background", "--exec", str(MARIADB)],
        check=False,
    )
    for _ in range(100):
        if _mysql("SELECT 1").returncode == 0:
            return
        time.sleep(0.2)
    raise Unavailable("MariaDB did not come up on 127.0.0.1:3306")


def _mysql(sql: str) -> subprocess.CompletedProcess[str]:
    host, port = DB_HOST.split(":")
    return subprocess.run(
        ["mysql", "-h", host, "-P", port, "-u", "root", "-e", sql],
        capture_output=True,
        text=True,
        check=False,
    )


class WordPressServer:
    """The Apache instance serving every test site, and their databases."""

    def __init__(self, workdir: Path, setups: Iterable[Setup]) -> None:
        self.workdir = workdir
        self.core = workdir / "core"
        self.setups = list(setups)
        self.sites: dict[str, Site] = {}
        self.prefix = f"kabar_wp_{uuid.uuid4().hex[:8]}"

    # -- building -----------------------------------------------------------------

    def build(self) -> None:
        self.workdir.chmod(0o755)  # Apache's user reads it
        self._copy_core()
        for setup in self.setups:
            port = free_port()
            content = self.workdir / "sites" / setup.name / "wp-content"
            (content / "mu-plugins").mkdir(parents=True)
            (content / "uploads").mkdir()
            (content / "themes").symlink_to(WORDPRESS_DIR / "wp-content" / "themes")
            for plugin in setup.plugins:
                shutil.copy(PHP_DIR / f"{plugin}.php", content / "mu-plugins")
            db = f"{self.prefix}_{setup.name.replace('-', '_')}"
            result = _mysql(f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
            if result.returncode != 0:
                raise Unavailable(f"cannot create a MariaDB database: {result.stderr.strip()}")
            self.sites[setup.name] = Site(setup, f"http://127.0.0.1:{port}", db, content, self)
        (self.core / "sites.json").write_text(
            json.dumps(
                {
                    name: {
                        "db": site.db,
                        "db_host": DB_HOST,
                        "url": site.url,
                        "content_dir": str(site.content_dir),
                    }
                    for name, site in self.sites.items()
                }
            )
        )
        for site in self.sites.values():
            setup = site.setup
            site.run(
                [
                    {"op": "install", "title": f"Kabar {setup.name}"},
                    {"op": "option", "name": "timezone_string", "value": "Asia/Jakarta"},
                    {"op": "option", "name": "blogdescription", "value": "Berita daerah"},
                    {"op": "theme", "stylesheet": setup.theme},
                    {"op": "permalinks", "structure": setup.permalinks},
                ]
            )

    def _copy_core(self) -> None:
        """Our own copy of the top-level PHP files (``wp-load.php`` finds ``wp-config.php``
        beside its real path), the rest linked from the package."""
        self.core.mkdir(parents=True)
        for entry in WORDPRESS_DIR.iterdir():
            if entry.name in ("wp-config.php", "wp-content", ".htaccess"):
                continue
            if entry.is_file() and entry.suffix == ".php":
                shutil.copy(entry, self.core / entry.name)
            else:
                (self.core / entry.name).symlink_to(entry)
        shutil.copy(PHP_DIR / "wp-config.php", self.core / "wp-config.php")

    def php(self, site: Site, operations: Sequence[Mapping[str, Any]]) -> list[Any]:
        result = subprocess.run(
            ["php", str(PHP_DIR / "site.php"), str(self.core)],
            input=json.dumps(list(operations)),
            capture_output=True,
            text=True,
            env={**os.environ, "KABAR_WP_SITE": site.setup.name, "KABAR_WP_URL": site.url},
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"site.php failed on {site.setup.name}: {result.stderr[-2000:]}")
        out = result.stdout
        # WordPress may print notices before the JSON; the JSON is the last line.
        data: list[Any] = json.loads(out[out.rfind("\n[") + 1 :] if "\n[" in out else out)
        return data

    # -- serving -------------------------------------------------------------------

    def apache_config(self) -> str:
        run = self.workdir / "apache"
        lines = [
            f'ServerRoot "{run}"',
            "ServerName 127.0.0.1",
            f'PidFile "{run}/httpd.pid"',
            f'DefaultRuntimeDir "{run}"',
            f"Mutex file:{run} default",
            f'ErrorLog "{run}/error.log"',
        ]
        lines += [f'LoadModule {m}_module "{APACHE_MODULES}/mod_{m}.so"' for m in MODULES]
        lines += [
            f'LoadModule php_module "{_php_module()}"',
            'LogFormat "%p \\"%r\\" %>s" kabar',
            f'CustomLog "{run}/access.log" kabar',
            "StartServers 2",
            "MaxRequestWorkers 8",
            "TypesConfig /etc/mime.types",
            "DirectoryIndex index.php",
            '<FilesMatch "\\.php$">',
            "    SetHandler application/x-httpd-php",
            "</FilesMatch>",
            "<Directory />",
            "    Options FollowSymLinks",
            "    AllowOverride None",
            "    Require all granted",
            "</Directory>",
        ]
        if os.geteuid() == 0:
            lines += ["User www-data", "Group www-data"]
        for site in self.sites.values():
            port = site.url.rsplit(":", 1)[1]
            lines += [
                f"Listen 127.0.0.1:{port}",
                f"<VirtualHost 127.0.0.1:{port}>",
                f'    DocumentRoot "{self.core}"',
                f"    SetEnv KABAR_WP_SITE {site.setup.name}",
                f'    Alias /wp-content "{site.content_dir}"',
                # Pretty permalinks without mod_rewrite: what is no file is WordPress's.
                "    FallbackResource /index.php",
                "</VirtualHost>",
            ]
        return "\n".join(lines) + "\n"

    @contextmanager
    def serving(self) -> Iterator[None]:
        run = self.workdir / "apache"
        run.mkdir(exist_ok=True)
        config = run / "httpd.conf"
        config.write_text(self.apache_config())
        if os.geteuid() == 0:
            shutil.chown(run, "www-data", "www-data")
        env = {**os.environ, "APACHE_RUN_DIR": str(run), "APACHE_LOCK_DIR": str(run)}
        start = subprocess.run(
            [str(APACHE), "-f", str(config), "-k", "start"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if start.returncode != 0:
            raise Unavailable(f"Apache did not start: {start.stderr.strip()[-500:]}")
        try:
            for site in self.sites.values():
                _wait_for(site.url)
            yield
        finally:
            subprocess.run([str(APACHE), "-f", str(config), "-k", "stop"], env=env, check=False)
            pid_file = run / "httpd.pid"
            for _ in range(50):
                if not pid_file.exists():
                    break
                time.sleep(0.1)

    def drop(self) -> None:
        for site in self.sites.values():
            _mysql(f"DROP DATABASE IF EXISTS `{site.db}`")

    def requests(self) -> dict[int, list[str]]:
        """Port -> the requests Apache served there ("GET /path?query 200"), in order."""
        log = self.workdir / "apache" / "access.log"
        served: dict[int, list[str]] = {}
        if log.exists():
            for line in log.read_text().splitlines():
                port, rest = line.split(" ", 1)
                served.setdefault(int(port), []).append(rest)
        return served


def _wait_for(url: str) -> None:
    import urllib.error
    import urllib.request

    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise Unavailable(f"Apache does not answer on {url}")
