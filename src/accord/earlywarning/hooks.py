"""Entry points called by `accord.cases.services` inside a case's own transaction.

Kept import-light (the heavy modules load on first call) so importing the cases app stays fast.
"""

from __future__ import annotations

from typing import Any


def on_case_created(case: Any) -> None:
    """Count the case in the indicators, check for a group dispute, score its risk."""
    from accord.earlywarning.services import on_case_created as run

    run(case)


def on_cases_created(cases: list[Any]) -> None:
    """The same for several cases filed in one transaction."""
    from accord.earlywarning.services import on_cases_created as run

    run(cases)


def on_case_changed(case: Any) -> None:
    """Re-score the case's escalation risk after a transition."""
    from accord.earlywarning.services import on_case_changed as run

    run(case)
