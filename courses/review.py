"""Submitting a course and its lessons for review together, from the page explorer.

Wagtail submits one page at a time from its editor; an instructor who wrote a course
and its lessons would otherwise open each lesson to submit it. This bulk action (the
explorer's checkboxes, "Submit for review") starts each chosen page's review workflow
and, if asked, its subpages' too. It never goes around the rules: a page is submitted
only where the user may submit it (courses.page_permissions decides), where it has changes
to review and where no review is already running; the others are listed as skipped.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction


class SubmitForReviewForm(forms.Form):
    include_descendants = forms.BooleanField(
        label=_("Also submit their subpages (the course's lessons)"),
        required=False,
        initial=True,
    )


def submittable(page, user) -> bool:
    """Whether `user` may submit `page` for review now: allowed, a workflow applies,
    changes not yet published, and no review already running."""
    return (
        page.permissions_for_user(user).can_submit_for_moderation()
        and page.get_workflow() is not None
        and page.has_unpublished_changes
        and not page.workflow_in_progress
    )


def submit_for_review(page, user) -> None:
    """Start the page's review on its latest revision (saved now if it has none)."""
    if page.get_latest_revision() is None:
        page.save_revision(user=user)
    page.get_workflow().start(page, user)


class SubmitForReviewBulkAction(PageBulkAction):
    display_name = _("Submit for review")
    action_type = "submit_for_review"
    aria_label = _("Submit the selected pages for review")
    template_name = "courses/admin/confirm_bulk_submit.html"
    action_priority = 35
    form_class = SubmitForReviewForm

    def check_perm(self, page):
        return submittable(page.specific_deferred, self.request.user)

    def object_context(self, obj):
        context = super().object_context(obj)
        context["subpages"] = self._subpages(context["item"], self.request.user)
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_subpages"] = any(item["subpages"] for item in context["items"])
        return context

    @staticmethod
    def _subpages(page, user) -> int:
        return sum(
            1
            for descendant in page.get_descendants().specific().defer_streamfields()
            if submittable(descendant, user)
        )

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "include_descendants": self.cleaned_form.cleaned_data[
                "include_descendants"
            ],
        }

    @classmethod
    def execute_action(cls, objects, include_descendants=False, user=None, **kwargs):
        parents = children = 0
        for page in objects:
            page = page.specific
            if not submittable(page, user):
                continue
            submit_for_review(page, user)
            parents += 1
            if include_descendants:
                for descendant in (
                    page.get_descendants().specific().defer_streamfields().iterator()
                ):
                    if submittable(descendant, user):
                        submit_for_review(descendant, user)
                        children += 1
        return parents, children

    def get_success_message(self, num_parent_objects, num_child_objects):
        pages = ngettext(
            "%(count)d page is submitted for review",
            "%(count)d pages are submitted for review",
            num_parent_objects,
        ) % {"count": num_parent_objects}
        if not num_child_objects:
            return pages
        return _("%(pages)s, with %(subpages)s") % {
            "pages": pages,
            "subpages": ngettext(
                "%(count)d subpage", "%(count)d subpages", num_child_objects
            )
            % {"count": num_child_objects},
        }
