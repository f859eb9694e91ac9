"""Every form control on the main pages has a label; pages are set up for small screens."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.wrapped: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            a["_wrapped"] = self.open_labels > 0
            self.controls.append(a)

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def unlabelled(html: str) -> list[dict]:
    parser = Controls()
    parser.feed(html)
    return [
        c
        for c in parser.controls
        if not c["_wrapped"] and c.get("id") not in parser.label_for and not c.get("aria-label")
    ]


def pages(areas, make_case, mediator):
    case, secret = make_case(area=areas.t1c1g1)
    staff = Client()
    staff.force_login(mediator)
    anon = Client()
    return [
        anon.get(reverse("web:home")),
        anon.get(reverse("web:login")),
        anon.get(reverse("web:file_case")),
        anon.get(reverse("web:track")),
        anon.post(reverse("web:track"), {"reference": case.reference, "secret": secret}),
        staff.get(reverse("web:case_list")),
        staff.get(reverse("web:case_detail", args=[case.reference])),
        staff.get(reverse("web:dashboard")),
    ]


def test_no_inline_code_or_styles(areas, make_case, mediator):
    """Production CSP has no 'unsafe-inline': no inline scripts, handlers or styles."""
    for response in pages(areas, make_case, mediator):
        html = response.content.decode()
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"\son[a-z]+=", html), response.request["PATH_INFO"]
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            attrs, body = script
            assert "src=" in attrs or 'type="application/json"' in attrs, attrs
            assert "src=" not in attrs or body.strip() == ""


def test_every_control_has_a_label(areas, make_case, mediator):
    for response in pages(areas, make_case, mediator):
        assert response.status_code == 200
        html = response.content.decode()
        assert unlabelled(html) == [], response.request["PATH_INFO"]
        assert 'name="viewport"' in html
        assert 'href="#main"' in html  # skip link for keyboard users


def test_no_external_assets(areas, make_case, mediator):
    for response in pages(areas, make_case, mediator):
        html = response.content.decode()
        assert "http://" not in html and "https://" not in html
