"""The role x operation matrix (authz_matrix.toml), loaded as data.

The matrix states, for every API operation and every page (URL pattern), which HTTP status a
sample request gets from each role. tests/security/test_security_authz_matrix.py enumerates
the OpenAPI operations and URL patterns that exist and fails when one has no entry or when
the code answers differently from its entry. See docs/security.md ("Adding an entry").
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from accord.accounts.models import Role

MATRIX_PATH = Path(__file__).with_name("authz_matrix.toml")
ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = (ANONYMOUS, *Role.values)


@cache
def load_matrix(path: Path = MATRIX_PATH) -> dict[str, Any]:
    """{"groups": {name: [roles]}, "api": {"GET /api/v1/cases": entry, ...},
    "pages": {"web:case_list": entry, ...}}"""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {
        "groups": data.get("groups", {}),
        "api": data.get("api", {}),
        "pages": data.get("pages", {}),
    }


def expected_status(entry: dict[str, Any], role: str, groups: dict[str, list[str]]) -> int:
    """The status `role` must get for the entry's sample request: the role's own value, else
    the first group in `expect` that contains the role, else `default`."""
    expect = entry["expect"]
    if role in expect:
        return int(expect[role])
    for key, value in expect.items():
        if role in groups.get(key, ()):
            return int(value)
    return int(expect["default"])
