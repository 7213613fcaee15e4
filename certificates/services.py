"""Writes for certificates: issuing, revoking, signing keys, status lists, bundles.

Issuing runs in two short transactions around the slow part. The first locks the
completion and reserves everything that must be unique (the certificate row, its
number and its status-list index); the second stores the signed credential and the
PDF. Rendering and signing (tens of milliseconds) happen in between, holding no lock,
so concurrent workers do not queue behind the number counter. A reserved certificate
that a killed worker never finished is finished by the retried task: issuing is
idempotent at every step, and the one-to-one on the completion is the final guard.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import secrets
import tempfile
import time
import zipfile
from calendar import monthrange
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.authz import can
from academy.core.spreadsheet import BOM, csv_cell
from academy.core.thaidate import buddhist_year
from certificates import conf, face, keyring, tasks, xapi_events
from certificates.credentials import KeyPair, sign
from certificates.credentials import StatusList as Bitstring
from certificates.eligibility import certificate_eligibility
from certificates.mail import certificate_issued_mail
from certificates.models import (
    Certificate,
    CertificateBundle,
    CertificateNumberCounter,
    CertificateTemplate,
    SigningKey,
    StatusList,
)
from certificates.openbadges import (
    Alignment,
    BadgeFacts,
    open_badge_credential,
    status_list_credential,
)
from certificates.pdf import attach_file
from certificates.selectors import bundle_certificates
from competencies.models import OrgUnit
from competencies.selectors import placement_current
from competencies.services import person_ensure_for_user
from courses.models import CourseCompletion, CoursePage

logger = logging.getLogger(__name__)


class CertificateError(Exception):
    """A certificate write was refused; the message says why, for a person."""


class CertificateNotEarnedError(CertificateError):
    """The completion does not earn a certificate (certificates.eligibility)."""

    def __init__(self, *, completion_id: int, reasons: tuple[str, ...]):
        self.completion_id = completion_id
        self.reasons = reasons
        super().__init__(
            f"Completion {completion_id} earns no certificate: " + "; ".join(reasons)
        )


class SigningKeyMissingError(CertificateError):
    pass


# ------------------------------------------------------------------------------
# Signing keys
# ------------------------------------------------------------------------------


def _new_signing_key(*, active: bool) -> SigningKey:
    did = conf.issuer_did()
    pair = KeyPair.generate()
    number = SigningKey.objects.filter(controller=did).count() + 1
    while SigningKey.objects.filter(verification_method=f"{did}#key-{number}").exists():
        number += 1
    key = SigningKey(
        verification_method=f"{did}#key-{number}",
        controller=did,
        public_key_multibase=pair.public_key_multibase,
        private_key_pem=keyring.encrypt_private_key(
            pair.private_key, passphrase=conf.signing_key_passphrase()
        ),
        is_active=active,
    )
    key.full_clean()
    key.save()
    return key


@transaction.atomic
def signing_key_generate() -> SigningKey:
    """The first signing key; refused when one is active (rotate it instead)."""
    if SigningKey.objects.select_for_update().filter(is_active=True).exists():
        raise CertificateError(
            _(
                "A signing key is already active; use 'issuer_keys rotate' to replace it."
            )
        )
    return _new_signing_key(active=True)


@transaction.atomic
def signing_key_rotate() -> SigningKey:
    """A new active key; the old one stops signing but stays published in did.json."""
    for old in SigningKey.objects.select_for_update().filter(is_active=True):
        old.is_active = False
        old.deactivated_at = timezone.now()
        old.save(update_fields=["is_active", "deactivated_at"])
    return _new_signing_key(active=True)


def signing_key_active() -> SigningKey:
    """The key that signs now. Dev and test make one on first use; production must
    run `manage.py issuer_keys generate`."""
    key = SigningKey.objects.filter(is_active=True).first()
    if key is not None:
        return key
    if conf.is_dev_or_test():
        try:
            with transaction.atomic():
                return _new_signing_key(active=True)
        except IntegrityError:
            return SigningKey.objects.get(is_active=True)
    raise SigningKeyMissingError(
        _("No active signing key: run 'manage.py issuer_keys generate'.")
    )


def _sign(document: dict, *, key: SigningKey) -> dict:
    private_key = keyring.decrypt_private_key(
        key.private_key_pem, passphrase=conf.signing_key_passphrase()
    )
    return sign(
        document,
        private_key=private_key,
        verification_method=key.verification_method,
        created=timezone.now(),
        # OB 3.0's JSON schema wants `proof` as an array; the signature is the same.
        proof_set=True,
    )


def _json_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


# ------------------------------------------------------------------------------
# Status lists
# ------------------------------------------------------------------------------


def status_list_url(status_list: StatusList) -> str:
    return conf.absolute_url(f"/status-lists/{status_list.pk}.json")


def status_list_publish(*, status_list: StatusList) -> StatusList:
    """Sign the list as it stands (revoked certificates set their bit) and store it.

    Callers hold the list's row lock, so two revocations cannot publish over
    each other with one bit missing.
    """
    bits = Bitstring(status_list.size)
    revoked = Certificate.objects.filter(
        status_list=status_list, status=Certificate.Status.REVOKED
    ).values_list("status_list_index", flat=True)
    for index in revoked:
        bits.set(index)
    document = status_list_credential(
        url=status_list_url(status_list),
        issuer_id=conf.issuer_did(),
        encoded_list=bits.encode(),
        valid_from=timezone.now(),
    )
    status_list.credential_json = _json_text(_sign(document, key=signing_key_active()))
    status_list.save(update_fields=["credential_json", "updated_at"])
    return status_list


#: Random picks tried before the free indexes of a nearly full list are listed.
STATUS_INDEX_PICKS = 32


def _status_list_entry() -> tuple[StatusList, int]:
    """A free index of a revocation list, chosen at random, under the list's row lock.

    Random, not in issue order: a list's bits then say nothing about when, or in
    which order, certificates were issued (the herd privacy the Bitstring Status
    List asks for). The list's counter is written first, which takes the row's
    write lock (on SQLite as well), so the free-index check below sees every
    index given before; the unique (list, index) constraint is the last word.
    """
    status_list = (
        StatusList.objects.select_for_update()
        .filter(purpose=StatusList.Purpose.REVOCATION, next_index__lt=F("size"))
        .order_by("pk")
        .first()
    )
    if status_list is None:
        status_list = StatusList.objects.create(purpose=StatusList.Purpose.REVOCATION)
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
        status_list_publish(status_list=status_list)
    status_list.next_index += 1  # now the number of indexes given out
    status_list.save(update_fields=["next_index", "updated_at"])
    taken = Certificate.objects.filter(status_list=status_list)
    for _pick in range(STATUS_INDEX_PICKS):
        index = secrets.randbelow(status_list.size)
        if not taken.filter(status_list_index=index).exists():
            return status_list, index
    used = set(taken.values_list("status_list_index", flat=True))
    free = [index for index in range(status_list.size) if index not in used]
    return status_list, secrets.choice(free)


# ------------------------------------------------------------------------------
# Issuing
# ------------------------------------------------------------------------------


def add_months(value: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    return value.replace(
        year=year, month=month, day=min(value.day, monthrange(year, month)[1])
    )


def _next_number(issued_on: date) -> str:
    """PREFIX-YYYY-NNNNNN (B.E. year), from the year's counter under its row lock.

    The increment commits or rolls back with the certificate that uses it, so the
    sequence has no gaps; SQLite serialises writers (BEGIN IMMEDIATE) instead.
    """
    prefix, year = conf.number_prefix(), buddhist_year(issued_on.year)
    counters = CertificateNumberCounter.objects.select_for_update()
    counter = counters.filter(prefix=prefix, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CertificateNumberCounter.objects.create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # another transaction created it first; its lock orders us.
        counter = counters.get(prefix=prefix, year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{counter.last_value:06d}"


def _course_url(course: CoursePage) -> str:
    path = course.get_url() or f"/courses/{course.pk}/"
    return path if path.startswith("http") else conf.absolute_url(path)


def _competency_snapshot(course: CoursePage) -> list[dict]:
    links = course.competency_links.select_related(
        "competency__framework", "level"
    ).order_by("sort_order", "pk")
    return [
        {
            "code": link.competency.code,
            "name_th": link.competency.name_th,
            "name_en": link.competency.name_en,
            "framework_th": link.competency.framework.name_th,
            "framework_en": link.competency.framework.name_en,
            "level_rank": link.level.rank,
            "level_th": link.level.name_th,
            "level_en": link.level.name_en,
            "url": link.competency.uri
            or conf.absolute_url(f"/courses/?competency={link.competency.pk}"),
        }
        for link in links
    ]


@transaction.atomic
def _certificate_reserve(*, completion: CourseCompletion) -> Certificate:
    """Lock the completion; return its certificate, or reserve one (status pending)."""
    completion = (
        CourseCompletion.objects.select_for_update()
        .select_related("user", "course", "enrolment")
        .get(pk=completion.pk)
    )
    existing = Certificate.objects.filter(completion=completion).first()
    if existing is not None:
        return existing
    eligibility = certificate_eligibility(completion=completion)
    if not eligibility:
        raise CertificateNotEarnedError(
            completion_id=completion.pk, reasons=eligibility.reasons
        )
    user, course = completion.user, completion.course
    issued_on = timezone.localdate(completion.completed_at)
    person = person_ensure_for_user(user=user)
    placement = placement_current(person, on=issued_on)
    position_th = position_en = organisation_th = organisation_en = ""
    if placement is not None:
        position_th = placement.position_title or (
            placement.line_of_work.name_th + placement.position_level.name_th
        )
        position_en = ", ".join(
            part
            for part in (
                placement.line_of_work.name_en,
                placement.position_level.name_en,
            )
            if part
        )
        organisation_th, organisation_en = (
            placement.unit.name_th,
            placement.unit.name_en,
        )
    valid_from = completion.completed_at
    months = course.certificate_validity_months
    status_list, index = _status_list_entry()
    certificate = Certificate(
        number=_next_number(issued_on),
        completion=completion,
        user=user,
        course=course,
        person=person,
        name_th=person.full_name_th,
        name_en=person.full_name_en,
        last_name_th=person.last_name_th,
        last_name_en=person.last_name_en,
        position_th=position_th,
        position_en=position_en,
        organisation_th=organisation_th,
        organisation_en=organisation_en,
        course_title_th=course.title,
        course_title_en=course.title_en,
        learning_hours=completion.learning_hours,
        competencies=_competency_snapshot(course),
        training_started_on=min(
            timezone.localdate(completion.enrolment.enrolled_at), issued_on
        ),
        delivery_mode=course.delivery_mode or "",
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=add_months(valid_from, months) if months else None,
        status=Certificate.Status.PENDING,
        status_list=status_list,
        status_list_index=index,
        identity_salt=secrets.token_hex(16),
    )
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    certificate.save()
    return certificate


def _test_delay() -> None:
    """ACADEMY_TEST_ISSUE_DELAY seconds of sleep, under test settings only: the
    real-worker test kills the worker while it sleeps here."""
    delay = os.environ.get(conf.ISSUE_DELAY_ENV)
    if delay and conf.test_hooks_enabled():
        logger.warning("certificate_issue: test delay of %s s", delay)
        time.sleep(float(delay))


def certificate_credential(certificate: Certificate, *, key: SigningKey) -> dict:
    """The signed OpenBadgeCredential of a reserved certificate."""
    course = certificate.course
    hours = face.hours_text(certificate.learning_hours)
    facts = BadgeFacts(
        credential_id=conf.absolute_url(f"/credentials/{certificate.public_id}.json"),
        issuer_id=conf.issuer_did(),
        issuer_name=conf.issuer_name_th(),
        issuer_url=conf.absolute_url("/"),
        achievement_id=_course_url(course),
        achievement_name=certificate.course_title_th,
        achievement_description=course.summary or certificate.course_title_th,
        criteria_narrative=(
            f"ผ่านการเรียนครบตามเกณฑ์ของหลักสูตร {certificate.course_title_th}"
            f" จำนวน {hours} ชั่วโมง"
        ),
        human_code=course.code or "",
        credential_name=f"ประกาศนียบัตร {certificate.course_title_th}",
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        identity_salt=certificate.identity_salt,
        email=certificate.user.email,
        name=certificate.name_th,
        status_list_url=status_list_url(certificate.status_list),
        status_list_index=certificate.status_list_index,
        alignments=[
            Alignment(
                code=item["code"],
                name=item["name_th"],
                url=item["url"],
                framework=item.get("framework_th", ""),
                description=f"ระดับ {item['level_rank']} {item['level_th']}",
            )
            for item in certificate.competencies
        ],
    )
    return _sign(open_badge_credential(facts), key=key)


def certificate_design() -> face.Design:
    template = CertificateTemplate.objects.filter(is_active=True).first()
    return template.design() if template is not None else face.default_design()


def certificate_pdf(
    certificate: Certificate, *, credential_json: str, language: str = "th"
) -> bytes:
    """The certificate's PDF with its signed credential attached."""
    design = certificate_design()
    context = face.certificate_context(certificate, design=design, language=language)
    pdf = face.render_certificate_pdf(design=design, context=context)
    return attach_file(
        pdf,
        name=conf.CREDENTIAL_ATTACHMENT,
        data=credential_json.encode("utf-8"),
        description="Open Badges 3.0 credential (eddsa-rdfc-2022)",
        title=f"{certificate.number} {context['course_title']}",
        language=language,
    )


def _supersede(certificate: Certificate) -> list[Certificate]:
    """Of the user's valid certificates for the course and this one, the latest
    completion stays valid; the others are superseded by it. Rows are locked."""
    siblings = list(
        Certificate.objects.select_for_update()
        .filter(user_id=certificate.user_id, course_id=certificate.course_id)
        .exclude(pk=certificate.pk)
        .select_related("completion")
        .order_by("pk")
    )
    contenders = [c for c in siblings if c.status == Certificate.Status.VALID]
    contenders.append(certificate)
    latest = max(contenders, key=lambda c: (c.completion.completed_at, c.completion_id))
    changed = []
    for other in contenders:
        if other is not latest:
            other.status = Certificate.Status.SUPERSEDED
            other.superseded_by = latest
            changed.append(other)
    if latest is certificate:
        certificate.status = Certificate.Status.VALID
    # Superseded rows first: at most one valid certificate per user and course.
    for other in changed:
        if other is not certificate:
            other.save(update_fields=["status", "superseded_by"])
    return changed


def _certificate_finish(*, certificate: Certificate) -> Certificate:
    key = signing_key_active()
    credential_json = _json_text(certificate_credential(certificate, key=key))
    pdf = certificate_pdf(certificate, credential_json=credential_json)
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("completion")
            .get(pk=certificate.pk)
        )
        if locked.status != Certificate.Status.PENDING:
            return locked  # finished by another delivery of the same task
        _supersede(locked)
        locked.credential_json = credential_json
        # A random name (see Certificate.pdf): a worker that died before commit
        # leaves an orphan file that nothing names, never a file someone can guess.
        locked.pdf.save(f"{locked.public_id}.pdf", ContentFile(pdf), save=False)
        locked.issued_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "superseded_by",
                "credential_json",
                "pdf",
                "issued_at",
            ]
        )
        if locked.status == Certificate.Status.VALID:
            certificate_issued_mail(locked)
        xapi_events.certificate_issued(certificate=locked)
    return locked


def certificate_issue(*, completion: CourseCompletion) -> Certificate:
    """The certificate of a completion, issued once: returns the existing one if any.

    Safe to call again, concurrently or after a crash at any point. A newer
    completion of the same course supersedes the learner's earlier certificate.
    Raises CertificateNotEarnedError for a completion that earns none
    (certificates.eligibility says which do, and why).
    """
    certificate = _certificate_reserve(completion=completion)
    if certificate.status != Certificate.Status.PENDING:
        return certificate
    _test_delay()
    return _certificate_finish(certificate=certificate)


# ------------------------------------------------------------------------------
# Revoking
# ------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, reason: str, revoked_by
) -> Certificate:
    """Revoke with a reason: the status list is re-signed with the bit set at once."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking the certificate."))
    status_list = StatusList.objects.select_for_update().get(
        pk=certificate.status_list_id
    )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        raise CertificateError(
            _("Certificate %(number)s is already revoked.")
            % {"number": certificate.number}
        )
    if certificate.status == Certificate.Status.PENDING:
        raise CertificateError(
            _("Certificate %(number)s is still being issued.")
            % {"number": certificate.number}
        )
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.revoked_by = revoked_by
    certificate.save(
        update_fields=["status", "revoked_at", "revocation_reason", "revoked_by"]
    )
    status_list_publish(status_list=status_list)
    audit_record(
        actor=revoked_by,
        action=AuditAction.CERTIFICATE_REVOKE,
        obj=certificate,
        subject=certificate.person_id,
        detail={"number": certificate.number},
    )
    return certificate


# ------------------------------------------------------------------------------
# Bulk download
# ------------------------------------------------------------------------------


@transaction.atomic
def certificate_bundle_request(
    *, requested_by, course: CoursePage | None = None, unit: OrgUnit | None = None
) -> CertificateBundle:
    """Ask for a ZIP of certificates; a Celery task builds it.

    Academy administrators may ask for any course's certificates; HR officers for
    those of a unit inside their scope (optionally of one course), never beyond it.
    """
    if not can(requested_by, "certificates.download_bundles"):
        raise PermissionDenied(
            _("Only academy administrators and HR officers can download in bulk.")
        )
    if unit is None and course is None:
        raise ValidationError(_("Choose a course or an organisation unit."))
    if unit is None and not can(requested_by, "certificates.download_course_bundles"):
        raise PermissionDenied(_("Choose a unit of your organisation."))
    if unit is not None and not can(
        requested_by, "certificates.download_unit_bundle", unit
    ):
        raise PermissionDenied(
            _("That unit is outside the organisation you look after.")
        )
    bundle = CertificateBundle(course=course, unit=unit, requested_by=requested_by)
    bundle.full_clean()
    bundle.save()
    audit_record(
        actor=requested_by,
        action=AuditAction.EXPORT,
        obj=bundle,
        detail={
            "what": "certificate bundle",
            "course": bundle.course_id,
            "unit": bundle.unit_id,
        },
    )
    transaction.on_commit(lambda: tasks.certificate_bundle_build.delay(bundle.pk))
    return bundle


def certificate_bundle_build(*, bundle: CertificateBundle) -> CertificateBundle:
    """Write the ZIP: each certificate's PDF and credential, and a CSV manifest."""
    certificates = bundle_certificates(bundle)
    count = 0
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(
        [
            "number",
            "name_th",
            "name_en",
            "issued_on",
            "valid_until",
            "status",
            "verify_url",
        ]
    )
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates.iterator(chunk_size=200):
                if certificate.pdf:
                    with certificate.pdf.open("rb") as handle:
                        archive.writestr(f"{certificate.number}.pdf", handle.read())
                archive.writestr(
                    f"{certificate.number}.json", certificate.credential_json
                )
                writer.writerow(
                    csv_cell(value)
                    for value in [
                        certificate.number,
                        certificate.name_th,
                        certificate.name_en,
                        certificate.issued_on.isoformat(),
                        certificate.valid_until.date().isoformat()
                        if certificate.valid_until
                        else "",
                        certificate.verification_state,
                        conf.absolute_url(f"/verify/{certificate.public_id}/"),
                    ]
                )
                count += 1
            archive.writestr("manifest.csv", BOM + manifest.getvalue())
        spool.seek(0)
        with transaction.atomic():
            bundle = CertificateBundle.objects.select_for_update().get(pk=bundle.pk)
            bundle.file.save(f"{bundle.file_stem}.zip", File(spool), save=False)
            bundle.status = CertificateBundle.Status.READY
            bundle.certificate_count = count
            bundle.finished_at = timezone.now()
            bundle.save(
                update_fields=["file", "status", "certificate_count", "finished_at"]
            )
    return bundle


def certificate_bundle_fail(*, bundle: CertificateBundle, error: str) -> None:
    CertificateBundle.objects.filter(pk=bundle.pk).update(
        status=CertificateBundle.Status.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
    )
