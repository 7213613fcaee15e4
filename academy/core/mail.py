"""One way to write the Academy's mail: a subject, a plain-text part and an HTML part in
the Academy's look, rendered in Thai from three templates that share a name.

``mail_render("courses/assignments/email/assigned", context, to=[...])`` reads
``…/assigned_subject.txt``, ``…/assigned_body.txt`` and ``…/assigned_body.html`` (the
HTML one extends ``core/email/base.html``). Links in mail are built with
academy.core.public (the configured public origin), never from a request's Host.
Queue the result with academy.core.services.email_queue.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .public import public_base_url, public_url

MAIL_LANGUAGE = "th"


def mail_context(extra: dict) -> dict:
    """What every mail template may use, plus the caller's context."""
    return {
        "academy_name": settings.ACADEMY_NAME_TH,
        "academy_name_en": settings.ACADEMY_NAME_EN,
        "public_base_url": public_base_url(),
        "dashboard_url": public_url("/dashboard/"),
        "certificates_url": public_url("/certificates/"),
        **extra,
    }


def mail_render(
    template: str, context: dict, *, to: list[str], language: str = MAIL_LANGUAGE
) -> EmailMultiAlternatives:
    """The message `template` names, rendered in `language` (Thai unless told)."""
    full = mail_context(context)
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", full)
        body = render_to_string(f"{template}_body.txt", full)
        html = render_to_string(f"{template}_body.html", full)
    message = EmailMultiAlternatives(
        subject=f"[{settings.ACADEMY_NAME_TH}] {' '.join(subject.split())}",
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(html, "text/html")
    return message
