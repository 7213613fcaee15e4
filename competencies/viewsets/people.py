"""People, placements and evidence: created through competencies.services (a new
placement ends the previous one; evidence is append-only, recorded by the signed-in
user)."""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.admin.ui.tables import Column

from academy.core.admin_columns import DateColumn

from .. import services
from ..models import (
    Evidence,
    Person,
    Placement,
)
from .base import PERSON_SEARCH_FIELDS, ServiceCreateView, StandardsViewSet


class PersonCreateView(ServiceCreateView):
    service = staticmethod(services.person_create)
    service_fields = (
        "first_name_th",
        "last_name_th",
        "title_th",
        "first_name_en",
        "last_name_en",
        "title_en",
        "email",
    )

    def service_kwargs(self, data: dict) -> dict:
        # A blank employee number is stored as NULL: the column is unique, and
        # many people have none.
        return {
            **super().service_kwargs(data),
            "employee_number": data.get("employee_number") or None,
        }


class PersonViewSet(StandardsViewSet):
    model = Person
    name = "competencies_person"
    url_prefix = "competencies/people"
    icon = "user"
    menu_order = 900
    add_view_class = PersonCreateView
    evidence_at_risk = staticmethod(
        lambda person: Evidence.objects.filter(person=person)
    )
    search_fields = PERSON_SEARCH_FIELDS
    list_display = [
        "__str__",
        Column(
            "employee_number",
            label=capfirst(_("employee number")),
            sort_key="employee_number",
        ),
        Column("email", label=capfirst(_("email"))),
        DateColumn(
            "left_on", label=capfirst(_("left the service on")), sort_key="left_on"
        ),
    ]
    panels = [
        FieldPanel("employee_number"),
        FieldRowPanel(
            [
                FieldPanel("title_th"),
                FieldPanel("first_name_th"),
                FieldPanel("last_name_th"),
            ]
        ),
        FieldRowPanel(
            [
                FieldPanel("title_en"),
                FieldPanel("first_name_en"),
                FieldPanel("last_name_en"),
            ]
        ),
        FieldPanel("email"),
        FieldPanel("left_on"),
        FieldPanel("user", read_only=True),
    ]
    create_panels = panels[:-2]


class PlacementCreateView(ServiceCreateView):
    service = staticmethod(services.placement_start)
    service_fields = (
        "person",
        "unit",
        "position_type",
        "position_level",
        "line_of_work",
        "starts_on",
        "supervisor",
        "position_title",
        "scheme",
    )


class PlacementViewSet(StandardsViewSet):
    model = Placement
    name = "competencies_placement"
    url_prefix = "competencies/placements"
    icon = "calendar-check"
    menu_order = 910
    add_view_class = PlacementCreateView
    list_select_related = (
        "person",
        "unit",
        "position_type",
        "position_level__position_type",
    )
    search_fields = [
        "person__employee_number",
        "person__first_name_th",
        "person__last_name_th",
        "position_title",
    ]
    list_display = [
        "__str__",
        Column("position_level", label=capfirst(_("position level"))),
        Column("position_title", label=capfirst(_("position title"))),
        DateColumn("starts_on", label=capfirst(_("from")), sort_key="starts_on"),
        DateColumn("ends_on", label=capfirst(_("to")), sort_key="ends_on"),
    ]
    panels = [
        FieldPanel("person"),
        FieldPanel("unit"),
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("position_type"), FieldPanel("position_level")]),
        FieldPanel("line_of_work"),
        FieldPanel("position_title"),
        FieldPanel("supervisor"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
    ]
    # A new placement has no end yet: the person's current one ends instead.
    create_panels = [
        *panels[:-1],
        FieldPanel(
            "starts_on",
            help_text=_("The person's current placement ends the day before."),
        ),
    ]


class EvidenceCreateView(ServiceCreateView):
    """Evidence is recorded, never edited: the signed-in user is its recorder."""

    service = staticmethod(services.evidence_record)
    service_fields = (
        "person",
        "competency",
        "level",
        "source",
        "observed_on",
        "expires_on",
        "reference",
        "note",
    )

    def service_kwargs(self, data: dict) -> dict:
        return {**super().service_kwargs(data), "recorded_by": self.request.user}

    def get_success_url(self):
        return reverse(self.index_url_name)

    def get_success_buttons(self):
        return []


class EvidenceViewSet(StandardsViewSet):
    model = Evidence
    name = "competencies_evidence"
    url_prefix = "competencies/evidence"
    icon = "circle-check"
    menu_order = 920
    add_view_class = EvidenceCreateView
    # Append-only: no edit, delete, history or usage views, only list, add, inspect.
    disabled_views = frozenset({"edit", "delete", "history", "usage"})
    inspect_view_enabled = True
    list_filter = ["source"]
    list_select_related = ("person", "competency", "level", "recorded_by")
    search_fields = [
        "person__employee_number",
        "person__first_name_th",
        "person__last_name_th",
        "competency__code",
        "reference",
    ]
    list_display = [
        "__str__",
        Column("get_source_display", label=capfirst(_("source")), sort_key="source"),
        DateColumn(
            "observed_on", label=capfirst(_("observed on")), sort_key="observed_on"
        ),
        Column("recorded_by", label=capfirst(_("recorded by"))),
    ]
    panels = [
        FieldPanel("person"),
        FieldPanel("competency"),
        FieldPanel("level"),
        FieldPanel("source"),
        FieldRowPanel([FieldPanel("observed_on"), FieldPanel("expires_on")]),
        FieldPanel("reference"),
        FieldPanel("note"),
    ]
