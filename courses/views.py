"""Learner views: thin, each parses, calls one service or selector, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.core.pagecache import page_cacheable
from academy.core.thaidate import fiscal_year

from .dashboard_cache import dashboard_page
from .development.selectors import plans_awaiting_supervisor
from .models import CoursePage, Enrolment, LessonPage
from .selectors import (
    catalogue_filter_choices,
    catalogue_filters_parse,
    course_list_for_catalogue,
)
from .services import (
    EnrolmentError,
    enrolment_create,
    enrolment_withdraw,
    lesson_complete,
)


@login_required
def dashboard(request):
    def render_rest(data, assessments) -> str:
        return render_to_string(
            "courses/includes/dashboard_rest.html",
            {"dashboard": data, "assessments": assessments},
            request=request,
        )

    # The data and the HTML of all but the assigned courses (their form's CSRF token
    # is the request's), from the learner's cache when nothing they show changed.
    data, assessments, rest = dashboard_page(
        user=request.user, host=request.get_host(), render=render_rest
    )
    # Not cached with the rest: it changes when the people supervised agree a plan.
    year = fiscal_year(timezone.localdate())
    return render(
        request,
        "courses/dashboard.html",
        {
            "dashboard": data,
            "assessments": assessments,
            "dashboard_rest": mark_safe(rest),  # noqa: S308 - rendered by render_rest
            "plans_waiting": plans_awaiting_supervisor(request.user, year=year),
            "plans_year": year,
        },
    )


@page_cacheable
def search(request):
    filters = catalogue_filters_parse(request.GET)
    courses = course_list_for_catalogue(filters=filters) if filters.active else []
    return render(
        request,
        "courses/search.html",
        {"filters": filters, "courses": courses, "choices": catalogue_filter_choices()},
    )


def _live_course(course_id: int) -> CoursePage:
    course = CoursePage.objects.live().public().filter(pk=course_id).first()
    if course is None:
        raise Http404
    return course


@login_required
@require_POST
def enrol(request, course_id: int):
    course = _live_course(course_id)
    try:
        enrolment = enrolment_create(user=request.user, course=course)
    except EnrolmentError as error:
        messages.error(request, error.message)
        for reason in error.reasons:
            messages.warning(request, reason)
        return redirect(course.url)
    if enrolment.status == Enrolment.Status.PENDING:
        messages.info(request, _("Your request to join is waiting for approval."))
    else:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect(course.url)


@login_required
@require_POST
def withdraw(request, course_id: int):
    course = _live_course(course_id)
    enrolment = get_object_or_404(
        Enrolment, user=request.user, course=course, status__in=Enrolment.OPEN_STATUSES
    )
    try:
        enrolment_withdraw(enrolment=enrolment)
    except EnrolmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have left the course."))
    return redirect(course.url)


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    if getattr(lesson.specific_class, "completes_itself", False):
        # A SCORM lesson is completed by its package's status, not by the learner.
        messages.error(request, _("This lesson is completed by working through it."))
        return redirect(lesson.url)
    try:
        lesson_complete(user=request.user, lesson=lesson)
    except EnrolmentError as error:
        messages.error(request, error.message)
        return redirect(lesson.url)
    following = (
        LessonPage.objects.live()
        .sibling_of(lesson, inclusive=False)
        .filter(path__gt=lesson.path)
        .order_by("path")
        .first()
    )
    if following is not None:
        return redirect(following.url)
    return redirect(lesson.get_parent().url)
