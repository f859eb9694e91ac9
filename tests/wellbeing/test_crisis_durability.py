"""The short version of bench/crisis_durability.py: PHQ-9s with item 9 > 0 are submitted
over HTTP while the server and the escalation worker are SIGKILLed twice; every acknowledged
submission must have exactly one crisis alert, escalation must resume after the restart
(no step taken twice, none skipped, nothing left overdue), nothing of the answers is stored,
and the database and the audit chains must check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "crisis_durability.py"


@pytest.mark.slow
def test_crisis_alerts_survive_sigkill_and_escalation_resumes(tmp_path):
    r = subprocess.run(
        [sys.executable, str(BENCH), "--workdir", str(tmp_path / "work"), "--db", "sqlite",
         "--clients", "3", "--crashes", "2", "--interval", "1.5", "--seed", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = [line for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, r.stdout[-3000:] + r.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert r.returncode == 0, r.stdout[-3000:]
    assert result["crashes"] == 2 and result["acknowledged"] > 0
    assert result["missing"] == 0 and result["wrong"] == 0
    assert result["alerts"] >= result["acknowledged"]
    assert result["overdue"] == 0 and result["escalated_twice"] == 0 and result["step_gaps"] == 0
    assert result["worker_resumed_runs"] >= 2 and result["escalated_by_worker"] > 0
    assert result["screenings_stored"] == 0
    assert result["integrity_ok"] and all(c["ok"] for c in result["chains"])
