"""Reading a learner's answers from the attempt form (with or without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..questions import QuestionKind
from .services import MAX_STORED_RESPONSE


def responses_from_post(attempt, data) -> dict[str, Any]:
    """{question id: response or None} for every question the form showed.

    The form lists each question it showed in a hidden "shown" field, so that a
    question whose boxes were all unticked is cleared rather than left as it was.
    Responses are read as courses.grading.grade expects; anything odd is passed on
    as it is and graded as a wrong answer there, never raised here.
    """
    kinds = {question["id"]: question["kind"] for question in attempt.questions}
    orders = attempt.option_orders
    responses: dict[str, Any] = {}
    for question_id in data.getlist("shown"):
        kind = kinds.get(question_id)
        if kind is None:
            continue
        name = f"q-{question_id}"
        if kind == QuestionKind.MULTIPLE:
            chosen = [value for value in data.getlist(name) if value]
            responses[question_id] = chosen or None
        elif kind == QuestionKind.MATCHING:
            question = next(q for q in attempt.questions if q["id"] == question_id)
            pairs = {
                item["id"]: data.get(f"{name}-{item['id']}", "")
                for item in question["options"]
            }
            pairs = {left: right for left, right in pairs.items() if right}
            responses[question_id] = pairs or None
        elif kind == QuestionKind.ORDERING:
            responses[question_id] = _order(name, orders.get(question_id, []), data)
        else:
            value = data.get(name, "")
            value = value.strip() if isinstance(value, str) else ""
            responses[question_id] = value[:MAX_STORED_RESPONSE] or None
    return responses


def _order(name: str, shown: list[str], data) -> list[str] | None:
    """Items sorted by the positions the learner gave; unplaced ones keep their place."""
    positions = {}
    for index, item_id in enumerate(shown):
        try:
            positions[item_id] = (int(data.get(f"{name}-{item_id}", "")), index)
        except ValueError:
            positions[item_id] = (len(shown) + 1, index)
    if all(position[0] == len(shown) + 1 for position in positions.values()):
        return None
    return sorted(shown, key=lambda item_id: positions[item_id])


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header row; see the export for the columns."),
    )

    MAX_SIZE = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class MoodleQuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Moodle XML file"),
        help_text=_(
            "In Moodle: Question bank → Export → “Moodle XML format”. At most 20 MB."
        ),
    )

    MAX_SIZE = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError(
                _("“%(name)s” is not an .xml file.") % {"name": upload.name}
            )
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
