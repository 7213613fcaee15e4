"""Every page's <title> ends with the Academy's name, a Wagtail page's starts with its
SEO title or title. A list view's paginator page is also called `page` in its
context; base.html read its `seo_title` through a filter argument, which raises where
a plain variable would not, and the whole title block fell back to nothing:
"ประกาศนียบัตรของบุคลากร · " with no name after it."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

import pytest

from courses.models import CoursePage

NAME = "Digital Government Academy"


def _title(context) -> str:
    with translation.override("en"):
        html = render_to_string("base.html", context)
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


pytestmark = pytest.mark.django_db


def test_a_paginated_list_keeps_the_academys_name():
    assert _title({"page": Paginator(range(3), 2).page(1)}) == NAME


def test_a_page_shows_its_seo_title_or_its_title():
    page = CoursePage(title="Data literacy", seo_title="")
    assert _title({"page": page}) == f"Data literacy · {NAME}"
    page.seo_title = "Data for civil servants"
    assert _title({"page": page}) == f"Data for civil servants · {NAME}"


def test_a_title_with_markup_is_escaped():
    page = CoursePage(title="<b>AI</b> & you")
    assert _title({"page": page}) == f"&lt;b&gt;AI&lt;/b&gt; &amp; you · {NAME}"


def test_the_hr_certificates_page_has_its_whole_title(client, governance_course):
    from django.urls import reverse

    from tests.certificates.certificate_helpers import issue
    from tests.factories import PlacementFactory, UserFactory, hr_officer, org_unit

    unit = org_unit("M", kind="ministry")
    learner = UserFactory(email="holder@example.go.th")
    PlacementFactory(unit=unit, person__user=learner)
    issue(learner, governance_course)  # one row: the list's page is not empty
    client.force_login(hr_officer(unit))
    response = client.get(reverse("hr:certificates"), HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["page"].object_list) == 1
    title = response.content.decode().split("<title>", 1)[1].split("</title>")[0]
    assert title == "Staff certificates · Digital Government Academy"
