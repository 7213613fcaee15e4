"""Sign-in through OpenID Connect providers (ThaID, DGA Digital ID, ministry IdPs).

allauth's OpenID Connect provider does the protocol; this package makes it strict
enough for the civil service (docs/sign-in.md):

- config.py: the providers an administrator configured (a TOML file, secrets from
  the environment), turned into allauth's SOCIALACCOUNT_PROVIDERS;
- provider.py / views.py / tokens.py: allauth's provider with PKCE always on, a
  nonce, every ID token's signature checked, discovery and keys cached;
- linking.py: which account an identity signs in to (a claim the provider asserts,
  only to a person HR placed), audited;
- directory.py: how accounts reach people records without importing competencies;
- logout.py: RP-initiated logout.
"""
