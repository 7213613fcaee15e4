"""Authorisation rules for people's records (see academy/accounts/authz.py).

The scope itself is competencies.hr.selectors' (an HR officer's subtree, a
supervisor's reports); these rules only name it, so that views, exports and any
future API ask one question in one way.
"""

from django.http import Http404

from academy.accounts.authz import is_academy_admin, rule
from academy.accounts.roles import Role, user_has_role


def _access(user):
    from competencies.hr.selectors import hr_access

    return hr_access(user)


@rule("hr.hold_scope")
def hold_scope(user, obj) -> bool:
    """A user's HR scopes count only while they hold the HR officer role: a scope
    left behind when the role is taken away grants nothing."""
    return user_has_role(user, Role.HR_OFFICER)


@rule("hr.use_workspace")
def use_workspace(user, obj) -> bool:
    """HR officers with a scope, and supervisors of anyone."""
    return _access(user).has_workspace


@rule("hr.act_as_officer")
def act_as_officer(user, obj) -> bool:
    """Exports, imports, evidence and attachments: HR officers with a scope only."""
    return _access(user).is_hr_officer


@rule("hr.view_person")
def view_person(user, person) -> bool:
    """Officers see people placed in their subtree; supervisors see their reports."""
    from competencies.hr.selectors import person_get_visible

    try:
        person_get_visible(_access(user), person.pk)
    except Http404:
        return False
    return True


@rule("hr.change_person")
def change_person(user, person) -> bool:
    """Record evidence or export a person's data: officers of their current unit."""
    from competencies.hr.selectors import person_get_for_hr

    try:
        person_get_for_hr(_access(user), person.pk)
    except Http404:
        return False
    return True


@rule("hr.record_evidence")
def record_evidence(user, person) -> bool:
    """Manual ratings and prior learning: an officer of the person's unit, never about
    themselves (nobody rates their own competence)."""
    return person.user_id != user.pk and change_person(user, person)


@rule("competencies.link_person")
def link_person(user, person) -> bool:
    """Link an account to a person record: administrators, and HR officers of the
    person's unit."""
    return is_academy_admin(user) or change_person(user, person)


@rule("hr.choose_optional")
def choose_optional(user, person) -> bool:
    """Choose a person's optional competencies: their supervisor, or an HR officer of
    their current unit."""
    from competencies.hr.selectors import person_get_visible

    access = _access(user)
    try:
        person_get_visible(access, person.pk)
    except Http404:
        return False
    return person.pk in access.report_ids or change_person(user, person)


@rule("hr.change_column_map")
def change_column_map(user, column_map) -> bool:
    """Create, change or delete a staff-file column map: Academy administrators any
    map (shared ones too); HR officers the maps of an organisation in their scope
    (with no map, whether they may make one). Using a map to read a file is open to
    every HR officer: a map names headers, not people (docs/staff-import.md)."""
    if is_academy_admin(user):
        return True
    access = _access(user)
    if column_map is None:
        return access.is_hr_officer
    return column_map.unit_id is not None and access.covers(column_map.unit)


@rule("hr.share_column_map")
def share_column_map(user, obj=None) -> bool:
    """Leave a column map shared (no organisation; only administrators then change
    it): Academy administrators."""
    return is_academy_admin(user)


@rule("development.decide")
def decide_development(user, record) -> bool:
    """Approve or reject a development record: an HR officer of the person's current
    unit, never on their own record."""
    return record.person.user_id != user.pk and change_person(user, record.person)


@rule("development.view_record")
def view_development(user, record) -> bool:
    """A development record and its evidence file: the person themselves, and HR
    officers of their current unit."""
    if record.person.user_id == user.pk:
        return True
    return change_person(user, record.person)


@rule("xapi.manage_outbox")
def manage_xapi_outbox(user, obj=None) -> bool:
    """The xAPI outbox (statements pending, refused, sent) and its retries:
    Academy administrators only; statements name learners' opaque LRS accounts."""
    return is_academy_admin(user)
