"""Forms of development records: the learner's submission and the officer's decision."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from competencies.attachments import (
    AttachmentRefused,
    attachment_type,
    refusal_message,
)
from competencies.hr.forms import (
    CompetencyChoiceField,
    DateInput,
    ScaleLevelChoiceField,
)
from competencies.models import (
    Competency,
    DevelopmentRecord,
    Framework,
    ProficiencyLevel,
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


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The learner reads it."),
    )
    competency = CompetencyChoiceField(
        label=_("Rate against a competency (optional)"),
        required=False,
        queryset=Competency.objects.filter(framework__status=Framework.Status.ACTIVE)
        .exclude(kind=Competency.Kind.AREA)
        .select_related("framework", "framework__scale")
        .order_by("framework__code", "sort_order", "code"),
    )
    level = ScaleLevelChoiceField(
        label=_("Level shown"),
        required=False,
        queryset=ProficiencyLevel.objects.filter(
            scale__frameworks__status=Framework.Status.ACTIVE
        )
        .distinct()
        .order_by("scale", "rank"),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        competency, level = cleaned.get("competency"), cleaned.get("level")
        if decision == self.REJECT:
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Say why the record is rejected."))
        elif decision == self.APPROVE:
            if (competency is None) != (level is None):
                self.add_error(
                    "level", _("Choose both a competency and a level, or neither.")
                )
            elif competency and level.scale_id != competency.framework.scale_id:
                self.add_error("level", _("The level is not on the framework's scale."))
        return cleaned


class PlanReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanAgreementRecordForm(forms.Form):
    signed_form = forms.FileField(
        label=_("Signed agreement form"),
        help_text=_(
            "The plan signed by the supervisor: PDF, PNG or JPEG, at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )


class SupervisorInviteForm(forms.Form):
    staff = forms.CharField(
        label=_("Employee numbers of the people they supervise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One or more, separated by spaces, commas or new lines; only people in "
            "your organisation. Leave empty to keep the supervisors on record."
        ),
    )

    def clean_staff(self) -> list[str]:
        raw = self.cleaned_data.get("staff") or ""
        numbers = [part for part in raw.replace(",", " ").split() if part]
        if len(numbers) > 500:
            raise forms.ValidationError(_("At most 500 people at a time."))
        return list(dict.fromkeys(numbers))
