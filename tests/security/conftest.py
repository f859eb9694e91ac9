"""Fixtures for the security tests (tests/security/); helpers are in login_helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def totp_on(settings):
    """Second factor required for staff (the production default)."""
    settings.ACCORD_REQUIRE_TOTP = True
    return settings
