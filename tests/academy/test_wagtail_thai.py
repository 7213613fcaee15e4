"""The Wagtail admin in Thai as the Academy writes it (academy/core/wagtail_locale).

Wagtail's own Thai catalogue covers a third of the admin, in a register no ministry
uses (คุณ, "เกร็ดเล็กเกร็ดน้อย" for snippets, "เซฟ,เก็บข้อมูล" for Save). The Academy ships
its own catalogue for every string of the Wagtail apps it installs, the JavaScript
catalogue included; these tests hold it complete and check what the admin renders.
"""

import html
import json
import re
from pathlib import Path

from django.apps import apps
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

import pytest

from academy.accounts.roles import Role
from tests.academy.glossary_helpers import (
    WAGTAIL_CATALOGUES,
    contains_phrase,
    forbidden_words,
    segments,
)
from tests.factories import UserFactory, course

#: Wagtail apps installed but whose screens nobody meets: no page type of the Academy
#: is a form page, so the forms app's menu and screens never show.
NOT_MET = {"wagtail.contrib.forms"}
#: What Wagtail's shipped Thai said, which must never reach a reader again.
WAGTAILS_OWN_THAI = ("เกร็ดเล็กเกร็ดน้อย", "หลายๆผู้ใช้", "เซฟ", "เก็บรักษาข้อมูล", "แท็กซ์")


def _po_keys(path: Path) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every live entry of a .po file."""
    keys = set()
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "msgid " not in block or block.lstrip().startswith("#~"):
            continue
        found = {}
        for key in ("msgctxt", "msgid"):
            match = re.search(rf'^{key} ((?:".*"\n?)+)', block, re.M)
            if match:
                found[key] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match[1]))
        if found.get("msgid"):
            keys.add((found.get("msgctxt"), found["msgid"]))
    return keys


def _wagtail_catalogues(domain: str) -> list[Path]:
    return [
        Path(config.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        for config in apps.get_app_configs()
        if config.name.startswith("wagtail") and config.name not in NOT_MET
    ]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_wagtail_string_the_academy_meets_has_its_thai(domain):
    ours = _po_keys(next(p for p in WAGTAIL_CATALOGUES if p.stem == domain))
    missing = sorted(
        f"{path.parts[-5]}: {msgid[:70]}"
        for path in _wagtail_catalogues(domain)
        if path.exists()
        for msgctxt, msgid in _po_keys(path) - ours
    )
    assert missing == []


def test_the_catalogue_reads_as_the_glossary_says():
    with translation.override("th"):
        assert gettext("Snippets") == "ส่วนเนื้อหาที่ใช้ซ้ำ"
        assert gettext("Publish") == "เผยแพร่"
        assert gettext("Saving…") == "กำลังบันทึก…"
        assert gettext("Are you sure you want to delete this page?") == (
            "ท่านต้องการลบหน้านี้ใช่หรือไม่"
        )
        # The project's catalogue comes first: "Continue" is not "เรียนต่อ" outside
        # a course.
        assert gettext("Continue") == "ดำเนินการต่อ"
        assert translation.pgettext("go on with a course", "Continue") == "เรียนต่อ"


def _visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|svg|template)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"(?s)<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", " ", page))


def _forbidden_in(text: str) -> list[str]:
    found = [word for word in WAGTAILS_OWN_THAI if word in text]
    tokens = segments(text)
    found += [
        word for word in forbidden_words() if contains_phrase(tokens, segments(word))
    ]
    return found


@pytest.mark.django_db
def test_the_admin_renders_no_forbidden_variant(admin_client, standards):
    page = course("การใช้ปัญญาประดิษฐ์ในภาครัฐ")
    urls = [
        "/admin/",
        f"/admin/pages/{page.pk}/",
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/{page.pk}/history/",
        f"/admin/pages/{page.pk}/add_subpage/",
        "/admin/pages/search/?q=ปัญญา",
        "/admin/snippets/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
        "/admin/reports/locked/",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
        "/admin/reports/workflow/",
    ]
    found = {}
    for url in urls:
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="th")
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode())
        if words := _forbidden_in(text):
            found[url] = words
    assert found == {}


@pytest.mark.django_db
def test_the_admin_shows_the_corrected_thai(admin_client, standards):
    page = course("การใช้ปัญญาประดิษฐ์ในภาครัฐ")
    edit = admin_client.get(f"/admin/pages/{page.pk}/edit/", HTTP_ACCEPT_LANGUAGE="th")
    text = _visible_text(edit.content.decode())
    assert "บันทึกฉบับร่าง" in text and "เผยแพร่" in text
    assert "Save draft" not in text and "Publish" not in text
    # wagtailConfig.STRINGS, which the admin's JavaScript reads, is Thai as well.
    config = re.search(
        r'<script id="wagtail-config" type="application/json">(.*?)</script>',
        edit.content.decode(),
        re.S,
    )
    strings = json.loads(config[1])["STRINGS"]
    assert strings["BULK_ACTIONS"]["PAGE"]["SINGULAR"] == "เลือกแล้ว 1 หน้า"
    listing = admin_client.get(f"/admin/pages/{page.pk}/", HTTP_ACCEPT_LANGUAGE="th")
    assert "เมื่อสักครู่" in _visible_text(listing.content.decode())


@pytest.mark.django_db
def test_the_admin_javascript_catalogue_is_ours(admin_client):
    response = admin_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="th")
    catalogue = response.content.decode()  # JSON inside: Thai as \u escapes
    assert f'"Save": {json.dumps("บันทึก")}' in catalogue
    assert f'"Insert a block": {json.dumps("แทรกบล็อก")}' in catalogue
    assert not [w for w in WAGTAILS_OWN_THAI if json.dumps(w)[1:-1] in catalogue]


@pytest.mark.django_db
def test_workflow_mails_reach_reviewers_in_thai(standards, settings):
    settings.WAGTAILADMIN_NOTIFICATION_USE_HTML = True
    UserFactory(roles=[Role.ACADEMY_ADMIN], email="reviewer@example.go.th")
    author = UserFactory(roles=[Role.INSTRUCTOR])
    page = course("การใช้ปัญญาประดิษฐ์ในภาครัฐ", publish=False)
    page.save_revision(user=author)
    mail.outbox.clear()
    page.get_workflow().start(page, author)
    sent = [m for m in mail.outbox if "reviewer@example.go.th" in m.to]
    assert sent, [m.to for m in mail.outbox]
    message = sent[0]
    html_part = next(body for body, kind in message.alternatives if kind == "text/html")
    for text in (message.subject, message.body, _visible_text(html_part)):
        assert "การใช้ปัญญาประดิษฐ์ในภาครัฐ" in text
        assert re.search("[\u0e00-\u0e7f]{4}", text.replace(page.title, ""))
        english = re.findall(
            r"\b(?:The|has been|submitted|You can|Hello|Edit your)\b", text
        )
        assert english == [], text
    assert "เรียน" in message.body and "ขั้นตรวจทาน" in message.body
