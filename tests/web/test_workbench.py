"""Staff workbench: my queue and my unit's queue, bulk assignment for coordinators."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_queue_shows_only_my_cases(areas, make_case, mediator, do_transition):
    mine, _ = make_case(area=areas.t1c1g1)
    other, _ = make_case(area=areas.t1c1g1)
    do_transition(mine, mediator, "accept")
    do_transition(mine, mediator, "assign")
    client = login(mediator)
    unit = client.get(reverse("web:case_list")).content.decode()
    assert mine.reference in unit and other.reference in unit
    queue = client.get(reverse("web:case_list"), {"queue": "mine"}).content.decode()
    assert mine.reference in queue and other.reference not in queue
    assert 'aria-current="page"' in queue


def test_search_by_party_name(areas, make_case, mediator):
    case, _ = make_case(area=areas.t1c1g1)
    body = login(mediator).get(reverse("web:case_list"), {"q": "Zhang Min"}).content.decode()
    assert case.reference in body


def test_mediators_get_no_bulk_assignment(areas, make_case, mediator):
    make_case(area=areas.t1c1g1)
    body = login(mediator).get(reverse("web:case_list")).content.decode()
    assert 'name="references"' not in body
    response = login(mediator).post(reverse("web:case_bulk_assign"), {"assignee": "x"})
    assert response.status_code == 403


def test_coordinator_assigns_several_cases(areas, make_case, coordinator, mediator, make_user):
    a, _ = make_case(area=areas.t1c1g1)
    b, _ = make_case(area=areas.t1c2g1)
    untouched, _ = make_case(area=areas.t1c1g1)
    for case in (a, b):
        case.status = "accepted"
        case.save()
    client = login(coordinator)
    page = client.get(reverse("web:case_list")).content.decode()
    assert 'name="references"' in page and 'value="mediator_t1"' in page
    assert 'for="bulk-assignee"' in page
    response = client.post(
        reverse("web:case_bulk_assign"),
        {"references": [a.reference, b.reference, untouched.reference], "assignee": "mediator_t1"},
    )
    assert response.status_code == 302
    for case in (a, b):
        case.refresh_from_db()
        assert case.status == "assigned" and case.assignee == mediator
    untouched.refresh_from_db()
    assert untouched.assignee is None  # registered: cannot be assigned, and the page says so
    follow = client.get(response["Location"]).content.decode()
    assert "Assigned 2 case(s) to mediator_t1." in follow
    assert f"Not assigned: {untouched.reference}" in follow


def test_bulk_assignment_cannot_reach_outside_jurisdiction(areas, make_case, coordinator):
    foreign, _ = make_case(area=areas.t2c1g1)
    foreign.status = "accepted"
    foreign.save()
    response = login(coordinator).post(
        reverse("web:case_bulk_assign"),
        {"references": [foreign.reference], "assignee": "coord_t1"},
    )
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.assignee is None


def test_bulk_assignment_refuses_unknown_staff(areas, make_case, coordinator):
    case, _ = make_case(area=areas.t1c1g1)
    client = login(coordinator)
    response = client.post(
        reverse("web:case_bulk_assign"), {"references": [case.reference], "assignee": "nobody"}
    )
    assert response.status_code == 302
    assert "Tick at least one case" in client.get(response["Location"]).content.decode()
