"""Authorisation rules for certificates (see academy/accounts/authz.py).

Verification is public by design and needs no rule; a certificate's files belong to
the person it was issued to; revocation and signing keys are the administrators'.
"""

from academy.accounts.authz import is_academy_admin, rule


@rule("certificates.download")
def download(user, certificate) -> bool:
    return certificate is not None and certificate.user_id == user.pk


@rule("certificates.revoke")
def revoke(user, certificate) -> bool:
    return is_academy_admin(user)


@rule("certificates.manage_keys")
def manage_keys(user, obj) -> bool:
    return is_academy_admin(user)


@rule("certificates.download_bundle")
def download_bundle(user, bundle) -> bool:
    from certificates.selectors import bundle_may_download

    return bundle_may_download(user, bundle)
