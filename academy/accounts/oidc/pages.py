"""/accounts/identities/: the identities linked to one's account, and removing one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from allauth.core.exceptions import ReauthenticationRequired
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.internal.flows.connect import disconnect
from allauth.socialaccount.models import SocialAccount, SocialApp


def _provider_names(request) -> dict[str, str]:
    return {
        app.provider_id: app.name
        for app in get_social_adapter().list_apps(request)
        if app.provider_id
    }


@never_cache
@login_required
def identities(request):
    """List (GET) or remove (POST `account`) the person's own linked identities."""
    if request.method == "POST":
        account_id = request.POST.get("account", "")
        account = get_object_or_404(
            SocialAccount,
            pk=int(account_id) if account_id.isdigit() else 0,
            user=request.user,
        )
        try:
            disconnect(request, account)  # audited by oidc/signals.py
        except ReauthenticationRequired:
            query = urlencode({"next": reverse("accounts:identities")})
            return HttpResponseRedirect(f"{reverse('account_reauthenticate')}?{query}")
        messages.success(
            request, _("The identity is no longer linked to your account.")
        )
        return redirect("accounts:identities")
    names = _provider_names(request)
    rows = list(identities_of(request.user))
    accounts = [
        {
            "pk": account.pk,
            "provider": names.get(account.provider, account.provider),
            "linked_on": account.date_joined,
            "last_login": account.last_login,
        }
        for account in rows
    ]
    linked = {account.provider for account in rows}
    return render(
        request,
        "accounts/identities.html",
        {
            "accounts": accounts,
            # One identity per provider: the others may still be linked.
            "providers": [
                provider
                for provider in configured_providers(request)
                if provider["id"] not in linked
            ],
        },
    )


def identities_of(user):
    return SocialAccount.objects.filter(user=user).order_by("date_joined")


def configured_providers(request) -> list[dict]:
    """The providers a person may sign in (or link) with, for the pages' buttons."""
    try:
        apps = get_social_adapter().list_apps(request, provider="openid_connect")
    except SocialApp.DoesNotExist:
        return []
    return [
        {
            "id": app.provider_id,
            "name": app.name,
            "login_url": reverse(
                "openid_connect_login", kwargs={"provider_id": app.provider_id}
            ),
        }
        for app in apps
    ]
