"""Sessions are read from the cache (cached_db): a signed-in page reads no session row,
and ending a session (signing out elsewhere, anonymisation) still ends it at once."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_session_engine_is_cached_db():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_page_reads_no_session_row(client):
    client.force_login(UserFactory())
    client.get("/courses/")

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/courses/").status_code == 200

    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]


def test_ending_a_session_signs_out_at_once(client):
    from allauth.usersessions.models import UserSession

    user = UserFactory()
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    UserSession.objects.create(
        user=user, session_key=client.session.session_key, ip="127.0.0.1"
    ).end()

    assert client.get("/dashboard/").status_code == 302
