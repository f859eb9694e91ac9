"""Scoring of the PHQ-9 and the GAD-7: pure functions, no Django, no I/O.

PHQ-9 (Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606-613): nine items scored
0-3, total 0-27; severity bands at 5, 10, 15 and 20 (minimal, mild, moderate, moderately
severe, severe). GAD-7 (Spitzer, Kroenke, Williams & Löwe 2006, Arch Intern Med
166:1092-1097): seven items 0-3, total 0-21; bands at 5, 10 and 15 (minimal, mild,
moderate, severe). Chinese validation studies report different best cut-offs by population,
so the cut-offs are parameters (settings ACCORD_WELLBEING_PHQ9_CUTOFFS and
ACCORD_WELLBEING_GAD7_CUTOFFS pass them in); the published bands are the defaults.

A score is a screening result, never a diagnosis. Help is offered whatever the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PHQ9, GAD7 = "phq9", "gad7"
ITEMS = {PHQ9: 9, GAD7: 7}
# LOINC panel codes (for the FHIR export and interoperability).
LOINC = {PHQ9: "44249-1", GAD7: "69737-5"}

PHQ9_BANDS = ("minimal", "mild", "moderate", "moderately_severe", "severe")
GAD7_BANDS = ("minimal", "mild", "moderate", "severe")
BANDS = {PHQ9: PHQ9_BANDS, GAD7: GAD7_BANDS}
DEFAULT_CUTOFFS = {PHQ9: (5, 10, 15, 20), GAD7: (5, 10, 15)}

# Crisis levels of a result (and of an "I am in danger" request).
URGENT = "urgent"  # danger of self-harm: PHQ-9 item 9 > 0, or "I am in danger"
HIGH = "high"  # a severe band
NONE = ""


class InvalidAnswers(ValueError):
    """The answers do not fit the instrument (count, or a value outside 0-3)."""


@dataclass(frozen=True)
class Result:
    instrument: str
    total: int
    band: str
    # PHQ-9 item 9 (thoughts of death or self-harm); None for the GAD-7.
    item9: int | None
    level: str  # URGENT | HIGH | NONE
    reasons: tuple[str, ...]  # "item9", "severe_band"

    @property
    def crisis(self) -> bool:
        return self.level != NONE

    @property
    def asks_difficulty(self) -> bool:
        """The difficulty question is asked when any problem was checked (total > 0)."""
        return self.total > 0


def check_cutoffs(instrument: str, cutoffs: Sequence[int]) -> tuple[int, ...]:
    want = len(BANDS[instrument]) - 1
    cut = tuple(int(c) for c in cutoffs)
    top = 3 * ITEMS[instrument]
    if len(cut) != want or any(b <= a for a, b in zip(cut, cut[1:], strict=False)):
        raise ValueError(f"{instrument}: {want} increasing cut-offs expected, got {cut}")
    if cut[0] < 1 or cut[-1] > top:
        raise ValueError(f"{instrument}: cut-offs must lie between 1 and {top}")
    return cut


def band_of(instrument: str, total: int, cutoffs: Sequence[int] | None = None) -> str:
    cut = check_cutoffs(instrument, cutoffs or DEFAULT_CUTOFFS[instrument])
    k = sum(1 for c in cut if total >= c)
    return BANDS[instrument][k]


def validate(instrument: str, answers: Sequence[int]) -> tuple[int, ...]:
    if instrument not in ITEMS:
        raise InvalidAnswers(f"unknown instrument {instrument!r}")
    if len(answers) != ITEMS[instrument]:
        raise InvalidAnswers(f"{instrument}: {ITEMS[instrument]} answers expected")
    out = []
    for a in answers:
        if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a <= 3:
            raise InvalidAnswers(f"{instrument}: each answer must be 0, 1, 2 or 3")
        out.append(a)
    return tuple(out)


def score(instrument: str, answers: Sequence[int], cutoffs: Sequence[int] | None = None) -> Result:
    """Total, band and crisis level of one completed questionnaire."""
    a = validate(instrument, answers)
    total = sum(a)
    band = band_of(instrument, total, cutoffs)
    item9 = a[8] if instrument == PHQ9 else None
    reasons = []
    if item9:
        reasons.append("item9")
    if band == "severe":
        reasons.append("severe_band")
    level = URGENT if item9 else (HIGH if reasons else NONE)
    return Result(instrument, total, band, item9, level, tuple(reasons))


def parse_cutoffs(spec: str, instrument: str) -> tuple[int, ...]:
    """'5,10,15,20' -> (5, 10, 15, 20), checked; '' -> the published defaults."""
    if not spec.strip():
        return DEFAULT_CUTOFFS[instrument]
    return check_cutoffs(instrument, [int(x) for x in spec.split(",")])
