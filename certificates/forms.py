"""Forms of the public verification page and the admin's certificate actions."""

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from certificates import conf
from certificates.verification import PDF_MAGIC


class VerifyByNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "DGA-2569-000123"}),
    )
    surname = forms.CharField(
        label=_("Holder's surname"),
        max_length=150,
        help_text=_("In Thai or in English, as on the certificate."),
    )


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate PDF or credential JSON file"),
        help_text=_("Up to 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.json,application/pdf,application/json"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > conf.upload_max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": conf.upload_max_bytes() // (1024 * 1024)}
            )
        head = upload.read(8).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        if not (head.startswith(PDF_MAGIC) or head.startswith((b"{", b"["))):
            raise forms.ValidationError(
                _("Upload the certificate PDF or its credential JSON file.")
            )
        return upload


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, before it is kept."""

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the certificate; verifiers see only the date."),
    )


class BundleForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None)

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class HRBundleForm(forms.Form):
    """An HR officer's bulk download: a unit of their scope, optionally one course."""

    unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=None)
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=None,
        required=False,
        empty_label=_("All courses"),
    )

    def __init__(self, *args, units, courses, units_read=None, **kwargs):
        """`units_read`: the units of `units`, when the caller has read them (the
        choices shown, not read again; answers are still checked against `units`)."""
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units
        if units_read is not None:
            field.choices = [
                ("", field.empty_label),
                *((unit.pk, field.label_from_instance(unit)) for unit in units_read),
            ]
        self.fields["course"].queryset = courses
