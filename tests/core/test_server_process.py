"""The WSGI entry point sets the server process's thread switch interval from
ACCORD_SWITCH_INTERVAL (checked in a fresh process, as a server would start)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = "import accord.config.wsgi, sys; print(sys.getswitchinterval())"


def _run(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    base.update(ACCORD_DATA_DIR=str(tmp_path), ACCORD_EW_INTAKE="inline", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("given", "expected"), [(None, 0.001), ("0.0005", 0.0005)])
def test_the_server_sets_the_switch_interval(tmp_path, given, expected):
    result = _run(tmp_path, **({"ACCORD_SWITCH_INTERVAL": given} if given else {}))
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout.split()[-1]) == pytest.approx(expected)


def test_an_unreasonable_switch_interval_is_refused(tmp_path):
    result = _run(tmp_path, ACCORD_SWITCH_INTERVAL="5")
    assert result.returncode != 0
    assert "ACCORD_SWITCH_INTERVAL" in result.stderr


GC_PROBE = (
    "import gc, json, accord.config.wsgi as w, django.urls;"
    "print(json.dumps([gc.get_threshold(), gc.get_freeze_count(),"
    " gc.is_tracked(django.urls.get_resolver().url_patterns)]))"
)


def _gc(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    base.update(ACCORD_DATA_DIR=str(tmp_path), ACCORD_EW_INTAKE="inline", **env)
    return subprocess.run(
        [sys.executable, "-c", GC_PROBE], env=base, capture_output=True, text=True, timeout=120
    )


def test_the_server_freezes_what_it_loaded_and_sets_the_gc_thresholds(tmp_path):
    import json

    result = _gc(tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    threshold, frozen, _ = json.loads(result.stdout.splitlines()[-1])
    assert threshold == [10000, 10, 10]
    # Everything loaded at start (Django, every view and schema) is out of the collector's
    # way: tens of thousands of objects.
    assert frozen > 50_000
    result = _gc(tmp_path, ACCORD_GC_THRESHOLD="700,10,10")
    assert json.loads(result.stdout.splitlines()[-1])[0] == [700, 10, 10]


@pytest.mark.parametrize("bad", ["1,2", "a,b,c", "-1,10,10"])
def test_unreasonable_gc_thresholds_are_refused(tmp_path, bad):
    result = _gc(tmp_path, ACCORD_GC_THRESHOLD=bad)
    assert result.returncode != 0
    assert "ACCORD_GC_THRESHOLD must be three whole numbers" in result.stderr
