"""`manage.py issuer_keys`: generate, rotate (old key stays published), list."""

import io

from django.core.management import CommandError, call_command

import pytest

from certificates.models import SigningKey

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("issuer_keys", *args, stdout=out)
    return out.getvalue()


def test_generate_makes_one_active_encrypted_key():
    output = _run("generate")

    key = SigningKey.objects.get()
    assert key.is_active
    assert key.verification_method == "did:web:testserver#key-1"
    assert key.private_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key.public_key_multibase in output


def test_generate_refuses_when_a_key_is_active():
    _run("generate")

    with pytest.raises(CommandError, match="rotate"):
        _run("generate")


def test_rotate_retires_the_old_key_but_keeps_it():
    _run("generate")
    _run("rotate")

    keys = list(SigningKey.objects.order_by("created_at", "pk"))
    assert [key.is_active for key in keys] == [False, True]
    assert keys[0].deactivated_at is not None
    assert keys[1].verification_method == "did:web:testserver#key-2"


def test_list_shows_every_key():
    _run("generate")
    _run("rotate")

    output = _run("list")

    assert "#key-1  retired (still published)" in output
    assert "#key-2  active" in output
