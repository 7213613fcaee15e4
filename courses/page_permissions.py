"""Wagtail's page permissions, narrowed: who may author which course in the admin.

Wagtail grants page permissions on a page and every page under it. Instructors hold
"add" on the catalogue (courses/migrations/0003_authoring.py), which on its own would let
any instructor add lessons to any course, and edit only the pages they created
themselves. The Academy's rule is narrower and wider at once: an instructor authors the
courses they own or co-teach (CourseInstructor rows), and every lesson under them,
whoever created it; they never publish, they submit for review through the workflow.

The rule is written once, in `authored_course_paths`, and applied in two places that
Wagtail asks: `CourseAuthoringPermissionTester` (returned by `permissions_for_user` on
course and lesson pages) answers what a user may do with a page, in every admin view,
button and action; `AcademyPagePermissionPolicy.explorable_instances` answers which
pages the user sees in the explorer, the page search and the page-type listings.

Users whose page permissions include "change" over a course (academy administrators)
and superusers are not narrowed: Wagtail's own rules apply to them. These are the
classes Wagtail asks about pages; the Academy's named rules (courses.authz) ask
`authored_course_paths` when they need the same scope.
"""

from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from wagtail.models import PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

_AUTHORED_CACHE = "_academy_authored_course_paths"


def authored_course_paths(user) -> frozenset[str]:
    """Tree paths of the courses the user owns or co-teaches, cached on the user.

    Cached for the user object's lifetime, one request in the admin, as Wagtail caches
    the user's page permissions; a change to co-instructors shows on the next request.
    """
    cached = getattr(user, _AUTHORED_CACHE, None)
    if cached is not None:
        return cached
    from .models import CourseInstructor, CoursePage

    if not user.is_authenticated:
        paths = frozenset()
    else:
        paths = frozenset(
            CoursePage.objects.filter(
                Q(owner=user)
                | Q(pk__in=CourseInstructor.objects.filter(user=user).values("page_id"))
            ).values_list("path", flat=True)
        )
    setattr(user, _AUTHORED_CACHE, paths)
    return paths


def forget_authored_courses(user) -> None:
    """Drop the cached paths, for code that changes authorship within one request."""
    if hasattr(user, _AUTHORED_CACHE):
        delattr(user, _AUTHORED_CACHE)


def _under_any(path: str, roots) -> bool:
    return any(path.startswith(root) for root in roots)


class CourseAuthoringPermissionTester(PagePermissionTester):
    """Wagtail's page permission tester, narrowed to authorship for instructors.

    A user is narrowed when their only page right here is "add": they may edit, delete,
    move and add lessons under a page only if it is a course they author or lies under
    one. Publishing stays with "publish" (which instructors lack), so their "Publish"
    is refused and they "Submit for review" through the catalogue's workflow.
    """

    @cached_property
    def is_narrowed(self) -> bool:
        return (
            self.user.is_active
            and not self.user.is_superuser
            and "change" not in self.permissions
        )

    @cached_property
    def authors_page(self) -> bool:
        """True if the page is a course the user authors, or a page under one."""
        return _under_any(self.page.path, authored_course_paths(self.user))

    def can_edit(self):
        if not self.is_narrowed:
            return super().can_edit()
        if "add" in self.permissions and self.authors_page:
            return True
        # Reviewers of the page's current workflow task keep access to the editor.
        task = self.page.current_workflow_task
        return bool(task and task.user_can_access_editor(self.page, self.user))

    def can_add_subpage(self):
        return super().can_add_subpage() and (not self.is_narrowed or self.authors_page)

    def can_delete(self, ignore_bulk=False):
        if not self.is_narrowed:
            return super().can_delete(ignore_bulk=ignore_bulk)
        # Wagtail's "add" rule deletes only pages the user created; an author removes
        # any draft of their course, such as a lesson a co-instructor started.
        if self.page_is_root or "add" not in self.permissions or not self.authors_page:
            return False
        if (
            "bulk_delete" not in self.permissions
            and not self.page.is_leaf()
            and not ignore_bulk
        ):
            return False
        if "publish" in self.permissions:
            return True
        # Deleting a live page would unpublish it, which is the reviewers' call.
        if self.page.is_leaf():
            return not self.page.live
        return not self.page.get_descendants(inclusive=True).live().exists()

    def can_move_to(self, destination):
        # Wagtail checks only for "add" on the destination, which instructors hold
        # over every course; moving a lesson needs the right to add it there.
        if not super().can_move_to(destination):
            return False
        if not self.is_narrowed:
            return True
        return destination.permissions_for_user(self.user).can_add_subpage()

    def can_submit_for_moderation(self):
        return super().can_submit_for_moderation() and self.can_edit()

    def can_view_revisions(self):
        return super().can_view_revisions() and (
            not self.is_narrowed or self.can_edit()
        )


class AcademyPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, with other instructors' courses left out of the listings.

    Registered for all pages (courses/wagtail_hooks.py) because the explorer, the page
    search, the page-type listings and the sidebar explorer all read
    `explorable_instances`; the `construct_explorer_page_queryset` hook reaches only the
    first and the last of them.
    """

    def explorable_instances(self, user):
        return self.without_unauthored_courses(user, super().explorable_instances(user))

    def without_unauthored_courses(self, user, pages: QuerySet) -> QuerySet:
        """Leave out the courses, and their lessons, the user may not change."""
        if not user.is_active or user.is_superuser:
            return pages
        from .models import CatalogPage

        catalogue = CatalogPage.objects.only("path", "depth").first()
        if catalogue is None:
            return pages
        change_roots = {
            perm.page.path
            for perm in self.get_cached_permissions_for_user(user)
            if perm.permission.codename == "change_page"
        }
        if _under_any(catalogue.path, change_roots):
            return pages
        visible_roots = authored_course_paths(user) | {
            path for path in change_roots if path.startswith(catalogue.path)
        }
        inside_catalogue = Q(path__startswith=catalogue.path, depth__gt=catalogue.depth)
        hidden = inside_catalogue
        for root in visible_roots:
            hidden &= ~Q(path__startswith=root)
        return pages.exclude(hidden)
