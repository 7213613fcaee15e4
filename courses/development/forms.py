"""The learner's form of a development record (the officer's decision is hr.forms')."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.core.forms import DateInput
from competencies.attachments import (
    AttachmentRefused,
    attachment_type,
    refusal_message,
)
from competencies.models import (
    DevelopmentRecord,
)
from competencies.models.development import MAX_RECORD_HOURS

FILE_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class DevelopmentRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DevelopmentRecord.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    provider = forms.CharField(
        label=_("Provider"),
        max_length=255,
        help_text=_("The organisation, platform or person who ran it."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.5"),
        max_value=MAX_RECORD_HOURS,
        max_digits=6,
        decimal_places=1,
    )
    evidence_file = forms.FileField(
        label=_("Evidence (certificate, letter or report)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        try:
            attachment_type(name=upload.name or "", size=upload.size, head=head)
        except AttachmentRefused as refused:
            raise forms.ValidationError(refusal_message(refused)) from refused
        return upload
