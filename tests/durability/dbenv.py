"""Helpers for durability tests that run real processes against a real database: a fresh
SQLite file in a temp dir, or (when DATABASE_URL points to PostgreSQL) a fresh database on
the same server, dropped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from urllib.parse import quote, unquote, urlparse, urlunparse

PRELUDE = (
    "import os\nos.environ['DJANGO_SETTINGS_MODULE']='accord.config.settings'\n"
    "import django\ndjango.setup()\n"
)


def base_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    env.setdefault("ACCORD_ENV", "development")
    return env


def pg_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _admin_conn(url: str):
    import psycopg

    p = urlparse(url)
    return psycopg.connect(
        host=unquote(p.hostname or "") or None,
        port=p.port,
        user=unquote(p.username or "") or None,
        password=unquote(p.password or "") or None,
        dbname="postgres",
        autocommit=True,
    )


class PgDatabase:
    """A throw-away database on the server of DATABASE_URL."""

    def __init__(self) -> None:
        self.base = pg_url()
        self.name = f"accord_dur_{uuid.uuid4().hex[:10]}"
        with _admin_conn(self.base) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        p = urlparse(self.base)
        self.url = urlunparse(p._replace(path="/" + quote(self.name)))

    def drop(self) -> None:
        with _admin_conn(self.base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def run_py(code: str, env: dict, *, timeout: int = 300, check: bool = True):
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def accord(*args: str, env: dict, timeout: int = 300, check: bool = False):
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


SETUP_AREAS = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accord.core.models import Area
city = Area.objects.create(code="T", name_en="T", name_zh="T", level="city")
Area.objects.create(code="T-C", name_en="C", name_zh="C", level="county", parent=city)
"""
