from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UpdatesForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=24)
    secret = forms.CharField(label=_("Tracking code"), max_length=64)
    email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=254,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Mobile phone"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("Send me a message at each step of this case. I can stop it at any time."),
        required=True,
    )


class TaskForm(forms.Form):
    area = forms.ChoiceField(label=_("Grid"))
    task_type = forms.ChoiceField(label=_("Task type"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    case_reference = forms.CharField(label=_("Case reference"), required=False, max_length=24)
    due = forms.DateField(label=_("Due by"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    assignee = forms.CharField(label=_("Grid worker (user name)"), required=False, max_length=150)

    def __init__(self, *args, grids=(), **kwargs):
        from accord.grid.models import TaskType

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(grids)
        self.fields["task_type"].choices = TaskType.choices


class ReassignForm(forms.Form):
    area = forms.ChoiceField(label=_("Grid"))
    to_user = forms.CharField(label=_("New grid worker (user name)"), max_length=150)

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(grids)
