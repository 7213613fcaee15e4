"""SCORM packages in the Wagtail admin: upload (checked before anything is kept), list,
rename. A package's files never change after upload; a new version is a new package
chosen on the lesson."""

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.accounts import authz

from ..models import ScormLessonPage, ScormPackage
from .origin import content_origin
from .package import PackageError
from .selectors import packages_for_author, preview_token, scorm_lesson_results


class ScormPackageUploadForm(WagtailAdminModelForm):
    package_file = forms.FileField(
        label=_("SCORM package (.zip)"),
        help_text=_(
            "A SCORM 1.2 or SCORM 2004 package: a zip with imsmanifest.xml at its top."
        ),
    )

    class Meta:
        model = ScormPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the manifest's title.")

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


class _OwnPackages:
    """Views of one package: only a package the user uploaded (administrators: any),
    else 404, so that nobody learns of another instructor's package."""

    def get_object(self, queryset=None):
        return super().get_object(packages_for_author(self.request.user))


class OwnPackagesIndexView(snippet_views.IndexView):
    def get_base_queryset(self):
        return packages_for_author(self.request.user)

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Preview"),
                url=reverse("scorm_package_preview", args=[instance.pk]),
                icon_name="view",
                priority=5,
            ),
        ]


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
            [FieldPanel("package_file"), FieldPanel("title")],
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
    return TemplateResponse(
        request,
        "courses/scorm/admin/results.html",
        {"lesson": lesson, "results": scorm_lesson_results(lesson=lesson)},
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
