"""Learner views of assessments (the HR results page is hr.results'): thin, each
parses, calls a service or selector, and renders. Another learner's attempt is a 404; every write is a CSRF-checked POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..selectors import completion_latest
from . import selectors, services
from .forms import responses_from_post


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
def assessment_detail(request, assessment_id: int):
    assessment = selectors.assessment_get_for_learner(assessment_id=assessment_id)
    overview = selectors.assessment_overview(user=request.user, assessment=assessment)
    if (
        overview.in_progress is not None
        and services.attempt_close_if_expired(attempt=overview.in_progress).is_submitted
    ):
        # Its time was up and it is graded now: read the attempts again.
        overview = selectors.assessment_overview(
            user=request.user, assessment=assessment
        )
    return render(
        request,
        "courses/assessments/assessment_detail.html",
        {"assessment": assessment, "overview": overview},
    )


@login_required
@require_POST
def attempt_start(request, assessment_id: int):
    assessment = selectors.assessment_get_for_learner(assessment_id=assessment_id)
    try:
        attempt = services.attempt_start(user=request.user, assessment=assessment)
    except services.AssessmentError as error:
        messages.error(request, error.message)
        return redirect("courses:assessment", assessment_id=assessment.pk)
    return redirect("courses:attempt", attempt_id=attempt.pk)


@login_required
def attempt_take(request, attempt_id: int):
    attempt = selectors.attempt_get_for_learner(
        user=request.user, attempt_id=attempt_id
    )
    attempt = services.attempt_close_if_expired(attempt=attempt)
    if attempt.is_submitted:
        return redirect("courses:attempt_result", attempt_id=attempt.pk)
    return render(
        request,
        "courses/assessments/attempt.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "questions": selectors.attempt_questions(attempt=attempt),
        },
    )


@login_required
@require_POST
def attempt_save(request, attempt_id: int):
    attempt = selectors.attempt_get_for_learner(
        user=request.user, attempt_id=attempt_id
    )
    try:
        attempt = services.attempt_save_answers(
            attempt=attempt, responses=responses_from_post(attempt, request.POST)
        )
    except services.AttemptClosed as closed:
        result_url = reverse("courses:attempt_result", args=[closed.attempt.pk])
        if _wants_json(request):
            return JsonResponse(
                {"closed": True, "message": closed.message, "redirect": result_url},
                status=409,
            )
        messages.warning(request, closed.message)
        return redirect(result_url)
    saved = _("Saved at %(time)s") % {
        "time": time_format(timezone.localtime(attempt.saved_at), "H:i:s")
    }
    if _wants_json(request):
        return JsonResponse({"closed": False, "message": saved})
    messages.success(request, saved)
    return redirect("courses:attempt", attempt_id=attempt.pk)


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    attempt = selectors.attempt_get_for_learner(
        user=request.user, attempt_id=attempt_id
    )
    was_open = not attempt.is_submitted
    responses = responses_from_post(attempt, request.POST)
    if (
        was_open
        and request.POST.get("confirm_unanswered") != "1"
        and not attempt.is_past_deadline()
    ):
        unanswered = selectors.unanswered_numbers(attempt=attempt, responses=responses)
        if unanswered:
            # Keep what was answered, then ask: submit anyway, or go back.
            try:
                attempt = services.attempt_save_answers(
                    attempt=attempt, responses=responses
                )
            except services.AttemptClosed as closed:
                messages.warning(request, closed.message)
                return redirect("courses:attempt_result", attempt_id=closed.attempt.pk)
            return render(
                request,
                "courses/assessments/attempt.html",
                {
                    "attempt": attempt,
                    "assessment": attempt.assessment,
                    "questions": selectors.attempt_questions(attempt=attempt),
                    "unanswered": unanswered,
                },
            )
    attempt = services.attempt_submit(attempt=attempt, responses=responses)
    if was_open and attempt.auto_submitted:
        messages.warning(
            request,
            _("Time was up. Your answers saved before the time limit were graded."),
        )
    return redirect("courses:attempt_result", attempt_id=attempt.pk)


@login_required
def attempt_result(request, attempt_id: int):
    attempt = selectors.attempt_get_for_learner(
        user=request.user, attempt_id=attempt_id
    )
    attempt = services.attempt_close_if_expired(attempt=attempt)
    if not attempt.is_submitted:
        return redirect("courses:attempt", attempt_id=attempt.pk)
    overview = selectors.assessment_overview(
        user=request.user, assessment=attempt.assessment
    )
    return render(
        request,
        "courses/assessments/attempt_result.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "result": selectors.attempt_result(
                attempt=attempt, attempts=overview.attempts
            ),
            "overview": overview,
            "course_completion": completion_latest(
                user=request.user, course=attempt.assessment.course
            )
            if attempt.passed and attempt.assessment.course_id
            else None,
        },
    )
