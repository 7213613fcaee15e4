"""How accounts reach the people records HR keeps, without importing competencies.

The competencies app registers its directory (competencies/identity.py, found when
Django starts like the apps' privacy.py); accounts knows only this interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PlacedPerson:
    """A person HR placed (a current placement, not left the service)."""

    person_id: int
    user_id: int | None
    email: str
    first_name: str
    last_name: str


class PeopleDirectory(Protocol):
    def national_id_digest(self, value: str) -> str | None:
        """The keyed digest HR's records hold, or None if `value` is no national ID."""

    def placed_by_national_id(self, value: str) -> list[PlacedPerson]: ...

    def placed_by_email(self, email: str) -> list[PlacedPerson]: ...

    def person_of_user(self, user) -> int | None: ...

    def link(self, *, person_id: int, user, method: str, request) -> None:
        """Link the account to the person record (audited as person.link)."""


class _NoDirectory:
    """Before (or without) the competencies app: nobody is placed."""

    def national_id_digest(self, value: str) -> str | None:
        return None

    def placed_by_national_id(self, value: str) -> list[PlacedPerson]:
        return []

    def placed_by_email(self, email: str) -> list[PlacedPerson]:
        return []

    def person_of_user(self, user) -> int | None:
        return None

    def link(self, *, person_id: int, user, method: str, request) -> None:
        raise RuntimeError("no people directory is registered")


_directory: PeopleDirectory = _NoDirectory()


def register_directory(implementation: PeopleDirectory) -> PeopleDirectory:
    global _directory
    _directory = implementation
    return implementation


def directory() -> PeopleDirectory:
    return _directory
