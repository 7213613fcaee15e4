"""Project-wide writes: queuing mail after the transaction that caused it commits."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from .tasks import send_email, send_email_bulk


def email_queue(*, message: EmailMessage, urgent: bool = False) -> None:
    """Send a rendered message from a Celery worker once the current transaction commits.

    `urgent` for mail a person waits for (a sign-in code): it goes on the mail queue
    ahead of batches such as reminders.
    """
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
    task = send_email if urgent else send_email_bulk
    transaction.on_commit(lambda: task.delay(**payload))
