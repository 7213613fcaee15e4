"""The rows of the HR reports to print (hr.reports): labels, not codes.

Each function streams tuples from one query (plus one for the unit names above the
scope), in the reader's language: Thai names in Thai, English ones (falling back on
Thai where a record has none) in English. The raw exports (selectors.*_export_rows)
keep the codes for analysts.
"""

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import translation

from competencies.hr.selectors import (
    DirectoryFilters,
    HRAccess,
    _trail_th,
    directory_placements,
    group_expression,
)
from competencies.models import Evidence, Person


def _english() -> bool:
    return not (translation.get_language() or "th").startswith("th")


def label(path: str):
    """`path`'s name in the reader's language: name_en in English unless blank."""
    if _english():
        return Coalesce(NullIf(F(f"{path}__name_en"), Value("")), F(f"{path}__name_th"))
    return F(f"{path}__name_th")


def person_name(prefix: str = "person"):
    """Title, first and last name, as a register writes them (นางสาวสมศรี มีสุข)."""
    p = f"{prefix}__" if prefix else ""
    thai = Concat(
        F(f"{p}title_th"),
        F(f"{p}first_name_th"),
        Value(" "),
        F(f"{p}last_name_th"),
        output_field=CharField(),
    )
    if not _english():
        return thai
    english = Concat(
        F(f"{p}first_name_en"),
        Value(" "),
        F(f"{p}last_name_en"),
        output_field=CharField(),
    )
    return Case(
        When(**{f"{p}first_name_en": ""}, then=thai),
        When(**{f"{p}first_name_en__isnull": True}, then=thai),
        default=english,
    )


def directory_report_rows(access: HRAccess, filters: DirectoryFilters):
    """One row per person: number, name, unit (name and code), the units above it,
    position type, level, line of work, post, supervisor, start date[, group]."""
    placements = directory_placements(access, filters).annotate(
        report_name=person_name(),
        report_unit=label("unit"),
        report_type=label("position_type"),
        report_level=label("position_level"),
        report_line=label("line_of_work"),
        report_supervisor=person_name("supervisor"),
    )
    fields = [
        "person__employee_number",
        "report_name",
        "report_unit",
        "unit__code",
        "unit__path",
        "report_type",
        "report_level",
        "report_line",
        "position_number",
        "administrative_post",
        "report_supervisor",
        "starts_on",
    ]
    trail = _trail_th(access)
    names = {}
    if filters.framework is not None:
        placements = placements.annotate(
            report_group_id=group_expression(list(filters.framework.group_rules.all()))
        )
        fields.append("report_group_id")
        names = {
            group.pk: group.name
            for group in getattr(filters.framework, "hr_groups", [])
        }
    for row in placements.values_list(*fields).iterator(chunk_size=2000):
        values = list(row)
        values[4] = trail(values[4])
        if filters.framework is not None:
            values[-1] = names.get(values[-1], "")
        yield values


def evidence_report_rows(person: Person):
    """A person's evidence, newest first per competency: labels, not codes."""
    sources = dict(Evidence.Source.choices)
    rows = (
        Evidence.objects.filter(person=person)
        .order_by("competency__framework__code", "competency__code", "-observed_on")
        .annotate(
            report_framework=label("competency__framework"),
            report_competency=label("competency"),
            report_level=label("level"),
        )
        .values_list(
            "report_framework",
            "competency__code",
            "report_competency",
            "level__rank",
            "report_level",
            "source",
            "observed_on",
            "expires_on",
            "recorded_by__email",
            "reference",
            "note",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        values = list(row)
        values[5] = str(sources.get(values[5], values[5]))
        yield values
