"""Dashboards for township and county staff and analysts: tables, ECharts charts, a map,
CSV downloads. Aggregates only; analysts get small cells suppressed (see web.stats)."""

from __future__ import annotations

import csv

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.core.i18n import is_zh
from accord.core.models import Area, Level
from accord.web import boundaries, stats
from accord.web import selectors as web_selectors
from accord.web.forms import category_options


class DashboardForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    months = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=12,
        choices=[
            (6, _("Last 6 months")),
            (12, _("Last 12 months")),
            (24, _("Last 24 months")),
            (36, _("Last 36 months")),
        ],
        initial=12,
    )
    indicator = forms.ChoiceField(label=_("Colour the map by"), required=False)

    def __init__(self, *args, areas=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(areas)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c["code"], c["name"]) for c in category_options()
        ]
        self.fields["indicator"].choices = [
            (k, stats.METRIC_LABELS[k]) for k in stats.MAP_INDICATORS
        ]


def _area_choices(roots: list[Area]) -> list[tuple[str, str]]:
    """The actor's top areas and everything below them down to the township level."""
    zh = is_zh()
    choices = []
    for root in roots:
        for a in Area.objects.subtree(root).filter(
            level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP]
        ).order_by("path") or [root]:
            indent = "\u2003" * (len(a.ancestor_codes()) - len(root.ancestor_codes()))
            choices.append((a.code, indent + (a.name_zh if zh else a.name_en)))
    return choices


def _scope(request: HttpRequest):
    """(form, root area, options) for a request, or None when the user has no dashboard."""
    roots = web_selectors.dashboard_roots(actor=request.user)
    if not roots:
        return None
    choices = _area_choices(roots)
    form = DashboardForm(request.GET or None, areas=choices)
    data = form.cleaned_data if form.is_valid() else {}
    allowed = {code for code, _label in choices}
    code = data.get("area") or roots[0].code
    root = Area.objects.get(code=code if code in allowed else roots[0].code)
    return (
        form,
        root,
        {
            "months": data.get("months") or 12,
            "category": data.get("category") or None,
            "indicator": data.get("indicator") or "intake",
        },
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope is None:
        return _forbidden(request)
    form, root, options = scope
    suppress = web_selectors.aggregates_only(request.user)
    data = stats.dashboard_data(
        root=root, months=options["months"], category=options["category"], suppress=suppress
    )
    query = request.GET.copy()
    query.pop("indicator", None)
    chart_data = {
        **data,
        "indicator": options["indicator"],
        "geojson_url": reverse("web:dashboard_geojson") + "?" + query.urlencode(),
        "text": {
            "suppressed": str(_("suppressed (fewer than %(n)s cases)") % {"n": data["min_cell"]}),
            "no_map": str(_("No boundaries are loaded for these areas.")),
            "total": str(_("All categories")),
        },
    }
    csv_base = reverse("web:dashboard_csv") + "?" + query.urlencode()
    return render(
        request,
        "web/dashboard.html",
        {
            "form": form,
            "data": data,
            "chart_data": chart_data,
            "csv": {t: csv_base + ("&" if query else "") + f"table={t}" for t in stats.TABLES},
            "total": data["total"],
            "suppress": suppress,
        },
    )


@login_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope is None:
        return _forbidden(request)
    _form, root, options = scope
    table = request.GET.get("table")
    if table not in stats.TABLES:
        table = "month"
    data = stats.dashboard_data(
        root=root,
        months=options["months"],
        category=options["category"],
        suppress=web_selectors.aggregates_only(request.user),
    )
    header, rows = stats.csv_rows(data, table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accord-{root.code}-{table}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8 (Chinese names)
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@login_required
def dashboard_geojson(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope is None:
        return _forbidden(request)
    _form, root, _options = scope
    codes = [a.code for a in stats.group_areas(root)]
    return JsonResponse(boundaries.features_for(codes, is_zh()))
