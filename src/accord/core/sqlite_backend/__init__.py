"""Accord's SQLite engine (`base`) and what goes with a database file: the writer queue's
lock file, background WAL checkpoints (`checkpoints`), early warning's worker lock."""

from __future__ import annotations

from typing import Any


def database_file(conn: Any) -> str | None:
    """The SQLite file behind `conn`, or None: another database, one in memory, or a `file:`
    URI (the tests' shared in-memory database). Lock files and checkpoints need a file."""
    if conn.vendor != "sqlite":
        return None
    name = str(conn.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name
