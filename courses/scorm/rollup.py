"""A SCORM lesson's status from its items' (the rollup), and which item plays next.

Pure code over the package's items (ScormPackage.toc) and the learner's registrations
(one per item played). The rules, kept simple and documented in docs/scorm.md:

- completed: every item the learner can open is completed (an asset counts once
  opened, a SCO when it reports completed or passed and not failed); when the lesson
  requires a pass, the lesson must also be passed;
- passed: every SCO reports passed (assets have no success to report);
- the item to play: the one asked for when the manifest allows choice, or the next or
  previous one when it allows flow; otherwise the item last played (resume), or the
  first.

Full IMS Simple Sequencing (preconditions, limit conditions, objectives mapped to
global objectives, rollup rules other than "all") is not interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rollup:
    completed: bool
    passed: bool


def lesson_rollup(*, items: list[dict], registrations, requires_pass: bool) -> Rollup:
    """`items` the package's launchable items; `registrations` the learner's rows."""
    by_item = {registration.item: registration for registration in registrations}
    played = [by_item.get(item["identifier"]) for item in items]
    scos = [
        registration
        for item, registration in zip(items, played, strict=True)
        if item["kind"] == "sco"
    ]
    passed = bool(scos) and all(
        registration is not None and registration.passed_at is not None
        for registration in scos
    )
    completed = bool(items) and all(
        registration is not None and registration.completed_at is not None
        for registration in played
    )
    return Rollup(completed=completed and (passed or not requires_pass), passed=passed)


def item_choose(
    *,
    items: list[dict],
    current: str | None,
    requested: str | None,
    choice: bool,
    flow: bool,
) -> str:
    """The identifier of the item to play. `current` is the item last played."""
    identifiers = [item["identifier"] for item in items]
    if current not in identifiers:
        current = identifiers[0]
    if requested is None or requested not in identifiers or requested == current:
        return current
    if choice:
        return requested
    position = identifiers.index(current)
    neighbours = identifiers[max(position - 1, 0) : position + 2]
    return requested if flow and requested in neighbours else current


def item_neighbours(
    *, items: list[dict], current: str
) -> tuple[str | None, str | None]:
    """The previous and next items in flow order."""
    identifiers = [item["identifier"] for item in items]
    position = identifiers.index(current)
    previous = identifiers[position - 1] if position > 0 else None
    following = identifiers[position + 1] if position + 1 < len(identifiers) else None
    return previous, following
