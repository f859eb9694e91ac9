"""Per-state deadlines and supervision colours. Pure given a BusinessCalendar."""

from __future__ import annotations

import datetime as dt

from accord.cases.workflow import FINISHED
from accord.core.calendar import BusinessCalendar

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
COLOUR_ORDER = {RED: 0, YELLOW: 1, GREEN: 2, GREY: 3}


def state_deadline(
    calendar: BusinessCalendar, deadlines: dict[str, list], status: str, entered: dt.date
) -> dt.date | None:
    """When the case must leave `status`, per the category's policy; None if no clock runs."""
    rule = deadlines.get(status)
    if status in FINISHED or not rule:
        return None
    days, count = int(rule[0]), str(rule[1])
    return calendar.due_date(entered, days, count)  # type: ignore[arg-type]


def supervision_colour(
    *,
    status: str,
    entered: dt.date,
    deadline: dt.date | None,
    today: dt.date,
    suspended: bool = False,
) -> str:
    """green: done or on time; yellow: ≤ 20% of the time left; red: overdue; grey: suspended."""
    if suspended:
        return GREY
    if status in FINISHED or deadline is None:
        return GREEN
    if today > deadline:
        return RED
    total = max((deadline - entered).days, 1)
    left = (deadline - today).days
    return YELLOW if left <= 0.2 * total else GREEN
