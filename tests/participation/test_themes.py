"""Suggested themes: staff of the area see the comments grouped (top terms, counts, a few
examples) and name a group; the name becomes the theme of its comments without one (audited
per comment) and shows on "you said, we did". Residents and other areas' staff are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.analytics.topics_synth import planted_corpus
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import AccessEvent, AuditEvent
from accord.participation import comments as comment_svc
from accord.participation.models import Comment

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def consultation(areas, coordinator, resident):
    from helpers import open_consultation

    c = open_consultation(coordinator, "T1")
    texts, _, _ = planted_corpus(n_themes=3, per_theme=12, seed=4)
    for t in texts:
        comment_svc.comment_create(actor=resident, consultation=c, text=t)
    return c


def test_theme_set_only_fills_comments_without_a_theme(consultation, coordinator):
    ids = list(consultation.comments.values_list("pk", flat=True)[:4])
    Comment.objects.filter(pk=ids[0]).update(theme="Kept")
    before = AuditEvent.objects.filter(action="comment.theme").count()
    n = comment_svc.comment_theme_set(
        actor=coordinator, consultation=consultation, comment_ids=ids, theme="  Parking "
    )
    assert n == 3
    assert Comment.objects.get(pk=ids[0]).theme == "Kept"
    assert set(Comment.objects.filter(pk__in=ids[1:]).values_list("theme", flat=True)) == {
        "Parking"
    }
    assert AuditEvent.objects.filter(action="comment.theme").count() == before + 3


def test_theme_set_refusals_write_nothing(consultation, coordinator, areas, make_user):
    ids = list(consultation.comments.values_list("pk", flat=True)[:2])
    with pytest.raises(ValidationFailed):
        comment_svc.comment_theme_set(
            actor=coordinator, consultation=consultation, comment_ids=ids, theme="  "
        )
    with pytest.raises(NotFound):
        comment_svc.comment_theme_set(
            actor=coordinator, consultation=consultation, comment_ids=[*ids, 999999], theme="X"
        )
    other = make_user("township_coordinator", areas.t2, username="coord_t2")
    with pytest.raises(NotFound):
        comment_svc.comment_theme_set(
            actor=other, consultation=consultation, comment_ids=ids, theme="X"
        )
    assert not Comment.objects.exclude(theme="").exists()


def test_staff_page_suggests_and_names_a_group(consultation, coordinator):
    staff = login(coordinator)
    url = f"/participation/staff/c/{consultation.reference}/themes/"
    assert (
        f'href="{url}"'
        in staff.get(f"/participation/staff/c/{consultation.reference}/").content.decode()
    )
    r = staff.get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Suggested themes" in page and 'id="group-0"' in page
    assert AccessEvent.objects.filter(
        action="comment.list", object_id=consultation.reference
    ).exists()
    group = r.context["groups"][0]
    assert group["size"] == len(group["ids"]) >= 2 and group["terms"]
    r = staff.post(f"{url}apply/", {"comment": [str(i) for i in group["ids"]], "theme": "Parking"})
    assert r.status_code == 302
    assert Comment.objects.filter(theme="Parking").count() == group["size"]
    public = Client().get(f"/participation/c/{consultation.reference}/results/").content.decode()
    assert "Parking" in public
    # An empty name is a page with a message, not a 500, and writes nothing.
    r = staff.post(f"{url}apply/", {"comment": [str(group["ids"][0])], "theme": ""})
    assert r.status_code == 422 and "Give the theme a name." in r.content.decode()


def test_themes_pages_refuse_residents_and_other_areas(consultation, resident, areas, make_user):
    url = f"/participation/staff/c/{consultation.reference}/themes/"
    assert login(resident).get(url).status_code == 403
    assert login(resident).post(f"{url}apply/", {"theme": "X"}).status_code == 403
    assert Client().get(url).status_code == 302
    other = login(make_user("township_coordinator", areas.t2, username="coord_t2"))
    assert other.get(url).status_code == 404
    ids = [str(i) for i in consultation.comments.values_list("pk", flat=True)]
    assert other.post(f"{url}apply/", {"comment": ids, "theme": "X"}).status_code == 404
    assert not Comment.objects.exclude(theme="").exists()


def test_chinese_page(consultation, coordinator):
    staff = login(coordinator)
    staff.cookies["django_language"] = "zh-hans"
    page = staff.get(f"/participation/staff/c/{consultation.reference}/themes/").content.decode()
    assert "建议的主题" in page
