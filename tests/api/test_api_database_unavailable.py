"""When the database is unreachable or restarting (e.g. PostgreSQL recovering after a crash),
the API answers 503 with Retry-After and a JSON body, not a bare 500; nothing is written."""

from __future__ import annotations

import pytest
from django.db.utils import InterfaceError, OperationalError

from accord.cases import filing
from accord.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_errors_answer_503(areas, api, monkeypatch, error):
    def down(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(filing, "next_references", down)
    before = Case.objects.count()
    r = api.post(
        "cases",
        {"category": "neighbour", "area": "T1C1G1", "description": "Dog barks all night."},
    )
    assert r.status_code == 503, r.content
    assert r["Retry-After"] == "5"
    assert r.json()["code"] == "unavailable"
    assert Case.objects.count() == before


def test_database_unavailable_message_in_chinese(areas, api, monkeypatch):
    monkeypatch.setattr(
        filing, "next_references", lambda *a, **k: (_ for _ in ()).throw(OperationalError("x"))
    )
    r = api.post(
        "cases",
        {"category": "neighbour", "area": "T1C1G1", "description": "Dog barks all night."},
        headers={"Accept-Language": "zh-hans"},
    )
    assert r.status_code == 503 and r.json()["detail"] == "服务暂时不可用，请稍后重试。"
