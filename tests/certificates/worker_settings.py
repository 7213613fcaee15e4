"""Settings of the real Celery worker that test_worker_kill starts and kills.

The test settings, plus the test hooks (ACADEMY_TEST_ISSUE_DELAY is honoured) and a
short Redis visibility timeout swept every second, so that the message of a task whose worker died is
delivered again within seconds (Celery's default is an hour).
"""

from academy.settings.test import *  # noqa: F403

ACADEMY_TEST_HOOKS = True
# kombu sweeps for unacknowledged messages every unacked_restore_interval seconds but
# scans Redis only on every unacked_restore_throttle-th sweep (10 × 10 s by default):
# scan every second, so a killed worker's message is back 5-6 s later, not ~100 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
