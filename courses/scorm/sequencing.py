"""The part of SCORM 2004 Simple Sequencing (IMS SS, `imsss` namespace) the Academy
honours, read from the manifest and applied on the server.

Reading (`sequencing_read`, from package.py): for the organization and each item, the
controlMode (choice, choiceExit, flow, forwardOnly), adlseq:constrainedChoiceConsiderations
(preventActivation, constrainChoice), the preConditionRules whose conditions and action
are listed below, the objectives with their mapInfo (read and write of the satisfied
status through global objectives) and the rollupRules' rollupObjectiveSatisfied and
rollupProgressCompletion. Anything else of `imsss:sequencing` (post and exit condition
rules, rollupRule, limitConditions, randomization, a condition or action not listed) is
NOT honoured: it is named in the package's `unsupported` list, logged at upload, and the
package plays as if it were absent.

Applying (`Navigator`): which item a navigation request may deliver, and why not.

Conditions: satisfied, objectiveStatusKnown, completed, activityProgressKnown,
attempted, always; operator "not"; conditionCombination "all" (default) or "any".
Actions: skip, disabled, hiddenFromChoice, stopForwardTraversal.

Pure code over the package's items (their JSON form) and the learner's registrations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

CONDITIONS = {
    "satisfied",
    "objectiveStatusKnown",
    "completed",
    "activityProgressKnown",
    "attempted",
    "always",
}
ACTIONS = {"skip", "disabled", "hiddenFromChoice", "stopForwardTraversal"}
#: Elements of <imsss:sequencing> read here (the rest is reported as unsupported).
_READ = {
    "controlMode",
    "constrainedChoiceConsiderations",
    "sequencingRules",
    "objectives",
    "rollupRules",
    # Honoured by the runtime as it stands: content sets its own status, as these
    # say; the Academy never sets completion or satisfaction for a SCO.
    "deliveryControls",
}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attribute(element, name: str) -> str:
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _flag(element, name: str, default: bool) -> bool:
    value = _attribute(element, name).lower() if element is not None else ""
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return default


def _first(sources, name: str):
    """The first <name> among the item's own <sequencing> and the shared one it
    names by IDRef (local values win)."""
    for sequencing in sources:
        if sequencing is None:
            continue
        for child in sequencing:
            if _local(child.tag) == name:
                return child
    return None


def _condition_read(element, where: str, unsupported: list) -> dict | None:
    condition = _attribute(element, "condition")
    if condition not in CONDITIONS:
        unsupported.append(f"{where}: ruleCondition condition={condition or '?'}")
        return None
    return {
        "condition": condition,
        "not": _attribute(element, "operator") == "not",
        "objective": _attribute(element, "referencedObjective"),
    }


def _rules_read(rules, where: str, unsupported: list) -> list[dict]:
    found = []
    for rule in rules if rules is not None else ():
        kind = _local(rule.tag)
        if kind != "preConditionRule":
            unsupported.append(f"{where}: {kind}")
            continue
        holder = next((c for c in rule if _local(c.tag) == "ruleConditions"), None)
        action_element = next((c for c in rule if _local(c.tag) == "ruleAction"), None)
        action = (
            _attribute(action_element, "action") if action_element is not None else ""
        )
        if action not in ACTIONS:
            unsupported.append(f"{where}: preConditionRule action={action or '?'}")
            continue
        conditions = []
        complete = holder is not None
        for element in holder if holder is not None else ():
            if _local(element.tag) != "ruleCondition":
                continue
            condition = _condition_read(element, where, unsupported)
            if condition is None:
                complete = False  # a rule half understood is not applied at all
                break
            conditions.append(condition)
        if complete and conditions:
            combination = _attribute(holder, "conditionCombination") or "all"
            found.append(
                {
                    "combination": "any" if combination == "any" else "all",
                    "conditions": conditions,
                    "action": action,
                }
            )
    return found


def _objectives_read(objectives) -> dict:
    found = {}
    for objective in objectives if objectives is not None else ():
        kind = _local(objective.tag)
        if kind not in ("primaryObjective", "objective"):
            continue
        identifier = _attribute(objective, "objectiveID")
        read = write = ""
        for info in objective:
            if _local(info.tag) != "mapInfo":
                continue
            target = _attribute(info, "targetObjectiveID")
            if _flag(info, "readSatisfiedStatus", True) and not read:
                read = target
            if _flag(info, "writeSatisfiedStatus", False) and not write:
                write = target
        key = identifier or ("" if kind == "primaryObjective" else None)
        if key is None:
            continue
        found[key] = {
            "primary": kind == "primaryObjective",
            "read": read,
            "write": write,
        }
    return found


def sequencing_read(local, shared, *, where: str) -> tuple[dict, list[str]]:
    """(what is honoured of an item's or organization's sequencing, what is not)."""
    sources = (local, shared)
    unsupported: list[str] = []
    result: dict = {}
    for sequencing in sources:
        for child in sequencing if sequencing is not None else ():
            name = _local(child.tag)
            if name and name not in _READ:
                unsupported.append(f"{where}: {name}")
    mode = _first(sources, "controlMode")
    if mode is not None:
        result["control"] = {
            "choice": _flag(mode, "choice", True),
            "choiceExit": _flag(mode, "choiceExit", True),
            "flow": _flag(mode, "flow", False),
            "forwardOnly": _flag(mode, "forwardOnly", False),
        }
        for name in ("useCurrentAttemptObjectiveInfo", "useCurrentAttemptProgressInfo"):
            if _attribute(mode, name).lower() == "false":
                unsupported.append(f"{where}: controlMode {name}=false")
    considerations = _first(sources, "constrainedChoiceConsiderations")
    if considerations is not None:
        result["preventActivation"] = _flag(considerations, "preventActivation", False)
        result["constrainChoice"] = _flag(considerations, "constrainChoice", False)
    rules = _rules_read(_first(sources, "sequencingRules"), where, unsupported)
    if rules:
        result["preconditions"] = rules
    objectives = _objectives_read(_first(sources, "objectives"))
    if objectives:
        result["objectives"] = objectives
    rollup = _first(sources, "rollupRules")
    if rollup is not None:
        result["rollupSatisfied"] = _flag(rollup, "rollupObjectiveSatisfied", True)
        result["rollupCompletion"] = _flag(rollup, "rollupProgressCompletion", True)
        for rule in rollup:
            if _local(rule.tag) == "rollupRule":
                action = next(
                    (
                        _attribute(c, "action")
                        for c in rule
                        if _local(c.tag) == "rollupAction"
                    ),
                    "?",
                )
                unsupported.append(f"{where}: rollupRule action={action}")
    return result, list(dict.fromkeys(unsupported))


# ------------------------------------------------------------------------------
# Applying it
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    item: str  # the item to play
    refusal: str = ""  # why the item asked for is not played ("" when it is)


class Navigator:
    """The navigation a package's sequencing allows a learner, given their
    registrations (one per item attempted) in this lesson.

    `items` is the package's toc (headings included, with their depth), `root` the
    organization's sequencing (ScormPackage.sequencing), `choice`/`flow` the
    organization's controlMode as kept on the package."""

    def __init__(self, *, items, root: dict, choice: bool, flow: bool, registrations):
        self.items = list(items)
        self.index = {item["identifier"]: n for n, item in enumerate(self.items)}
        control = dict((root or {}).get("control") or {})
        control.update(choice=choice, flow=flow)
        self.root = {**(root or {}), "control": control}
        self.by_item = {r.item: r for r in registrations}
        self.launchable = [item["identifier"] for item in self.items if item["launch"]]
        # The parent of each item (None: the organization), from the depths.
        self.parent: dict[str, str | None] = {}
        stack: list[str] = []
        for item in self.items:
            del stack[item["depth"] :]
            self.parent[item["identifier"]] = stack[-1] if stack else None
            stack.append(item["identifier"])
        self._globals = self._global_objectives()

    # -- the tree -------------------------------------------------------------

    def _seq(self, identifier: str | None) -> dict:
        if identifier is None:
            return self.root
        return self.items[self.index[identifier]].get("sequencing") or {}

    def _control(self, identifier: str | None) -> dict:
        control = self._seq(identifier).get("control") or {}
        return {
            "choice": control.get("choice", True),
            "choiceExit": control.get("choiceExit", True),
            # A cluster that declares no controlMode flows as the organization does
            # (lenient: the IMS default would be no flow inside it).
            "flow": control.get("flow", self.root["control"]["flow"]),
            "forwardOnly": control.get("forwardOnly", False),
        }

    def _ancestors(self, identifier: str) -> list[str | None]:
        """The item's ancestors, nearest first, ending with None (the organization)."""
        found: list[str | None] = []
        current = self.parent.get(identifier)
        while current is not None:
            found.append(current)
            current = self.parent.get(current)
        found.append(None)
        return found

    def _within(self, identifier: str, cluster: str | None) -> bool:
        return (
            cluster is None
            or identifier == cluster
            or cluster in self._ancestors(identifier)
        )

    def _title(self, identifier: str | None) -> str:
        if identifier is None:
            return ""
        return self.items[self.index[identifier]]["title"] or identifier

    # -- the learner's state --------------------------------------------------

    def _global_objectives(self) -> dict[str, bool | None]:
        """Each global objective's satisfied status as its writers give it."""
        found: dict[str, bool | None] = {}
        for item in self.items:
            objectives = (item.get("sequencing") or {}).get("objectives") or {}
            for objective_id, objective in objectives.items():
                target = objective.get("write")
                if target:
                    status = self._local_status(item["identifier"], objective_id)
                    if status is not None or target not in found:
                        found[target] = status
        return found

    def _local_status(self, identifier: str, objective_id: str) -> bool | None:
        """True satisfied, False not satisfied, None unknown: the primary objective
        is the SCO's success status, another objective its cmi.objectives record."""
        registration = self.by_item.get(identifier)
        if registration is None:
            return None
        objectives = (self._seq(identifier).get("objectives")) or {}
        objective = objectives.get(objective_id)
        if objective is None or objective.get("primary"):
            status = registration.success_status
        else:
            status = next(
                (
                    record.get("success_status", "")
                    for record in registration.objectives or []
                    if record.get("id") == objective_id
                ),
                "",
            )
        return {"passed": True, "failed": False}.get(status)

    def _objective_status(self, identifier: str, objective_id: str) -> bool | None:
        objectives = self._seq(identifier).get("objectives") or {}
        if not objective_id:
            objective_id = next(
                (key for key, value in objectives.items() if value.get("primary")), ""
            )
        objective = objectives.get(objective_id) or {}
        target = objective.get("read")
        if target and self._globals.get(target) is not None:
            return self._globals[target]
        return self._local_status(identifier, objective_id)

    def _condition(self, identifier: str, condition: dict) -> bool:
        registration = self.by_item.get(identifier)
        name = condition["condition"]
        if name == "always":
            value = True
        elif name == "attempted":
            value = registration is not None
        elif name == "completed":
            value = registration is not None and (
                registration.completion_status == "completed"
                or registration.completed_at is not None
            )
        elif name == "activityProgressKnown":
            value = registration is not None and registration.completion_status in (
                "completed",
                "incomplete",
            )
        else:
            status = self._objective_status(identifier, condition["objective"])
            value = status is True if name == "satisfied" else status is not None
        return not value if condition["not"] else value

    def applies(self, identifier: str | None, action: str) -> bool:
        """Whether one of the item's preconditions with this action holds."""
        if identifier is None:
            return False
        for rule in self._seq(identifier).get("preconditions") or ():
            if rule["action"] != action:
                continue
            results = [self._condition(identifier, c) for c in rule["conditions"]]
            if any(results) if rule["combination"] == "any" else all(results):
                return True
        return False

    def _path(self, identifier: str, common: str | None) -> list[str]:
        """The item and its ancestors below `common`, nearest first."""
        path = [identifier]
        for ancestor in self._ancestors(identifier):
            if ancestor == common or ancestor is None:
                break
            path.append(ancestor)
        return path

    def _common(self, first: str, second: str) -> str | None:
        mine = [first, *self._ancestors(first)]
        theirs = {second, *self._ancestors(second)}
        return next(a for a in mine if a in theirs or a is None)

    # -- the requests ---------------------------------------------------------

    def disabled(self, identifier: str) -> bool:
        return any(
            self.applies(a, "disabled")
            for a in [identifier, *self._ancestors(identifier)]
        )

    def hidden(self, identifier: str) -> bool:
        return any(
            self.applies(a, "hiddenFromChoice")
            for a in [identifier, *self._ancestors(identifier)]
        )

    def _flow_target(self, current: str, step: int) -> str | None:
        """The next (step 1) or previous (-1) item in flow order, passing over the
        items a skip rule holds for; None at either end."""
        position = self.launchable.index(current) + step
        while 0 <= position < len(self.launchable):
            candidate = self.launchable[position]
            if not any(
                self.applies(a, "skip")
                for a in [candidate, *self._ancestors(candidate)]
            ):
                return candidate
            position += step
        return None

    def neighbours(self, current: str) -> tuple[str | None, str | None]:
        """The previous and next items flow offers from `current` (None: none)."""
        previous = following = None
        if self._flow_allowed(current):
            following = self._flow_target(current, 1)
            if not self._forward_only(current):
                previous = self._flow_target(current, -1)
        return previous, following

    def _flow_allowed(self, current: str) -> bool:
        return all(self._control(a)["flow"] for a in self._ancestors(current)[:1])

    def _forward_only(self, current: str) -> bool:
        return any(self._control(a)["forwardOnly"] for a in self._ancestors(current))

    def start(self) -> str:
        """The item a first visit plays: the first that flow delivers."""
        for identifier in self.launchable:
            ancestors = [identifier, *self._ancestors(identifier)]
            if not any(
                self.applies(a, "skip") for a in ancestors
            ) and not self.disabled(identifier):
                return identifier
        return self.launchable[0]

    def flow_refusal(self, current: str, target: str) -> str:
        if self.disabled(target):
            return _(
                "“%(title)s” is not open yet: the package keeps it closed until "
                "its conditions are met (usually finishing the part before it)."
            ) % {"title": self._title(target)}
        return ""

    def choice_refusal(self, current: str, target: str) -> str:
        """Why choosing `target` from the contents while `current` plays is not
        allowed ("" when it is)."""
        common = self._common(current, target)
        path = self._path(target, common)
        title = self._title(target)
        if any(self.applies(a, "hiddenFromChoice") for a in path) or self.hidden(
            target
        ):
            return _(
                "“%(title)s” cannot be chosen from the contents: the package opens it "
                "in its own order."
            ) % {"title": title}
        if not all(self._control(self.parent[a])["choice"] for a in path):
            return _(
                "This package does not let you choose its parts: use “Next part” "
                "and “Previous part”."
            )
        for active in self._path(current, common):
            if not self._control(active)["choiceExit"]:
                return _(
                    "The package asks you to finish “%(title)s” before choosing "
                    "another part."
                ) % {"title": self._title(active)}
        backward = self.index[target] < self.index[current]
        if backward and self._control(common)["forwardOnly"]:
            return _(
                "This package only goes forward: you cannot go back to “%(title)s”."
            ) % {"title": title}
        if not backward:
            between = self.items[self.index[current] : self.index[target]]
            for item in between:
                if self.applies(item["identifier"], "stopForwardTraversal"):
                    return _(
                        "The package does not let you go further than “%(title)s” "
                        "from the contents."
                    ) % {"title": self._title(item["identifier"])}
        for active in [current, *self._ancestors(current)]:
            if not self._seq(active).get("constrainChoice") or active is None:
                continue
            allowed = [active]
            parent = self.parent[active]
            siblings = [i for i, p in self.parent.items() if p == parent]
            position = siblings.index(active)
            if position + 1 < len(siblings):
                allowed.append(siblings[position + 1])
            if position > 0 and not self._control(parent)["forwardOnly"]:
                allowed.append(siblings[position - 1])
            if not any(self._within(target, a) for a in allowed):
                return _(
                    "From “%(title)s” the package only lets you go to the part just "
                    "before or after it."
                ) % {"title": self._title(active)}
        for cluster in path[1:]:
            if self._seq(cluster).get("preventActivation") and not self._within(
                current, cluster
            ):
                return _(
                    "The package does not let you jump into “%(title)s”: start it from "
                    "its beginning, in order."
                ) % {"title": self._title(cluster)}
        return self.flow_refusal(current, target)

    def decide(self, *, current: str | None, requested: str | None) -> Decision:
        """The item to play for a request to open `requested` (None: resume)."""
        if current not in self.launchable:
            current = self.start()
        if requested is None or requested == current:
            return Decision(current)
        if requested not in self.launchable:
            return Decision(current)
        previous, following = self.neighbours(current)
        if requested in (previous, following):
            refusal = self.flow_refusal(current, requested)
            if not refusal:
                return Decision(requested)
            if not self._control(self.parent[requested])["choice"]:
                return Decision(current, refusal)
        refusal = self.choice_refusal(current, requested)
        return Decision(current if refusal else requested, refusal)
