"""Scoring over every answer combination: 4^9 PHQ-9 and 4^7 GAD-7 answer sets, against an
independent numpy computation of the published bands."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from accord.wellbeing import scoring
from accord.wellbeing.scoring import GAD7, PHQ9, score


def _all(n: int) -> np.ndarray:
    return np.array(list(itertools.product(range(4), repeat=n)), dtype=np.int8)


def _bands_numpy(totals: np.ndarray, cut: tuple[int, ...]) -> np.ndarray:
    return np.searchsorted(np.array(cut), totals, side="right")


def test_phq9_every_combination():
    grid = _all(9)
    assert len(grid) == 4**9 == 262_144
    totals = grid.sum(axis=1)
    bands = _bands_numpy(totals, (5, 10, 15, 20))
    names = np.array(scoring.PHQ9_BANDS)[bands]
    urgent = grid[:, 8] > 0
    high = ~urgent & (names == "severe")
    for row, total, band, u, h in zip(grid.tolist(), totals, names, urgent, high, strict=True):
        r = score(PHQ9, row)
        assert (r.total, r.band, r.item9) == (total, band, row[8])
        assert r.level == ("urgent" if u else "high" if h else "")
        assert r.asks_difficulty == (total > 0)


def test_gad7_every_combination():
    grid = _all(7)
    totals = grid.sum(axis=1)
    names = np.array(scoring.GAD7_BANDS)[_bands_numpy(totals, (5, 10, 15))]
    for row, total, band in zip(grid.tolist(), totals, names, strict=True):
        r = score(GAD7, row)
        assert (r.total, r.band, r.item9) == (total, band, None)
        assert r.level == ("high" if band == "severe" else "")


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"),
     (27, "severe")],
)  # fmt: skip
def test_phq9_published_band_edges(total, band):
    assert scoring.band_of(PHQ9, total) == band


def test_configured_cutoffs_move_the_bands():
    # e.g. a Chinese population where 7 was found to be the best "mild" cut-off
    cut = scoring.parse_cutoffs("7,10,15,20", PHQ9)
    assert scoring.band_of(PHQ9, 6, cut) == "minimal"
    assert scoring.band_of(PHQ9, 7, cut) == "mild"
    assert scoring.parse_cutoffs("", GAD7) == (5, 10, 15)
    for bad in ("5,10,15", "10,5,15,20", "0,5,10,15", "5,10,15,28"):
        with pytest.raises(ValueError):
            scoring.parse_cutoffs(bad, PHQ9)


@pytest.mark.parametrize(
    "answers", [[0] * 8, [0] * 10, [0] * 8 + [4], [0] * 8 + [-1], [True] + [0] * 8, ["1"] * 9]
)
def test_invalid_answers_refused(answers):
    with pytest.raises(scoring.InvalidAnswers):
        score(PHQ9, answers)


def test_scoring_module_imports_no_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(scoring.__file__).read_text())
    names = [
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
        for a in (n.names if isinstance(n, ast.Import) else [n])
    ]  # fmt: skip
    assert not [m for m in names if m and m.startswith("django")]
