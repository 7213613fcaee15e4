"""Instructors read the history and usage of their own banks, questions and
assessments only, and the site history report leaves out everyone else's."""

from wagtail.log_actions import log

import pytest

from academy.accounts.roles import Role
from tests.courses.assessment_helpers import make_assessment, make_bank, single
from tests.factories import UserFactory, competency

pytestmark = pytest.mark.django_db


@pytest.fixture
def authors(framework_academy):
    mine = UserFactory(email="teacher@example.go.th", roles=[Role.INSTRUCTOR])
    theirs = UserFactory(email="other@example.go.th", roles=[Role.INSTRUCTOR])
    gov = competency(framework_academy, "ACD-GOV-02")
    items = {}
    for owner, code in ((mine, "mine"), (theirs, "theirs")):
        bank = make_bank(framework_academy, code=code, owner=owner)
        question = single(bank, gov, 2, f"{code}-q1")
        assessment = make_assessment(
            area=gov.parent,
            rules=[(bank, gov, 1)],
            title=f"แบบทดสอบ {code}",
            owner=owner,
        )
        for instance in (bank, question, assessment):
            log(instance=instance, action="wagtail.create", user=owner)
        items[code] = {
            "banks": bank,
            "questions": question,
            "assessments": assessment,
        }
    return mine, items


@pytest.mark.parametrize("kind", ["banks", "questions", "assessments"])
@pytest.mark.parametrize("view", ["history", "usage"])
def test_instructor_reads_history_and_usage_of_own_items_only(
    client, authors, kind, view
):
    mine, items = authors
    client.force_login(mine)
    own = client.get(f"/admin/assessments/{kind}/{view}/{items['mine'][kind].pk}/")
    assert own.status_code == 200
    other = client.get(f"/admin/assessments/{kind}/{view}/{items['theirs'][kind].pk}/")
    assert other.status_code == 404


def test_site_history_leaves_out_other_instructors_items(client, authors):
    mine, items = authors
    client.force_login(mine)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        page = client.get(url).content.decode()
        assert "คลังข้อสอบ mine" in page and "แบบทดสอบ mine" in page
        assert "คลังข้อสอบ theirs" not in page
        assert "แบบทดสอบ theirs" not in page
        assert "คำถาม theirs-q1" not in page


def test_site_history_shows_administrators_everything(client, authors):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    client.force_login(admin)
    page = client.get("/admin/reports/site-history/").content.decode()
    assert "คลังข้อสอบ mine" in page and "คลังข้อสอบ theirs" in page


def test_site_history_still_needs_the_admin(client, authors):
    learner = UserFactory(roles=[Role.LEARNER])
    client.force_login(learner)
    response = client.get("/admin/reports/site-history/")
    assert response.status_code in (302, 403)
    assert "คลังข้อสอบ" not in response.content.decode()


@pytest.fixture
def strangers_page_log(authors):
    """Another instructor's action on a page this instructor cannot explore."""
    from wagtail.models import Page

    theirs = UserFactory(email="other@example.go.th")
    root = Page.get_first_root_node()
    log(instance=root, action="wagtail.edit", user=theirs)
    return theirs


@pytest.fixture
def named_authors(authors):
    mine, items = authors
    theirs = UserFactory(email="other@example.go.th")
    for user, first, last in ((mine, "มานี", "มีนา"), (theirs, "ปิติ", "ชูใจ")):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return mine, theirs


def test_site_history_filters_name_no_other_instructor(
    client, named_authors, strangers_page_log
):
    mine, theirs = named_authors
    client.force_login(mine)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        page = client.get(url).content.decode()
        assert "มานี" in page  # the instructor's own rows and filter choice
        assert "other@example.go.th" not in page
        assert "ปิติ" not in page and "ชูใจ" not in page
        assert f'value="{theirs.pk}"' not in page


def test_site_history_filters_offer_only_visible_content_types(client, authors):
    """Only the other instructor's question has history: no question type offered."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import ModelLogEntry

    mine, items = authors
    question_type = ContentType.objects.get_for_model(items["mine"]["questions"])
    ModelLogEntry.objects.filter(
        content_type=question_type, object_id=str(items["mine"]["questions"].pk)
    ).delete()
    client.force_login(mine)
    response = client.get("/admin/reports/site-history/")
    offered = set(response.context["filters"].form.fields["object_type"].queryset)
    assert ContentType.objects.get_for_model(items["mine"]["banks"]) in offered
    assert question_type not in offered


def test_site_history_filters_offer_administrators_everyone(
    client, named_authors, strangers_page_log
):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    client.force_login(admin)
    page = client.get("/admin/reports/site-history/").content.decode()
    assert "ปิติ" in page and "มานี" in page
