"""Sign-in helpers for tests; they live in academy.accounts.harness, shared with the
benchmarks."""

from academy.accounts.harness import (  # noqa: F401
    TOTP_PERIOD,
    accept_privacy_notice,
    enrol_totp,
    forget_used_totp_codes,
    mark_harness_session,
    totp_code,
)
