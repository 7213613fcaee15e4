"""Listens to the courses app: a completed course gets its certificate issued."""

import logging

from django.db import transaction
from django.dispatch import receiver

from courses.signals import course_completed

logger = logging.getLogger(__name__)


@receiver(course_completed, dispatch_uid="certificates.issue_on_completion")
def issue_certificate_on_completion(sender, completion, **kwargs) -> None:
    """Queue issuing once the sender's transaction has committed.

    The signal already arrives after commit; on_commit still matters when it is sent
    inside a transaction (it then waits for it, and runs at once otherwise).
    robust=True: a broker that is down must not fail the learner's request; the
    certificate_issue_missing task picks such completions up later.
    """
    from certificates.tasks import certificate_issue

    completion_id = completion.pk
    transaction.on_commit(lambda: certificate_issue.delay(completion_id), robust=True)
