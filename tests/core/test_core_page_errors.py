"""core.pages.domain_errors: a DomainError out of a page view becomes the page, in one place."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.core.pages import domain_errors


def _request():
    request = RequestFactory().post("/x/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _raising(exc):
    def view(request, number):
        raise exc

    return view


def _back(request, number):
    return f"/p/{number}/"


def test_an_error_is_flashed_on_a_redirect_back():
    request = _request()
    response = domain_errors(back=_back)(_raising(Conflict("Not now.")))(request, number="P1")
    assert (response.status_code, response["Location"]) == (302, "/p/P1/")
    assert [str(m) for m in get_messages(request)] == ["Not now."]


@pytest.mark.django_db
def test_a_refusal_is_the_403_page_with_the_reason():
    request = _request()
    request.user = None
    response = domain_errors(back=_back)(_raising(Forbidden("Not yours.")))(request, number="P1")
    assert response.status_code == 403
    assert [str(m) for m in get_messages(request)] == ["Not yours."]


def test_render_answers_every_error_and_message_translates():
    def as_text(request, exc, message, number):
        return HttpResponse(f"{number}: {message}", status=exc.status)

    view = domain_errors(render=as_text, message=lambda exc: exc.code)(
        _raising(ValidationFailed("Bad.", code="bad_date"))
    )
    response = view(_request(), number="P2")
    assert (response.status_code, response.content) == (422, b"P2: bad_date")


def test_a_view_that_succeeds_is_untouched():
    ok = HttpResponse("fine")
    assert domain_errors(back=_back)(lambda request, number: ok)(_request(), number="P3") is ok


def test_back_or_render_is_required():
    with pytest.raises(TypeError):
        domain_errors()
