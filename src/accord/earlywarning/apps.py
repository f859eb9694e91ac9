from django.apps import AppConfig
from django.conf import settings


def _deferred_intake() -> bool:
    """In deferred mode the filing hook only queues the cases (one INSERT, no answer needed),
    so the filing may pipeline it with its own writes."""
    return settings.ACCORD_EW_INTAKE == "deferred"


class EarlyWarningConfig(AppConfig):
    name = "accord.earlywarning"
    label = "earlywarning"

    def ready(self) -> None:
        from accord.cases.hooks import CASE_CHANGED, CASES_FILED
        from accord.earlywarning.intake import on_cases_filed
        from accord.earlywarning.scores import on_case_changed

        # New cases: indicator counts, group-dispute check, risk scores (or queue that work).
        CASES_FILED.register(on_cases_filed, queues_only=_deferred_intake)
        # A transition: re-score the case's escalation risk.
        CASE_CHANGED.register(on_case_changed)
