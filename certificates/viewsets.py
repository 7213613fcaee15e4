"""The Wagtail admin for certificates: templates, issued certificates, keys, bulk ZIPs.

Issued certificates and signing keys are records, never edited in a form: their
viewsets keep only the listing and the inspect view. Revoking goes through
certificates.services (it re-signs the status list); keys are made by the
`issuer_keys` command. Templates are snippets with a preview that is the real PDF.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import SnippetViewSet

import django_filters

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.authz import can
from academy.core.admin_columns import DateColumn
from academy.core.viewsets import RecordViewSet
from certificates import selectors, services
from certificates.forms import BundleForm, RevokeForm
from certificates.models import (
    Certificate,
    CertificateBundle,
    CertificateTemplate,
    SigningKey,
)
from certificates.pdf import PdfRenderError, RefusedResourceError
from certificates.views import bundle_response

SUBMENU_HOOK = "register_certificates_menu_item"


# ------------------------------------------------------------------------------
# Templates
# ------------------------------------------------------------------------------


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    menu_order = 100
    url_prefix = "certificates/templates"
    add_to_reference_index = False
    list_display = [
        "name",
        BooleanColumn("is_active", label=_("Active")),
        DateColumn("updated_at", label=_("Updated")),
    ]


def template_preview_pdf(request, pk: int):
    """The real PDF of the sample certificate in a saved template (?lang=en)."""
    policy = policy_registry.get_by_type(CertificateTemplate)
    if not policy.user_has_any_permission(request.user, ["change", "view"]):
        raise PermissionDenied
    template = get_object_or_404(CertificateTemplate, pk=pk)
    language = "en" if request.GET.get("lang") == "en" else "th"
    try:
        pdf = selectors.certificate_template_preview(
            template=template, language=language
        )
    except (RefusedResourceError, PdfRenderError) as error:
        return HttpResponse(str(error), status=400, content_type="text/plain")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"template-{pk}-{language}.pdf"
    )
    return response


# ------------------------------------------------------------------------------
# Issued certificates and revocation
# ------------------------------------------------------------------------------


class CertificateInspectView(generic.InspectView):
    fields = [
        "number",
        "state_display",
        "status",
        "name_th",
        "name_en",
        "position_th",
        "organisation_th",
        "course_title_th",
        "learning_hours",
        "issued_on",
        "valid_from",
        "valid_until_display",
        "superseded_by",
        "revoked_at_display",
        "revocation_reason",
        "revoked_by",
        "public_id",
        "status_list_index",
    ]

    LABELS = {
        "state_display": _("State today"),
        "valid_until_display": _("Valid until (Bangkok time)"),
        "revoked_at_display": _("Revoked at (Bangkok time)"),
    }

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.object.user_id != request.user.pk:
            audit_record(
                actor=request.user,
                action=AuditAction.CERTIFICATE_VIEW,
                obj=self.object,
                subject=self.object.person_id,
                request=request,
                detail={"number": self.object.number},
            )
        return response

    def get_field_label(self, field_name, field):
        if field_name in self.LABELS:
            return str(self.LABELS[field_name])
        return super().get_field_label(field_name, field)

    @cached_property
    def header_more_buttons(self):
        buttons = []
        policy = policy_registry.get_by_type(Certificate)
        if self.object.status in (
            Certificate.Status.VALID,
            Certificate.Status.SUPERSEDED,
        ) and policy.user_has_permission(self.request.user, "change"):
            buttons.append(
                HeaderButton(
                    _("Revoke"),
                    url=reverse("certificates_revoke", args=[self.object.pk]),
                    icon_name="cross",
                )
            )
        buttons.append(
            HeaderButton(
                _("Public verification page"),
                url=reverse(
                    "certificates:verify_certificate", args=[self.object.public_id]
                ),
                icon_name="link-external",
            )
        )
        return buttons


class CertificateFilterSet(WagtailFilterSet):
    """By the state a certificate is in today, and by its expiry date (Bangkok days)."""

    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (state, Certificate.STATE_LABELS[state])
            for state in ("valid", "expired", "revoked", "superseded")
        ],
        method="filter_state",
        empty_label=_("All"),
    )
    # The days run from midnight to midnight in the current time zone (Asia/Bangkok):
    # django-filter makes the range's ends aware in it.
    valid_until = django_filters.DateFromToRangeFilter(
        label=_("Valid until (Bangkok time)"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Certificate
        fields = []

    def filter_state(self, queryset, name, value):
        return selectors.certificates_in_state(queryset, value) if value else queryset


class CertificateViewSet(RecordViewSet):
    model = Certificate
    name = "certificates_certificate"
    url_prefix = "certificates/issued"
    icon = "doc-full-inverse"
    menu_label = _("Issued certificates")
    menu_order = 200
    inspect_view_class = CertificateInspectView
    # The viewset passes its own list to the view (an empty one would show every
    # field, "valid" for an expired certificate among them).
    inspect_view_fields = CertificateInspectView.fields
    filterset_class = CertificateFilterSet
    search_fields = ["number", "name_th", "name_en", "course_title_th"]
    list_display = [
        "number",
        Column("name_th", label=_("Name")),
        Column("course_title_th", label=_("Course")),
        # The true state today (expired, revoked, superseded, valid), not the
        # stored status alone: a certificate past its date is stored as valid.
        Column("state_display", label=_("State")),
        DateColumn("issued_on", label=_("Issued on"), sort_key="issued_on"),
        Column(
            "valid_until_display",
            label=_("Valid until (Bangkok time)"),
            sort_key="valid_until",
        ),
    ]

    def get_queryset(self, request):
        return Certificate.objects.exclude(status=Certificate.Status.PENDING)


class RevokeView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Certificate
    permission_required = "change"
    template_name = "certificates/admin/revoke.html"
    page_title = _("Revoke a certificate")
    header_icon = "cross"

    def dispatch(self, request, *args, **kwargs):
        self.permission_policy = policy_registry.get_by_type(Certificate)
        self.certificate = get_object_or_404(
            Certificate.objects.exclude(status=Certificate.Status.PENDING),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.certificate.number

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=RevokeForm()))

    def post(self, request, *args, **kwargs):
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.certificate_revoke(
                    certificate=self.certificate,
                    reason=form.cleaned_data["reason"],
                    revoked_by=request.user,
                )
            except services.CertificateError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    gettext("Certificate %(number)s is revoked.")
                    % {"number": self.certificate.number},
                )
                return redirect(
                    reverse(
                        "certificates_certificate:inspect", args=[self.certificate.pk]
                    )
                )
        return self.render_to_response(self.get_context_data(form=form))


# ------------------------------------------------------------------------------
# Signing keys
# ------------------------------------------------------------------------------


class SigningKeyViewSet(RecordViewSet):
    model = SigningKey
    name = "certificates_signingkey"
    url_prefix = "certificates/keys"
    icon = "key"
    menu_label = _("Signing keys")
    menu_order = 400
    list_display = [
        "verification_method",
        BooleanColumn("is_active", label=_("Signs new certificates")),
        DateColumn("created_at", label=_("Created")),
        DateColumn("deactivated_at", label=_("Deactivated")),
    ]
    inspect_view_fields = [
        "verification_method",
        "controller",
        "public_key_multibase",
        "is_active",
        "created_at",
        "deactivated_at",
    ]


# ------------------------------------------------------------------------------
# Bulk download
# ------------------------------------------------------------------------------


class BundleView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "certificates/admin/bundles.html"
    page_title = _("Download certificates")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "certificates.download_course_bundles"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        bundles = selectors.bundles_for_user(user=self.request.user)
        return super().get_context_data(
            bundles=bundles,
            waiting=any(b.status == CertificateBundle.Status.PENDING for b in bundles),
            **kwargs,
        )

    def _form(self, data=None):
        return BundleForm(data, courses=selectors.bundle_courses())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        services.certificate_bundle_request(
            course=form.cleaned_data["course"], requested_by=request.user
        )
        messages.success(
            request, gettext("The ZIP is being prepared; it appears below when ready.")
        )
        return redirect("certificates_bundles")


def bundle_download(request, pk: int):
    if not can(request.user, "certificates.download_course_bundles"):
        raise PermissionDenied
    bundle = selectors.bundle_get_for_download(user=request.user, pk=pk)
    return bundle_response(request, bundle)


class BundleMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, "certificates.download_course_bundles")


def bundle_menu_item() -> MenuItem:
    return BundleMenuItem(
        _("Download certificates"),
        reverse("certificates_bundles"),
        name="certificates-bundles",
        icon_name="download",
        order=300,
    )


class CertificatesViewSetGroup(ModelViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full-inverse"
    menu_order = 260
    submenu_hook = SUBMENU_HOOK
    items = (CertificateTemplateViewSet(), CertificateViewSet(), SigningKeyViewSet())
