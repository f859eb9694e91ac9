"""Error pages are Accord's own, in both languages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text"), [("en", "Not found"), ("zh-hans", "未找到")])
def test_404(language, text):
    client = Client()
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "The form has expired"), ("zh-hans", "表单已失效")]
)
def test_csrf_failure_page(language, text):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = language
    response = client.post("/track/", {"reference": "AC-2026-0000001", "secret": "x"})
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Something went wrong"), ("zh-hans", "出现了问题")]
)
def test_500_page_renders_without_a_request(language, text):
    with translation.override(language):
        html = render_to_string("500.html")
    assert text in html and "accord.css" in html
