"""The SQL urgency rank used to sort lists agrees with clock.supervision_colour."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.cases import selectors
from accord.cases.clock import COLOUR_ORDER
from accord.cases.models import Case


@pytest.mark.django_db
def test_sql_rank_matches_python_colour_on_every_day(areas, mediator, make_case, do_transition):
    open_case, _ = make_case(area=areas.t1c1g1)
    working, _ = make_case(area=areas.t1c1g1)
    for action in ("accept", "assign", "start"):
        working = do_transition(working, mediator, action)
    suspended, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=suspended.pk).update(clock_suspended=True)
    withdrawn, _ = make_case(area=areas.t1c1g1)
    do_transition(withdrawn, mediator, "withdraw", note="applicant withdrew")

    start = dt.date.today()
    seen = set()
    for offset in range(0, 45):
        today = start + dt.timedelta(days=offset)
        ranked = selectors.with_urgency(Case.objects.all(), today)
        for case in ranked:
            colour = selectors.colour_of(case, today)
            seen.add(colour)
            assert case.urgency == COLOUR_ORDER[colour], (case.status, today, colour)
    assert seen == {"green", "yellow", "red", "grey"}


@pytest.mark.django_db
def test_case_list_puts_overdue_first(areas, mediator, make_case):
    late, _ = make_case(area=areas.t1c1g1)
    fresh, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=late.pk).update(
        deadline=dt.date(2020, 1, 10), deadline_warning=dt.date(2020, 1, 8)
    )
    refs = [c.reference for c in selectors.case_list_for(actor=mediator)]
    assert refs[0] == late.reference and fresh.reference in refs
