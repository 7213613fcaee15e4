"""SCORM packages in the Wagtail admin: upload (checked before anything is kept), list,
rename. A package's files never change after upload; a new version is a new package
chosen on the lesson."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.accounts import authz
from academy.accounts.audit import AuditAction, audit_record
from academy.core.admin_columns import DateColumn

from ..models import ScormLessonPage, ScormPackage
from .origin import content_origin
from .package import PackageError
from .selectors import (
    catalogue_for_author,
    course_of_package,
    course_plan_for_package,
    packages_for_author,
    preview_token,
    scorm_lesson_results,
)


class ScormPackageUploadForm(WagtailAdminModelForm):
    package_file = forms.FileField(
        label=_("SCORM package (.zip)"),
        help_text=_(
            "A SCORM 1.2 or SCORM 2004 package: a zip with imsmanifest.xml at its top."
        ),
    )
    create_course = forms.BooleanField(
        label=_("Create a course from it"),
        required=False,
        help_text=_(
            "Next, make a draft course of the package: its title and description "
            "from the manifest, one lesson that plays the whole package."
        ),
    )

    class Meta:
        model = ScormPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the manifest's title.")
        if self.for_user is not None and catalogue_for_author(self.for_user) is None:
            # Offered only to whoever may add a course to the catalogue.
            del self.fields["create_course"]

    def clean(self):
        from .services import package_create

        cleaned = super().clean()
        upload = cleaned.get("package_file")
        if upload is not None and not self.errors:
            try:
                # Checked and stored here, so that a refusal is a form error.
                self.instance = package_create(
                    upload=upload,
                    uploaded_by=self.for_user,
                    title=cleaned.get("title") or "",
                )
            except PackageError as error:
                self.add_error("package_file", error.message)
        return cleaned

    def save(self, commit=True):
        return self.instance


class PackageUploadView(snippet_views.CreateView):
    """The upload; with "Create a course from it" ticked, it goes on to the page that
    makes the course, where the instructor sees what will be made and confirms."""

    def get_success_url(self):
        if self.form.cleaned_data.get("create_course"):
            return reverse("scorm_package_course", args=[self.object.pk])
        return super().get_success_url()


class _OwnPackages:
    """Views of one package: only a package the user uploaded (administrators: any),
    else 404, so that nobody learns of another instructor's package."""

    def get_object(self, queryset=None):
        return super().get_object(packages_for_author(self.request.user))


class OwnPackagesIndexView(snippet_views.IndexView):
    def get_base_queryset(self):
        return packages_for_author(self.request.user)

    @cached_property
    def may_add_courses(self) -> bool:
        return catalogue_for_author(self.request.user) is not None

    def get_list_more_buttons(self, instance):
        buttons = [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Preview"),
                url=reverse("scorm_package_preview", args=[instance.pk]),
                icon_name="view",
                priority=5,
            ),
        ]
        if self.may_add_courses:
            buttons.append(
                MenuItem(
                    _("Create a course from it"),
                    url=reverse("scorm_package_course", args=[instance.pk]),
                    icon_name="doc-empty-inverse",
                    priority=6,
                )
            )
        return buttons


class OwnPackageEditView(_OwnPackages, snippet_views.EditView):
    pass


class OwnPackageDeleteView(_OwnPackages, snippet_views.DeleteView):
    pass


class OwnPackageHistoryView(snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return packages_for_author(self.request.user)


class OwnPackageUsageView(snippet_views.UsageView):
    def get_base_object_queryset(self):
        return packages_for_author(self.request.user)


class ScormPackageViewSet(SnippetViewSet):
    model = ScormPackage
    icon = "doc-full"
    menu_label = _("SCORM packages")
    menu_order = 230
    add_to_admin_menu = True
    url_prefix = "courses/scorm-packages"
    add_to_reference_index = False
    index_view_class = OwnPackagesIndexView
    add_view_class = PackageUploadView
    edit_view_class = OwnPackageEditView
    delete_view_class = OwnPackageDeleteView
    history_view_class = OwnPackageHistoryView
    usage_view_class = OwnPackageUsageView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "title",
        Column("version", label=_("SCORM version")),
        Column("launch", label=_("Launch file")),
        DateColumn("uploaded_at", label=_("Uploaded")),
    ]
    panels = [FieldPanel("title")]

    @cached_property
    def upload_handler(self):
        """The add form: the zip, and a title to override the manifest's."""
        return ObjectList(
            [
                FieldPanel("package_file"),
                FieldPanel("title"),
                FieldPanel("create_course"),
            ],
            base_form_class=ScormPackageUploadForm,
        ).bind_to_model(self.model)

    def get_form_class(self, for_update=False):
        if for_update:
            return super().get_form_class(for_update=True)
        return self.upload_handler.get_form_class()

    def get_add_view_kwargs(self, **kwargs):
        return {
            **super().get_add_view_kwargs(**kwargs),
            "panel": self.upload_handler,
            "form_class": self.upload_handler.get_form_class(),
        }


def scorm_lesson_results_view(request, page_id: int):
    """The learners' data on a SCORM lesson, to whoever may see the course's results
    (its instructors and administrators); anyone else gets a 404."""
    lesson = (
        ScormLessonPage.objects.select_related("package").filter(pk=page_id).first()
    )
    if lesson is None or lesson.package is None:
        raise Http404
    course = lesson.get_parent().specific
    if not authz.can(request.user, "courses.view_course_results", course):
        raise Http404
    results = scorm_lesson_results(lesson=lesson)
    others = {
        registration.enrolment.user_id
        for registration in results.registrations
        if registration.enrolment.user_id != request.user.pk
    }
    if others:
        audit_record(
            actor=request.user,
            action=AuditAction.RESULTS_VIEW,
            obj=lesson,
            request=request,
            detail={"learners": len(others), "course": course.pk},
        )
    return TemplateResponse(
        request,
        "courses/scorm/admin/results.html",
        {"lesson": lesson, "results": results},
    )


def scorm_package_preview_view(request, pk: int):
    """The package played for its owner (or an administrator) in browse mode: no
    registration, and the player sends no data anywhere (docs/scorm.md)."""
    package = packages_for_author(request.user).filter(pk=pk).first()
    if package is None:
        raise Http404
    items = package.launchable
    requested = request.GET.get("item")
    index = next(
        (n for n, item in enumerate(items) if item["identifier"] == requested), 0
    )
    origin = content_origin()
    response = TemplateResponse(
        request,
        "courses/scorm/admin/preview.html",
        {
            "package": package,
            "items": [{**item, "current": n == index} for n, item in enumerate(items)]
            if len(items) > 1
            else [],
            "player_url": f"{origin}/scorm-player/preview/"
            f"{preview_token(package, index)}/"
            if origin
            else "",
        },
    )
    if origin:
        response._csp_update = {"frame-src": [origin]}
    return response


def scorm_package_course_view(request, pk: int):
    """Make a draft course of a package: GET shows what will be made, POST makes it
    (services.course_from_package: idempotent, all or nothing) and opens the course
    in the editor. Another instructor's package, or a user who may not add courses
    to the catalogue, gets a 404."""
    from django.core.exceptions import PermissionDenied

    from .services import ScormError, course_from_package

    package = packages_for_author(request.user).filter(pk=pk).first()
    authz.require(request.user, "courses.create_course_from_package", package)
    if request.method == "POST":
        try:
            course, created = course_from_package(package=package, user=request.user)
        except ScormError as error:
            messages.error(request, error.message)
            return redirect("scorm_package_course", pk=package.pk)
        if created:
            messages.success(
                request,
                _(
                    "The draft course “%(title)s” was made from the package. Add the "
                    "competencies it develops, then submit it for review."
                )
                % {"title": course.title},
            )
        else:
            messages.info(
                request,
                _(
                    "The package already plays in the course “%(title)s”: no second "
                    "course was made."
                )
                % {"title": course.title},
            )
        if course.permissions_for_user(request.user).can_edit():
            return redirect("wagtailadmin_pages:edit", course.pk)
        return redirect("wagtailsnippets_courses_scormpackage:list")
    if request.method != "GET":
        raise PermissionDenied
    return TemplateResponse(
        request,
        "courses/scorm/admin/package_course.html",
        {
            "package": package,
            "plan": course_plan_for_package(package),
            "existing": course_of_package(package),
            "catalogue": catalogue_for_author(request.user),
        },
    )
