"""Sign-in through a real OpenID Connect provider (oidc-provider under Node).

Each test signs in through the Academy's button, the provider's own sign-in and
consent pages, and the Academy's callback: linking by the national-ID claim or a
verified address only to a person HR placed, refusing an unverified address and an
unknown identity (or making a learner account where allowed), refusing ID tokens
that were tampered with, are for another client, expired, or from another sign-in,
and ending the provider's session at sign-out.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from academy.accounts.audit import AuditAction
from academy.accounts.models import AuditEntry
from competencies.models import Person
from competencies.national_id import national_id_digest, pii_key
from tests.academy import oidc_support
from tests.factories import PersonFactory, PlacementFactory, UserFactory, org_unit
from tests.factories import thai_national_id as make_national_id

pytestmark = [pytest.mark.django_db, pytest.mark.real_sign_in]

PLACED_ID = make_national_id(70001)
STRANGER_ID = make_national_id(70002)
UNPLACED_ID = make_national_id(70003)
OFFICER_ID = make_national_id(70004)
CALLBACK = "http://testserver/accounts/oidc/govid/login/callback/"

ACCOUNTS = {
    "somchai": {
        "pid": PLACED_ID,
        "email": "somchai.home@mail.example",
        "email_verified": True,
        "given_name": "สมชาย",
        "family_name": "รักชาติ",
    },
    "verified": {"email": "verified.person@example.go.th", "email_verified": True},
    "unverified": {"email": "unverified.person@example.go.th", "email_verified": False},
    "stranger": {
        "pid": STRANGER_ID,
        "email": "stranger@mail.example",
        "email_verified": True,
    },
    "unplaced": {"pid": UNPLACED_ID},
    "officer": {"pid": OFFICER_ID, "amr": ["pwd", "otp"]},
}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with oidc_support.running_provider(
        tmp_path_factory.mktemp("oidc"),
        redirect_uris=[CALLBACK],
        accounts=ACCOUNTS,
        post_logout=["http://testserver/"],
    ) as running:
        yield running


@pytest.fixture
def govid(provider, settings):
    oidc_support.configure(settings, provider.table())
    return provider


def placed(*, national_id: str | None = None, email: str = "", user=None) -> Person:
    person = PersonFactory(
        email=email,
        user=user,
        national_id_digest=(
            national_id_digest(national_id, key=pii_key()) if national_id else None
        ),
    )
    PlacementFactory(person=person, unit=org_unit(f"U{person.pk}"))
    return person


def audit(action: str):
    return list(AuditEntry.objects.filter(action=action))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_sign_in_page_offers_the_provider_with_pkce_and_a_nonce(client, govid):
    page = client.get("/accounts/login/")
    assert "ThaID ทดสอบ" in page.content.decode()
    start = client.post("/accounts/oidc/govid/login/", {"process": "login"})
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(govid.issuer + "/auth")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 16
    assert sorted(query["scope"][0].split()) == ["email", "openid", "profile", "thaid"]


def test_national_id_claim_links_the_placed_person_and_makes_their_account(
    client, govid
):
    person = placed(national_id=PLACED_ID, email="somchai@example.go.th")

    response = oidc_support.sign_in(client, "somchai")

    assert response.status_code == 302, response.content[:800]
    person.refresh_from_db()
    assert person.user is not None
    assert str(person.user.pk) == signed_in_as(client)
    assert person.user.email == "somchai@example.go.th"  # HR's address, not the claim
    assert not person.user.has_usable_password()
    identity = SocialAccount.objects.get(user=person.user)
    assert (identity.provider, identity.uid) == ("govid", "somchai")
    # The national ID is compared by digest and never stored in clear.
    stored = json.dumps(identity.extra_data) + json.dumps(
        list(AuditEntry.objects.values_list("detail", flat=True))
    )
    assert PLACED_ID not in stored
    assert identity.extra_data["id_token"]["pid"] == "[redacted]"
    [link] = audit(AuditAction.IDENTITY_LINK)
    assert link.detail["method"] == "identity_national_id"
    assert link.subject_person_id == person.pk
    [person_link] = audit(AuditAction.PERSON_LINK)
    assert person_link.detail["method"] == "identity_national_id"

    # Next time the identity is known: the same account, nothing linked again.
    client.logout()
    again = oidc_support.sign_in(client, "somchai")
    assert again.status_code == 302
    assert signed_in_as(client) == str(person.user.pk)
    assert len(audit(AuditAction.IDENTITY_LINK)) == 1


def test_a_placed_person_with_an_account_signs_in_to_it(client, govid):
    user = UserFactory(email="somchai@example.go.th")
    person = placed(national_id=PLACED_ID, email=user.email, user=user)

    response = oidc_support.sign_in(client, "somchai")

    assert response.status_code == 302
    assert signed_in_as(client) == str(user.pk)
    assert SocialAccount.objects.get(user=user).provider == "govid"
    person.refresh_from_db()
    assert person.user == user
    assert user.has_usable_password()


def test_an_email_the_provider_verified_links_the_placed_person(client, govid):
    person = placed(email="verified.person@example.go.th")

    response = oidc_support.sign_in(client, "verified")

    assert response.status_code == 302
    person.refresh_from_db()
    assert str(person.user_id) == signed_in_as(client)
    assert EmailAddress.objects.get(user=person.user).verified
    [link] = audit(AuditAction.IDENTITY_LINK)
    assert link.detail["method"] == "identity_verified_email"


def test_an_unverified_email_never_links(client, govid):
    person = placed(email="unverified.person@example.go.th")

    response = oidc_support.sign_in(client, "unverified")

    assert response.status_code == 403
    assert "ยังไม่ได้เชื่อม" in response.content.decode()
    assert signed_in_as(client) is None
    person.refresh_from_db()
    assert person.user is None
    assert not SocialAccount.objects.exists()
    [refusal] = audit(AuditAction.IDENTITY_REFUSED)
    assert refusal.detail == {"provider": "govid", "reason": "unknown"}


def test_email_linking_is_off_unless_the_administrator_turns_it_on(
    client, provider, settings
):
    oidc_support.configure(settings, provider.table(link_by=["national_id"]))
    person = placed(email="verified.person@example.go.th")

    response = oidc_support.sign_in(client, "verified")

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.user is None


def test_a_person_hr_did_not_place_is_not_linked(client, govid):
    person = PersonFactory(
        national_id_digest=national_id_digest(UNPLACED_ID, key=pii_key())
    )  # no placement

    response = oidc_support.sign_in(client, "unplaced")

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.user is None


def test_an_unknown_identity_waits_for_hr(client, govid, django_user_model):
    users_before = django_user_model.objects.count()

    response = oidc_support.sign_in(client, "stranger")

    assert response.status_code == 403
    assert "เจ้าหน้าที่ทรัพยากรบุคคล" in response.content.decode()
    assert django_user_model.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert audit(AuditAction.IDENTITY_REFUSED)[0].detail["reason"] == "unknown"


def test_an_unknown_identity_becomes_a_learner_where_allowed(
    client, provider, settings
):
    oidc_support.configure(settings, provider.table(unknown="learner"))

    response = oidc_support.sign_in(client, "stranger")

    assert response.status_code == 302, response.content[:800]
    identity = SocialAccount.objects.get(provider="govid", uid="stranger")
    assert signed_in_as(client) == str(identity.user_id)
    assert identity.user.email == "stranger@mail.example"
    assert not identity.user.has_usable_password()
    assert not Person.objects.filter(user=identity.user).exists()
    [link] = audit(AuditAction.IDENTITY_LINK)
    assert link.detail["method"] == "learner_created"
    assert link.subject_person_id is None


def test_an_identity_does_not_take_over_an_account_with_the_same_address(
    client, provider, settings
):
    oidc_support.configure(settings, provider.table(unknown="learner"))
    someone = UserFactory(email="stranger@mail.example")

    response = oidc_support.sign_in(client, "stranger")

    assert response.status_code == 403
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.filter(user=someone).exists()


@pytest.mark.parametrize(
    "alter",
    [
        oidc_support.tamper,
        oidc_support.wrong_audience,
        oidc_support.expired,
        oidc_support.wrong_nonce,
    ],
    ids=["tampered", "wrong-audience", "expired", "other-sign-in-nonce"],
)
def test_an_id_token_that_fails_a_check_signs_nobody_in(
    client, provider, settings, alter
):
    person = placed(national_id=PLACED_ID, email="somchai@example.go.th")
    with oidc_support.token_proxy(provider, alter) as token_endpoint:
        oidc_support.configure(
            settings, provider.table(endpoints={"token_endpoint": token_endpoint})
        )
        response = oidc_support.sign_in(client, "somchai")

    assert response.status_code == 401
    assert "ไม่สำเร็จ" in response.content.decode()
    assert signed_in_as(client) is None
    person.refresh_from_db()
    assert person.user is None
    assert not SocialAccount.objects.exists()


def test_the_same_proxy_passes_a_genuine_token(client, provider, settings):
    """The refusals above come from the alterations, not from the proxy."""
    placed(national_id=PLACED_ID, email="somchai@example.go.th")
    with oidc_support.token_proxy(provider, lambda _p, raw: raw) as token_endpoint:
        oidc_support.configure(
            settings, provider.table(endpoints={"token_endpoint": token_endpoint})
        )
        response = oidc_support.sign_in(client, "somchai")
    assert response.status_code == 302
    assert signed_in_as(client) is not None


def test_a_callback_with_another_state_is_refused(client, govid):
    placed(national_id=PLACED_ID, email="somchai@example.go.th")
    start = client.post("/accounts/oidc/govid/login/", {"process": "login"})
    callback = oidc_support.through_provider(start["Location"], "somchai")
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert response.status_code == 401


def test_sign_out_ends_the_academy_session_and_the_providers(client, govid):
    placed(email="verified.person@example.go.th")
    assert oidc_support.sign_in(client, "verified").status_code == 302

    response = client.post("/accounts/logout/")

    assert signed_in_as(client) is None
    location = response["Location"]
    assert location.startswith(govid.issuer + "/session/end")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert "id_token_hint" in query  # this token carries no national ID
    # The provider ends its session and sends the browser home.
    assert oidc_support.through_provider(location, "verified") == "/"


def test_sign_out_keeps_no_token_that_carries_a_national_id(client, govid):
    placed(national_id=PLACED_ID, email="somchai@example.go.th")
    oidc_support.sign_in(client, "somchai")
    assert client.session["academy_oidc"]["id_token"] is None

    response = client.post("/accounts/logout/")

    query = parse_qs(urlsplit(response["Location"]).query)
    assert "id_token_hint" not in query
    assert query["client_id"] == [oidc_support.CLIENT_ID]


def test_discovery_and_keys_are_cached(client, govid):
    from django.core.cache import cache

    from academy.accounts.oidc import tokens

    placed(national_id=PLACED_ID, email="somchai@example.go.th")
    oidc_support.sign_in(client, "somchai")
    discovery = cache.get(
        tokens._key("discovery", govid.issuer + "/.well-known/openid-configuration")
    )
    assert discovery["issuer"] == govid.issuer
    assert cache.get(tokens._key("jwks", discovery["jwks_uri"]))["keys"]


def test_a_person_sees_and_removes_their_identity(client, govid):
    person = placed(national_id=PLACED_ID, email="somchai@example.go.th")
    oidc_support.sign_in(client, "somchai")
    person.refresh_from_db()
    identity = SocialAccount.objects.get(user=person.user)

    page = client.get("/accounts/identities/")
    assert page.status_code == 200
    assert "ThaID ทดสอบ" in page.content.decode()

    response = client.post("/accounts/identities/", {"account": identity.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.filter(pk=identity.pk).exists()
    [unlink] = audit(AuditAction.IDENTITY_UNLINK)
    assert unlink.actor == person.user
    assert unlink.subject_person_id == person.pk
    assert unlink.detail == {"provider": "govid"}


def test_nobody_removes_someone_elses_identity(client, govid):
    person = placed(national_id=PLACED_ID, email="somchai@example.go.th")
    oidc_support.sign_in(client, "somchai")
    person.refresh_from_db()
    identity = SocialAccount.objects.get(user=person.user)
    other = UserFactory()
    client.force_login(other)

    response = client.post("/accounts/identities/", {"account": identity.pk})

    assert response.status_code == 404
    assert SocialAccount.objects.filter(pk=identity.pk).exists()


def test_staff_still_need_their_second_factor(client, govid):
    from academy.accounts.roles import Role

    user = UserFactory(email="somchai@example.go.th", roles=[Role.HR_OFFICER])
    placed(national_id=PLACED_ID, email=user.email, user=user)

    oidc_support.sign_in(client, "somchai")

    assert signed_in_as(client) == str(user.pk)
    response = client.get("/hr/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_staff_pass_with_a_second_factor_the_provider_asserts_if_configured(
    client, provider, settings
):
    from academy.accounts.roles import Role

    oidc_support.configure(settings, provider.table(mfa_amr=["otp", "hwk", "mfa"]))
    user = UserFactory(email="officer@example.go.th", roles=[Role.HR_OFFICER])
    placed(national_id=OFFICER_ID, email=user.email, user=user)

    oidc_support.sign_in(client, "officer")

    assert signed_in_as(client) == str(user.pk)
    [record] = [
        record
        for record in client.session["account_authentication_methods"]
        if record["method"] == "mfa"
    ]
    assert record["type"] == "identity_provider"
    assert record["amr"] == ["otp"]
    response = client.get("/hr/")
    assert "/accounts/2fa/" not in response.get("Location", "")


def test_an_asserted_factor_counts_only_where_the_administrator_said_so(client, govid):
    from academy.accounts.roles import Role

    user = UserFactory(email="officer@example.go.th", roles=[Role.HR_OFFICER])
    placed(national_id=OFFICER_ID, email=user.email, user=user)

    oidc_support.sign_in(client, "officer")

    assert signed_in_as(client) == str(user.pk)
    response = client.get("/hr/")
    assert "/accounts/2fa/" in response["Location"]


def test_staff_with_an_authenticator_enter_its_code_after_the_provider(client, govid):
    from academy.accounts.roles import Role
    from tests.signin import enrol_totp, totp_code

    user = UserFactory(email="officer@example.go.th", roles=[Role.HR_OFFICER])
    placed(national_id=OFFICER_ID, email=user.email, user=user)
    secret = enrol_totp(user)

    response = oidc_support.sign_in(client, "officer")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert signed_in_as(client) is None
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert done.status_code == 302
    assert signed_in_as(client) == str(user.pk)
    # The paused login still remembers the provider, to sign out there.
    assert client.session["academy_oidc"]["provider"] == "govid"


def test_staff_with_an_authenticator_skip_it_when_the_provider_asserted_one(
    client, provider, settings
):
    from academy.accounts.roles import Role
    from tests.signin import enrol_totp

    oidc_support.configure(settings, provider.table(mfa_amr=["otp"]))
    user = UserFactory(email="officer@example.go.th", roles=[Role.HR_OFFICER])
    placed(national_id=OFFICER_ID, email=user.email, user=user)
    enrol_totp(user)

    response = oidc_support.sign_in(client, "officer")

    assert not response["Location"].startswith("/accounts/2fa/")
    assert signed_in_as(client) == str(user.pk)


def test_a_signed_in_person_links_an_identity_that_designates_them(client, govid):
    user = UserFactory(email="somchai@example.go.th")
    person = placed(national_id=PLACED_ID, email=user.email, user=user)
    client.force_login(user)

    response = oidc_support.sign_in(client, "somchai", process="connect")

    assert response.status_code == 302, response.content[:500]
    identity = SocialAccount.objects.get(user=user)
    assert identity.provider == "govid"
    [link] = audit(AuditAction.IDENTITY_LINK)
    assert link.actor == user
    assert link.subject_person_id == person.pk
    assert link.detail["method"] == "connected_by_person"


def test_a_signed_in_person_cannot_link_someone_elses_identity(client, govid):
    placed(national_id=PLACED_ID, email="somchai@example.go.th")
    intruder = UserFactory(email="intruder@example.go.th")
    client.force_login(intruder)

    response = oidc_support.sign_in(client, "somchai", process="connect")

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()
    assert audit(AuditAction.IDENTITY_REFUSED)[0].detail["reason"] == "other_account"


def test_a_placed_persons_address_used_by_another_account_is_refused_and_audited(
    client, govid, django_user_model
):
    UserFactory(email="somchai@example.go.th")  # not linked to the record
    person = placed(national_id=PLACED_ID, email="somchai@example.go.th")
    users_before = django_user_model.objects.count()

    response = oidc_support.sign_in(client, "somchai")

    assert response.status_code == 403
    assert django_user_model.objects.count() == users_before
    person.refresh_from_db()
    assert person.user is None
    [refusal] = audit(AuditAction.IDENTITY_REFUSED)
    assert refusal.detail["reason"] == "email_taken"
    assert refusal.subject_person_id == person.pk
