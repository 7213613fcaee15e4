"""The site menu offers each signed-in user the workspaces of their roles."""

import pytest

from academy.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _menu(client, user):
    client.force_login(user)
    return client.get("/courses/").content.decode()


@pytest.mark.parametrize(
    ("roles", "hr", "admin"),
    [
        ([Role.LEARNER], False, False),
        ([Role.INSTRUCTOR], False, True),
        ([Role.HR_OFFICER], True, False),
        ([Role.ACADEMY_ADMIN], False, True),
    ],
)
def test_menu_links_follow_roles(client, roles, hr, admin):
    html = _menu(client, UserFactory(roles=roles))
    assert 'href="/dashboard/"' in html
    assert 'href="/certificates/"' in html
    assert ('href="/hr/"' in html) is hr
    assert ('href="/admin/"' in html) is admin


def test_a_session_from_before_the_menu_key_is_answered_once(client):
    """A session signed in before a deploy that introduced the key keeps its links:
    the menu asks the rules once and keeps the answer."""
    from academy.core.navigation import SESSION_KEY

    client.force_login(UserFactory(roles=[Role.HR_OFFICER]))
    session = client.session
    del session[SESSION_KEY]
    session.save()
    assert 'href="/hr/"' in client.get("/courses/").content.decode()
    assert client.session[SESSION_KEY] == ["hr"]


def test_anonymous_menu_offers_sign_in_only(client):
    html = client.get("/courses/").content.decode()
    assert 'href="/dashboard/"' not in html
    assert 'href="/hr/"' not in html
    assert "/accounts/login/" in html


def test_drawing_the_menu_costs_no_query(client):
    """An HR officer's page (with the HR link) costs what a learner's does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(user) -> int:
        client.force_login(user)
        client.get("/courses/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/courses/")
        return len(queries)

    learner = queries_for(UserFactory(roles=[Role.LEARNER]))
    assert queries_for(UserFactory(roles=[Role.HR_OFFICER])) == learner


def test_the_admin_carries_the_bundled_thai_font(client):
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    html = client.get("/admin/").content.decode()
    assert "academy/css/admin.css" in html
