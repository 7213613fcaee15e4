"""Mail leaves through Celery so no request waits on the SMTP server."""

from smtplib import SMTPException

from django.core.mail import EmailMultiAlternatives

from celery import shared_task


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=6,
    acks_late=True,
)
def send_email(
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
