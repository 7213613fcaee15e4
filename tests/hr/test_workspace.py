"""The hr app: one URLconf whose every page passes the one door, and no models."""

from django.apps import apps
from django.urls import URLPattern, reverse

import pytest

from hr import urls as hr_urls
from tests.factories import UserFactory

ACTIONS = {"hr.act_as_officer", "hr.use_workspace"}


def test_the_hr_app_has_no_models():
    assert list(apps.get_app_config("hr").get_models()) == []


@pytest.mark.parametrize(
    "pattern",
    [p for p in hr_urls.urlpatterns if isinstance(p, URLPattern)],
    ids=lambda p: p.name,
)
def test_every_workspace_page_asks_an_authorisation_rule(pattern):
    """A page added to /hr/ without @workspace_view fails here, not in production."""
    assert getattr(pattern.callback, "workspace_action", None) in ACTIONS


def test_every_page_of_the_workspace_is_mounted_under_hr():
    for pattern in hr_urls.urlpatterns:
        kwargs = dict.fromkeys(pattern.pattern.converters, 1)
        if "fmt" in kwargs:
            kwargs["fmt"] = "csv"
        assert reverse(f"hr:{pattern.name}", kwargs=kwargs).startswith("/hr/")


@pytest.mark.django_db
def test_a_learner_finds_no_workspace_page(client):
    """Not an officer, not a supervisor: every page answers 404, POST-only ones too,
    so that a refusal does not confirm the workspace is there."""
    client.force_login(UserFactory())
    for pattern in hr_urls.urlpatterns:
        kwargs = dict.fromkeys(pattern.pattern.converters, 1)
        if "fmt" in kwargs:
            kwargs["fmt"] = "csv"
        response = client.get(reverse(f"hr:{pattern.name}", kwargs=kwargs))
        assert response.status_code == 404, pattern.name
