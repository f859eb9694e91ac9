"""Consultations: the state table walked with roles, the 30-day rule, comments, the duty to
answer and "you said, we did"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from helpers import draft_input, open_consultation

from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.statemachine import Refused, walk
from accord.participation import comments as csvc
from accord.participation import consultations as svc
from accord.participation import selectors
from accord.participation import workflow as wf
from accord.participation.models import Comment

pytestmark = pytest.mark.django_db


def facts(**kw):
    base = dict(status=wf.DRAFT, articles=2, period_days=30, min_days=30, short_reason="",
                undisposed=0, decision_summary="done")  # fmt: skip
    base.update(kw)
    return wf.ConsultationFacts(**base)


def test_table_walk_and_roles():
    assert walk(wf.CONSULTATION, wf.DRAFT) == {wf.DRAFT, wf.OPEN, wf.CLOSED, wf.RESPONDED}
    for action, status in (("publish", wf.DRAFT), ("close", wf.OPEN), ("respond", wf.CLOSED)):
        assert wf.CONSULTATION.check(action, facts(status=status), {wf.STAFF})
        with pytest.raises(Refused) as e:
            wf.CONSULTATION.check(action, facts(status=status), {"resident"})
        assert e.value.kind == "role"
        with pytest.raises(Refused) as e:
            wf.CONSULTATION.check(action, facts(status=wf.RESPONDED), {wf.STAFF})
        assert e.value.kind == "state"
    assert wf.CONSULTATION.allowed(wf.OPEN, {wf.STAFF}) == ["close"]
    assert wf.CONSULTATION.allowed(wf.OPEN, {"resident"}) == []


def test_short_period_needs_reason_and_undisposed_blocks_respond():
    with pytest.raises(Refused) as e:
        wf.CONSULTATION.check("publish", facts(period_days=10), {wf.STAFF})
    assert "Order 713" in e.value.message
    assert wf.CONSULTATION.check(
        "publish", facts(period_days=10, short_reason="urgent"), {wf.STAFF}
    )
    with pytest.raises(Refused):
        wf.CONSULTATION.check("respond", facts(status=wf.CLOSED, undisposed=1), {wf.STAFF})
    with pytest.raises(Refused):
        wf.CONSULTATION.check("respond", facts(status=wf.CLOSED, decision_summary=""), {wf.STAFF})


def test_create_short_period_without_reason_refused(areas, coordinator):
    with pytest.raises(ValidationFailed):
        svc.consultation_create(actor=coordinator, data=draft_input("T1", days=10))
    c = svc.consultation_create(
        actor=coordinator,
        data=draft_input("T1", days=10, short_reason_en="Flood season", short_reason_zh="汛期"),
    )
    assert c.status == wf.DRAFT and c.articles.count() == 2
    assert c.reference.startswith("ZQ-")


def test_min_days_per_decision_type_setting(areas, coordinator, settings):
    settings.ACCORD_CONSULTATION_MIN_DAYS = {"other": 14, "major_decision": 30}
    svc.consultation_create(actor=coordinator, data=draft_input("T1", days=14))
    with pytest.raises(ValidationFailed):
        svc.consultation_create(
            actor=coordinator, data=draft_input("T1", days=14, decision_type="major_decision")
        )


def test_only_staff_of_the_area_create(areas, make_user, mediator):
    t2 = make_user("township_coordinator", areas.t2)
    with pytest.raises(Forbidden):
        svc.consultation_create(actor=t2, data=draft_input("T1"))
    with pytest.raises(Forbidden):
        svc.consultation_create(actor=mediator, data=draft_input("T1"))
    county = make_user("county_supervisor", areas.county)
    assert svc.consultation_create(actor=county, data=draft_input("T1C1"))


def test_drafts_are_hidden_from_the_public(areas, coordinator, resident, make_user):
    draft = svc.consultation_create(actor=coordinator, data=draft_input("T1"))
    with pytest.raises(NotFound):
        selectors.consultation_get_for(actor=resident, reference=draft.reference)
    t2 = make_user("township_coordinator", areas.t2)
    with pytest.raises(NotFound):
        selectors.consultation_get_for(actor=t2, reference=draft.reference)
    assert selectors.consultation_get_for(actor=coordinator, reference=draft.reference)
    svc.consultation_transition(actor=coordinator, consultation=draft, action="publish")
    assert selectors.consultation_get_for(actor=None, reference=draft.reference)


def test_comments_anonymous_and_per_article(areas, coordinator, resident):
    c = open_consultation(coordinator, "T1")
    a = csvc.comment_create(
        actor=resident, consultation=c, text="Keep one pavement free", article=1
    )
    b = csvc.comment_create(actor=None, consultation=c, text="Too strict")
    assert a.article.number == 1 and a.author == resident and b.author is None
    with pytest.raises(ValidationFailed):
        csvc.comment_create(actor=resident, consultation=c, text="x", article=9)
    c.allow_anonymous = False
    c.save()
    with pytest.raises(Forbidden):
        csvc.comment_create(actor=None, consultation=c, text="anon")
    # the text is encrypted at rest
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT text FROM participation_comment WHERE id = %s", [a.pk])
        assert "pavement" not in cur.fetchone()[0]


def test_duty_to_answer_and_you_said_we_did(areas, coordinator, resident):
    c = open_consultation(coordinator, "T1")
    ids = [
        csvc.comment_create(actor=resident, consultation=c, text=f"comment {i}", article=1).pk
        for i in range(3)
    ]
    other = csvc.comment_create(actor=None, consultation=c, text="on the whole").pk
    c = svc.consultation_transition(actor=coordinator, consultation=c, action="close")
    svc.consultation_record_decision(
        actor=coordinator, consultation=c, summary_en="Article 1 softened.", summary_zh="第1条放宽。",
        url="/decisions/1",
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as e:
        svc.consultation_transition(actor=coordinator, consultation=c, action="respond")
    assert "4 comment(s)" in e.value.detail
    with pytest.raises(ValidationFailed):
        csvc.comments_dispose(actor=coordinator, consultation=c, comment_ids=ids,
                              disposition=wf.ADOPTED, reason=" ")  # fmt: skip
    before = AuditEvent.objects.filter(action="comment.dispose").count()
    n = csvc.comments_dispose(actor=coordinator, consultation=c, comment_ids=ids[:2],
                              disposition=wf.ADOPTED, reason="Pavement kept free")  # fmt: skip
    assert n == 2
    assert AuditEvent.objects.filter(action="comment.dispose").count() == before + 2
    csvc.comments_dispose(actor=coordinator, consultation=c, comment_ids=[ids[2]],
                          disposition=wf.NOT_ADOPTED, reason="Conflicts with the law")  # fmt: skip
    with pytest.raises(ValidationFailed):
        svc.consultation_transition(actor=coordinator, consultation=c, action="respond")
    csvc.comments_dispose(actor=coordinator, consultation=c, comment_ids=[other],
                          disposition=wf.OUT_OF_SCOPE, reason="About buses")  # fmt: skip
    c = svc.consultation_transition(actor=coordinator, consultation=c, action="respond")
    assert c.status == wf.RESPONDED
    board = selectors.you_said_we_did(c)
    assert board["by"] == "article"
    art1 = next(g for g in board["groups"] if g["key"] == "a1")
    assert art1["counts"][wf.ADOPTED] == 2 and art1["counts"][wf.NOT_ADOPTED] == 1
    assert art1["adoption_rate"] == pytest.approx(0.667)
    assert {r["reason"] for r in art1["reasons"]} == {
        "Pavement kept free",
        "Conflicts with the law",
    }
    assert board["decision_url"] == "/decisions/1"
    # after responding nothing changes any more
    with pytest.raises(Conflict):
        csvc.comments_dispose(actor=coordinator, consultation=c, comment_ids=[other],
                              disposition=wf.ADOPTED, reason="late")  # fmt: skip
    mine = selectors.my_comments(actor=resident)
    assert {m.disposition for m in mine} == {wf.ADOPTED, wf.NOT_ADOPTED}


def test_themes_group_the_board(areas, coordinator):
    c = open_consultation(coordinator, "T1")
    ids = [csvc.comment_create(actor=None, consultation=c, text=f"t{i}").pk for i in range(3)]
    csvc.comments_dispose(actor=coordinator, consultation=c, comment_ids=ids[:2],
                          disposition=wf.PARTLY, reason="Some of it", theme="Permits")  # fmt: skip
    board = selectors.you_said_we_did(c)
    assert board["by"] == "theme"
    assert [g["label"] for g in board["groups"]] == ["Permits", "Other"]
    assert board["pending"] == 1


def test_dispose_outside_jurisdiction_is_404(areas, coordinator, make_user):
    c = open_consultation(coordinator, "T1")
    cid = csvc.comment_create(actor=None, consultation=c, text="x").pk
    t2 = make_user("township_coordinator", areas.t2)
    with pytest.raises(NotFound):
        csvc.comments_dispose(actor=t2, consultation=c, comment_ids=[cid],
                              disposition=wf.ADOPTED, reason="r")  # fmt: skip


def test_moderation_listed_reasons_only(areas, coordinator, resident):
    c = open_consultation(coordinator, "T1")
    com = csvc.comment_create(actor=resident, consultation=c, text="Buy pills at spam.example")
    with pytest.raises(ValidationFailed):
        csvc.comment_hide(actor=coordinator, comment=com, reason="criticism")
    csvc.comment_hide(actor=coordinator, comment=com, reason="spam")
    board = selectors.you_said_we_did(c)
    assert board["hidden"] == [{"reason": "spam", "label": "Spam", "count": 1}]
    assert board["total"] == 0
    # hidden comments do not block responding
    c = svc.consultation_transition(actor=coordinator, consultation=c, action="close")
    svc.consultation_record_decision(
        actor=coordinator, consultation=c, summary_en="s", summary_zh="s"
    )
    assert svc.consultation_transition(actor=coordinator, consultation=c, action="respond")
    assert Comment.objects.get(pk=com.pk).hidden_reason == "spam"


def test_closed_period_refuses_comments(areas, coordinator):
    c = open_consultation(coordinator, "T1")
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.opens_on = c.closes_on - dt.timedelta(days=30)
    c.save()
    with pytest.raises(Conflict):
        csvc.comment_create(actor=None, consultation=c, text="late")
    assert svc.close_expired() == 1


def test_hearing_materials_clock(areas, coordinator):
    c = open_consultation(coordinator, "T1")
    soon = svc.hearing_schedule(actor=coordinator, consultation=c,
                                held_at=timezone.now() + dt.timedelta(days=6), place="Hall")  # fmt: skip
    with pytest.raises(Conflict) as e:
        svc.hearing_publish_materials(
            actor=coordinator, hearing=soon, materials_en="m", materials_zh="m"
        )
    assert e.value.code == "hearing_notice_too_late"
    later = svc.hearing_schedule(actor=coordinator, consultation=c,
                                 held_at=timezone.now() + dt.timedelta(days=8), place="Hall")  # fmt: skip
    h = svc.hearing_publish_materials(
        actor=coordinator, hearing=later, materials_en="m", materials_zh="材料"
    )
    assert h.materials_published_at is not None


def test_areas_affected_within_the_area(areas, coordinator):
    c = svc.consultation_create(
        actor=coordinator, data=draft_input("T1", affected=("T1C1", "T1C2"))
    )
    assert c.affected == ["T1C1", "T1C2"]
    with pytest.raises(ValidationFailed):
        svc.consultation_create(actor=coordinator, data=draft_input("T1", affected=("T2C1",)))
