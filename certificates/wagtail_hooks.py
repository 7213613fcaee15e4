"""Registers the certificates admin: the menu group, revocation, previews, bulk ZIPs."""

from django.urls import path

from wagtail import hooks

from certificates.viewsets import (
    SUBMENU_HOOK,
    BundleView,
    CertificatesViewSetGroup,
    RevokeView,
    bundle_download,
    bundle_menu_item,
    template_preview_pdf,
)


@hooks.register("register_admin_viewset")
def register_certificates_viewsets():
    # Views check Wagtail's model permissions, which the academy_admin group holds
    # (certificates/migrations/0002_permissions.py).
    return CertificatesViewSetGroup()


@hooks.register("register_admin_urls")
def register_certificates_urls():
    return [
        path(
            "certificates/issued/<int:pk>/revoke/",
            RevokeView.as_view(),
            name="certificates_revoke",
        ),
        path(
            "certificates/templates/<int:pk>/preview.pdf",
            template_preview_pdf,
            name="certificates_template_preview",
        ),
        path(
            "certificates/bundles/", BundleView.as_view(), name="certificates_bundles"
        ),
        path(
            "certificates/bundles/<int:pk>/download/",
            bundle_download,
            name="certificates_bundle_download",
        ),
    ]


hooks.register(SUBMENU_HOOK, bundle_menu_item)
