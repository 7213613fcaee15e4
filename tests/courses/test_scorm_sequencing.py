"""SCORM 2004 Simple Sequencing as the Academy honours it (courses/scorm/sequencing.py):
controlMode, constrained choice, preconditions with global objectives, the rollup's
"does not count" switches, and what is reported as not honoured. Rustici's
"Sequencing Forced Order" Golf Example is played as its author meant: a SCO stays
disabled until the one before it is satisfied."""

import io
import json
import logging
import zipfile
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

import pytest

from academy.accounts.roles import Role
from courses.models import ScormRegistration
from courses.scorm.package import manifest_parse
from courses.scorm.rollup import lesson_rollup
from courses.scorm.sequencing import Navigator
from courses.scorm.services import package_create, registration_open
from courses.services import enrolment_create
from tests.courses.scorm_helpers import (
    CONTENT_ORIGIN,
    FORCED_ORDER,
    FORCED_ORDER_ITEMS,
    multi_sco_course,
)
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english():
    """The reasons are checked in English (the page gives them in Thai)."""
    with translation.override("en"):
        yield


# --- The real package's manifest -----------------------------------------------------


def _forced_info():
    with zipfile.ZipFile(FORCED_ORDER) as archive:
        members = {info.filename: info for info in archive.infolist()}
        return manifest_parse(archive.read("imsmanifest.xml"), members)


def _registration(item, *, success="", completion="", objectives=None):
    return SimpleNamespace(
        item=item,
        success_status=success,
        completion_status=completion,
        completed_at=object() if completion == "completed" else None,
        objectives=objectives,
    )


def _navigator(info, registrations=()):
    return Navigator(
        items=[item.as_json() for item in info.items],
        root=info.sequencing,
        choice=info.choice,
        flow=info.flow,
        registrations=list(registrations),
    )


def test_the_forced_order_manifest_is_read_with_nothing_left_unhonoured():
    info = _forced_info()
    assert "unsupported" not in info.sequencing
    first, *others = info.items
    assert "preconditions" not in first.sequencing
    for item in others:
        (rule,) = item.sequencing["preconditions"]
        assert rule["action"] == "disabled" and rule["combination"] == "any"
        assert [c["condition"] for c in rule["conditions"]] == [
            "satisfied",
            "objectiveStatusKnown",
        ]
        assert item.sequencing["objectives"]["previous_sco_satisfied"]["read"]


def test_each_sco_of_the_forced_order_opens_once_the_one_before_is_satisfied():
    info = _forced_info()
    played = []
    for position, item in enumerate(FORCED_ORDER_ITEMS):
        navigation = _navigator(info, played)
        for later in FORCED_ORDER_ITEMS[position + 1 :]:
            assert navigation.disabled(later)
            assert navigation.choice_refusal(item, later)
        assert not navigation.disabled(item)
        played.append(_registration(item, success="passed", completion="completed"))
    # A failed (known, not satisfied) SCO keeps the next one closed too.
    navigation = _navigator(
        info,
        [
            _registration("playing_item", success="passed"),
            _registration("etuqiette_item", success="failed"),
        ],
    )
    assert navigation.disabled("handicapping_item")
    assert not navigation.choice_refusal("etuqiette_item", "playing_item")  # review


# --- Minimal manifests derived from it -------------------------------------------------

_NS = (
    'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
    'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" '
    'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"'
)


def _manifest(items: str, organization_sequencing: str = "", count: int = 5) -> bytes:
    resources = "".join(
        f'<resource identifier="r{n}" type="webcontent" adlcp:scormType="sco" '
        f'href="sco{n}.html"/>'
        for n in range(1, count + 1)
    )
    return (
        f'<manifest identifier="m" {_NS}><metadata><schema>ADL SCORM</schema>'
        "<schemaversion>2004 3rd Edition</schemaversion></metadata>"
        '<organizations default="o"><organization identifier="o" '
        'adlseq:objectivesGlobalToSystem="false"><title>T</title>'
        f"{items}{organization_sequencing}</organization></organizations>"
        f"<resources>{resources}</resources></manifest>"
    ).encode()


def _item(n: int, sequencing: str = "") -> str:
    body = f"<imsss:sequencing>{sequencing}</imsss:sequencing>" if sequencing else ""
    return f'<item identifier="i{n}" identifierref="r{n}"><title>Part {n}</title>{body}</item>'


def _parse(content: bytes, count: int = 5):
    members = {
        f"sco{n}.html": zipfile.ZipInfo(f"sco{n}.html") for n in range(1, count + 1)
    }
    return manifest_parse(content, members)


def _rule(action: str, conditions: str, combination: str = "all") -> str:
    return (
        "<imsss:sequencingRules><imsss:preConditionRule>"
        f'<imsss:ruleConditions conditionCombination="{combination}">{conditions}'
        f'</imsss:ruleConditions><imsss:ruleAction action="{action}"/>'
        "</imsss:preConditionRule></imsss:sequencingRules>"
    )


def _flat(mode: str, **sequencing) -> object:
    items = "".join(_item(n, sequencing.get(f"i{n}", "")) for n in range(1, 6))
    return _parse(_manifest(items, f"<imsss:sequencing>{mode}</imsss:sequencing>"))


def test_forward_only_refuses_going_back_by_flow_and_by_choice():
    info = _flat('<imsss:controlMode choice="true" flow="true" forwardOnly="true"/>')
    navigation = _navigator(info)
    assert navigation.neighbours("i3") == (None, "i4")
    decision = navigation.decide(current="i3", requested="i2")
    assert decision.item == "i3" and "only goes forward" in decision.refusal
    assert navigation.decide(current="i3", requested="i5").item == "i5"


def test_without_flow_previous_and_next_are_not_offered_and_choice_still_works():
    info = _flat('<imsss:controlMode choice="true" flow="false"/>')
    navigation = _navigator(info)
    assert navigation.neighbours("i2") == (None, None)
    assert navigation.decide(current="i2", requested="i4").item == "i4"


def test_without_choice_a_jump_is_refused_with_its_reason():
    info = _flat('<imsss:controlMode choice="false" flow="true"/>')
    navigation = _navigator(info)
    assert navigation.decide(current="i1", requested="i2").item == "i2"
    decision = navigation.decide(current="i1", requested="i4")
    assert decision.item == "i1" and "does not let you choose" in decision.refusal


def test_choice_exit_false_keeps_the_learner_in_the_item_until_flow_moves_on():
    info = _flat(
        '<imsss:controlMode choice="true" flow="true"/>',
        i2='<imsss:controlMode choiceExit="false"/>',
    )
    navigation = _navigator(info)
    decision = navigation.decide(current="i2", requested="i5")
    assert decision.item == "i2" and "finish “Part 2”" in decision.refusal
    assert navigation.decide(current="i2", requested="i3").item == "i3"  # flow


def test_constrain_choice_allows_only_the_part_before_or_after():
    info = _flat(
        '<imsss:controlMode choice="true" flow="false"/>',
        i3='<adlseq:constrainedChoiceConsiderations constrainChoice="true"/>',
    )
    navigation = _navigator(info)
    assert not navigation.choice_refusal("i3", "i4")
    assert not navigation.choice_refusal("i3", "i2")
    assert "just before or after" in navigation.choice_refusal("i3", "i5")
    assert not navigation.choice_refusal("i1", "i5")  # only while in part 3


def test_prevent_activation_refuses_a_jump_into_a_section_from_outside():
    items = (
        _item(1)
        + '<item identifier="s"><title>Section</title>'
        + "<imsss:sequencing><adlseq:constrainedChoiceConsiderations "
        + 'preventActivation="true"/></imsss:sequencing>'
        + _item(2)
        + _item(3)
        + "</item>"
    )
    info = _parse(
        _manifest(
            items,
            '<imsss:sequencing><imsss:controlMode choice="true" flow="true"/>'
            "</imsss:sequencing>",
            count=3,
        ),
        count=3,
    )
    navigation = _navigator(info)
    assert "jump into “Section”" in navigation.choice_refusal("i1", "i3")
    assert not navigation.choice_refusal("i2", "i3")  # inside it already
    assert navigation.decide(current="i1", requested="i2").item == "i2"  # flow


def test_skip_hidden_and_stop_forward_traversal_rules():
    info = _flat(
        '<imsss:controlMode choice="true" flow="true"/>',
        i2=_rule("skip", '<imsss:ruleCondition condition="always"/>'),
        i3=_rule(
            "stopForwardTraversal",
            '<imsss:ruleCondition condition="completed" operator="not"/>',
        ),
        i4=_rule("hiddenFromChoice", '<imsss:ruleCondition condition="always"/>'),
    )
    navigation = _navigator(info)
    assert navigation.neighbours("i1") == (None, "i3")  # i2 skipped by flow
    assert navigation.hidden("i4")
    assert "cannot be chosen" in navigation.choice_refusal("i1", "i4")
    assert "further than “Part 3”" in navigation.choice_refusal("i1", "i5")
    done = _navigator(info, [_registration("i3", completion="completed")])
    assert not done.choice_refusal("i1", "i5")


def test_conditions_combine_with_all_and_any_and_read_cmi_objectives():
    both = (
        '<imsss:ruleCondition condition="attempted"/>'
        '<imsss:ruleCondition referencedObjective="o2" condition="satisfied" '
        'operator="not"/>'
    )
    objectives = (
        '<imsss:objectives><imsss:primaryObjective objectiveID="p2"/>'
        '<imsss:objective objectiveID="o2"/></imsss:objectives>'
    )
    info = _flat(
        '<imsss:controlMode choice="true" flow="true"/>',
        i2=_rule("disabled", both) + objectives,
    )
    assert not _navigator(info).disabled("i2")  # not attempted: "all" fails
    attempted = _registration(
        "i2", objectives=[{"id": "o2", "success_status": "failed"}]
    )
    assert _navigator(info, [attempted]).disabled("i2")
    met = _registration("i2", objectives=[{"id": "o2", "success_status": "passed"}])
    assert not _navigator(info, [met]).disabled("i2")


def test_what_is_not_honoured_is_named_and_the_package_plays_without_it():
    info = _flat(
        '<imsss:controlMode choice="true" flow="true"/>'
        '<imsss:rollupRules><imsss:rollupRule childActivitySet="atLeastCount" '
        'minimumCount="2"><imsss:rollupConditions><imsss:rollupCondition '
        'condition="satisfied"/></imsss:rollupConditions>'
        '<imsss:rollupAction action="satisfied"/></imsss:rollupRule></imsss:rollupRules>',
        i2="<imsss:sequencingRules><imsss:postConditionRule><imsss:ruleConditions>"
        '<imsss:ruleCondition condition="always"/></imsss:ruleConditions>'
        '<imsss:ruleAction action="retry"/></imsss:postConditionRule>'
        "</imsss:sequencingRules>"
        '<imsss:limitConditions attemptLimit="1"/>',
        i3=_rule(
            "disabled",
            '<imsss:ruleCondition condition="objectiveMeasureGreaterThan" '
            'measureThreshold="0.5"/>',
        ),
    )
    assert info.sequencing["unsupported"] == [
        "organization: rollupRule action=satisfied",
        "i2: limitConditions",
        "i2: postConditionRule",
        "i3: ruleCondition condition=objectiveMeasureGreaterThan",
    ]
    navigation = _navigator(info)
    assert not navigation.disabled("i3")  # a rule half understood is not applied
    assert navigation.decide(current="i1", requested="i5").item == "i5"


def test_rollup_leaves_out_items_that_say_they_do_not_count():
    info = _flat(
        '<imsss:controlMode choice="true" flow="true"/>',
        i5='<imsss:rollupRules rollupObjectiveSatisfied="false" '
        'rollupProgressCompletion="false"/>',
    )
    items = [item.as_json() for item in info.items]
    done = [
        SimpleNamespace(item=f"i{n}", completed_at=1, passed_at=1) for n in range(1, 5)
    ]
    assert lesson_rollup(items=items, registrations=done, requires_pass=True) == (
        lesson_rollup(items=items[:4], registrations=done, requires_pass=True)
    )
    assert lesson_rollup(items=items, registrations=done, requires_pass=True).completed


# --- The lesson page -----------------------------------------------------------------


@pytest.fixture
def _content_origin(settings):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "scorm.testserver"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_content_origin")
def test_a_learner_cannot_jump_ahead_in_the_forced_order_package(client, learner):
    page, lesson = multi_sco_course()
    enrolment_create(user=learner, course=page)
    client.force_login(learner)
    html = client.get(lesson.url + "?sco=handicapping_item").content.decode()
    assert '<strong aria-current="step">Playing the Game</strong>' in html
    assert 'role="alert"' in html and "Handicapping" in html
    assert 'data-item="etuqiette_item" data-state="not-attempted" data-disabled' in html
    # Closed parts stay links marked disabled (the part playing may open them), and
    # the server refuses them until they open.
    assert f'<a href="{lesson.url}?sco=handicapping_item" aria-disabled="true">' in html
    html = client.get(lesson.url + "?sco=etuqiette_item").content.decode()
    assert '<strong aria-current="step">Playing the Game</strong>' in html
    assert list(ScormRegistration.objects.values_list("item", flat=True)) == [
        "playing_item"
    ]
    first = ScormRegistration.objects.get()
    answer = client.post(
        f"/learn/scorm/{first.pk}/runtime/",
        data=json.dumps(
            {"session": "session-one", "cmi": {"cmi.success_status": "passed"}}
        ),
        content_type="application/json",
    ).json()
    # The commit tells the page which parts stay closed: Etiquette opens.
    assert answer["closed"] == FORCED_ORDER_ITEMS[2:]
    html = client.get(lesson.url + "?sco=etuqiette_item").content.decode()
    assert '<strong aria-current="step">Etiquette</strong>' in html
    assert 'role="alert"' not in html
    assert f'href="{lesson.url}?sco=playing_item"' in html  # back, to review
    assert registration_open(
        user=learner, lesson=lesson, item="assessment_item"
    ).item == ("etuqiette_item")


@pytest.mark.django_db
def test_a_package_with_rules_not_honoured_is_logged_at_upload(caplog):
    content = _manifest(
        _item(1, '<imsss:randomizationControls reorderChildren="true"/>') + _item(2),
        count=2,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", content)
        for n in (1, 2):
            archive.writestr(f"sco{n}.html", "<p></p>")
    upload = SimpleUploadedFile("p.zip", buffer.getvalue(), "application/zip")
    with caplog.at_level(logging.WARNING, logger="courses.scorm.services"):
        package = package_create(upload=upload)
    assert package.sequencing["unsupported"] == ["i1: randomizationControls"]
    assert "i1: randomizationControls" in caplog.text


@pytest.mark.django_db
@pytest.mark.usefixtures("_content_origin")
def test_packages_stored_before_get_their_sequencing_read_again(learner):
    page, lesson = multi_sco_course()
    package = lesson.package
    honoured = (package.items, package.sequencing)
    package.items = [
        {k: v for k, v in item.items() if k != "sequencing"} for item in package.items
    ]
    package.save()
    enrolment_create(user=learner, course=page)
    registration_open(user=learner, lesson=lesson)
    jumped = registration_open(user=learner, lesson=lesson, item="assessment_item")
    assert jumped.item == "assessment_item"  # the old behaviour: choice only
    out = io.StringIO()
    call_command("scorm_sequencing_refresh", stdout=out)
    assert out.getvalue().strip() == "SCORM packages: 1 updated, 0 not read."
    package.refresh_from_db()
    assert (package.items, package.sequencing) == honoured
    call_command("scorm_sequencing_refresh", stdout=out)
    assert "0 updated" in out.getvalue().splitlines()[-1]
    lesson.refresh_from_db()
    assert (
        registration_open(user=learner, lesson=lesson, item="handicapping_item").item
        == "assessment_item"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_content_origin")
def test_the_owners_preview_names_the_rules_not_honoured(client):
    owner = UserFactory(email="owner@example.go.th", roles=[Role.INSTRUCTOR])
    content = _manifest(
        _item(1, '<imsss:limitConditions attemptLimit="1"/>') + _item(2), count=2
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", content)
        for n in (1, 2):
            archive.writestr(f"sco{n}.html", "<p></p>")
    upload = SimpleUploadedFile("p.zip", buffer.getvalue(), "application/zip")
    package = package_create(upload=upload, uploaded_by=owner)
    client.force_login(owner)
    html = client.get(f"/admin/courses/scorm-packages/{package.pk}/preview/").content
    assert b"<code>i1: limitConditions</code>" in html
