"""The OpenID Connect login and callback URLs, under /accounts/oidc/<provider>/
(allauth includes this module in place of its own, see provider.py)."""

from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path(
        "oidc/",
        include(
            [
                re_path(
                    r"^(?P<provider_id>[a-z0-9][a-z0-9_-]*)/",
                    include(
                        [
                            path("login/", views.login, name="openid_connect_login"),
                            path(
                                "login/callback/",
                                views.callback,
                                name="openid_connect_callback",
                            ),
                        ]
                    ),
                )
            ]
        ),
    )
]
