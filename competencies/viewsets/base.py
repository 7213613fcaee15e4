"""Building blocks of the standards admin: the "to confirm" column, filter and banner,
the index, create and delete views every viewset shares, and the base viewset."""

from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, Q, RestrictedError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
)
from wagtail.admin.ui.tables import (
    Column,
)
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.log_actions import log

import django_filters

from academy.core.forms import form_add_service_errors

TO_CONFIRM = "to confirm"
SUBMENU_HOOK = "register_competency_standards_menu_item"

# What a search box matches (none of these models is in Wagtail's search index), the
# same in a listing and in a chooser: a coded record by its code or either name, a
# person by number, names or email.
CODE_AND_NAMES = ("code", "name_th", "name_en")
PERSON_SEARCH_FIELDS = (
    "employee_number",
    "first_name_th",
    "last_name_th",
    "first_name_en",
    "last_name_en",
    "email",
)


def _says_to_confirm(text: str) -> bool:
    return TO_CONFIRM in (text or "").lower()


# ------------------------------------------------------------------------------
# "To confirm": a column for listings, a filter, and a banner for edit forms
# ------------------------------------------------------------------------------


class ToConfirmColumn(Column):
    """A "To confirm" badge when the record's note says the fact is still unchecked."""

    cell_template_name = "competencies/admin/tables/to_confirm_cell.html"

    def __init__(self, note_field: str = "source_note", **kwargs):
        kwargs.setdefault("label", _("To confirm"))
        super().__init__(note_field, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["note"] = context["raw_value"] or ""
        context["to_confirm"] = _says_to_confirm(context["note"])
        return context


class LinkColumn(Column):
    """A column whose cell is one link, e.g. to a framework's requirement matrix."""

    cell_template_name = "competencies/admin/tables/link_cell.html"

    def __init__(self, name, *, text, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.text = text
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = self.get_url(instance)
        context["text"] = self.text
        return context


class ToConfirmPanel(Panel):
    """Shows, above the form, that the record is not yet checked, and its note."""

    def __init__(self, note_field: str = "source_note", **kwargs):
        kwargs.setdefault("heading", _("To confirm"))
        super().__init__(**kwargs)
        self.note_field = note_field

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["note_field"] = self.note_field
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "competencies/admin/panels/to_confirm.html"

        @property
        def note(self) -> str:
            return getattr(self.instance, self.panel.note_field, "") or ""

        def is_shown(self):
            return _says_to_confirm(self.note)

        def show_panel_furniture(self):
            return False

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["note"] = self.note
            return context


SOURCE_NOTE_HELP = _(
    "Where this comes from. Items not yet checked against the official text say "
    "'to confirm' here and are marked “To confirm” in every listing; remove the "
    "words once you have checked them."
)


def source_note_panel(note_field: str = "source_note") -> FieldPanel:
    return FieldPanel(note_field, help_text=SOURCE_NOTE_HELP)


def provenance_panel() -> MultiFieldPanel:
    """Where the record comes from: published (address, revision), derived (how, in
    the note) or to confirm."""
    return MultiFieldPanel(
        [
            FieldPanel("provenance"),
            FieldRowPanel([FieldPanel("source_url"), FieldPanel("source_revision")]),
            source_note_panel(),
        ],
        heading=_("Provenance"),
    )


def sourced_columns(*columns) -> list:
    """The listing of records whose source may still be unchecked: the record,
    `columns`, and the "To confirm" badge last."""
    return ["__str__", *columns, ToConfirmColumn()]


def sourced_panels(*panels) -> list:
    """The form of a record with a recorded provenance: the "to confirm" banner
    above `panels`, where the record comes from below them."""
    return [ToConfirmPanel(), *panels, provenance_panel()]


def code_column() -> Column:
    return Column("code", label=capfirst(_("code")), sort_key="code")


class ToConfirmFilterSet(WagtailFilterSet):
    to_confirm = django_filters.BooleanFilter(
        label=capfirst(_("To confirm")),
        method="filter_to_confirm",
        widget=BooleanRadioSelect,
    )

    def filter_to_confirm(self, queryset, name, value):
        if value is None:
            return queryset
        says = Q(source_note__icontains=TO_CONFIRM) | Q(provenance="to_confirm")
        return queryset.filter(says) if value else queryset.exclude(says)


# ------------------------------------------------------------------------------
# Views shared by the viewsets
# ------------------------------------------------------------------------------


class StandardsIndexView(generic.IndexView):
    #: Relations every row shows; loaded with the page so a listing costs the
    #: same number of queries for 1 row and for 50.
    list_select_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset


class ServiceCreateView(generic.CreateView):
    """A create view whose save is one call to a function of competencies.services,
    so the rules the service holds (a new placement ends the previous one, evidence is
    append-only) hold for the admin too.

    A subclass names `service` and `service_fields`: the service is called with the
    form's value for each of those fields the form has (the service's own defaults
    stand for the others) and whatever `service_kwargs` adds.
    """

    service = None
    service_fields: tuple[str, ...] = ()

    def service_kwargs(self, data: dict) -> dict:
        return {name: data[name] for name in self.service_fields if name in data}

    def save_instance(self):
        instance = self.service(**self.service_kwargs(self.form.cleaned_data))
        log(instance=instance, action="wagtail.create", user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form_add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class GuardedDeleteView(generic.DeleteView):
    """Deletes unless that would silently take evidence or protected records with it.

    Cascades would delete evidence without going through its append-only guard, and
    PROTECT relations raise; both become a message instead of a lost record or a 500.
    """

    #: instance -> the evidence its deletion would cascade to, or None.
    evidence_at_risk = None

    def refusal(self) -> str | None:
        if self.evidence_at_risk is None:
            return None
        count = self.evidence_at_risk(self.object).count()
        if not count:
            return None
        return ngettext(
            "'%(object)s' cannot be deleted: %(count)s piece of evidence refers to "
            "it, and evidence is never deleted. Retire it instead.",
            "'%(object)s' cannot be deleted: %(count)s pieces of evidence refer to "
            "it, and evidence is never deleted. Retire it instead.",
            count,
        ) % {"object": self.object, "count": count}

    def refuse(self, reason: str):
        messages.error(self.request, reason)
        if self.edit_url_name:
            return redirect(self.edit_url_name, quote(self.object.pk))
        return redirect(self.index_url_name)

    def form_valid(self, form):
        if reason := self.refusal():
            return self.refuse(reason)
        try:
            return super().form_valid(form)
        except (ProtectedError, RestrictedError) as error:
            blocking = getattr(error, "protected_objects", None) or getattr(
                error, "restricted_objects", ()
            )
            count = len(blocking)
            return self.refuse(
                ngettext(
                    "'%(object)s' cannot be deleted: %(count)s other record depends "
                    "on it.",
                    "'%(object)s' cannot be deleted: %(count)s other records depend "
                    "on it.",
                    count,
                )
                % {"object": self.object, "count": count}
            )


class _NoEditURLFinder(ModelAdminURLFinder):
    def construct_edit_url(self, instance):
        return None


class StandardsViewSet(ModelViewSet):
    """Shared settings for every viewset of the competencies app."""

    # Wagtail's reference index would write rows on every save of these models,
    # including each piece of evidence and every row of an import: too costly here.
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = StandardsIndexView
    delete_view_class = GuardedDeleteView
    list_per_page = 50
    list_select_related: tuple[str, ...] = ()
    #: URL names this model must not have, e.g. {"edit", "delete"} for evidence.
    disabled_views: frozenset[str] = frozenset()
    #: Panels (and their form's base class) for the create form when they differ
    #: from the edit form's.
    create_panels = None
    create_form_class = None
    evidence_at_risk = None

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view_name in self.disabled_views:
            view_kwargs[f"{view_name}_url_name"] = None
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            list_select_related=self.list_select_related, **kwargs
        )

    def get_add_view_kwargs(self, **kwargs):
        view_kwargs = super().get_add_view_kwargs(**kwargs)
        if self.create_panels is not None:
            panel = ObjectList(
                self.create_panels, base_form_class=self.create_form_class
            ).bind_to_model(self.model)
            view_kwargs["panel"] = panel
            view_kwargs["form_class"] = panel.get_form_class()
        return view_kwargs

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(
            evidence_at_risk=self.evidence_at_risk, **kwargs
        )

    def get_urlpatterns(self):
        disabled = set(self.disabled_views)
        if "history" in disabled:
            disabled.add("history_results")
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in disabled
        ]

    @property
    def url_finder_class(self):
        if "edit" in self.disabled_views:
            return _NoEditURLFinder
        return super().url_finder_class


def viewset_url(viewset_name: str, view_name: str, *args) -> str:
    return reverse(f"{viewset_name}:{view_name}", args=args)


def requirement_matrix_url(framework) -> str:
    return reverse("competencies_requirement_matrix", args=[framework.pk])
