"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Services are the hazard sectors; a service request is a hazard (its id is the hazard's
reference). POST creates the hazard through `hazards.hazard_report`, the same function as the
web form. GET answers hold no names, e-mails, phone numbers or free text written by a person:
the description and the address typed in are personal data here, so a request shows its
sector, status, area, dates and the reported point only. XML and JSON (by the `.xml` /
`.json` suffix), UTF-8, W3C date-times with the zone; errors are the spec's list of
{code, description} with 400, 403 (bad api_key) or 404."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from xml.etree import ElementTree as ET

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accord.core.errors import DomainError
from accord.core.models import Area
from accord.safety import hazards, open311_keys, workflow
from accord.safety.models import Hazard, Sector, Status

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_DESCRIPTION = 4000
MAX_RANGE = dt.timedelta(days=90)
MAX_RESULTS = 1000
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering ------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, key: str, value) -> None:
    el = ET.SubElement(parent, key)
    if isinstance(value, list):
        item = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute"}.get(key)
        for v in value:
            if isinstance(v, dict):
                _xml_dict(ET.SubElement(el, item or "item"), v)
            else:
                ET.SubElement(el, item or "item").text = str(v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def _xml_dict(el: ET.Element, d: dict) -> None:
    for key, value in d.items():
        _xml_value(el, key, value)


def render(fmt: str, root: str, item: str | None, data, status: int = 200) -> HttpResponse:
    """`data`: a list of dicts (rendered as <root><item>…</item>…</root>) or one dict
    (rendered as <root>…</root>, item None)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    else:
        top = ET.Element(root)
        if item is None:
            _xml_dict(top, data)
        else:
            for d in data:
                _xml_dict(ET.SubElement(top, item), d)
        body = ET.tostring(top, encoding="utf-8", xml_declaration=True)
        body = body.replace(b"<?xml version='1.0' encoding='utf-8'?>",
                            b'<?xml version="1.0" encoding="UTF-8"?>')  # fmt: skip
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", "error", [{"code": status, "description": description}], status)


def w3c(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _end_of(day: dt.date | None) -> str | None:
    if day is None:
        return None
    at = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return at.isoformat(timespec="seconds")


def _parse_when(text: str, name: str) -> dt.datetime:
    value = parse_datetime(text.strip()) if text else None
    if value is None:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2026-01-05T08:15:30+08:00")
    if timezone.is_naive(value):
        raise Open311Error(400, f"{name} must include its time zone (Z or +HH:MM)")
    return value


# --- views ------------------------------------------------------------------------------------


def _guard(view):
    """Turn Open311Error and domain errors into the spec's error list."""

    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except DomainError as exc:
            status = 404 if exc.status == 404 else 403 if exc.status == 403 else 400
            return error(fmt, status, exc.detail)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _service(sector: Sector) -> dict:
    return {
        "service_code": sector.code,
        "service_name": sector.name(),
        "description": sector.department(),
        "metadata": False,
        "type": "realtime",
        "keywords": "safety,hazard",
        "group": "safety",
    }


@require_http_methods(["GET"])
@_guard
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": "Accord safety desk",
        "key_service": "API keys are issued by the operator (accord create-open311-key)",
        "endpoints": [
            {
                "specification": SPEC,
                "url": url,
                "changeset": "2026-01-01T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", None, data)


@require_http_methods(["GET"])
@_guard
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [_service(s) for s in Sector.objects.filter(active=True).order_by("code")]
    return render(fmt, "services", "service", rows)


@require_http_methods(["GET"])
@_guard
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    sector = Sector.objects.filter(code=code, active=True).first()
    if sector is None:
        raise Open311Error(404, f"service_code {code!r} was not found")
    return render(fmt, "service_definition", None, {"service_code": sector.code, "attributes": []})


def request_dict(h: Hazard) -> dict:
    """One service request as GET shows it: no personal data (see the module docstring)."""
    finished = h.status in workflow.FINISHED
    return {
        "service_request_id": h.reference,
        "status": "closed" if finished else "open",
        "status_notes": str(Status(h.status).label),
        "service_name": h.sector.name(),
        "service_code": h.sector.code,
        "description": None,
        "agency_responsible": f"{h.sector.department()} / {h.handling_area.name()}",
        "service_notice": None,
        "requested_datetime": w3c(h.created_at),
        "updated_datetime": w3c(h.updated_at),
        "expected_datetime": None if finished else _end_of(h.deadline),
        "address": h.area.name(),
        "address_id": h.area.code,
        "zipcode": None,
        "lat": h.lat,
        "long": h.long,
        "media_url": None,
    }


def _request_rows(qs) -> list[dict]:
    return [request_dict(h) for h in qs.select_related("sector", "area", "handling_area")]


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_guard
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    q = request.GET
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # overrides every other parameter (spec)
        qs = Hazard.objects.filter(reference__in=ids[:MAX_RESULTS]).order_by("-created_at")
        return render(fmt, "service_requests", "request", _request_rows(qs))
    now = timezone.now()
    end = _parse_when(q["end_date"], "end_date") if q.get("end_date") else None
    start = _parse_when(q["start_date"], "start_date") if q.get("start_date") else None
    if start and end and end - start > MAX_RANGE:
        raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    if start is None:
        start = (end or now) - MAX_RANGE
    qs = Hazard.objects.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    codes = [c.strip() for c in q.get("service_code", "").split(",") if c.strip()]
    if codes:
        qs = qs.filter(sector__code__in=codes)
    statuses = {s.strip() for s in q.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if statuses == {"open"}:
        qs = qs.exclude(status__in=workflow.FINISHED)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=workflow.FINISHED)
    qs = qs.order_by("-created_at")[:MAX_RESULTS]
    return render(fmt, "service_requests", "request", _request_rows(qs))


def _float(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number (WGS-84 decimal degrees)") from None


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    key = open311_keys.key_check(p.get("api_key", ""))
    if key is None:
        raise Open311Error(403, "api_key is missing or not valid")
    code = p.get("service_code", "").strip()
    if not code or not Sector.objects.filter(code=code, active=True).exists():
        raise Open311Error(400, "service_code is missing or not valid")
    lat, long = _float(p.get("lat", ""), "lat"), _float(p.get("long", ""), "long")
    address = p.get("address_string", "").strip()
    area_code = p.get("address_id", "").strip()
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat and long go together")
    if lat is None and not address and not area_code:
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    description = p.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description may be at most {MAX_DESCRIPTION} characters")
    if not description.strip():
        raise Open311Error(400, "description is required")
    area = key.area
    if area_code:
        area = Area.objects.filter(code=area_code).first()
        if area is None or not area.path.startswith(key.area.path):
            raise Open311Error(400, f"address_id {area_code!r} is not an area of this service")
    # Names, e-mail and phone (first_name, email, phone, ...) are not taken: not needed.
    token = secrets.token_urlsafe(16)
    with transaction.atomic():
        hazard, _secret = hazards.hazard_report(
            actor=None,
            data=hazards.HazardInput(
                description=description, sector=code, area=area.code, address=address[:300],
                lat=lat, long=long, source="open311",
            ),
        )  # fmt: skip
        Hazard.objects.filter(pk=hazard.pk).update(open311_key=key, open311_token=token)
    row = {
        "service_request_id": hazard.reference,
        "token": token,
        "service_notice": f"{hazard.sector.department()} / {hazard.handling_area.name()}",
        "account_id": None,
    }
    return render(fmt, "service_requests", "request", [row], status=201)


@require_http_methods(["GET"])
@_guard
def token_view(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    hazard = Hazard.objects.filter(open311_token=token).first() if token else None
    if hazard is None:
        raise Open311Error(404, "token was not found")
    return render(fmt, "service_requests", "request",
                  [{"service_request_id": hazard.reference, "token": token}])  # fmt: skip


@require_http_methods(["GET"])
@_guard
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    qs = Hazard.objects.filter(reference=request_id)
    rows = _request_rows(qs)
    if not rows:
        raise Open311Error(404, f"service_request_id {request_id!r} was not found")
    return render(fmt, "service_requests", "request", rows)
