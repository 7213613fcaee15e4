"""Where higher apps plug into the HR workspace without competencies importing them.

competencies is the bottom app: it knows people, placements, evidence and the
organisation. Enrolments, results, certificates, course assignments and learning hours
belong to courses and certificates, which register here from their AppConfig.ready():

    from competencies.hr.sections import PersonSection, register_person_section

    def learning_section(*, person, user):
        return PersonSection(
            key="courses.learning",
            title=_("Learning"),
            template="courses/hr/person_learning.html",
            context={"learning": person_learning(person)},
            order=20,
        )

    register_person_section(learning_section)
    register_hr_nav(_("Course assignments"), "courses:hr_assignments", order=40)

A provider is called with the person and the viewing user (an HR officer whose scope
holds the person, or a supervisor of the person: read-only), after the workspace has
checked access; it applies its own app's rules to what it shows and returns None to
show nothing. It must read only: the person page never writes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class PersonSection:
    """A block of the person page, rendered from `template` with `context`."""

    key: str
    title: str | Promise
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str | Promise
    html: str
    order: int


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
                key=section.key, title=section.title, html=html, order=section.order
            )
        )
    return sorted(rendered, key=lambda item: item.order)
