"""Access to bench/_harness.py from the durability tests."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def pg_available() -> bool:
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    from _harness import pg_bin

    return pg_bin() is not None
