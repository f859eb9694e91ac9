"""Residents told of each step of their case: the grid part subscribes to the cases hook
`CASE_CHANGED` (see apps.py) and hands each step to core.notifications, with the status's
wording in both languages."""

from __future__ import annotations

from django.utils import translation

from accord.cases.models import Status
from accord.core import notifications


def status_labels(status: str) -> dict[str, str]:
    out = {}
    for lang in notifications.LANGUAGES:
        with translation.override(lang):
            out[lang] = str(Status(status).label) if status in Status.values else status
    return out


def on_case_changed(case, *args, **kwargs) -> None:
    """Called with the case after each transition (inside its transaction)."""
    step = f"{case.status}@{case.status_changed_at.isoformat() if case.status_changed_at else ''}"
    notifications.notify_case_step(
        reference=case.reference, step=step, labels=status_labels(case.status)
    )


def on_cases_filed(cases, *args, **kwargs) -> None:
    """Called with the just-filed cases: nothing to tell yet (the filer saw the receipt)."""
    return None
