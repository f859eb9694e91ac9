"""The settings a crash test cannot see: SQLite runs in WAL mode with synchronous=FULL (and
immediate write transactions); PostgreSQL has fsync, synchronous_commit and
full_page_writes on."""

from __future__ import annotations

import pytest
from dbenv import base_env, run_py
from django.conf import settings
from django.db import connection

SQLITE = settings.DATABASES["default"]["ENGINE"] in (
    "django.db.backends.sqlite3",
    "accord.core.sqlite_backend",
)


@pytest.mark.skipif(not SQLITE, reason="SQLite settings")
def test_sqlite_file_database_is_wal_with_full_sync(tmp_path):
    out = run_py(
        """
from django.db import connection
with connection.cursor() as cur:
    print(*(cur.execute(f"PRAGMA {p}").fetchone()[0]
            for p in ("journal_mode", "synchronous", "foreign_keys")))
print(connection.settings_dict["OPTIONS"]["transaction_mode"])
""",
        base_env(tmp_path),
    ).stdout.split()
    # synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
    assert out == ["wal", "2", "1", "IMMEDIATE"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings")
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["fsync", "synchronous_commit", "full_page_writes"])
def test_postgresql_durability_settings_are_on(name):
    with connection.cursor() as cur:
        cur.execute(f"SHOW {name}")
        assert cur.fetchone()[0] == "on", f"{name} must be on for durability"
