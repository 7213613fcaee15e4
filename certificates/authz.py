"""Authorisation rules for certificates (see academy/accounts/authz.py).

Verification is public by design and needs no rule; a certificate's files belong to
the person it was issued to; ZIPs of many people's certificates are the
administrators' (any course) and the HR officers' (their own staff).
"""

from academy.accounts.authz import is_academy_admin, rule


def _access(user):
    from competencies.hr.selectors import hr_access

    return hr_access(user)


@rule("certificates.download")
def download(user, certificate) -> bool:
    return certificate is not None and certificate.user_id == user.pk


@rule("certificates.download_bundles")
def download_bundles(user, obj) -> bool:
    """Ask for certificates in bulk at all: academy administrators (any course) and
    HR officers (the staff of their organisation subtree)."""
    return is_academy_admin(user) or _access(user).is_hr_officer


@rule("certificates.download_course_bundles")
def download_course_bundles(user, obj) -> bool:
    """A ZIP of every holder of a course, whatever their unit: administrators only."""
    return is_academy_admin(user)


@rule("certificates.download_unit_bundle")
def download_unit_bundle(user, unit) -> bool:
    """A ZIP of a unit's staff: a unit inside the user's HR scope."""
    return unit is not None and _access(user).covers(unit)


@rule("certificates.download_bundle")
def download_bundle(user, bundle) -> bool:
    """A ready ZIP: administrators any course's bundle; a requester their own, while
    the bundle's unit is still in their scope."""
    if bundle is None or not download_bundles(user, None):
        return False
    if bundle.unit_id is None and download_course_bundles(user, None):
        return True
    if bundle.requested_by_id != user.pk:
        return False
    return not bundle.unit_id or download_unit_bundle(user, bundle.unit)
