"""Deployment check (`manage.py check --deploy`): SCORM packages need an origin of their
own, another host than the Academy's, that the application answers (docs/scorm.md)."""

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register

from .origin import content_host, content_origin, origin_problem


@register(Tags.security, deploy=True)
def scorm_content_origin_check(app_configs, **kwargs):
    problem = origin_problem()
    if problem and content_origin():
        # The same host as the Academy: package scripts would run on its origin.
        return [
            Error(
                problem,
                hint="Give ACADEMY_SCORM_CONTENT_ORIGIN a host name of its own.",
                id="courses.E101",
            )
        ]
    if problem:
        # Not set: a deployment without SCORM lessons is a choice, not a risk.
        return [
            Info(
                problem,
                hint="SCORM lessons cannot be played until it is set "
                "(for example https://academy-content.example.go.th).",
                id="courses.I101",
            )
        ]
    host = content_host().split(":")[0]
    allowed = settings.ALLOWED_HOSTS
    if "*" not in allowed and host not in allowed:
        return [
            Warning(
                f"The SCORM content host {host!r} is not in ALLOWED_HOSTS.",
                hint="Add it to DJANGO_ALLOWED_HOSTS, or package files get 400.",
                id="courses.W102",
            )
        ]
    return []
