""" "Fengqiao" indicators (pure): of the matters resolved in an area and month, the share
resolved at each tier (grid, community, township, county and above), with small cells
suppressed. No Django import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TIERS = ("grid", "community", "township", "county")


@dataclass(frozen=True)
class Row:
    counts: dict[str, int | None]  # per tier; None where suppressed
    shares: dict[str, float | None]  # per tier, 0..1; None where suppressed or unknown
    total: int | None
    handed_up: int | None


def _cell(n: int, min_cell: int) -> int | None:
    return None if 0 < n < min_cell else n


def tier_row(counts: Mapping[str, int], handed_up: int, min_cell: int) -> Row:
    """One area-month: counts per tier (missing tiers are 0). A count below `min_cell` (but
    not zero) is suppressed. The total and the shares are shown only when no tier is
    suppressed and the total itself is not below `min_cell`."""
    full = {t: int(counts.get(t, 0)) for t in TIERS}
    total = sum(full.values())
    shown = {t: _cell(full[t], min_cell) for t in TIERS}
    # With one tier suppressed, the total (or any share, which gives the total) would give it
    # back as the difference: then neither total nor shares are shown.
    complete = all(v is not None for v in shown.values())
    shown_total = _cell(total, min_cell) if complete else None
    shares: dict[str, float | None] = {
        t: (full[t] / total if shown_total is not None and total else None) for t in TIERS
    }
    return Row(
        counts=shown,
        shares=shares,
        total=shown_total,
        handed_up=_cell(int(handed_up), min_cell),
    )
