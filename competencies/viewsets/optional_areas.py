"""Optional areas chosen for a whole organisation (OptionalChoice on a unit)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from academy.core.forms import form_add_service_errors

from .. import selectors, services
from ..models import (
    Competency,
    OptionalChoice,
    OrgUnit,
)
from .choosers import org_unit_chooser


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.name}: {obj.code} {obj.name}"


class OrganisationOptionalAreasForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=capfirst(_("organisation unit")),
        queryset=OrgUnit.objects.all(),
        help_text=_("The choice applies to everyone placed in this unit or below it."),
    )
    areas = AreaChoiceField(
        label=capfirst(_("optional areas that count for its staff")),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the areas chosen count towards the staff's gaps; the others are "
            "shown to them but never counted. Leave all unticked to withdraw the "
            "organisation's choices."
        ),
    )

    def __init__(self, *args, offered: list[Competency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = org_unit_chooser.widget_class()
        self.fields["areas"].queryset = Competency.objects.filter(
            pk__in=[item.pk for item in offered]
        ).select_related("framework")


class OrganisationOptionalAreasView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Which optional areas count for an organisation's staff (OptionalChoice on a
    unit, chosen for the organisation). Administrators only: adding and withdrawing
    choices needs the optional-choice permissions of the academy_admin group."""

    model = OptionalChoice
    permission_required = "add"
    template_name = "competencies/admin/organisation_optional_areas.html"
    page_title = _("Optional areas chosen by organisations")
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    @cached_property
    def offered(self) -> list[Competency]:
        return selectors.optional_areas_offered()

    def get(self, request, *args, **kwargs):
        unit_id = request.GET.get("unit", "")
        unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id.isdigit() else None
        initial = {}
        if unit is not None:
            initial = {
                "unit": unit,
                "areas": list(
                    OptionalChoice.objects.filter(
                        unit=unit, competency__in=self.offered
                    ).values_list("competency_id", flat=True)
                ),
            }
        form = OrganisationOptionalAreasForm(initial=initial, offered=self.offered)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = OrganisationOptionalAreasForm(request.POST, offered=self.offered)
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            raise PermissionDenied
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            try:
                added, withdrawn = services.organisation_optional_areas_set(
                    unit=unit,
                    chosen=list(form.cleaned_data["areas"]),
                    offered=self.offered,
                    chosen_by=request.user,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "%(unit)s: %(added)s areas chosen, %(withdrawn)s withdrawn."
                    )
                    % {
                        "unit": f"{unit.name} ({unit.code})",
                        "added": added,
                        "withdrawn": withdrawn,
                    },
                )
                return redirect(
                    reverse("competencies_organisation_optional_areas")
                    + f"?unit={unit.pk}"
                )
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = selectors.organisation_choices()
        context["offered"] = self.offered
        return context
