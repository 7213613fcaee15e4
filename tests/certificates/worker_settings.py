"""Settings of the real Celery worker that test_worker_kill starts and kills.

The test settings, plus the test hooks (ACADEMY_TEST_ISSUE_DELAY is honoured) and a
short Redis visibility timeout, so that the message of a task whose worker died is
delivered again within seconds (Celery's default is an hour).
"""

from academy.settings.test import *  # noqa: F403

ACADEMY_TEST_HOOKS = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
