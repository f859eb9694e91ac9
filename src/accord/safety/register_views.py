"""Pages of the incidents register and the annual responsibility assessment (safety staff;
the assessment also for county supervisors and analysts). Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accord.accounts.permissions import area_scope_q, roles_of
from accord.core.audit import access_record
from accord.core.errors import DomainError
from accord.safety import access, assessment, incidents
from accord.safety.forms import IncidentForm
from accord.safety.models import Cause, Incident, IncidentGrade
from accord.safety.selectors import COUNT_ROLES


@login_required
@require_http_methods(["GET", "POST"])
def incident_list(request: HttpRequest) -> HttpResponse:
    if not access.is_safety_staff(request.user):
        return render(request, "403.html", status=403)
    form = IncidentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                done = incidents.incident_record(actor=request.user, data=incidents.IncidentInput(
                    occurred_on=d["occurred_on"], area=d["area"], sector=d["sector"],
                    cause=d["cause"], deaths=d["deaths"], serious_injuries=d["serious_injuries"],
                    direct_loss=d["direct_loss"], summary=d["summary"]))  # fmt: skip
            except DomainError as exc:
                form.add_error(None, _(exc.detail))
                status = exc.status
            else:
                messages.success(request, _("Incident recorded as: %(grade)s.")
                                 % {"grade": IncidentGrade(done.grade).label})  # fmt: skip
                return redirect("safety:incidents")
    q = area_scope_q(request.user, access.SAFETY_ROLES, "area__path") | area_scope_q(
        request.user, access.SAFETY_ROLES, "handling_area__path"
    )
    rows = list(Incident.objects.filter(q).select_related("area", "sector", "place")[:200])
    access_record(actor=request.user, action="incident.list", object_type="incident",
                  data={"count": len(rows)})  # fmt: skip
    shown = [{
        "on": r.occurred_on, "area": r.area.name(), "sector": r.sector.name(),
        "place": r.place.name if r.place else "", "deaths": r.deaths,
        "serious_injuries": r.serious_injuries, "cause": Cause(r.cause).label,
        "grade": IncidentGrade(r.grade).label, "serious": r.serious,
    } for r in rows]  # fmt: skip
    return render(request, "safety/incidents.html", {"form": form, "rows": shown},
                  status=status)  # fmt: skip


@login_required
def assessment_page(request: HttpRequest) -> HttpResponse:
    if not roles_of(request.user) & COUNT_ROLES:
        return render(request, "403.html", status=403)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    result = assessment.assessment(actor=request.user, year=year, today=today)
    access_record(actor=request.user, action="safety.assessment", object_type="assessment",
                  data={"year": year})  # fmt: skip
    years = list(range(today.year, today.year - 6, -1))
    tables = [
        {"title": _("By area"), "rows": result["areas"]},
        {"title": _("By handling unit"), "rows": result["units"]},
    ]
    return render(request, "safety/assessment.html",
                  {"year": year, "years": years, "tables": tables, "floor": result["floor"],
                   "staff": access.is_safety_staff(request.user)})  # fmt: skip
