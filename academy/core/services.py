"""Project-wide writes: queuing mail after the transaction that caused it commits."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from .tasks import send_email


def email_queue(*, message: EmailMessage) -> None:
    """Send a rendered message from a Celery worker once the current transaction commits."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (
                content
                for content, mimetype in message.alternatives
                if mimetype == "text/html"
            ),
            None,
        )
    payload = {
        "subject": str(message.subject),
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": html,
        "headers": dict(message.extra_headers) or None,
    }
    transaction.on_commit(lambda: send_email.delay(**payload))
