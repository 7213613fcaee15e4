"""Project-wide fixtures: media in a temporary folder, standards loaded once per test,
and test-client logins that complete MFA and the privacy notice (tests/signin.py)."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(request, tmp_path):
    """Uploaded files, public and private, go to a temporary folder (when Django is loaded)."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACADEMY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield


@pytest.fixture(autouse=True)
def _harness_logins_complete_sign_in(request, monkeypatch):
    """`client.force_login` / `client.login` leave a session as a real sign-in would.

    Staff get a TOTP authenticator and allauth's record that the session used it, and
    everyone has accepted the current privacy notice; see tests/signin.py. Tests that
    prove those rules opt out with @pytest.mark.real_sign_in.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        return
    if request.node.get_closest_marker("real_sign_in"):
        return
    from django.test import Client

    from tests.signin import mark_harness_session

    original_login = Client._login

    def _login(self, user, backend=None):
        original_login(self, user, backend)
        mark_harness_session(self.session, user)

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture
def standards(db):
    """Both shipped Thai frameworks, the scale and the position structure."""
    from competencies.services import standards_load

    standards_load()
    from competencies.models import Framework

    return {framework.code: framework for framework in Framework.objects.all()}


@pytest.fixture
def framework_2024(standards):
    return standards["th-dg-2024"]


@pytest.fixture
def framework_2018(standards):
    return standards["th-dg-2018"]


@pytest.fixture(autouse=True)
def _site_tree_for_transactional_tests(request):
    """Transactional tests (live server, concurrency) start with the migrated page tree.

    The flush after an earlier transactional test empties what data migrations made
    (Wagtail's root, home and catalogue pages); tests that rely on them would then
    depend on the order they run in.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from tests.site import site_tree

    site_tree()
