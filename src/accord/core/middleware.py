"""Request hygiene that applies to every view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """Refuse NUL characters in the path or query string with a 400.

    PostgreSQL cannot store NUL in text, so such input would otherwise surface as a 500
    wherever it reaches a query. JSON bodies are checked by the API schemas, forms by Django.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()
        ):
            return JsonResponse(
                {"detail": _("NUL characters are not allowed in the URL."), "code": "bad_request"},
                status=400,
            )
        return self.get_response(request)
