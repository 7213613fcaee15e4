"""Registers the competency standards admin: the menu group, the grid and the import."""

from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html

from wagtail import hooks

from .viewsets import (
    STANDARDS_PAGES,
    SUBMENU_HOOK,
    FrameworkImportView,
    LinesOfWorkImportView,
    OrganisationOptionalAreasView,
    RequirementMatrixIndexView,
    RequirementMatrixView,
    StandardsViewSetGroup,
    org_unit_chooser,
    person_chooser,
)


@hooks.register("register_admin_viewset")
def register_standards_viewsets():
    # Each viewset's views check Wagtail's model permissions, which academy
    # administrators hold through competencies.group_permissions.grant_standards_permissions.
    # The choosers come first: they replace the <select> of every admin form field
    # pointing at a person or an organisation unit.
    return [person_chooser, org_unit_chooser, StandardsViewSetGroup()]


@hooks.register("register_admin_urls")
def register_standards_urls():
    return [
        path(
            "competencies/requirements/",
            RequirementMatrixIndexView.as_view(),
            name="competencies_requirement_matrix_index",
        ),
        path(
            "competencies/frameworks/<int:framework_id>/requirements/",
            RequirementMatrixView.as_view(),
            name="competencies_requirement_matrix",
        ),
        path(
            "competencies/frameworks/import/",
            FrameworkImportView.as_view(),
            name="competencies_framework_import",
        ),
        path(
            "competencies/lines-of-work/import/",
            LinesOfWorkImportView.as_view(),
            name="competencies_lines_of_work_import",
        ),
        path(
            "competencies/optional-areas/",
            OrganisationOptionalAreasView.as_view(),
            name="competencies_organisation_optional_areas",
        ),
    ]


for page in STANDARDS_PAGES:
    hooks.register(SUBMENU_HOOK, page.menu_item)


@hooks.register("insert_global_admin_css")
def standards_admin_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("competencies/admin.css")
    )


@hooks.register("register_admin_urls")
def register_xapi_outbox_urls():
    from .xapi.viewsets import outbox_view

    return [path("xapi/outbox/", outbox_view, name="xapi_outbox")]


@hooks.register("register_settings_menu_item")
def register_xapi_outbox_menu_item():
    from .xapi.viewsets import outbox_menu_item

    return outbox_menu_item()
