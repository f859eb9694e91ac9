"""What a person reads on the resolution pages is words in their language, never a code: the
proceeding's timeline names its events, the board names the step each clock is for, and every
control of a form sits in one field with its label."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from accord.resolution import present
from accord.resolution import workflow as wf
from accord.resolution.models import ProceedingEvent
from accord.resolution.proceedings import OpenInput, proceeding_open
from accord.resolution.transitions import proceeding_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(areas, make_case, mediator):
    """An administrative mediation accepted 40 days ago (its 30-day clock is red)."""
    case, _ = make_case(area=areas.t1c1g1, actor=mediator, category="traffic")
    day = dt.date.today() - dt.timedelta(days=40)
    p = proceeding_open(
        actor=mediator, case=case, data=OpenInput(channel=wf.ADMIN_MEDIATION, applied_on=day)
    )
    proceeding_transition(actor=mediator, proceeding=p, action="accept", on_date=day)
    proceeding_transition(actor=mediator, proceeding=p, action="suspend", note="expert opinion")
    client = Client()
    client.force_login(mediator)
    return p, client


def timeline(html: str) -> list[str]:
    section = html.split("<h2>", html.count("<h2>"))[-1]
    return re.findall(r"<li>\d{4}-\d{2}-\d{2} · ([^<·]+?)(?: · [^<]*)?</li>", section)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", ["Opened", "Accept", "Suspend the clock"]), ("zh-hans", ["立案", "受理", "中止计时"])],
)
def test_the_timeline_names_its_events(overdue, language, expected):
    p, client = overdue
    client.cookies["django_language"] = language
    html = client.get(reverse("resolution:proceeding", args=[p.number])).content.decode()
    assert timeline(html) == expected
    assert [e.action for e in ProceedingEvent.objects.filter(proceeding=p).order_by("id")] == [
        "open", "accept", "suspend",
    ]  # fmt: skip


def test_every_event_the_services_record_has_a_name_in_both_languages():
    for action, (en, zh) in present.EVENT_NAMES.items():
        assert en and zh and en != action and re.search(r"[\u4e00-\u9fff]", zh), action
    assert set(wf.ACTIONS) <= set(present.EVENT_NAMES)


def test_the_board_names_the_step_in_the_page_language(overdue, areas, make_user):
    p, client = overdue
    proceeding_transition(actor=p.assignee, proceeding=p, action="resume")
    client.cookies["django_language"] = "zh-hans"
    board = client.get(reverse("resolution:board")).content.decode()
    assert p.number in board and "调解结束" in board and "Conclude the mediation" not in board
    client.cookies["django_language"] = "en"
    assert "Conclude the mediation" in client.get(reverse("resolution:board")).content.decode()


def test_each_control_sits_in_one_field_with_its_label(overdue):
    p, client = overdue
    html = client.get(reverse("resolution:proceeding", args=[p.number])).content.decode()
    fields = re.findall(r'<div class="field(?: check)?">(.*?)</div>', html, re.S)
    assert len(fields) >= 9  # the action form, the session form, the hand-off form
    for field in fields:
        ids = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', field)
        assert len(ids) == 1 and f'<label for="{ids[0]}">' in field, field
