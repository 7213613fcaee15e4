"""The linked-identities page: one's own identities only, at a constant query cost."""

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.academy import oidc_support
from tests.factories import UserFactory
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(settings):
    oidc_support.configure(
        settings,
        {
            "id": "thaid",
            "name": "ThaID",
            "issuer": "https://imauth.bora.dopa.go.th",
            "client_id": "academy",
            "client_secret_env": "ACADEMY_TEST_OIDC_SECRET",
            "claims": {"national_id": "pid"},
        },
    )


def test_the_page_lists_only_ones_own_identities(client, providers):
    user, other = UserFactory(), UserFactory()
    SocialAccount.objects.create(user=user, provider="thaid", uid="mine")
    SocialAccount.objects.create(user=other, provider="thaid", uid="theirs")
    client.force_login(user)

    page = client.get("/accounts/identities/").content.decode()

    assert page.count('name="account"') == 1
    assert "ThaID" in page
    assert 'value="connect"' not in page  # one identity per provider


def test_a_provider_not_linked_yet_is_offered(client, providers):
    client.force_login(UserFactory())
    page = client.get("/accounts/identities/").content.decode()
    assert 'value="connect"' in page
    assert "เชื่อม ThaID" in page


def test_the_page_costs_as_many_queries_for_fifty_identities_as_for_one(
    client, providers
):
    user = UserFactory()
    client.force_login(user)
    made = []

    def grow(count):
        for _ in range(count):
            made.append(
                SocialAccount.objects.create(
                    user=user, provider="thaid", uid=f"uid-{len(made)}"
                )
            )

    one, fifty = one_and_fifty(
        grow, lambda: page_queries(client, "/accounts/identities/")
    )
    assert one == fifty
    assert one <= 12


def test_the_sign_in_page_offers_each_configured_provider(client, providers):
    page = client.get("/accounts/login/").content.decode()
    assert "ดำเนินการต่อด้วย ThaID" in page
    assert 'action="/accounts/oidc/thaid/login/"' in page


def test_without_providers_the_sign_in_page_offers_none(client):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in page


@pytest.mark.parametrize("value", ["", "abc", "99999"])
def test_removing_an_identity_that_is_not_ones_own_is_not_found(
    client, providers, value
):
    user = UserFactory()
    SocialAccount.objects.create(user=user, provider="thaid", uid="mine")
    client.force_login(user)
    response = client.post("/accounts/identities/", {"account": value})
    assert response.status_code == 404
    assert SocialAccount.objects.filter(user=user).count() == 1


def test_the_data_download_lists_identities_and_anonymising_removes_them(
    client, providers
):
    import json

    from academy.accounts.privacy import DataSubject, subject_anonymise

    user = UserFactory()
    SocialAccount.objects.create(
        user=user, provider="thaid", uid="mine", extra_data={"pid": "[redacted]"}
    )
    client.force_login(user)

    document = json.loads(client.post("/accounts/my-data.json").content)

    [identity] = document["identities"]
    assert identity["provider"] == "thaid"
    assert identity["subject"] == "mine"
    assert identity["claims"] == {"pid": "[redacted]"}

    subject_anonymise(subject=DataSubject(user=user, person_id=None))
    assert not SocialAccount.objects.filter(user=user).exists()
