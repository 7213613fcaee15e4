"""Choosers for people and organisation units: too many for a <select> in the
placement and evidence forms."""

from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.permissions import policy_registry

from ..models import (
    OrgUnit,
    Person,
)
from .base import CODE_AND_NAMES, PERSON_SEARCH_FIELDS


class SearchFilterForm(BaseFilterForm):
    """A chooser's search box, answered by the database (these models are not in
    Wagtail's search index)."""

    search_fields: tuple[str, ...] = ()

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class PermissionCheckedChooserMixin(PermissionCheckedMixin):
    """Chooser views list people and units: only users who may see them get in."""

    any_permission_required = ["add", "change", "delete", "view"]

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model_class)


class CheckedChooseView(PermissionCheckedChooserMixin, chooser_views.ChooseView):
    pass


class CheckedChooseResultsView(
    PermissionCheckedChooserMixin, chooser_views.ChooseResultsView
):
    pass


class CheckedChosenView(PermissionCheckedChooserMixin, chooser_views.ChosenView):
    pass


class CheckedChosenMultipleView(
    PermissionCheckedChooserMixin, chooser_views.ChosenMultipleView
):
    pass


class StandardsChooserViewSet(ChooserViewSet):
    """A chooser open to users who may see its model, twenty to a page, with a
    search box over `search_fields` answered by the database."""

    choose_view_class = CheckedChooseView
    choose_results_view_class = CheckedChooseResultsView
    chosen_view_class = CheckedChosenView
    chosen_multiple_view_class = CheckedChosenMultipleView
    per_page = 20
    search_fields: tuple[str, ...] = ()

    @cached_property
    def filter_form_class(self):
        return type(
            f"{self.model.__name__}SearchForm",
            (SearchFilterForm,),
            {"search_fields": self.search_fields},
        )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            filter_form_class=self.filter_form_class, **kwargs
        )


person_chooser = StandardsChooserViewSet(
    "competencies_person_chooser",
    model=Person,
    url_prefix="competencies/people/choose",
    icon="user",
    choose_one_text=_("Choose a person"),
    choose_another_text=_("Choose another person"),
    search_fields=PERSON_SEARCH_FIELDS,
)
org_unit_chooser = StandardsChooserViewSet(
    "competencies_org_unit_chooser",
    model=OrgUnit,
    url_prefix="competencies/org-units/choose",
    icon="site",
    choose_one_text=_("Choose an organisation unit"),
    choose_another_text=_("Choose another organisation unit"),
    search_fields=CODE_AND_NAMES,
)
