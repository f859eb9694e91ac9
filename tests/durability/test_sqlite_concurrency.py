"""Concurrent writers on the embedded SQLite database wait for the lock instead of failing.

Runs real processes against a real database file (the test database of pytest-django is
in-memory, which would not show locking behaviour).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"]
    not in ("django.db.backends.sqlite3", "accord.core.sqlite_backend"),
    reason="SQLite locking behaviour",
)

WRITER = textwrap.dedent(
    """
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.config.settings"
    import django
    django.setup()
    from accord.cases.filing import CaseInput, case_create
    n = int(sys.argv[1])
    for i in range(n):
        case_create(actor=None, data=CaseInput(
            category="neighbour", area="T-C", description=f"writer {sys.argv[2]} case {i}"))
    """
)

SETUP = textwrap.dedent(
    """
    import os
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.config.settings"
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from accord.core.models import Area
    city = Area.objects.create(code="T", name_en="T", name_zh="T", level="city")
    Area.objects.create(code="T-C", name_en="C", name_zh="C", level="county", parent=city)
    """
)


def test_parallel_writers_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    writers, per_writer = 4, 15
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(per_writer), str(w)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, errors
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os;os.environ['DJANGO_SETTINGS_MODULE']='accord.config.settings';"
            "import django;django.setup();"
            "from accord.cases.models import Case;from accord.core.audit import verify_chain;"
            "from accord.core.models import AuditEvent;"
            "r=verify_chain();"
            "print(Case.objects.count(), r.ok, AuditEvent.objects.filter(action='case.create')"
            ".count(), r.checked == AuditEvent.objects.count())",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()
    # Every case written, every reference unique, and the audit chain unbroken over all its
    # events (the similar descriptions also open a near-duplicate group alert: more events).
    assert count == [str(writers * per_writer), "True", str(writers * per_writer), "True"]
