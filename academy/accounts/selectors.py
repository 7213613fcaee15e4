"""Reads about accounts that other apps ask for: which addresses an account has proved."""

from allauth.account.models import EmailAddress


def user_verified_emails(user) -> set[str]:
    """The account's addresses that it proved it receives mail at (allauth verified).

    The account's primary address (`user.email`) is not one of them unless verified:
    a person can type any address there, so it proves nothing about who they are.
    """
    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
