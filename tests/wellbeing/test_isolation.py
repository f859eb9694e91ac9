"""Health data stay in the wellbeing part: no other part imports it (so screening answers,
scores or alerts cannot reach case routing, case risk scores, early warning or any score of
a person), and no wellbeing table has a link to cases."""

from __future__ import annotations

import ast
from pathlib import Path

from accord.wellbeing import models

SRC = Path(models.__file__).resolve().parents[1]


def test_no_other_part_imports_wellbeing():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "wellbeing":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("accord.wellbeing") for n in names):
                offenders.append(str(rel))
    # config registers the app, its urls and its API router, by name only
    assert offenders == [], offenders


def test_no_wellbeing_table_points_at_cases_or_scores():
    for model in (models.Screening, models.CrisisAlert, models.CounsellingRequest,
                  models.SessionNote, models.Referral):  # fmt: skip
        for f in model._meta.get_fields():
            target = getattr(f, "related_model", None)
            assert target is None or target._meta.app_label in {"core", "accounts", "wellbeing"}
            assert "diagnos" not in f.name and "risk" not in f.name
