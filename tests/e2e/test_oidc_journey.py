"""In Chromium: a civil servant HR placed signs in with a government identity through
the provider's own pages (oidc-provider under Node), lands in the Academy linked to
their record, sees the identity on their account, and signs out of both."""

import pytest

from competencies.models import Person
from competencies.national_id import national_id_digest, pii_key
from tests.academy import oidc_support
from tests.factories import PersonFactory, PlacementFactory, org_unit, thai_national_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_sign_in]

NATIONAL_ID = thai_national_id(80001)


@pytest.fixture
def provider(live_server, settings, tmp_path):
    with oidc_support.running_provider(
        tmp_path,
        redirect_uris=[f"{live_server.url}/accounts/oidc/govid/login/callback/"],
        accounts={
            "somying": {
                "pid": NATIONAL_ID,
                "email": "somying@mail.example",
                "email_verified": True,
            }
        },
        post_logout=[f"{live_server.url}/"],
    ) as running:
        settings.ACADEMY_PUBLIC_BASE_URL = live_server.url
        oidc_support.configure(settings, running.table())
        yield running


def _csp_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


def test_sign_in_with_a_government_identity_and_out_again(
    page, provider, live_server, shot
):
    person = PersonFactory(
        email="somying@example.go.th",
        national_id_digest=national_id_digest(NATIONAL_ID, key=pii_key()),
    )
    PlacementFactory(person=person, unit=org_unit("OIDC1"))
    violations = _csp_violations(page)

    page.goto("/accounts/login/")
    shot(page, "academy-sign-in")
    page.get_by_role("button", name="ดำเนินการต่อด้วย ThaID ทดสอบ").click()

    # The provider's own sign-in and consent pages.
    page.wait_for_url(f"{provider.issuer}/**")
    page.fill("input[name=login]", "somying")
    page.fill("input[name=password]", "any password")
    shot(page, "provider-sign-in")
    page.click("button[type=submit]")
    page.wait_for_url(f"{provider.issuer}/**")
    page.click("button[type=submit]")  # consent

    # Back at the Academy, signed in: first the privacy notice.
    page.wait_for_url(f"{live_server.url}/**")
    assert "/accounts/privacy/" in page.url
    page.check("input[name=accept]")
    page.click("form.privacy-accept button[type=submit]")
    page.wait_for_load_state()
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.email == "somying@example.go.th"

    page.goto("/accounts/identities/")
    assert page.get_by_role("cell", name="ThaID ทดสอบ", exact=True).count() == 1
    shot(page, "identities")

    # Sign out: the Academy's session ends, then the provider's (its confirmation).
    page.goto("/accounts/logout/")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{provider.issuer}/session/end**")
    page.click("button[autofocus], form button")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="เข้าสู่ระบบ").count() >= 1
    assert violations == []
    assert Person.objects.get(pk=person.pk).user_id == person.user_id
