"""Request hygiene and security controls that apply to every view.

Order in settings.MIDDLEWARE matters:

- SecurityHeadersMiddleware (outermost after Django's SecurityMiddleware): CSP, Permissions-Policy
  and Cache-Control: no-store on every response, including error responses of inner layers.
- RequestSizeLimitMiddleware: refuses oversized bodies with 413 before anything reads them,
  and non-JSON bodies sent to the API with 415.
- RejectNulMiddleware: NUL in the URL is a 400.
- SessionTimeoutMiddleware (after AuthenticationMiddleware): idle and absolute session timeouts.
- RateLimitMiddleware (after AuthenticationMiddleware): 429 on public endpoints over their limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django.utils.translation import gettext as _

from accord.core.actors import BEARER_USER, CASE_STAFF, ask
from accord.core.ipaddr import client_ip

# Session keys (also used by accord.accounts).
SESSION_AUTH_AT = "accord.auth_at"
SESSION_SEEN_AT = "accord.seen_at"
# Credentials changed after this moment end the session (see accounts.services).
SESSION_VALID_FROM = "accord.valid_from"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def error_response(
    request: HttpRequest, status: int, detail: str, code: str, title: str = ""
) -> HttpResponse:
    """A small error answer: JSON {"detail","code"} for the API, plain HTML for pages. No
    template, so it works even before sessions and i18n middleware ran."""
    if _wants_json(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    heading = escape(title or detail)
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title></head><body><h1>{heading}</h1>"
        f"<p>{escape(detail)}</p></body></html>"
    )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; responses to
    authenticated callers (session or bearer token) are never stored by caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.ACCORD_CSP.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", settings.ACCORD_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        if authenticated or "Authorization" in request.headers or _is_private(request):
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
            patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


def _is_private(request: HttpRequest) -> bool:
    # Login, second-factor and account pages carry credentials or secrets even before login.
    match = getattr(request, "resolver_match", None)
    return bool(match and match.namespace in {"accounts"})


class RequestSizeLimitMiddleware:
    """Answer 413 for bodies over the limits instead of reading them.

    The Content-Length is checked before any view or CSRF check reads the body
    (DATA_UPLOAD_MAX_MEMORY_SIZE for ordinary bodies, ACCORD_MAX_UPLOAD_SIZE for multipart
    uploads). Django's own lazy checks (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
    raised inside a view are turned into the same 413 answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, _("Invalid Content-Length."), "bad_request")
        multipart = request.content_type == "multipart/form-data"
        limit = (
            settings.ACCORD_MAX_UPLOAD_SIZE if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if limit is not None and length > limit:
            return self.too_large(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method in {"POST", "PUT", "PATCH"} and request.path.startswith("/api/"):
            # The API takes JSON only: any other body (a form, text/plain from a foreign page)
            # is a 415, never parsed as a form (which would leave the body unreadable: a 500).
            if _has_body(request) and not _is_json(request.content_type):
                return error_response(
                    request,
                    415,
                    _("This endpoint accepts only JSON (Content-Type: application/json)."),
                    "unsupported_media_type",
                )
            return None
        # Parse form bodies here, before CsrfViewMiddleware reads them: too many fields or
        # files raised there would become a generic 400 instead of a 413.
        if request.method in {"POST", "PUT", "PATCH"} and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            try:
                request.POST  # noqa: B018 - parsing is the point
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                return self.too_large(request)
            except MultiPartParserError:
                return error_response(
                    request, 400, _("The request body could not be parsed."), "bad_request"
                )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return self.too_large(request)
        return None

    @staticmethod
    def too_large(request: HttpRequest) -> HttpResponse:
        # The unread body must not be parsed later (e.g. by CSRF on an error path).
        request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
        return error_response(
            request, 413, _("The request body is too large."), "too_large", _("Too large")
        )


def _is_json(content_type: str | None) -> bool:
    return content_type == "application/json" or bool(
        content_type and content_type.startswith("application/") and content_type.endswith("+json")
    )


def _has_body(request: HttpRequest) -> bool:
    """A body was sent (or announced). An empty multipart body with only its closing
    boundary (what django.test.Client sends for a bare post()) counts as none."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    if length == 0:
        return bool(request.META.get("HTTP_TRANSFER_ENCODING"))
    if request.content_type == "multipart/form-data" and length <= 200:
        boundary = request.content_params.get("boundary", "")
        return request.body.strip() != f"--{boundary}--".encode()
    return True


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


class SessionTimeoutMiddleware:
    """End a signed-in session after ACCORD_SESSION_IDLE_SECONDS without a request or
    ACCORD_SESSION_ABSOLUTE_SECONDS after login, whichever comes first; and end it when the
    user's credentials changed after it began (password change, "end all sessions").

    The login time is stamped by accord.accounts (signal on user_logged_in). The last-seen
    time is refreshed at most once a minute, which also renews the session's expiry, so an
    active user is not logged out while an idle one is.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = time.time()
            auth_at = session.get(SESSION_AUTH_AT)
            seen_at = session.get(SESSION_SEEN_AT, auth_at)
            idle = settings.ACCORD_SESSION_IDLE_SECONDS
            absolute = settings.ACCORD_SESSION_ABSOLUTE_SECONDS
            changed = getattr(user, "credentials_changed_at", None)
            valid_from = session.get(SESSION_VALID_FROM, auth_at)
            if (
                auth_at is None
                or now - auth_at > absolute
                or seen_at is None
                or now - seen_at > idle
                or (changed is not None and (valid_from or 0) < changed.timestamp())
            ):
                logout(request)
            elif now - seen_at > self.REFRESH_SECONDS:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class RateLimitMiddleware:
    """Fixed-window counters in the cache, per client address (per user when signed in), for
    the POST endpoints listed in ACCORD_RATE_LIMITED_VIEWS. Over the limit: 429 with
    Retry-After. With several processes the cache must be shared (ACCORD_REDIS_URL)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        bucket = settings.ACCORD_RATE_LIMITED_VIEWS.get(request.resolver_match.view_name)
        if bucket is None or bucket not in settings.ACCORD_RATE_LIMITS:
            return None
        user = _caller(request)
        if user is not None:
            if bucket in settings.ACCORD_RATE_LIMIT_EXEMPT_STAFF and _is_staff(user):
                return None
            who = f"u{user.pk}"
        else:
            who = f"ip{client_ip(request)}"
        limit, window = settings.ACCORD_RATE_LIMITS[bucket]
        now = int(time.time())
        start = now - now % window
        key = f"accord:rl:{bucket}:{who}:{start}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
        if count <= limit:
            return None
        response = error_response(
            request,
            429,
            _("Too many requests. Please wait a while and try again."),
            "rate_limited",
            _("Too many requests"),
        )
        response["Retry-After"] = str(start + window - now)
        return response


def _caller(request: HttpRequest):
    """The signed-in user (session) or the bearer token's user, else None. An invalid token
    counts as anonymous here; the API answers it with 401."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return ask(BEARER_USER, header[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _is_staff(user) -> bool:
    return bool(ask(CASE_STAFF, user, default=False))
