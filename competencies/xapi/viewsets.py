"""The xAPI outbox in the Wagtail admin: administrators see the statements waiting,
refused and sent, and send refused ones again (docs/xapi.md)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wagtail.admin.menu import MenuItem

from academy.accounts import authz

from .models import OutboxStatement
from .selectors import PAGE_SIZE, outbox_counts, outbox_statements
from .services import outbox_retry


@require_http_methods(["GET", "POST"])
def outbox_view(request):
    if not authz.can(request.user, "xapi.manage_outbox"):
        raise Http404
    if request.method == "POST":
        retried = outbox_retry(statement_ids=request.POST.getlist("statement"))
        messages.success(
            request,
            _("%(count)s statements queued to be sent again.") % {"count": retried},
        )
        return redirect(f"{reverse('xapi_outbox')}?status=rejected")
    status = request.GET.get("status") or ""
    try:
        page = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        page = 1
    statements = outbox_statements(status=status or None, page=page)
    counts = outbox_counts()
    return TemplateResponse(
        request,
        "xapi/admin/outbox.html",
        {
            "statements": statements,
            "statuses": [
                (value, label, counts[value])
                for value, label in OutboxStatement.Status.choices
            ],
            "status": status,
            "page": page,
            "has_next": len(statements) == PAGE_SIZE,
        },
    )


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return authz.can(request.user, "xapi.manage_outbox")


def outbox_menu_item():
    return OutboxMenuItem(
        gettext_lazy("xAPI statements"),
        reverse("xapi_outbox"),
        icon_name="resubmit",
        order=9000,
    )
