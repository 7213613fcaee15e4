"""A SCORM lesson's status from its items' (the rollup), and which item plays next.

Pure code over the package's items (ScormPackage.toc) and the learner's registrations
(one per item played). The rules, kept simple and documented in docs/scorm.md:

- completed: every item the learner can open is completed (an asset counts once
  opened, a SCO when it reports completed or passed and not failed); when the lesson
  requires a pass, the lesson must also be passed;
- passed: every SCO reports passed (assets have no success to report);
- an item whose rollupRules say rollupObjectiveSatisfied / rollupProgressCompletion
  "false" does not count towards the pass / the completion;
- the item to play: as the package's sequencing allows (sequencing.Navigator:
  controlMode, constrained choice, preconditions); otherwise the item last played
  (resume), or the first.

Rollup rules (imsss:rollupRule) are not interpreted: the package's `unsupported`
list names them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .sequencing import Decision, Navigator


@dataclass(frozen=True)
class Rollup:
    completed: bool
    passed: bool


def lesson_rollup(*, items: list[dict], registrations, requires_pass: bool) -> Rollup:
    """`items` the package's launchable items; `registrations` the learner's rows."""
    by_item = {registration.item: registration for registration in registrations}
    # imsss:rollupRules rollupObjectiveSatisfied / rollupProgressCompletion="false"
    # leave an item out of the lesson's pass / completion.
    counted_pass = [
        item
        for item in items
        if (item.get("sequencing") or {}).get("rollupSatisfied", True)
    ]
    items = [
        item
        for item in items
        if (item.get("sequencing") or {}).get("rollupCompletion", True)
    ]
    scos = [
        by_item.get(item["identifier"])
        for item in counted_pass
        if item["kind"] == "sco"
    ]
    played = [by_item.get(item["identifier"]) for item in items]
    passed = bool(scos) and all(
        registration is not None and registration.passed_at is not None
        for registration in scos
    )
    completed = bool(items) and all(
        registration is not None and registration.completed_at is not None
        for registration in played
    )
    return Rollup(completed=completed and (passed or not requires_pass), passed=passed)


def navigator(*, package, registrations) -> Navigator:
    """The package's navigation for a learner with these registrations."""
    return Navigator(
        items=package.toc,
        root=package.sequencing,
        choice=package.choice,
        flow=package.flow,
        registrations=registrations,
    )


def item_choose(
    *, package, registrations, current: str | None, requested: str | None
) -> Decision:
    """The item to play (and why the one asked for is refused, if it is). `current`
    is the item last played."""
    return navigator(package=package, registrations=registrations).decide(
        current=current, requested=requested
    )
