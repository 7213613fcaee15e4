"""Kept for migrations only: certificates 0001 names `certificates.rendering.default_body`
as the default of CertificateTemplate.body, and a migration must keep importing as
written. The certificate's face (template, wording, design, HTML and PDF) lives in
certificates.face; new code imports it from there."""

from certificates.face import default_body

__all__ = ["default_body"]
