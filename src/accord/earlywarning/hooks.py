"""Entry points called by `accord.cases.services` inside a case's own transaction.

Kept import-light (the heavy modules load on first call) so importing the cases app stays fast.
"""

from __future__ import annotations

from typing import Any


def on_cases_created(cases: list[Any]) -> None:
    """Count cases just filed (one filing, or a group commit's several) in the indicators,
    check for group disputes, score their risk (or queue that work)."""
    from accord.earlywarning.services import on_cases_created as run

    run(cases)


def queues_only() -> bool:
    """True when `on_cases_created` only queues the cases (ACCORD_EW_INTAKE=deferred): one
    plain INSERT that needs no answer, so the filing may pipeline it with its own writes."""
    from django.conf import settings

    return settings.ACCORD_EW_INTAKE == "deferred"


def on_case_changed(case: Any) -> None:
    """Re-score the case's escalation risk after a transition."""
    from accord.earlywarning.services import on_case_changed as run

    run(case)
