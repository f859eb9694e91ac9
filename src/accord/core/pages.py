"""Pages: a `DomainError` raised by a view becomes the page a person sees, in one place.

    @login_required
    @require_POST
    @domain_errors(back=lambda request, number: reverse("resolution:proceeding", args=[number]))
    def proceeding_act(request, number): ...

A refusal (403) shows the 403 page, with the reason flashed, so that the browser, assistive
technology and the authorisation tests all see that nothing was done; any other error is
flashed and the person is sent `back`. A view that shows the error in its own page instead
(a form re-rendered with the message, a plain-text download error) passes `render`.
The API maps the same errors to {"detail", "code"} in config/api.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as render_template

from accord.core.errors import DomainError


def detail(exc: DomainError) -> str:
    return exc.detail


def refused_page(request: HttpRequest, reason: str | None = None) -> HttpResponse:
    """The 403 page; `reason` (if given) is flashed onto it."""
    if reason is not None:
        messages.error(request, reason)
    return render_template(request, "403.html", status=403)


def domain_errors(
    *,
    back: Callable[..., str] | None = None,
    render: Callable[..., HttpResponse] | None = None,
    message: Callable[[DomainError], str] = detail,
) -> Callable:
    """View decorator. A `DomainError` out of the view is answered with
    `render(request, exc, message(exc), *args, **kwargs)` when given; else a refusal (403)
    with the 403 page and the message; else the message on a redirect to
    `back(request, *args, **kwargs)`."""
    if back is None and render is None:
        raise TypeError("domain_errors needs back= or render=")

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                text = message(exc)
                if render is not None:
                    return render(request, exc, text, *args, **kwargs)
                if exc.status == 403:
                    return refused_page(request, text)
                messages.error(request, text)
                return redirect(back(request, *args, **kwargs))

        return wrapper

    return decorate
