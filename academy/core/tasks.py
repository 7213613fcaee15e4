"""Mail leaves through Celery so no request waits on the SMTP server."""

from smtplib import SMTPException

from django.core.mail import EmailMultiAlternatives

from celery import shared_task


def _send(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str | None = None,
    headers: dict | None = None,
) -> int:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


# Two tasks, two queues (settings CELERY_TASK_ROUTES): mail someone is waiting for at
# the sign-in page (codes, password resets) on "mail", batches (reminders) on
# "mail_bulk". The mail worker consumes both and alternates between them, so a code
# never waits behind a batch. A retry after an SMTP error may send a message twice
# (the server may have taken it before failing): mail is at-least-once.
_MAIL_TASK = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 6,
    "acks_late": True,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**_MAIL_TASK)
def send_email(**message) -> int:
    return _send(**message)


@shared_task(**_MAIL_TASK)
def send_email_bulk(**message) -> int:
    return _send(**message)
