"""Web tests keep uploads and boundaries in a temporary directory."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard caches its figures; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.ACCORD_UPLOAD_DIR = tmp_path / "uploads"
    settings.ACCORD_BOUNDARIES_FILE = tmp_path / "boundaries.geojson"
    return tmp_path
