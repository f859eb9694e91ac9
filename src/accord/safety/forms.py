"""Forms of the safety pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accord.core.models import Area, Level
from accord.safety.models import Sector, Source


def _zh() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def sector_choices() -> list[tuple[str, str]]:
    zh = _zh()
    return [(s.code, s.name_zh if zh else s.name_en)
            for s in Sector.objects.filter(active=True).order_by("code")]  # fmt: skip


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Communities and grids grouped by township (public reference data)."""
    zh = _zh()
    areas = list(
        Area.objects.filter(level__in=[Level.TOWNSHIP, Level.COMMUNITY, Level.GRID])
        .order_by("path")
        .only("code", "name_en", "name_zh", "level", "path")
    )
    names = {a.code: (a.name_zh if zh else a.name_en) for a in areas}
    groups: dict[str, list[tuple[str, str]]] = {}
    for a in areas:
        if a.level == Level.TOWNSHIP:
            groups.setdefault(a.code, [])
            continue
        codes = a.ancestor_codes()
        township = next((c for c in codes if c in groups), "")
        label = names[a.code]
        if a.level == Level.GRID and len(codes) >= 2 and codes[-2] in names:
            label = f"{names[codes[-2]]} › {label}"
        groups.setdefault(township, []).append((a.code, label))
    return [(names.get(code, "—"), options) for code, options in groups.items() if options]


class ReportForm(forms.Form):
    sector = forms.ChoiceField(label=_("What kind of hazard is it?"), widget=forms.RadioSelect)
    area = forms.ChoiceField(label=_("Where is it?"), help_text=_("Choose the community or grid."))
    address = forms.CharField(
        label=_("Address or landmark"), max_length=300, required=False,
        help_text=_("For example: building 3, east stairwell; or the shop's name."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("What did you see?"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe the danger. Do not put yourself at risk to take a photo."),
    )  # fmt: skip
    photo = forms.ImageField(
        label=_("Photo"), required=False,
        help_text=_("A JPEG, PNG or WebP picture. Location and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )  # fmt: skip
    source = forms.ChoiceField(label=_("Reported as"), required=False)

    def __init__(self, *args, staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = sector_choices()
        self.fields["area"].choices = [("", _("Choose…")), *area_choices()]
        if staff:
            self.fields["source"].choices = [
                (s, Source(s).label)
                for s in ("inspector", "grid_worker", "self_inspection", "committee")
            ]
        else:
            del self.fields["source"]


class TrackForm(forms.Form):
    reference = forms.CharField(label=_("Hazard reference"), max_length=24,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    secret = forms.CharField(label=_("Tracking secret"), max_length=64,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip


class ActionForm(forms.Form):
    action = forms.CharField(max_length=32)
    note = forms.CharField(max_length=4000, required=False)
    grade = forms.ChoiceField(required=False, choices=[("", ""), ("general", ""), ("major", "")])
    criterion = forms.CharField(max_length=40, required=False)
    days = forms.IntegerField(required=False, min_value=1, max_value=250)
    new_deadline = forms.DateField(required=False)
    photo = forms.ImageField(required=False)


class FiveForm(forms.Form):
    responsibility = forms.CharField(
        label=_("Responsibility: who is responsible for the rectification"), max_length=4000,
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    measures = forms.CharField(label=_("Measures"), max_length=4000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    funds = forms.CharField(label=_("Funds"), max_length=4000, required=False)
    deadline = forms.DateField(label=_("Time limit"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    contingency = forms.CharField(label=_("Contingency plan"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    plan = forms.CharField(label=_("Rectification plan"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from accord.safety.models import Grade, Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Status.choices]
        self.fields["grade"].choices = [("", _("All")), *Grade.choices]
        self.fields["sector"].choices = [("", _("All")), *sector_choices()]


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.ChoiceField(label=_("Area"))
    sector = forms.ChoiceField(label=_("Sector"))
    cause = forms.ChoiceField(label=_("Cause category"))
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, max_value=100_000, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries"), min_value=0,
                                          max_value=100_000, initial=0)  # fmt: skip
    direct_loss = forms.IntegerField(label=_("Direct economic loss (yuan)"), min_value=0,
                                     max_value=10**12, initial=0)  # fmt: skip
    summary = forms.CharField(label=_("Summary"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        from accord.safety.models import Cause

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Choose…")), *area_choices()]
        self.fields["sector"].choices = sector_choices()
        self.fields["cause"].choices = Cause.choices
