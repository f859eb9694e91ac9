"""The short version of bench/crash_durability.py: cases are filed over HTTP by concurrent
clients while the server is SIGKILLed (SQLite) or PostgreSQL is stopped with an immediate
shutdown; every acknowledged case must survive, the integrity check and the audit chains
must pass, and early warning's queued work must count every stored case exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from dbenv import pg_url

BENCH = Path(__file__).resolve().parents[2] / "bench" / "crash_durability.py"


def run_bench(tmp_path, *args: str) -> dict:
    r = subprocess.run(
        [sys.executable, str(BENCH), "--workdir", str(tmp_path / "work"), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, r.stdout[-3000:] + r.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert r.returncode == 0, r.stdout[-3000:]
    return result


def check(result: dict) -> None:
    assert result["acknowledged"] > 0
    assert result["missing"] == 0 and result["wrong"] == 0
    assert result["stored"] >= result["acknowledged"]
    assert result["integrity_ok"], result["integrity"]
    assert all(c["ok"] for c in result["chains"]), result["chains"]
    assert result["locked"] == 0
    # early warning's deferred work: nothing lost, nothing counted twice across the crashes
    assert result["ew_counted"] == result["stored"]


@pytest.mark.slow
def test_sqlite_survives_sigkill_of_the_server(tmp_path):
    result = run_bench(tmp_path, "--db", "sqlite", "--clients", "3", "--crashes", "2",
                       "--interval", "1.5")  # fmt: skip
    assert result["crashes"] == 2
    check(result)


@pytest.mark.slow
@pytest.mark.skipif(not pg_url(), reason="DATABASE_URL does not point to PostgreSQL")
def test_postgresql_survives_immediate_shutdown(tmp_path):
    from _harness_path import pg_available

    if not pg_available():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    result = run_bench(tmp_path, "--db", "postgresql", "--clients", "3", "--crashes", "2",
                       "--interval", "1.5")  # fmt: skip
    check(result)
