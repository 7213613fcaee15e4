"""Public verification, published documents and the learner's certificates: thin views."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import (
    condition,
    require_GET,
    require_safe,
)

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.authz import require
from academy.core.ratelimit import attempt_refused
from certificates import conf, selectors, services
from certificates.forms import (
    SizeLimitUploadHandler,
    VerifyByNumberForm,
    VerifyUploadForm,
)
from certificates.verification import UploadRefused, verification_of, verify_upload

#: The media type the VC Data Model 2.0 Recommendation registers for a credential
#: secured with an embedded proof (IANA, 2024): no parameters, so no charset; the
#: JSON is UTF-8 as the Recommendation requires. application/vc+ld+json was a draft.
CREDENTIAL_CONTENT_TYPE = "application/vc"
#: DID Core's media type for a DID document in its JSON representation.
DID_CONTENT_TYPE = "application/did+json"


# ------------------------------------------------------------------------------
# Public verification
# ------------------------------------------------------------------------------


def _verify_page(request, *, number_form=None, upload_form=None, status=200, **extra):
    context = {
        "number_form": number_form or VerifyByNumberForm(),
        "upload_form": upload_form or VerifyUploadForm(),
        **extra,
    }
    return render(request, "certificates/verify.html", context, status=status)


@csrf_exempt  # CSRF is checked by _verify_form, after the upload handler is set
def verify_form(request):
    """/verify/: by number and surname, or by uploading the PDF or the JSON."""
    if request.method == "POST":
        # The size limit applies while the body is read, before anything is parsed.
        request.upload_handlers.insert(
            0, SizeLimitUploadHandler(request, max_bytes=conf.upload_max_bytes())
        )
    return _verify_form(request)


@csrf_protect
@never_cache
def _verify_form(request):
    if request.method != "POST":
        return _verify_page(request)
    if attempt_refused(request, scope="verify", limit=conf.verify_rate_limit()):
        response = _verify_page(
            request,
            status=429,
            refused=_(
                "Too many verification attempts from your network. "
                "Please wait a minute and try again."
            ),
        )
        response["Retry-After"] = "60"
        return response
    method = request.POST.get("method")  # reads the body, through the size limit
    if getattr(request, "upload_too_large", False):
        return _verify_page(
            request,
            status=413,
            upload_error=_("The file is larger than %(size)s MB.")
            % {"size": conf.upload_max_bytes() // (1024 * 1024)},
        )
    if method == "upload":
        upload_form = VerifyUploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return _verify_page(request, upload_form=upload_form, status=400)
        data = upload_form.cleaned_data["file"].read(conf.upload_max_bytes() + 1)
        try:
            verification = verify_upload(data)
        except UploadRefused as refusal:
            return _verify_page(
                request,
                upload_form=upload_form,
                status=400,
                upload_error=refusal.message,
            )
        return render(
            request,
            "certificates/verify_result.html",
            {"verification": verification, "uploaded": True},
        )
    number_form = VerifyByNumberForm(request.POST)
    if not number_form.is_valid():
        return _verify_page(request, number_form=number_form, status=400)
    certificate = selectors.certificate_by_number_and_surname(
        number=number_form.cleaned_data["number"],
        surname=number_form.cleaned_data["surname"],
    )
    if certificate is None:
        number_form.add_error(
            None,
            _(
                "No certificate matches this number and surname. Check both "
                "against the certificate."
            ),
        )
        return _verify_page(request, number_form=number_form, status=404)
    return redirect("certificates:verify_certificate", public_id=certificate.public_id)


@require_GET
def verify_certificate(request, public_id: uuid.UUID):
    """/verify/<public id>/: where the QR code leads."""
    certificate = selectors.certificate_for_public(public_id=public_id)
    if certificate is None:
        return render(
            request, "certificates/verify_result.html", {"not_found": True}, status=404
        )
    return render(
        request,
        "certificates/verify_result.html",
        {"verification": verification_of(certificate)},
    )


# ------------------------------------------------------------------------------
# Published documents
# ------------------------------------------------------------------------------


@require_safe
def credential_json(request, public_id: uuid.UUID):
    """/credentials/<public id>.json: the signed OpenBadgeCredential."""
    document = selectors.certificate_credential_json(public_id=public_id)
    if document is None:
        raise Http404
    response = HttpResponse(document, content_type=CREDENTIAL_CONTENT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    if request.GET.get("download"):
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"credential-{public_id}.json"
        )
    return response


def _status_list_etag(request, status_list_id: int):
    published = selectors.status_list_published(status_list_id=status_list_id)
    request._status_list = published
    return published[1] if published else None


@require_safe
@condition(etag_func=_status_list_etag)
def status_list_json(request, status_list_id: int):
    """/status-lists/<id>.json: the signed BitstringStatusListCredential."""
    published = getattr(request, "_status_list", None)
    if published is None:
        raise Http404
    response = HttpResponse(published[0], content_type=CREDENTIAL_CONTENT_TYPE)
    patch_cache_control(response, public=True, max_age=conf.status_list_max_age())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def did_document(request):
    """The issuer's did:web document: every signing key, current and rotated.

    At /.well-known/did.json for did:web:host, and at /did.json below the
    Academy's sub-path for did:web:host:path (both routes serve the same).
    """
    response = JsonResponse(
        selectors.did_document(), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = DID_CONTENT_TYPE
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=300)
    return response


# ------------------------------------------------------------------------------
# The learner's certificates
# ------------------------------------------------------------------------------


@login_required
def my_certificates(request):
    certificates = selectors.certificate_list_for_user(user=request.user)
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "certificates": certificates,
            "base_url": conf.base_url(),
        },
    )


@login_required
def my_certificate_pdf(request, public_id: uuid.UUID):
    """The learner's own PDF (Thai as issued, or the English variant on request)."""
    certificate = selectors.certificate_of_user(user=request.user, public_id=public_id)
    if certificate is None or not certificate.pdf:
        raise Http404
    require(request.user, "certificates.download", certificate)
    filename = f"{certificate.number}.pdf"
    if request.GET.get("lang") == "en":
        pdf = services.certificate_pdf(
            certificate, credential_json=certificate.credential_json, language="en"
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{certificate.number}-en.pdf"
        )
        return response
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


def bundle_response(request, bundle) -> FileResponse:
    """Stream a bundle the caller was allowed, after recording who took it."""
    audit_record(
        actor=request.user,
        action=AuditAction.CERTIFICATE_BUNDLE_DOWNLOAD,
        obj=bundle,
        request=request,
        detail={"certificates": bundle.certificate_count},
    )
    response = FileResponse(
        bundle.file.open("rb"),
        as_attachment=True,
        filename=f"certificates-{bundle.file_stem}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response
