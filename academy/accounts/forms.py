"""Forms of the account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PrivacyNoticeForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the privacy notice and accept it."),
        required=True,
        error_messages={"required": _("Tick the box to accept the privacy notice.")},
    )


class MFAEnrolmentCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Code or enrolment token"),
        max_length=64,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
