"""Registers course authoring in the admin: who sees which pages, and enrolment requests."""

from wagtail import hooks
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .page_permissions import AcademyPagePermissionPolicy
from .review import SubmitForReviewBulkAction
from .scorm.viewsets import ScormPackageViewSet
from .viewsets import (
    DevelopmentTargetViewSet,
    EnrolmentRequestViewSet,
    SearchSynonymViewSet,
)

# Registered at import, as Wagtail advises for custom policies, so that every view
# that asks the registry for the page policy gets this one. It narrows what instructors
# see in the explorer, the page search and the page-type listings to their own courses
# (the construct_explorer_page_queryset hook would reach only the explorer); what they
# may do with a page is decided by courses.page_permissions.CourseAuthoringPermissionTester.
# The page chooser is left alone on purpose: instructors choose other instructors'
# courses as prerequisites and link to them.
register_permission_policy(Page, AcademyPagePermissionPolicy(Page))
# Academy administrators hold the synonym permissions (courses/migrations/0008).
register_snippet(SearchSynonymViewSet)
register_snippet(ScormPackageViewSet)
# Academy administrators hold its permissions (courses/migrations/0016).
register_snippet(DevelopmentTargetViewSet)
# A course and its lessons submitted for review together, from the explorer.
hooks.register("register_bulk_action", SubmitForReviewBulkAction)


@hooks.register("register_admin_viewset")
def register_enrolment_requests():
    return EnrolmentRequestViewSet()


@hooks.register("register_admin_viewset")
def register_assessments():
    from .assessments.viewsets import AssessmentViewSetGroup

    return AssessmentViewSetGroup()


@hooks.register("register_admin_urls")
def register_scorm_results():
    from django.urls import path

    from .scorm.viewsets import (
        scorm_lesson_results_view,
        scorm_package_course_view,
        scorm_package_preview_view,
    )

    return [
        path(
            "courses/scorm-packages/<int:pk>/preview/",
            scorm_package_preview_view,
            name="scorm_package_preview",
        ),
        path(
            "courses/scorm-packages/<int:pk>/course/",
            scorm_package_course_view,
            name="scorm_package_course",
        ),
        path(
            "courses/scorm-lessons/<int:page_id>/results/",
            scorm_lesson_results_view,
            name="scorm_lesson_results",
        ),
    ]


@hooks.register("register_page_header_buttons")
def scorm_results_button(page, user, view_name, next_url=None):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from wagtail.admin.widgets import Button

    from .models import ScormLessonPage

    if page.specific_class is ScormLessonPage:
        yield Button(
            _("Learners' results"),
            url=reverse("scorm_lesson_results", args=[page.pk]),
            icon_name="tasks",
            priority=80,
        )
