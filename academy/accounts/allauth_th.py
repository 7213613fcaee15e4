"""django-allauth's own strings whose shipped Thai is wrong, corrected in locale/th.

allauth's Thai catalogue mistranslates some of what our users read when they sign
in, reauthenticate, reset a password or set up TOTP ("Confirm Access" reads
"ยืนยันที่อยู่อีเมล AddrAccess", "Enter your password:" reads "ลืมรหัสผ่าน?:", "Add"
reads "แอป"). Catalogues in LOCALE_PATHS take precedence over an app's, so the
corrections live in our locale/th/LC_MESSAGES/django.po; they are marked here so
that `make messages` (makemessages --no-obsolete) keeps them. Only the flows the
Academy uses are listed: no passkeys, phones or third-party accounts.
"""

from django.utils.translation import gettext_noop

CORRECTED = (
    gettext_noop("Confirm Access"),
    gettext_noop("Enter your password:"),
    gettext_noop("Add"),
    gettext_noop("Bad Token"),
    gettext_noop("Invalid token."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Password Changed"),
    gettext_noop("Password Set"),
    gettext_noop("Current email"),
    gettext_noop("Sign-In Code"),
    gettext_noop("Unknown Account"),
    gettext_noop("Email Removed"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Authenticator App"),
    gettext_noop("Authenticator secret"),
    gettext_noop("Download codes"),
    gettext_noop("Your primary email address must be verified."),
    # Mail subjects and the notifications' one line (academy/templates/account/email
    # holds the Academy's own bodies around them).
    gettext_noop("Browser"),
    gettext_noop("Date"),
    gettext_noop("Email Changed"),
    gettext_noop("Email Confirmation"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Password Reset Code"),
    gettext_noop("Password Reset Email"),
    gettext_noop("Password Reset"),
    gettext_noop("Account Already Exists"),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Your password has been changed."),
    gettext_noop("Your password has been reset."),
    gettext_noop("Your password has been set."),
)
