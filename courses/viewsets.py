"""The academy administrators' queue of enrolment requests in the Wagtail admin.

Learners who ask to join a course with the "approval" enrolment policy wait as pending
enrolments; administrators approve or reject each one here, through
`courses.services.enrolment_decide`. Who may decide is Django's "change enrolment"
permission, which the academy_admin group holds (courses/migrations/0003_authoring.py),
so Wagtail's model permission policy answers for the menu, the list and the decisions.
"""

from django.http import HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BaseColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.core.admin_columns import DateColumn

from .models import CoursePage, DevelopmentTarget, Enrolment, SearchSynonym
from .services import EnrolmentError, enrolment_decide

DECIDE_PERMISSION = "change"
DECISIONS = {"approve": True, "reject": False}


def _learner_name(enrolment: Enrolment) -> str:
    user = enrolment.user
    full_name = user.get_full_name()
    return f"{full_name} <{user.email}>" if full_name else user.email


class DecisionColumn(BaseColumn):
    """Approve and reject buttons, each a POST form of its own."""

    cell_template_name = "courses/admin/enrolment_decision_cell.html"

    def __init__(self, name, *, decide_url_name: str, **kwargs):
        super().__init__(name, **kwargs)
        self.decide_url_name = decide_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        # Cells render from a plain dict, so the CSRF token is passed explicitly.
        context["csrf_token"] = get_token(parent_context["request"])
        context["decide_url"] = reverse(self.decide_url_name, args=[instance.pk])
        return context


class EnrolmentRequestIndexView(generic.IndexView):
    model = Enrolment
    any_permission_required = [DECIDE_PERMISSION]
    page_title = _("Enrolment requests")
    header_icon = "clipboard-list"
    paginate_by = 50
    default_ordering = "enrolled_at"
    no_results_message = _("No enrolment requests are waiting for a decision.")
    decide_url_name = None

    @property
    def columns(self):
        return [
            Column("learner", label=_("Learner"), accessor=_learner_name),
            Column("course", label=_("Course"), accessor="course.title"),
            DateColumn("enrolled_at", label=_("Requested at"), sort_key="enrolled_at"),
            DecisionColumn(
                "decision", label=_("Decision"), decide_url_name=self.decide_url_name
            ),
        ]

    def get_base_queryset(self):
        return Enrolment.objects.filter(
            status=Enrolment.Status.PENDING,
            course__enrolment_policy=CoursePage.EnrolmentPolicy.APPROVAL,
        ).select_related("user", "course")


class EnrolmentDecideView(PermissionCheckedMixin, View):
    """Approve or reject one request; POST only (Django's CSRF middleware guards it)."""

    model = Enrolment
    permission_required = DECIDE_PERMISSION
    http_method_names = ["post"]
    index_url_name = None

    def post(self, request, enrolment_id: int):
        decision = request.POST.get("decision")
        if decision not in DECISIONS:
            return HttpResponseBadRequest(gettext("Choose approve or reject."))
        enrolment = get_object_or_404(
            Enrolment.objects.select_related("user", "course"), pk=enrolment_id
        )
        try:
            enrolment_decide(
                enrolment=enrolment,
                approve=DECISIONS[decision],
                decided_by=request.user,
            )
        except EnrolmentError as error:
            messages.error(request, error.message)
        else:
            template = (
                gettext("Approved %(learner)s for %(course)s.")
                if DECISIONS[decision]
                else gettext("Rejected the request of %(learner)s for %(course)s.")
            )
            messages.success(
                request,
                template
                % {"learner": _learner_name(enrolment), "course": enrolment.course},
            )
        return redirect(self.index_url_name)


class EnrolmentRequestMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Enrolment).user_has_permission(
            request.user, DECIDE_PERMISSION
        )


class EnrolmentRequestViewSet(ViewSet):
    name = "enrolment_requests"
    url_prefix = "courses/enrolment-requests"
    icon = "clipboard-list"
    menu_label = _("Enrolment requests")
    menu_order = 210
    add_to_admin_menu = True
    menu_item_class = EnrolmentRequestMenuItem

    def get_urlpatterns(self):
        index_kwargs = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
            "decide_url_name": self.get_url_name("decide"),
        }
        return [
            path("", EnrolmentRequestIndexView.as_view(**index_kwargs), name="index"),
            path(
                "results/",
                EnrolmentRequestIndexView.as_view(results_only=True, **index_kwargs),
                name="index_results",
            ),
            path(
                "<int:enrolment_id>/decide/",
                EnrolmentDecideView.as_view(index_url_name=self.get_url_name("index")),
                name="decide",
            ),
        ]


class SearchSynonymViewSet(SnippetViewSet):
    """The words search treats as one (พรบ = พ.ร.บ. = พระราชบัญญัติ), which academy
    administrators extend; saving one re-reads the catalogue under the new list."""

    model = SearchSynonym
    icon = "search"
    menu_label = _("Search synonyms")
    add_to_settings_menu = True
    url_prefix = "courses/search-synonyms"
    add_to_reference_index = False
    list_display = ["__str__", DateColumn("updated_at", label=_("Updated"))]
    panels = [FieldPanel("variants")]


class DevelopmentTargetViewSet(SnippetViewSet):
    """Each organisation's yearly development target in hours (the fiscal-year
    report's yardstick); units without one take the nearest above them, else
    ACADEMY_DEVELOPMENT_TARGET_HOURS."""

    model = DevelopmentTarget
    icon = "date"
    menu_label = _("Development targets")
    add_to_settings_menu = True
    url_prefix = "courses/development-targets"
    add_to_reference_index = False
    list_display = ["unit", "hours_per_year", "source_note"]
    panels = [
        FieldPanel("unit"),
        FieldPanel("hours_per_year"),
        FieldPanel("source_note"),
    ]
