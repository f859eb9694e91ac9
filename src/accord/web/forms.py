"""Forms of the web pages: they parse input; services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.cases import attachments
from accord.cases.filing import MAX_DESCRIPTION, CaseInput, PartyInput
from accord.cases.models import Category, Party, Status
from accord.core.errors import ValidationFailed
from accord.core.i18n import is_zh
from accord.core.models import Area, Level


def category_options() -> list[dict]:
    """Active categories with their name and plain-language help, in the reader's language."""
    zh = is_zh()
    return [
        {
            "code": c.code,
            "name": c.name_zh if zh else c.name_en,
            "help": (c.help_zh if zh else c.help_en) or "",
            "anonymous": c.allow_anonymous,
        }
        for c in Category.objects.filter(active=True).order_by("code")
    ]


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Communities and grids, grouped by their township (public reference data)."""
    zh = is_zh()
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
        township = next((c for c in codes if c in names and c in groups), None)
        label = names[a.code]
        if a.level == Level.GRID and len(codes) >= 2 and codes[-2] in names:
            label = f"{names[codes[-2]]} › {label}"
        groups.setdefault(township or "", []).append((a.code, label))
    return [(names.get(code, "—"), options) for code, options in groups.items() if options]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Overdue only")), ("no", _("Not overdue"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Open cases")),
            ("all", _("Any status")),
            *Status.choices,
        ]
        self.fields["category"].choices = [("", _("Any category"))] + [
            (c["code"], c["name"]) for c in category_options()
        ]

    def open_only(self) -> bool:
        """A queue shows open work unless a status (or "any status") is chosen."""
        return not (self.is_valid() and self.cleaned_data.get("status"))

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        overdue = {"yes": True, "no": False}.get(data.get("overdue") or "")
        return {
            "status": data.get("status") if data.get("status") not in ("", "all") else None,
            "category": data.get("category") or None,
            "overdue": overdue,
            "search": (data.get("q") or "").strip() or None,
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; `clean` returns a list (possibly empty)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


ACCEPT = "image/png,image/jpeg,image/gif,image/webp,application/pdf,.png,.jpg,.jpeg,.gif,.webp,.pdf"


def upload_message(code: str, name: str) -> str:
    """A refused upload, said in the reader's language."""
    limit_mb = settings.ACCORD_UPLOAD_MAX_BYTES // (1024 * 1024)
    messages = {
        "file_too_large": gettext("%(name)s is larger than %(limit)s MB.")
        % {"name": name, "limit": limit_mb},
        "file_empty": gettext("%(name)s is empty.") % {"name": name},
        "file_type": gettext(
            "%(name)s was refused: only images (PNG, JPEG, GIF, WebP) and PDF files are accepted."
        )
        % {"name": name},
        "file_mismatch": gettext(
            "%(name)s was refused: the file name does not match what the file contains."
        )
        % {"name": name},
        "file_pixels": gettext("%(name)s was refused: the image has too many pixels.")
        % {"name": name},
        "file_unreadable": gettext(
            "%(name)s was refused: the file cannot be read as the image or PDF it claims to be."
        )
        % {"name": name},
        "file_pdf_active": gettext(
            "%(name)s was refused: the PDF contains scripts, actions or embedded files."
        )
        % {"name": name},
        "too_many_files": gettext("Attach at most %(n)s files.")
        % {"n": settings.ACCORD_UPLOAD_MAX_FILES},
    }
    return messages.get(code, gettext("The file was refused."))


def check_files(files: list) -> list[attachments.CheckedFile]:
    """Check uploads by size and magic bytes; raise a form error in the reader's language."""
    if len(files) > settings.ACCORD_UPLOAD_MAX_FILES:
        raise forms.ValidationError(upload_message("too_many_files", ""))
    checked = []
    errors = []
    for f in files:
        try:
            checked.append(attachments.check_upload(f.name or "file", f, f.size))
        except ValidationFailed as exc:
            errors.append(upload_message(exc.code, attachments._clean_name(f.name or "file")))
    if errors:
        raise forms.ValidationError(errors)
    return checked


class CaseIntakeForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the dispute about?"), widget=forms.RadioSelect)
    area = forms.ChoiceField(
        label=_("Where did it happen?"),
        help_text=_("Choose your community or grid; they are grouped by township or street."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Describe the dispute in your own words: who, what, since when."),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    applicant_name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        help_text=_("You may leave this empty if the category allows filing without a name."),
    )
    applicant_contact = forms.CharField(
        label=_("Your phone or address"),
        required=False,
        max_length=200,
        help_text=_("So that the mediator can reach you."),
    )
    other_name = forms.CharField(label=_("Name of the other party"), required=False, max_length=200)
    other_kind = forms.ChoiceField(
        label=_("The other party is"),
        choices=Party.Kind.choices,
        initial=Party.Kind.PERSON,
        widget=forms.RadioSelect,
    )
    people_count = forms.IntegerField(
        label=_("How many people are involved?"),
        min_value=1,
        max_value=100000,
        initial=1,
        help_text=_("Count everyone on your side, including yourself."),
    )
    amount = forms.DecimalField(
        label=_("Amount in dispute (yuan), if any"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    risk_of_violence = forms.BooleanField(
        label=_("Someone has threatened violence or the situation may turn violent"),
        required=False,
    )
    vulnerable_party = forms.BooleanField(
        label=_(
            "A party is especially vulnerable (elderly, a child, disabled, pregnant, seriously ill)"
        ),
        required=False,
    )
    evidence = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Photos or PDF documents (contracts, receipts, letters). At most 5 files of 5 MB each."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checked_files: list[attachments.CheckedFile] = []
        self.categories = category_options()
        self.fields["category"].choices = [(c["code"], c["name"]) for c in self.categories]
        self.fields["area"].choices = [("", _("Choose…")), *area_choices()]

    def clean_evidence(self) -> list:
        files = self.cleaned_data.get("evidence") or []
        self.checked_files = check_files(files)
        return files

    def case_input(self) -> CaseInput:
        d = self.cleaned_data
        parties = []
        if d["applicant_name"].strip():
            parties.append(
                PartyInput(
                    role=Party.Role.APPLICANT,
                    kind=Party.Kind.PERSON,
                    name=d["applicant_name"],
                    contact=d["applicant_contact"],
                )
            )
        if d["other_name"].strip():
            parties.append(
                PartyInput(role=Party.Role.RESPONDENT, kind=d["other_kind"], name=d["other_name"])
            )
        return CaseInput(
            category=d["category"],
            area=d["area"],
            description=d["description"],
            parties=tuple(parties),
            people_count=d["people_count"],
            amount=d["amount"],
            risk_of_violence=d["risk_of_violence"],
            vulnerable_party=d["vulnerable_party"],
        )


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("For example AC-2025-0000123."),
    )
    secret = forms.CharField(
        label=_("Tracking secret"),
        max_length=100,
        help_text=_("The secret you were given when you filed the case."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class ActionForm(forms.Form):
    """One workflow action. Which fields matter is the workflow's business."""

    action = forms.CharField(max_length=32)
    note = forms.CharField(required=False, max_length=MAX_DESCRIPTION)
    assignee = forms.CharField(required=False, max_length=150)
    satisfaction = forms.TypedChoiceField(
        required=False,
        choices=[("", "")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
    )
    agreement_performed = forms.TypedChoiceField(
        required=False,
        choices=[("", ""), ("yes", "yes"), ("no", "no")],
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    conclude_open = forms.BooleanField(required=False)

    def transition_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "action": d["action"],
            "note": d["note"],
            "assignee": (d["assignee"].strip() or None) if d["action"] == "assign" else None,
            "satisfaction": d["satisfaction"],
            "agreement_performed": d["agreement_performed"],
            "conclude_open": bool(d["conclude_open"]) and d["action"] == "resolve",
        }


class TrackActionForm(forms.Form):
    """What a party may do on the tracking page: ask for escalation or rate the handling."""

    do = forms.ChoiceField(choices=[("escalate", "escalate"), ("rate", "rate")])
    note = forms.CharField(required=False, max_length=MAX_DESCRIPTION)
    satisfaction = forms.TypedChoiceField(
        required=False,
        choices=[("", "")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
    )


class BulkAssignForm(forms.Form):
    """Coordinators: give several cases to one staff member."""

    references = forms.MultipleChoiceField(label=_("Cases"))
    assignee = forms.ChoiceField(label=_("Assign the selected cases to"))

    def __init__(self, *args, references=(), staff=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["references"].choices = [(r, r) for r in references]
        self.fields["assignee"].choices = [("", _("Choose…")), *staff]


class UploadForm(forms.Form):
    """Staff: add evidence to an existing case."""

    evidence = MultipleFileField(label=_("Add files"))

    def clean_evidence(self) -> list:
        files = self.cleaned_data.get("evidence") or []
        self.checked_files = check_files(files)
        return files
