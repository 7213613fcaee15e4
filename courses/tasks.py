"""Celery tasks of the courses app: thin, they call a service."""

from django.contrib.auth import get_user_model

from celery import shared_task

from .models import LessonPage


@shared_task
def lesson_view_record_task(user_id: int, lesson_id: int) -> bool:
    """Remember an opened lesson outside the GET that opened it (no write on a GET)."""
    from .services import lesson_view_record

    user = get_user_model().objects.filter(pk=user_id).first()
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if user is None or lesson is None:
        return False
    return lesson_view_record(user=user, lesson=lesson) is not None
