"""Staff pages of early warning. Thin: parse the form, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accord.accounts.permissions import is_case_staff
from accord.cases.models import Category
from accord.core.errors import DomainError, NotFound
from accord.core.i18n import is_zh
from accord.core.models import Area
from accord.earlywarning import alerts, detection, lifecycle, present, selectors
from accord.earlywarning.groups import NEAR_DUPLICATE, SAME_RESPONDENT
from accord.earlywarning.models import AlertKind, AlertStatus, TaskKind

PAGE_SIZE = 50


def domain_message(exc: DomainError) -> str:
    """A refusal from a service, in the reader's language."""
    messages_by_code = {
        "alert_state": _("This is not possible in the alert's current state."),
        "alert_role": _("Only the responsible unit (or a unit above it) acts on this alert."),
        "alert_guard": _("A reason is required."),
        "unknown_owner": _("No staff member with that user name can own this task."),
        "invalid_deadline": _("The deadline must not be in the past."),
        "task_done": _("The task is already done."),
        "not_found": _("Not found."),
    }
    return str(messages_by_code.get(exc.code, exc.detail))


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    method = forms.ChoiceField(label=gettext_lazy("Method"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["status"].choices = [
            ("", _("Open (new, acknowledged, action plan)")),
            ("all", _("All")),
            *AlertStatus.choices,
        ]
        self.fields["kind"].choices = any_ + list(AlertKind.choices)
        self.fields["method"].choices = any_ + [
            (m, present.method_label(m))
            for m in (*detection.WEEKLY_METHODS, SAME_RESPONDENT, NEAR_DUPLICATE)
        ]
        zh = is_zh()
        self.fields["category"].choices = any_ + [
            (c.code, c.name_zh if zh else c.name_en) for c in Category.objects.order_by("code")
        ]

    def selector_kwargs(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"open_only": True}
        d = self.cleaned_data
        status = d.get("status") or ""
        return {
            "status": status if status not in ("", "all") else None,
            "open_only": True if status == "" else None,
            "kind": d.get("kind") or None,
            "method": d.get("method") or None,
            "category": d.get("category") or None,
        }


class AckForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=5000, widget=forms.Textarea
    )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Task"), choices=TaskKind.choices)
    owner = forms.CharField(label=gettext_lazy("Owner (staff user name)"), max_length=150)
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=gettext_lazy("What is to be done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )


class TaskDoneForm(forms.Form):
    task = forms.IntegerField(min_value=1)
    outcome = forms.CharField(label=gettext_lazy("Outcome"), required=False, max_length=5000)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            ("real", gettext_lazy("A real situation")),
            ("false", gettext_lazy("A false alarm")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=5000, widget=forms.Textarea)


def _tree(alerts) -> list[dict[str, Any]]:
    """The area tree (only branches with open alerts) for the treemap 'map' of the jurisdiction:
    value = number of open alerts in the area and below."""
    # order_by(): the list's ordering would otherwise split the GROUP BY (one row per alert)
    counts = dict(
        alerts.order_by().values("area_id").annotate(n=Count("id")).values_list("area_id", "n")
    )
    if not counts:
        return []
    paths = list(Area.objects.filter(pk__in=counts).values_list("path", flat=True))
    codes = {c for p in paths for c in p.strip("/").split("/")}
    zh = is_zh()
    nodes = {
        a.code: {"name": a.name_zh if zh else a.name_en, "code": a.code, "own": 0, "children": []}
        for a in Area.objects.filter(code__in=codes)
    }
    parent_of = {}
    for a in Area.objects.filter(code__in=codes).select_related("parent"):
        parent_of[a.code] = a.parent.code if a.parent and a.parent.code in nodes else None
        nodes[a.code]["own"] = counts.get(a.pk, 0)
    roots = []
    for code, node in nodes.items():
        p = parent_of.get(code)
        (nodes[p]["children"] if p else roots).append(node)

    def total(n: dict) -> int:
        n["value"] = n["own"] + sum(total(c) for c in n["children"])
        if not n["children"]:
            del n["children"]
        return n["value"]

    for r in roots:
        total(r)
    return roots


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    if not is_case_staff(request.user):
        return _forbidden(request)
    form = AlertFilterForm(request.GET or None)
    qs = selectors.alert_list_for(actor=request.user, **form.selector_kwargs())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [present.alert_summary(a) for a in page.object_list]
    open_qs = selectors.alert_list_for(actor=request.user, open_only=True)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "earlywarning/alert_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "tree": _tree(open_qs),
            "today": timezone.localdate(),
        },
    )


def _detail_context(request: HttpRequest, alert, **extra: Any) -> dict[str, Any]:
    cases = list(selectors.alert_cases_for(actor=request.user, alert=alert)[:200])
    detail = present.alert_detail(alert, request.user, cases)
    series = selectors.alert_series(alert)
    labels = {
        "observed": _("Observed"),
        "expected": _("Expected"),
        "upperbound": _("Upper bound"),
        "alarm": _("Alarm"),
    }
    return {
        "alert": detail,
        "series": {**series, "labels": labels},
        "has_series": bool(series["periods"]),
        "ack_form": extra.pop("ack_form", None) or AckForm(),
        "task_form": extra.pop("task_form", None) or TaskForm(),
        "close_form": extra.pop("close_form", None) or CloseForm(),
        "can": set(detail["allowed_actions"]),
        "is_open": alert.status in lifecycle.OPEN,
        **extra,
    }


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_case_staff(request.user):
        return _forbidden(request)
    try:
        alert = selectors.alert_get_for(actor=request.user, pk=pk)
    except NotFound:
        return render(request, "404.html", status=404)
    return render(request, "earlywarning/alert_detail.html", _detail_context(request, alert))


@login_required
@require_POST
def alert_act(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_case_staff(request.user):
        return _forbidden(request)
    try:
        alert = selectors.alert_get_for(actor=request.user, pk=pk)
    except NotFound:
        return render(request, "404.html", status=404)
    action = request.POST.get("action", "")
    forms_by_action = {
        "acknowledge": ("ack_form", AckForm),
        "add_task": ("task_form", TaskForm),
        "complete_task": ("done_form", TaskDoneForm),
        "close": ("close_form", CloseForm),
    }
    if action not in forms_by_action:
        ctx = _detail_context(request, alert, error=_("Unknown action."))
        return render(request, "earlywarning/alert_detail.html", ctx, status=422)
    name, form_class = forms_by_action[action]
    form = form_class(request.POST)
    if not form.is_valid():
        ctx = _detail_context(request, alert, **{name: form}, error=_("The input is not valid."))
        return render(request, "earlywarning/alert_detail.html", ctx, status=422)
    d = form.cleaned_data
    try:
        if action == "acknowledge":
            alerts.alert_acknowledge(actor=request.user, alert=alert, note=d["note"])
        elif action == "add_task":
            alerts.alert_add_task(actor=request.user, alert=alert, **d)
        elif action == "complete_task":
            alerts.alert_complete_task(
                actor=request.user, alert=alert, task_id=d["task"], outcome=d["outcome"]
            )
        else:
            alerts.alert_close(
                actor=request.user, alert=alert, real=d["outcome"] == "real", reason=d["reason"]
            )
    except DomainError as exc:
        ctx = _detail_context(request, alert, **{name: form}, error=domain_message(exc))
        return render(request, "earlywarning/alert_detail.html", ctx, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("earlywarning:alert_detail", pk=alert.pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not is_case_staff(request.user):
        return _forbidden(request)
    qs = selectors.risk_queue_for(actor=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        risk = getattr(case, "ew_risk", None)
        rows.append(
            {
                **present.case_row(case),
                "risk": present.risk_dict(risk.score, risk.factors) if risk else None,
            }
        )
    return render(
        request,
        "earlywarning/queue.html",
        {"rows": rows, "page": page, "weights": present.weights_table()},
    )


@login_required
def aggregates(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level") or "township"
    try:
        periods = int(request.GET.get("periods") or 4)
        data = selectors.indicator_aggregates_for(actor=request.user, periods=periods, level=level)
        precision = selectors.precision_by_method(actor=request.user)
    except (ValueError, DomainError) as exc:
        status = getattr(exc, "status", 422)
        if status == 403:
            return _forbidden(request)
        return render(
            request,
            "earlywarning/aggregates.html",
            {"error": getattr(exc, "detail", _("The input is not valid.")), "level": level},
            status=422,
        )
    zh = is_zh()
    cats = {c.code: (c.name_zh if zh else c.name_en) for c in Category.objects.all()}
    table: dict[str, dict[str, Any]] = {}
    for cell in data["cells"]:
        row = table.setdefault(
            cell["area"],
            {"name": cell["area_name_zh"] if zh else cell["area_name_en"], "cells": {}},
        )
        row["cells"][cell["category"]] = cell
    columns = sorted({c["category"] for c in data["cells"]})
    rows = [
        {
            "area": code,
            "name": r["name"],
            "cells": [r["cells"].get(col) for col in columns],
        }
        for code, r in table.items()
    ]
    return render(
        request,
        "earlywarning/aggregates.html",
        {
            "data": data,
            "rows": rows,
            "columns": [(c, cats.get(c, c)) for c in columns],
            "precision": [{**p, "label": present.method_label(p["method"])} for p in precision],
            "level": level,
            "periods": periods,
            "levels": [
                ("county", _("County / district")),
                ("township", _("Township / street")),
                ("community", _("Community / village")),
            ],
        },
    )
