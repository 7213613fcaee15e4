"""Public verification, published documents and the learner's certificates."""

from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify"),
    path(
        "verify/<uuid:public_id>/",
        views.verify_certificate,
        name="verify_certificate",
    ),
    path(
        "credentials/<uuid:public_id>.json",
        views.credential_json,
        name="credential_json",
    ),
    path(
        "status-lists/<int:status_list_id>.json",
        views.status_list_json,
        name="status_list",
    ),
    path(".well-known/did.json", views.did_document, name="did_document"),
    # did:web:host:path resolves to /path/did.json: the Academy under a sub-path.
    path("did.json", views.did_document, name="did_document_in_path"),
    path("certificates/", views.my_certificates, name="mine"),
    path(
        "certificates/<uuid:public_id>/certificate.pdf",
        views.my_certificate_pdf,
        name="my_pdf",
    ),
]
