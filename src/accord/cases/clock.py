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


def warning_date(entered: dt.date, deadline: dt.date | None) -> dt.date | None:
    """The first day on which at most 20% of the time between `entered` and `deadline` is
    left: from then on the case shows yellow. Stored with the case so lists sort in SQL."""
    if deadline is None:
        return None
    total = max((deadline - entered).days, 1)
    return deadline - dt.timedelta(days=int(0.2 * total))


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
    warn = warning_date(entered, deadline)
    return YELLOW if warn is not None and today >= warn else GREEN
