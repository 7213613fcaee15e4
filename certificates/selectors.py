"""Reads for certificates: the learner's list, public lookups, keys, status lists."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from academy.accounts.authz import require
from certificates import conf, face
from certificates.credentials import MULTIKEY_V1
from certificates.eligibility import eligible_completions
from certificates.models import (
    Certificate,
    CertificateBundle,
    CertificateTemplate,
    SigningKey,
    StatusList,
)
from competencies.hr.selectors import HRAccess
from competencies.models import OrgUnit, Placement
from competencies.selectors import today
from courses.models import CourseCompletion, CoursePage

DID_V1 = "https://www.w3.org/ns/did/v1"
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

#: The columns public pages and the learner's list read: never the PDF's bytes or
#: the salt, and no join.
_LIST_FIELDS = (
    "pk",
    "public_id",
    "number",
    "user_id",
    "course_id",
    "name_th",
    "name_en",
    "course_title_th",
    "course_title_en",
    "learning_hours",
    "competencies",
    "issued_on",
    "valid_from",
    "valid_until",
    "status",
    "revoked_at",
    "pdf",
)


def issued_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.exclude(status=Certificate.Status.PENDING)


def certificates_in_state(
    queryset: QuerySet[Certificate], state: str, *, now=None
) -> QuerySet[Certificate]:
    """Certificates whose state today (Certificate.verification_state) is `state`.

    An expired certificate is stored as valid: expiry is read from valid_until
    against the time now, as the verification page reads it.
    """
    now = now or timezone.now()
    status = Certificate.Status
    if state in (status.REVOKED, status.SUPERSEDED):
        return queryset.filter(status=state)
    expired = Q(valid_until__isnull=False, valid_until__lte=now)
    if state == "expired":
        return queryset.filter(expired, status=status.VALID)
    if state == status.VALID:
        return queryset.filter(status=status.VALID).exclude(expired)
    raise ValueError(f"unknown certificate state {state!r}")


def certificate_list_for_user(*, user) -> list[Certificate]:
    """The learner's own certificates, newest first; one query whatever their number."""
    if not user.is_authenticated:
        return []
    return list(
        issued_certificates()
        .filter(user=user)
        .only(*_LIST_FIELDS)
        .order_by("-issued_on", "-pk")
    )


def certificate_of_user(*, user, public_id: uuid.UUID) -> Certificate | None:
    """The user's certificate by public id; None for anybody else's."""
    if not user.is_authenticated:
        return None
    return issued_certificates().filter(user=user, public_id=public_id).first()


def certificate_for_public(*, public_id: uuid.UUID) -> Certificate | None:
    """What a verifier may see of a certificate, by its public id."""
    return issued_certificates().filter(public_id=public_id).only(*_LIST_FIELDS).first()


def certificate_credential_json(*, public_id: uuid.UUID) -> str | None:
    row = (
        issued_certificates()
        .filter(public_id=public_id)
        .values_list("credential_json", flat=True)
        .first()
    )
    return row or None


def certificate_by_number_and_surname(
    *, number: str, surname: str
) -> Certificate | None:
    """A certificate whose number and holder's surname (Thai or English) both match."""
    number = "".join(number.split()).upper().translate(THAI_DIGITS)
    wanted = " ".join(surname.split()).casefold()
    if not number or not wanted:
        return None
    certificate = (
        issued_certificates()
        .filter(number=number)
        .only(*_LIST_FIELDS, "last_name_th", "last_name_en")
        .first()
    )
    if certificate is None:
        return None
    surnames = {
        " ".join(name.split()).casefold()
        for name in (certificate.last_name_th, certificate.last_name_en)
        if name
    }
    return certificate if wanted in surnames else None


def certificate_by_credential_id(credential_id: str) -> Certificate | None:
    """The certificate a credential's id names (/credentials/<public id>.json)."""
    if not isinstance(credential_id, str) or not credential_id.endswith(".json"):
        return None
    tail = credential_id.rsplit("/", 1)[-1].removesuffix(".json")
    try:
        public_id = uuid.UUID(tail)
    except ValueError:
        return None
    return issued_certificates().filter(public_id=public_id).first()


def signing_key_for(verification_method: str) -> SigningKey | None:
    """One of the Academy's own keys, current or rotated; nobody else's."""
    if not isinstance(verification_method, str):
        return None
    return SigningKey.objects.filter(verification_method=verification_method).first()


def did_document() -> dict:
    """The issuer's did:web document: every key ever used, as Multikey."""
    did = conf.issuer_did()
    keys = list(SigningKey.objects.order_by("created_at", "pk"))
    methods = [key.multikey() for key in keys]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def status_list_published(*, status_list_id: int) -> tuple[str, str] | None:
    """(signed credential JSON, ETag) of a status list, or None."""
    row = (
        StatusList.objects.filter(pk=status_list_id)
        .exclude(credential_json="")
        .values_list("credential_json", flat=True)
        .first()
    )
    if row is None:
        return None
    return row, '"' + hashlib.sha256(row.encode()).hexdigest()[:32] + '"'


def completion_ids_without_certificate(*, older_than_minutes: int = 10) -> list[int]:
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    has_certificate = Certificate.objects.filter(completion=OuterRef("pk"))
    return list(
        eligible_completions(CourseCompletion.objects.filter(completed_at__lte=cutoff))
        .exclude(Exists(has_certificate))
        .values_list("pk", flat=True)[:1000]
    )


def certificate_template_preview(
    *, template: CertificateTemplate, language: str
) -> bytes:
    """The real PDF of the sample certificate in this (possibly unsaved) template."""
    from certificates.samples import sample_certificate

    design = template.design()
    context = face.certificate_context(
        sample_certificate(), design=design, language=language
    )
    return face.render_certificate_pdf(design=design, context=context)


def _currently_placed_in(unit_paths: list[str]):
    """Certificates whose holder is on the staff (an active placement: current, not
    left) under one of `unit_paths`."""
    if not unit_paths:
        return Q(pk__in=[])
    placements = Placement.objects.active(today()).in_subtrees(unit_paths)
    return Exists(placements.filter(person=OuterRef("person")))


def certificates_for_hr(
    access: HRAccess, *, unit: OrgUnit | None = None, course_id: int | None = None
) -> QuerySet[Certificate]:
    """Issued certificates of the staff an HR officer looks after (none for others):
    holders currently placed in the officer's subtree, or in `unit`'s (which the
    caller has checked is inside it)."""
    if not access.is_hr_officer:
        return Certificate.objects.none()
    paths = [unit.path] if unit is not None else access.scope_paths
    certificates = issued_certificates().filter(_currently_placed_in(paths))
    if course_id:
        certificates = certificates.filter(course_id=course_id)
    return certificates.only(
        *_LIST_FIELDS, "person_id", "position_th", "organisation_th"
    ).order_by("-issued_on", "-pk")


def certificates_of_person(person) -> list[Certificate]:
    """One person's issued certificates (for the HR person page, after its access check)."""
    return list(
        issued_certificates()
        .filter(person=person)
        .only(*_LIST_FIELDS)
        .order_by("-issued_on", "-pk")
    )


def bundle_certificates(bundle: CertificateBundle) -> QuerySet[Certificate]:
    """What a bundle's ZIP holds: its course's certificates, its unit's, or both."""
    certificates = issued_certificates()
    if bundle.course_id:
        certificates = certificates.filter(course_id=bundle.course_id)
    if bundle.unit_id:
        certificates = certificates.filter(_currently_placed_in([bundle.unit.path]))
    return certificates.order_by("number")


def bundle_get_for_download(*, user, pk: int) -> CertificateBundle:
    """A ready bundle that `user` may download (authz "certificates.download_bundle").

    Anything else is a 404, which does not confirm that the bundle exists.
    """
    bundle = (
        CertificateBundle.objects.select_related("course", "unit")
        .filter(pk=pk, status=CertificateBundle.Status.READY)
        .exclude(file="")
        .first()
    )
    require(user, "certificates.download_bundle", bundle)
    return bundle


def bundle_courses() -> QuerySet[CoursePage]:
    """Courses with at least one issued certificate, for the bulk download form."""
    return CoursePage.objects.filter(
        Exists(issued_certificates().filter(course_id=OuterRef("pk")))
    ).order_by("title")


def bundles_for_user(*, user) -> list[CertificateBundle]:
    return list(
        CertificateBundle.objects.filter(requested_by=user)
        .select_related("course", "unit")
        .order_by("-created_at")[:20]
    )
