"""Forms of the HR workspace: the directory's filters, manual evidence, staff upload,
decisions on development records, plan returns, paper agreements and supervisor invites."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.core.forms import DateInput, KeptChoiceField
from competencies.attachments import (
    AttachmentRefused,
    attachment_type,
    refusal_message,
)
from competencies.hr.selectors import (
    DirectoryFilters,
    HRAccess,
    unit_trails,
    units_in_scope,
)
from competencies.hr.services import MANUAL_SOURCES
from competencies.models import (
    Competency,
    Framework,
    OrgUnit,
    PersonnelGroup,
    PositionLevel,
    ProficiencyLevel,
    StaffColumnMap,
)
from competencies.selectors import position_choices, standards_snapshot
from courses.development.forms import FILE_ACCEPT

from .staff_import.parsing import column_map_problems
from .staff_import.services import MAX_IMPORT_BYTES

INDENT = "\u2002\u2002"


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so the subtree reads as a tree in a plain select."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{INDENT * max(obj.depth - 1, 0)}{obj.name} ({obj.code})"


class UnitTreeSelect(forms.RadioSelect):
    """The units of a scope as a tree of radio buttons, with a search box.

    Every unit shows its code, and its parent path is part of its accessible name, so
    three units with the same name cannot be mistaken for one another. Server-rendered:
    the tree works without JavaScript (nested lists, <details> to fold); a small
    script (hr/static/hr/unit-tree.js) filters it as one types a name or a code.
    The units are read once (one query) and their trails with one more.
    """

    template_name = "hr/widgets/unit_tree.html"
    open_depth = 2  # levels of the tree shown unfolded below the scope's roots
    #: The officer's HRAccess, when the form gives it: the units above the scope
    #: that the page has already read for a trail are not read again.
    access: HRAccess | None = None

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        empty_label = None
        units = []
        for choice_value, label in self.choices:
            if choice_value == "":
                empty_label = label
                continue
            units.append(choice_value.instance)
        unit_trails(units, access=self.access)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        roots: list[dict] = []
        stack: list[dict] = []
        for unit in units:  # in path order: a parent comes before its children
            node = {
                "unit": unit,
                "id": f"{base_id}_{unit.pk}",
                "checked": str(unit.pk) in chosen,
                "children": [],
                "open": False,
            }
            while stack and not unit.path.startswith(stack[-1]["unit"].path):
                stack.pop()
            (stack[-1]["children"] if stack else roots).append(node)
            node["level"] = len(stack) + 1
            stack.append(node)

        def unfold(nodes) -> bool:
            found = False
            for node in nodes:
                below = unfold(node["children"])
                node["open"] = below or node["level"] <= self.open_depth
                found = found or below or node["checked"]
            return found

        unfold(roots)
        context["widget"].update(
            {
                "roots": roots,
                "empty_label": empty_label,
                "empty_checked": not (chosen - {""}),
                "base_id": base_id,
                "count": len(units),
            }
        )
        return context


class KeptLevelChoiceField(KeptChoiceField):
    def label_from_instance(self, obj: PositionLevel) -> str:
        return f"{obj.position_type.name} · {obj.name}"


class KeptGroupChoiceField(KeptChoiceField):
    def label_from_instance(self, obj: PersonnelGroup) -> str:
        return f"{obj.framework.code} · {obj.name}"


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.framework.code} · {obj.code} {obj.name}"


class KeptCompetencyChoiceField(KeptChoiceField):
    label_from_instance = CompetencyChoiceField.label_from_instance


def with_framework(items, frameworks_by_id: dict) -> list:
    """Copies of the snapshot's groups or competencies of `frameworks_by_id`, each
    with its framework set (the snapshot's own objects are every request's)."""
    chosen = []
    for item in items:
        framework = frameworks_by_id.get(item.framework_id)
        if framework is not None:
            item = copy.copy(item)
            item.framework = framework
            chosen.append(item)
    return chosen


class ScaleLevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProficiencyLevel) -> str:
        return f"{obj.rank}. {obj.name}"


class DirectoryFilterForm(forms.Form):
    """GET filters; choices are limited to the officer's scope and active frameworks."""

    MEETING_CHOICES = [
        ("", _("Any")),
        ("yes", _("Meeting the requirement")),
        ("no", _("Not meeting the requirement")),
    ]

    q = forms.CharField(
        label=_("Name or employee number"), required=False, max_length=100
    )
    unit = UnitChoiceField(
        label=_("Unit (and the units under it)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=UnitTreeSelect,
    )
    direct = forms.BooleanField(
        label=_("Only staff placed in the unit itself"), required=False
    )
    position_type = KeptChoiceField(label=_("Position type"), required=False)
    position_level = KeptLevelChoiceField(label=_("Position level"), required=False)
    line_of_work = KeptChoiceField(label=_("Line of work"), required=False)
    framework = KeptChoiceField(label=_("Framework"), required=False, empty_label=None)
    group = KeptGroupChoiceField(label=_("Personnel group"), required=False)
    competency = KeptCompetencyChoiceField(label=_("Competency"), required=False)
    meeting = forms.ChoiceField(
        label=_("On that competency"), choices=MEETING_CHOICES, required=False
    )

    def __init__(self, *args, access: HRAccess, frameworks: list[Framework], **kwargs):
        """The choices come from reference data kept per process (the standards
        snapshot, the position choices): no query but the scope's units."""
        super().__init__(*args, **kwargs)
        self.frameworks = frameworks
        for name in ("unit", "position_type", "position_level", "line_of_work"):
            self.fields[name].empty_label = _("All")
        self.fields["group"].empty_label = _("Any group")
        self.fields["competency"].empty_label = _("None chosen")
        self.fields["unit"].queryset = units_in_scope(access)
        positions = position_choices()
        self.fields["position_type"].set_objects(positions.types)
        self.fields["position_level"].set_objects(positions.levels)
        self.fields["line_of_work"].set_objects(positions.lines)
        self.fields["framework"].set_objects(frameworks)
        by_id = {framework.pk: framework for framework in frameworks}
        snapshot = standards_snapshot()
        self.fields["group"].set_objects(
            with_framework(snapshot.groups.values(), by_id)
        )
        self.fields["competency"].set_objects(
            sorted(
                with_framework(
                    (
                        item
                        for item in snapshot.competencies
                        if item.kind != Competency.Kind.AREA
                    ),
                    by_id,
                ),
                key=lambda item: (item.framework.code, item.sort_order, item.code),
            )
        )

    def clean(self):
        cleaned = super().clean()
        framework = cleaned.get("framework")
        for name in ("group", "competency"):
            value = cleaned.get(name)
            if (
                value is not None
                and framework is not None
                and value.framework_id != framework.pk
            ):
                self.add_error(name, _("Choose one of the chosen framework's."))
        return cleaned

    def filters(self) -> DirectoryFilters:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        chosen = data.get("framework")
        framework = next(
            (item for item in self.frameworks if chosen and item.pk == chosen.pk),
            self.frameworks[0] if self.frameworks else None,
        )
        meeting = {"yes": True, "no": False}.get(data.get("meeting") or "")
        competency = data.get("competency")
        return DirectoryFilters(
            framework=framework,
            unit=data.get("unit"),
            unit_direct=bool(data.get("direct")),
            position_type_id=getattr(data.get("position_type"), "pk", None),
            position_level_id=getattr(data.get("position_level"), "pk", None),
            line_of_work_id=getattr(data.get("line_of_work"), "pk", None),
            group=data.get("group"),
            competency=competency,
            meeting=meeting if competency is not None else None,
            query=data.get("q") or "",
        )


class EvidenceForm(forms.Form):
    competency = CompetencyChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.filter(framework__status=Framework.Status.ACTIVE)
        .exclude(kind=Competency.Kind.AREA)
        .select_related("framework", "framework__scale")
        .order_by("framework__code", "sort_order", "code"),
    )
    level = ScaleLevelChoiceField(
        label=_("Level shown"),
        queryset=ProficiencyLevel.objects.filter(
            scale__frameworks__status=Framework.Status.ACTIVE
        )
        .distinct()
        .order_by("scale", "rank"),
    )
    source = forms.ChoiceField(
        label=_("Kind of evidence"),
        choices=[(source.value, source.label) for source in MANUAL_SOURCES],
    )
    observed_on = forms.DateField(label=_("Observed on"), widget=DateInput)
    expires_on = forms.DateField(
        label=_("Expires on"), widget=DateInput, required=False
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "How the level was shown: the rating, the prior learning, who saw it."
        ),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
            }
        ),
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        try:
            attachment_type(name=upload.name or "", size=upload.size, head=head)
        except AttachmentRefused as refused:
            raise forms.ValidationError(refusal_message(refused)) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        competency, level = cleaned.get("competency"), cleaned.get("level")
        if competency and level and level.scale_id != competency.framework.scale_id:
            self.add_error("level", _("The level is not on the framework's scale."))
        observed, expires = cleaned.get("observed_on"), cleaned.get("expires_on")
        if observed and expires and expires <= observed:
            self.add_error("expires_on", _("It must be after the day it was observed."))
        return cleaned


class StaffUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV)"),
        help_text=_("UTF-8 CSV exported from the HR system, at most 64 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    column_map = forms.ModelChoiceField(
        label=_("Columns named as in"),
        queryset=StaffColumnMap.objects.order_by("name"),
        required=False,
        empty_label=_("The Academy's staff file (the template)"),
        help_text=_("Choose a saved column map to read another system's export."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a .csv file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 64 MB."))
        return upload


class ColumnMapForm(forms.Form):
    """A column map as lines of "the source's header = the Academy's column"."""

    name = forms.CharField(label=_("Name"), max_length=100)
    source = forms.CharField(
        label=_("Source system"),
        max_length=100,
        help_text=_("e.g. DPIS (the department's export), or another HR system."),
    )
    mapping = forms.CharField(
        label=_("Columns"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "One line per column: the header as the source file writes it, =, and "
            "the Academy's column (see the template). Headers not listed are read "
            "as usual."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the layout comes from, and what is still to confirm."),
    )
    unit = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        help_text=_(
            "Its HR officers keep the map; every HR officer may read a file through it."
        ),
    )

    def __init__(self, *args, units=(), shared=False, **kwargs):
        """units: the organisations the user may give the map to; shared: whether
        they may also leave it shared (administrators)."""
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        field = self.fields["unit"]
        field.choices = [(unit.pk, f"{unit.name} ({unit.code})") for unit in units]
        if shared:
            field.choices.insert(0, ("", _("Shared: kept by Academy administrators")))
            field.required = False
            field.empty_value = None

    def clean_unit(self) -> OrgUnit | None:
        unit_id = self.cleaned_data["unit"]
        return None if unit_id is None else self.units[unit_id]

    @staticmethod
    def mapping_text(mapping: dict) -> str:
        return "\n".join(f"{header} = {column}" for header, column in mapping.items())

    def clean_mapping(self) -> dict:
        mapping: dict[str, str] = {}
        errors = []
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), 1):
            if not line.strip():
                continue
            header, equals, column = line.rpartition("=")
            if not equals or not header.strip() or not column.strip():
                errors.append(
                    _('Line %(line)d is not "header = column".') % {"line": number}
                )
                continue
            header = header.strip()
            if header in mapping:
                errors.append(
                    _("Line %(line)d repeats the header %(header)s.")
                    % {"line": number, "header": header}
                )
                continue
            mapping[header] = column.strip()
        errors.extend(column_map_problems(mapping))
        if errors:
            raise forms.ValidationError(errors)
        return mapping


class DevelopmentDecisionForm(forms.Form):
    """An officer's decision on a development record, and the rating it may carry."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The learner reads it."),
    )
    competency = CompetencyChoiceField(
        label=_("Rate against a competency (optional)"),
        required=False,
        queryset=Competency.objects.filter(framework__status=Framework.Status.ACTIVE)
        .exclude(kind=Competency.Kind.AREA)
        .select_related("framework", "framework__scale")
        .order_by("framework__code", "sort_order", "code"),
    )
    level = ScaleLevelChoiceField(
        label=_("Level shown"),
        required=False,
        queryset=ProficiencyLevel.objects.filter(
            scale__frameworks__status=Framework.Status.ACTIVE
        )
        .distinct()
        .order_by("scale", "rank"),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        competency, level = cleaned.get("competency"), cleaned.get("level")
        if decision == self.REJECT:
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Say why the record is rejected."))
        elif decision == self.APPROVE:
            if (competency is None) != (level is None):
                self.add_error(
                    "level", _("Choose both a competency and a level, or neither.")
                )
            elif competency and level.scale_id != competency.framework.scale_id:
                self.add_error("level", _("The level is not on the framework's scale."))
        return cleaned


class PlanReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanAgreementRecordForm(forms.Form):
    signed_form = forms.FileField(
        label=_("Signed agreement form"),
        help_text=_(
            "The plan signed by the supervisor: PDF, PNG or JPEG, at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )


class SupervisorInviteForm(forms.Form):
    staff = forms.CharField(
        label=_("Employee numbers of the people they supervise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One or more, separated by spaces, commas or new lines; only people in "
            "your organisation. Leave empty to keep the supervisors on record."
        ),
    )

    def clean_staff(self) -> list[str]:
        raw = self.cleaned_data.get("staff") or ""
        numbers = [part for part in raw.replace(",", " ").split() if part]
        if len(numbers) > 500:
            raise forms.ValidationError(_("At most 500 people at a time."))
        return list(dict.fromkeys(numbers))
