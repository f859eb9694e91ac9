"""`accord backup` / `accord restore` round-trip on a real database (SQLite file; a fresh
PostgreSQL database when DATABASE_URL points to PostgreSQL): row counts match the manifest,
the audit chains verify, and encrypted values still open; a damaged or tampered backup is
refused or reported."""

from __future__ import annotations

import json
import sqlite3

import pytest
from dbenv import SETUP_AREAS, PgDatabase, accord, base_env, pg_url, run_py

FILL = (
    SETUP_AREAS
    + """
from django.db import transaction
from accord.cases.filing import CaseInput, PartyInput, case_create
from accord.core.audit import access_record
for i in range(5):
    case_create(actor=None, data=CaseInput(
        category="neighbour", area="T-C", description=f"Liu Yang complaint number {i}",
        parties=(PartyInput(role="applicant", kind="person", name=f"Liu Yang {i}", contact="135"),)))
access_record(actor=None, action="test.read", object_type="case", object_id="x")
"""
)

CHANGE = """
from accord.cases.models import Case
from accord.cases.filing import CaseInput, case_create
Case.objects.filter(pk__in=list(Case.objects.values_list("pk", flat=True)[:2])).delete()
case_create(actor=None, data=CaseInput(category="neighbour", area="T-C", description="later"))
print(Case.objects.count())
"""

CHECK = """
from accord.cases.models import Case, Party
from accord.core.audit import verify_all
print(Case.objects.count(), Party.objects.count(),
      sorted(c.description for c in Case.objects.all())[0],
      all(r.ok for r in verify_all()))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    env = base_env(tmp_path)
    if request.param == "postgresql":
        if not pg_url():
            pytest.skip("DATABASE_URL does not point to PostgreSQL")
        db = PgDatabase()
        env["DATABASE_URL"] = db.url
        yield env
        db.drop()
    else:
        yield env


@pytest.mark.slow
def test_backup_restore_round_trip(env, tmp_path):
    run_py(FILL, env)
    target = tmp_path / "backups" / "accord.bak"
    r = accord("backup", str(target), env=env)
    assert r.returncode == 0, r.stderr
    assert "backup written" in r.stdout
    manifest = json.loads((tmp_path / "backups" / "accord.bak.manifest.json").read_text())
    assert manifest["counts"]["cases_case"] == 5
    assert manifest["counts"]["cases_party"] == 5
    assert manifest["audit_heads"]["audit"][0] >= 5

    assert run_py(CHANGE, env).stdout.split() == ["4"]
    assert accord("restore", str(target), env=env).returncode != 0  # needs --yes
    r = accord("restore", str(target), "--yes", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "counts match" in r.stdout and "audit chain ok" in r.stdout
    assert run_py(CHECK, env).stdout.split() == [
        "5",
        "5",
        "Liu",
        "Yang",
        "complaint",
        "number",
        "0",
        "True",
    ]


@pytest.mark.slow
def test_damaged_or_tampered_sqlite_backup_is_refused(tmp_path):
    env = base_env(tmp_path)
    run_py(FILL, env)
    good = tmp_path / "good.bak"
    assert accord("backup", str(good), env=env).returncode == 0
    # Tampered: an audit event is changed inside the backup file.
    db = sqlite3.connect(good)
    db.execute("UPDATE core_auditevent SET object_id = 'forged' WHERE seq = 2")
    db.commit()
    db.close()
    r = accord("restore", str(good), "--yes", env=env)
    assert r.returncode != 0
    assert "audit chain broken at seq 2" in r.stderr
    # Damaged: a row vanished from the file (counts no longer match the manifest).
    bad = tmp_path / "bad.bak"
    assert accord("backup", str(bad), env=env).returncode == 0
    db = sqlite3.connect(bad)
    db.execute("DELETE FROM cases_party WHERE id = (SELECT MIN(id) FROM cases_party)")
    db.commit()
    db.close()
    r = accord("restore", str(bad), "--yes", env=env)
    assert r.returncode != 0 and "does not match its manifest" in r.stderr
    # An existing file is never overwritten by a backup.
    assert accord("backup", str(bad), env=env).returncode != 0
