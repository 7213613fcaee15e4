"""A change of the public URL must not silently change who signs new certificates.

The issuer DID derives from ACADEMY_PUBLIC_BASE_URL. Issued credentials are stored
as signed at issue time and keep their issuer, but the active signing key belongs to
the DID it was made for: after the URL changes, new credentials would name an issuer
that does not control the key that signs them, and fail verification. This check
(a database check: `migrate`, which every deploy runs, and `check --database default`)
stops the deploy until an operator decides (docs/operations.md, "Changing the public
URL").
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from certificates import conf


@register(Tags.database)
def issuer_did_matches_active_key(app_configs, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from certificates.models import SigningKey

    try:
        key = SigningKey.objects.filter(is_active=True).first()
    except DatabaseError:  # before the first migrate
        return []
    did = conf.issuer_did()
    if key is None or key.controller == did:
        return []
    return [
        Error(
            f"The issuer DID is now {did} (from ACADEMY_PUBLIC_BASE_URL) but the "
            f"active signing key {key.verification_method} belongs to "
            f"{key.controller}.",
            hint=(
                f"To keep the issuer, set ACADEMY_ISSUER_DID={key.controller}. To "
                f"move to {did}, serve /.well-known/did.json at the new host and run "
                "`manage.py issuer_keys rotate`. Issued credentials keep their "
                "issuer either way."
            ),
            id="certificates.E001",
        )
    ]
