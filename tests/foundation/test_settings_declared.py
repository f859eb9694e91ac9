"""Every ACCORD_* setting the code reads is declared in accord.config.settings, with its
default and a comment there, so that an operator finds every knob in one file."""

from __future__ import annotations

import re
from pathlib import Path

import accord
import accord.config.settings as declared

SRC = Path(accord.__file__).parent
SETTINGS_FILE = SRC / "config" / "settings.py"

# Reads of a setting: settings.ACCORD_X, getattr(settings, "ACCORD_X" ...), a module's small
# getattr wrapper _setting("ACCORD_X" ...), override_settings(ACCORD_X=...).
SETTING_READ = re.compile(
    r"""settings\.(ACCORD_[A-Z0-9_]+)"""
    r"""|getattr\(\s*settings\s*,\s*["'](ACCORD_[A-Z0-9_]+)["']"""
    r"""|_setting\(\s*["'](ACCORD_[A-Z0-9_]+)["']"""
)
# Reads of the environment: os.environ.get("ACCORD_X"), os.environ["ACCORD_X"], os.getenv(...)
ENV_READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\(|_flag\()\s*["'](ACCORD_[A-Z0-9_]+)["']"""
)
ANY_NAME = re.compile(r"\bACCORD_[A-Z0-9_]*[A-Z0-9]\b")


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if p != SETTINGS_FILE and "migrations" not in p.parts]


def _found(pattern: re.Pattern, paths: list[Path]) -> dict[str, set[str]]:
    where: dict[str, set[str]] = {}
    for path in paths:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            name = next((g for g in match.groups() if g), match.group(0))
            where.setdefault(name, set()).add(str(path.relative_to(SRC)))
    return where


def _declared_settings() -> set[str]:
    return {n for n in vars(declared) if n.startswith("ACCORD_")}


def _environment_in_settings() -> set[str]:
    """Environment variables settings.py reads (into ACCORD_* or Django's own settings)."""
    return set(_found(ENV_READ, [SETTINGS_FILE]))


def test_the_scan_finds_the_reads():
    reads = _found(SETTING_READ, _sources())
    assert {"ACCORD_MIN_CELL", "ACCORD_EW_GROUP_MIN_CASES", "ACCORD_TRUSTED_PROXIES"} <= set(reads)
    assert len(reads) >= 30


def test_every_setting_read_is_declared():
    reads = _found(SETTING_READ, _sources())
    missing = {n: sorted(w) for n, w in reads.items() if n not in _declared_settings()}
    assert not missing, f"read from settings but not declared in config/settings.py: {missing}"


def test_every_environment_variable_read_is_read_in_settings():
    reads = _found(ENV_READ, _sources())
    missing = {n: sorted(w) for n, w in reads.items() if n not in _environment_in_settings()}
    assert not missing, f"read from the environment outside config/settings.py: {missing}"


def test_every_name_mentioned_is_a_setting_or_an_environment_variable():
    known = _declared_settings() | _environment_in_settings()
    mentioned = _found(ANY_NAME, _sources())
    unknown = {n: sorted(w) for n, w in mentioned.items() if n not in known}
    assert not unknown, f"ACCORD_* names in src that config/settings.py does not know: {unknown}"


def test_every_declared_setting_has_a_comment():
    """Each ACCORD_* assignment has a comment line above it (or directly above the group of
    assignments it belongs to), or is described in the settings module's docstring."""
    lines = SETTINGS_FILE.read_text(encoding="utf-8").splitlines()
    header = set(ANY_NAME.findall(declared.__doc__ or ""))
    uncommented = []
    for i, line in enumerate(lines):
        m = re.match(r"^(ACCORD_[A-Z0-9_]+)\s*(?::[^=]*)?=", line)
        if not m or m.group(1) in header:
            continue
        j = i - 1
        while j >= 0 and re.match(r"^ACCORD_[A-Z0-9_]+\s*=.*\)$", lines[j]):
            j -= 1  # one-line assignments of the same group
        if j < 0 or not lines[j].lstrip().startswith("#"):
            uncommented.append(m.group(1))
    assert not uncommented, f"ACCORD_* settings without a comment: {uncommented}"
