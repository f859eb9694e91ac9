"""Early warning hears about cases through the hooks cases publishes (cases/hooks.py), which
its AppConfig.ready() registers into; cases never imports early warning."""

from __future__ import annotations

from accord.cases.hooks import CASE_CHANGED, CASES_ANONYMISING, CASES_FILED
from accord.earlywarning.intake import on_cases_filed
from accord.earlywarning.scores import on_case_changed


def test_early_warning_is_registered_into_the_case_hooks():
    assert on_cases_filed in CASES_FILED
    assert on_case_changed in CASE_CHANGED


def test_the_filing_hook_only_queues_when_the_intake_is_deferred(settings):
    """The filing asks the hook, not early warning, whether it may pipeline the call."""
    settings.ACCORD_EW_INTAKE = "deferred"
    assert CASES_FILED.only_queues()
    settings.ACCORD_EW_INTAKE = "inline"
    assert not CASES_FILED.only_queues()


def test_resolution_removes_its_data_with_anonymised_cases():
    owners = {s.fn.__module__.split(".")[1] for s in CASES_ANONYMISING}
    assert "resolution" in owners
