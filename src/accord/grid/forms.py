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
