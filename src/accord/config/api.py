"""The NinjaAPI root: authentication and the error format {"detail", "code"}."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accord.accounts.services import token_authenticate
from accord.core.errors import DomainError

log = logging.getLogger(__name__)


def _staff_only_docs(view):
    """ACCORD_API_DOCS=staff: the schema and docs need a signed-in staff session or a staff
    bearer token; others get a 404 (the docs are not advertised)."""
    from functools import wraps

    from accord.accounts.models import STAFF_ROLES
    from accord.accounts.permissions import roles_of

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = token_authenticate(header[7:].strip())
        if user is None or not user.is_authenticated or not roles_of(user) & set(STAFF_ROLES):
            return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
        return view(request, *args, **kwargs)

    return wrapper


# Every operation may answer these with {"detail", "code"}; declared in the schema so that
# clients (and the schema fuzzer, tests/security/test_security_fuzz.py) know them.
_ERROR_STATUSES = {
    "400": "Unparseable request",
    "401": "Authentication required",
    "403": "Not allowed for your role",
    "404": "Unknown, or outside your jurisdiction",
    "409": "Not possible in the current state",
    "413": "Request body too large",
    "415": "Only JSON bodies are accepted",
    "422": "Invalid input",
    "429": "Too many requests or attempts",
}


class AccordAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Error"] = {
            "title": "Error",
            "type": "object",
            "properties": {
                "detail": {"title": "Detail", "type": "string"},
                "code": {"title": "Code", "type": "string"},
            },
            "required": ["detail", "code"],
        }
        error = {"$ref": "#/components/schemas/Error"}
        for methods in schema.get("paths", {}).values():
            for op in methods.values():
                responses = op.setdefault("responses", {})
                for status, text in _ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {"description": text, "content": {"application/json": {"schema": error}}},
                    )
        return schema


_DOCS = settings.ACCORD_API_DOCS
api = AccordAPI(
    title="Accord API",
    version="1",
    description="Disputes taken in, routed, resolved and followed up. Errors are "
    '{"detail": ..., "code": ...}.',
    urls_namespace="api",
    openapi_url=None if _DOCS == "off" else "/openapi.json",
    docs_url=None if _DOCS == "off" else "/docs",
    docs_decorator=_staff_only_docs if _DOCS == "staff" else None,
)


def _error(request: HttpRequest, status: int, detail, code: str):
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


def _describe(errors: list[dict]) -> str:
    parts = []
    for err in errors[:10]:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "payload")]
        where = ".".join(loc) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc: NinjaValidationError):
    return _error(request, 422, _describe(exc.errors), "invalid")


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return _error(request, 401, _("Authentication required."), "unauthenticated")


@api.exception_handler(DomainError)
def on_domain(request, exc: DomainError):
    return _error(request, exc.status, exc.detail, exc.code)


@api.exception_handler(HttpError)
def on_http(request, exc: HttpError):
    codes = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}
    return _error(request, exc.status_code, str(exc), codes.get(exc.status_code, "error"))


@api.exception_handler(Http404)
def on_404(request, exc):
    return _error(request, 404, str(exc) or _("Not found."), "not_found")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _error(request, 413, _("The request body is too large."), "too_large")


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    # e.g. "Content-Type: multipart/form-data" without a boundary, read by a login-failure log
    return _error(request, 400, _("The request body could not be parsed."), "bad_request")


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    # A date outside what arithmetic can reach (e.g. ?since=0001-01-01 on a query parameter;
    # body fields are refused earlier by core.schemas.Strict): the input is wrong, not the server.
    return _error(
        request, 422, _("A date or number is out of range (dates 1900-2200)."), "out_of_range"
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    # The database is restarting or unreachable: nothing was written (the request's
    # transaction rolled back). Say so with 503 and when to retry, rather than a bare 500.
    log.exception("database unavailable")
    response = _error(
        request, 503, _("The service is briefly unavailable; please try again."), "unavailable"
    )
    response["Retry-After"] = "5"
    return response


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    log.exception("unhandled API error")
    return _error(request, 500, _("Internal error; it has been logged."), "server_error")


@api.get("/healthz", auth=None, tags=["health"])
def api_healthz(request):
    return {"status": "ok"}


# Each app's router, mounted at the API root. An app adds its module here.
ROUTER_MODULES = (
    "accord.accounts.api",
    "accord.core.api",
    "accord.cases.api",
    "accord.resolution.api",
    "accord.earlywarning.api",
    "accord.participation.api",
    "accord.safety.api",
    "accord.wellbeing.api",
    "accord.grid.api",
)


def _register_routers() -> None:
    from importlib import import_module

    for module in ROUTER_MODULES:
        api.add_router("/", import_module(module).router)


_register_routers()
