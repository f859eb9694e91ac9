"""PostgreSQL statements are bound on the server and prepared once a connection has run them
ACCORD_PG_PREPARE_THRESHOLD times (default 5), so that they are not planned at every request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from accord.cases.models import Category

PROBE = (
    "import json; from django.conf import settings; import django; django.setup();"
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def _options(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    base.update(
        ACCORD_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="accord.config.settings",
        DATABASE_URL="postgres://accord@localhost:5432/accord",  # parsed only, never connected
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, {"server_side_binding": True, "prepare_threshold": 5}),
        ("2", {"server_side_binding": True, "prepare_threshold": 2}),
        ("off", {}),
    ],
)
def test_the_prepare_threshold_setting(tmp_path, given, expected):
    env = {"ACCORD_PG_PREPARE_THRESHOLD": given} if given else {}
    result = _options(tmp_path, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    options = json.loads(result.stdout.splitlines()[-1])
    assert {
        k: options[k] for k in ("server_side_binding", "prepare_threshold") if k in options
    } == (expected)


@pytest.mark.parametrize("bad", ["0", "-1", "five", "1.5"])
def test_an_unreasonable_prepare_threshold_is_refused(tmp_path, bad):
    result = _options(tmp_path, ACCORD_PG_PREPARE_THRESHOLD=bad)
    assert result.returncode != 0
    assert "ACCORD_PG_PREPARE_THRESHOLD must be a whole number from 1 to 1000" in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_a_statement_run_often_is_prepared_on_the_server(settings):
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]

    def prepared() -> int:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%cases_category%code%"],
            )
            return cur.fetchone()[0]

    before = prepared()
    for _ in range(threshold + 1):
        assert Category.objects.filter(code="no-such-category").first() is None
    assert prepared() == before + 1
