"""Case escalation risk: a transparent, additive score per open case. Pure.

Each factor has a weight that staff see next to the score. The score orders work queues
(more attention sooner); it never limits what a party may do — nothing in the workflow
reads it. It is about the case (its facts and its history), not about any person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    weight: int  # points per unit
    cap: int  # at most this many units count
    unit: str


FACTORS: tuple[Factor, ...] = (
    Factor(
        "repeated_contact",
        _("Repeated contact (reopened, or escalation asked by a party)"),
        10,
        3,
        _("per contact"),
    ),  # fmt: skip
    Factor("people", _("Many people involved (collective: 10 or more)"), 20, 1, _("if collective")),
    Factor("people_several", _("Several people involved (3–9)"), 8, 1, _("if several")),
    Factor("failed_attempts", _("Failed mediation attempts"), 8, 4, _("per attempt")),
    Factor("overdue", _("Working days past the deadline"), 2, 15, _("per day")),
    Factor("violence", _("Risk of violence"), 25, 1, _("if present")),
    Factor("vulnerable", _("Vulnerable party"), 12, 1, _("if present")),
    Factor("group", _("Part of a collective dispute forming"), 15, 1, _("if linked")),
)
BY_CODE = {f.code: f for f in FACTORS}
MAX_SCORE = 100


@dataclass(frozen=True)
class RiskFacts:
    repeated_contact: int = 0
    people_count: int = 1
    failed_attempts: int = 0
    overdue_days: int = 0
    risk_of_violence: bool = False
    vulnerable_party: bool = False
    in_group: bool = False
    collective_parties: int = 10


def score(facts: RiskFacts) -> tuple[int, list[dict]]:
    """(score 0–100, the factors that contributed: code, value, weight, points)."""
    values = {
        "repeated_contact": facts.repeated_contact,
        "people": int(facts.people_count >= facts.collective_parties),
        "people_several": int(3 <= facts.people_count < facts.collective_parties),
        "failed_attempts": facts.failed_attempts,
        "overdue": max(facts.overdue_days, 0),
        "violence": int(facts.risk_of_violence),
        "vulnerable": int(facts.vulnerable_party),
        "group": int(facts.in_group),
    }
    out = []
    total = 0
    for f in FACTORS:
        v = values[f.code]
        if v <= 0:
            continue
        points = min(v, f.cap) * f.weight
        total += points
        out.append({"code": f.code, "value": v, "weight": f.weight, "points": points})
    out.sort(key=lambda x: -x["points"])
    return min(total, MAX_SCORE), out
