"""The HR person page's sections and the workspace's navigation, composed here.

The hr app stands above competencies, courses and certificates and composes the
workspace from them: register_workspace() (from HRConfig.ready) lists each app's
section of the person page (hr.sections_courses, hr.sections_certificates) and the
links of the navigation, in one place. A provider is called with the person and the
viewing user (an HR officer whose scope holds the person, or a supervisor of the
person: read-only), after the workspace has checked access; it applies its own app's
rules to what it shows and returns None to show nothing. It must read only: the
person page never writes; a section whose content is another person's results or
certificates names its audit action, which the page records. Tests may add and remove sections with
register_person_section() and unregister_person_section().
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PersonSection:
    """A block of the person page, rendered from `template` with `context`."""

    key: str
    title: str | Promise
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    #: The audit action this section's content amounts to when someone other than the
    #: person reads it (e.g. results.view); the page records it, providers never write.
    audit_action: str = ""
    audit_detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str | Promise
    html: str
    order: int
    audit_action: str = ""
    audit_detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int = 100

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


PersonSectionProvider = Callable[..., PersonSection | None]

_person_sections: list[PersonSectionProvider] = []
_nav_items: list[NavItem] = []


def register_person_section(provider: PersonSectionProvider) -> PersonSectionProvider:
    """Add a section to every person page; registering twice is harmless.

    Returns the provider, so it can be used as a decorator.
    """
    if provider not in _person_sections:
        _person_sections.append(provider)
    return provider


def unregister_person_section(provider: PersonSectionProvider) -> None:
    if provider in _person_sections:
        _person_sections.remove(provider)


def register_hr_nav(label, url_name: str, *, order: int = 100) -> NavItem:
    """Add a link to the HR workspace's navigation (once per URL name)."""
    for item in _nav_items:
        if item.url_name == url_name:
            return item
    item = NavItem(label=label, url_name=url_name, order=order)
    _nav_items.append(item)
    return item


def unregister_hr_nav(url_name: str) -> None:
    _nav_items[:] = [item for item in _nav_items if item.url_name != url_name]


def hr_nav_items() -> list[NavItem]:
    return sorted(_nav_items, key=lambda item: item.order)


def person_sections_render(*, person, user, request=None) -> list[RenderedSection]:
    """Every registered section for this person, in order; providers may return None."""
    rendered = []
    for provider in _person_sections:
        section = provider(person=person, user=user)
        if section is None:
            continue
        html = render_to_string(
            section.template,
            {**section.context, "person": person, "section": section},
            request=request,
        )
        rendered.append(
            RenderedSection(
                key=section.key,
                title=section.title,
                html=html,
                order=section.order,
                audit_action=section.audit_action,
                audit_detail=section.audit_detail,
            )
        )
    return sorted(rendered, key=lambda item: item.order)


def register_workspace() -> None:
    """The person page's sections and the navigation of the workspace (idempotent)."""
    from . import sections_certificates, sections_courses

    register_person_section(sections_courses.learning_section)
    register_person_section(sections_courses.results_section)
    register_person_section(sections_courses.plan_section)
    register_person_section(sections_courses.supervisor_section)
    register_person_section(sections_certificates.certificates_section)
    register_hr_nav(_("Course assignments"), "hr:assignment_list", order=40)
    register_hr_nav(_("Development records"), "hr:development_list", order=45)
    register_hr_nav(_("Compliance"), "hr:compliance", order=50)
    register_hr_nav(_("Fiscal-year report"), "hr:fiscal", order=55)
    register_hr_nav(_("Assessment results"), "hr:assessments", order=50)
    register_hr_nav(_("Certificates"), "hr:certificates", order=60)
    register_hr_nav(_("Training register (ก.พ.7)"), "hr:register", order=65)
