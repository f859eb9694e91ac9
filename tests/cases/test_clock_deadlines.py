"""Per-state deadlines and supervision colours, and the deadline kept on each case."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from accord.cases import workflow as wf
from accord.cases.clock import GREEN, GREY, RED, YELLOW, state_deadline, supervision_colour
from accord.cases.models import Case, default_deadlines
from accord.cases.selectors import colour_of
from accord.cases.transitions import case_transition
from accord.core.calendar import BusinessCalendar
from accord.core.models import Holiday

D = dt.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


# --- state_deadline ---------------------------------------------------------------------------


def test_working_and_calendar_rules():
    cal, rules = BusinessCalendar(), default_deadlines()
    # registered: 3 working days from Fri 3 Jan 2025 -> Wed 8 Jan
    assert state_deadline(cal, rules, wf.S.REGISTERED, D(2025, 1, 3)) == D(2025, 1, 8)
    # in progress: 30 calendar days from Thu 16 Jan -> Sat 15 Feb -> Mon 17 Feb
    assert state_deadline(cal, rules, wf.S.IN_PROGRESS, D(2025, 1, 16)) == D(2025, 2, 17)


@pytest.mark.parametrize("status", sorted(wf.FINISHED))
def test_no_clock_in_finished_states(status):
    rules = {s: [1, "working"] for s in wf.STATES}  # even if a rule were configured
    assert state_deadline(BusinessCalendar(), rules, status, D(2025, 1, 3)) is None


def test_no_rule_no_clock():
    assert state_deadline(BusinessCalendar(), {}, wf.S.REGISTERED, D(2025, 1, 3)) is None


def test_every_open_state_has_a_default_clock():
    assert set(default_deadlines()) == set(wf.OPEN)


# --- supervision colours -----------------------------------------------------------------------


ENTERED, DUE = D(2025, 1, 1), D(2025, 1, 11)


def colour(today, *, entered=ENTERED, deadline=DUE, status="in_progress", **kw):
    return supervision_colour(status=status, entered=entered, deadline=deadline, today=today, **kw)


@pytest.mark.parametrize(
    "today,expected",
    [
        (D(2025, 1, 1), GREEN),  # 10 of 10 days left
        (D(2025, 1, 8), GREEN),  # 3 left = 30 %
        (D(2025, 1, 9), YELLOW),  # 2 left = 20 %: the boundary is yellow
        (D(2025, 1, 10), YELLOW),
        (D(2025, 1, 11), YELLOW),  # the last day is not overdue yet
        (D(2025, 1, 12), RED),  # the day after is
        (D(2025, 3, 1), RED),
    ],
)
def test_colour_boundaries_ten_day_limit(today, expected):
    assert colour(today) == expected


@pytest.mark.parametrize("left,expected", [(7, GREEN), (6, YELLOW), (0, YELLOW), (-1, RED)])
def test_colour_boundaries_thirty_day_limit(left, expected):
    entered, deadline = D(2025, 3, 1), D(2025, 3, 31)
    today = deadline - dt.timedelta(days=left)
    assert colour(today, entered=entered, deadline=deadline) == expected


def test_grey_when_suspended_even_if_overdue():
    assert colour(D(2025, 2, 1), suspended=True) == GREY
    assert colour(D(2025, 1, 2), suspended=True) == GREY


@pytest.mark.parametrize("status", sorted(wf.FINISHED))
def test_finished_cases_are_green(status):
    assert colour(D(2025, 2, 1), status=status) == GREEN


def test_no_deadline_is_green():
    assert colour(D(2025, 2, 1), deadline=None) == GREEN


def test_same_day_deadline_is_not_a_division_by_zero():
    assert colour(D(2025, 1, 1), entered=D(2025, 1, 1), deadline=D(2025, 1, 1)) == YELLOW


# --- the case's deadline follows its status -------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Set "now" (Asia/Shanghai, 10:00) for everything that asks django.utils.timezone."""

    class Clock:
        def set(self, day: dt.date, hour: int = 10) -> None:
            moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
            monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return Clock()


@pytest.mark.django_db
def test_deadline_recomputed_on_each_status_change(areas, make_user, make_case, clock):
    Holiday.objects.create(date=D(2025, 1, 6), kind=Holiday.Kind.HOLIDAY, name="test")
    Holiday.objects.create(date=D(2025, 1, 11), kind=Holiday.Kind.WORKDAY, name="swap")
    staff = make_user("township_coordinator", areas.t1)

    clock.set(D(2025, 1, 3))  # Friday
    case, _ = make_case(area=areas.t1c1g1)
    # 3 working days: (Mon 6 off) Tue 7, Wed 8, Thu 9
    assert case.deadline == D(2025, 1, 9)

    clock.set(D(2025, 1, 9))
    case = case_transition(actor=staff, case=case, action="accept")
    # 2 working days: Fri 10, Sat 11 (worked)
    assert case.deadline == D(2025, 1, 11)

    clock.set(D(2025, 1, 13))
    case = case_transition(actor=staff, case=case, action="assign")
    assert case.deadline == D(2025, 1, 16)  # Tue, Wed, Thu

    clock.set(D(2025, 1, 16))
    case = case_transition(actor=staff, case=case, action="start")
    # neighbour: 30 calendar days -> Sat 15 Feb -> Mon 17 Feb
    assert case.deadline == D(2025, 2, 17)

    clock.set(D(2025, 1, 20))
    case = case_transition(actor=staff, case=case, action="record_attempt", note="no deal")
    assert case.deadline == D(2025, 2, 17), "a step inside a state keeps its clock"

    clock.set(D(2025, 2, 3))
    case = case_transition(actor=staff, case=case, action="resolve", note="agreed")
    assert case.deadline == D(2025, 2, 18)  # 15 calendar days, a Tuesday

    clock.set(D(2025, 2, 10))
    case = case_transition(
        actor=staff, case=case, action="follow_up", satisfaction=5, agreement_performed=True
    )
    assert case.deadline == D(2025, 2, 17)  # 5 working days

    case = case_transition(actor=staff, case=case, action="close")
    assert case.deadline is None
    stored = Case.objects.get(pk=case.pk)
    assert stored.deadline is None
    assert stored.status_changed_at.astimezone(SHANGHAI).date() == D(2025, 2, 10)


@pytest.mark.django_db
def test_category_deadline_policy_is_used(areas, make_user, make_case, clock):
    staff = make_user("township_coordinator", areas.t1)
    clock.set(D(2025, 3, 3))  # Monday
    case, _ = make_case(area=areas.t1c1g1, category="labour")
    for action in ("accept", "assign", "start"):
        case = case_transition(actor=staff, case=case, action=action)
    # labour: 15 calendar days in progress -> Tue 18 Mar
    assert case.deadline == D(2025, 3, 18)


@pytest.mark.django_db
def test_colour_of_a_stored_case(areas, make_case, clock):
    clock.set(D(2025, 1, 3))
    case, _ = make_case(area=areas.t1c1g1)  # due Wed 8 Jan
    assert colour_of(case, today=D(2025, 1, 3)) == GREEN
    assert colour_of(case, today=D(2025, 1, 8)) == YELLOW
    assert colour_of(case, today=D(2025, 1, 9)) == RED
    Case.objects.filter(pk=case.pk).update(clock_suspended=True)
    case.refresh_from_db()
    assert colour_of(case, today=D(2025, 1, 9)) == GREY
