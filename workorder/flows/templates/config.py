"""The configuration of a template version: parameters, custom fields and workflow steps.

Stored as JSON on each immutable TemplateVersion. These typed models are the one place that
says what a configuration may hold; `check_config` adds the rules that span several parts
(unique keys, a workflow every step of which is reachable and can finish).
"""

from __future__ import annotations

import re
from collections import deque
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workorder.errors import invalid

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")


class FieldType(StrEnum):
    TEXT = "TEXT"
    TEXTAREA = "TEXTAREA"
    NUMBER = "NUMBER"
    DATE = "DATE"
    DATETIME = "DATETIME"
    SELECT = "SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    RADIO = "RADIO"
    CHECKBOX = "CHECKBOX"
    CASCADE = "CASCADE"
    ATTACHMENT = "ATTACHMENT"


class InitialAssignment(StrEnum):
    CREATOR = "CREATOR"
    GROUP = "GROUP"


class EditLimit(StrEnum):
    EVERYONE = "EVERYONE"
    OWNER = "OWNER"


class EndAction(StrEnum):
    NONE = "NONE"
    CREATE_NEW = "CREATE_NEW"
    AGENT_DECIDES = "AGENT_DECIDES"


class AssignmentRule(StrEnum):
    POOL = "POOL"
    SUPERVISOR = "SUPERVISOR"
    ROUND_ROBIN = "ROUND_ROBIN"
    LEAST_LOADED = "LEAST_LOADED"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Frozen):
    value: str
    label: str


class FieldDefinition(_Frozen):
    key: str
    label: str
    labels: dict[str, str] = Field(default_factory=dict)
    type: FieldType
    options: tuple[Option, ...] = ()
    dictionary_id: int | None = None
    allow_custom_value: bool = False
    required: bool = False
    default: Any = None
    help: str = ""
    position: int = 0
    removed: bool = False

    def label_for(self, locale: str | None) -> str:
        """The caller's language, else its base language (zh-CN → zh), else the default."""
        if locale:
            if locale in self.labels:
                return self.labels[locale]
            base = locale.split("-")[0]
            if base in self.labels:
                return self.labels[base]
        return self.label

    def option_values(self) -> frozenset[str]:
        return frozenset(o.value for o in self.options)


class ConditionOperator(StrEnum):
    EQUALS = "EQUALS"
    NOT_EQUALS = "NOT_EQUALS"
    IN = "IN"
    NOT_IN = "NOT_IN"
    CONTAINS = "CONTAINS"
    GREATER_THAN = "GREATER_THAN"
    LESS_THAN = "LESS_THAN"
    IS_EMPTY = "IS_EMPTY"
    IS_NOT_EMPTY = "IS_NOT_EMPTY"


class Condition(_Frozen):
    """A test on one field's value at a step (branches.py reads and checks it)."""

    field: str
    operator: ConditionOperator
    value: Any = None


class FieldRule(_Frozen):
    """While `when` holds, the field takes these states at the step (None: as the step says)."""

    field: str
    when: Condition
    visible: bool | None = None
    editable: bool | None = None
    required: bool | None = None


class Branch(_Frozen):
    """A forward's way out of a step: to a step (None: finish), when `when` holds (None: the
    default way). `to_creator`: the creator takes it at that step."""

    to: str | None = None
    when: Condition | None = None
    priority: int | None = None
    to_creator: bool = False


class Step(_Frozen):
    key: str
    name: str
    group_id: int
    position: int = 0
    assignment: AssignmentRule = AssignmentRule.POOL
    # None: the next step by position (none after the last). [] : this step finishes.
    next_steps: tuple[str, ...] | None = None
    # None: every (live) field.
    visible_fields: tuple[str, ...] | None = None
    editable_fields: tuple[str, ...] | None = None
    required_fields: tuple[str, ...] = ()
    # Field states that depend on field values, applied in order over the three lists above.
    field_rules: tuple[FieldRule, ...] = ()
    # Not empty: the values choose the next step (next_steps must then be None).
    branches: tuple[Branch, ...] = ()


class TemplateConfig(_Frozen):
    name: str
    description: str = ""
    hint: str = ""
    range_group_ids: tuple[int, ...] = ()
    initial_assignment: InitialAssignment = InitialAssignment.CREATOR
    edit_limit: EditLimit = EditLimit.EVERYONE
    retain_agent_on_transfer: bool = False
    end_action: EndAction = EndAction.NONE
    follow_up_template_id: int | None = None
    default_cc: tuple[str, ...] = ()
    survey_on_close: bool = False
    priority_enabled: bool = True
    fields: tuple[FieldDefinition, ...] = ()
    steps: tuple[Step, ...] = ()

    # ---- reading a configuration -------------------------------------------------------

    def live_fields(self) -> list[FieldDefinition]:
        return sorted((f for f in self.fields if not f.removed), key=lambda f: f.position)

    def field(self, key: str) -> FieldDefinition | None:
        return next((f for f in self.fields if f.key == key), None)

    def ordered_steps(self) -> list[Step]:
        return sorted(self.steps, key=lambda s: s.position)

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def first_step(self) -> Step | None:
        ordered = self.ordered_steps()
        return ordered[0] if ordered else None

    def next_steps(self, step: Step) -> list[Step]:
        """Where a forward from `step` may go (for some values); empty means it finishes."""
        if step.branches:
            keys = dict.fromkeys(b.to for b in step.branches if b.to is not None)
            return [s for key in keys if (s := self.step(key)) is not None]
        if step.next_steps is not None:
            return [s for key in step.next_steps if (s := self.step(key)) is not None]
        ordered = self.ordered_steps()
        index = ordered.index(step)
        return ordered[index + 1 : index + 2]

    def finishes(self, step: Step) -> bool:
        """Whether a forward from `step` may finish the ticket (for some values)."""
        return not self.next_steps(step) or any(b.to is None for b in step.branches)

    def visible_fields(self, step: Step | None) -> list[str]:
        live = [f.key for f in self.live_fields()]
        if step is None or step.visible_fields is None:
            return live
        return [k for k in live if k in step.visible_fields]

    def editable_fields(self, step: Step | None) -> list[str]:
        visible = self.visible_fields(step)
        if step is None or step.editable_fields is None:
            return visible
        return [k for k in visible if k in step.editable_fields]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TemplateConfig:
        return cls.model_validate(data)


def check_config(config: TemplateConfig) -> None:
    """Rules that span the parts of a configuration; raises the first one broken."""
    _check_fields(config)
    _check_steps(config)


def _check_fields(config: TemplateConfig) -> None:
    # The field-kind table describes the FieldDefinition of this module, so it is read here,
    # when a configuration is checked, rather than when this module loads.
    from workorder.flows.templates.field_kinds.table import definition_problem

    seen: set[str] = set()
    for index, field in enumerate(config.fields):
        where = ["fields", str(index)]
        if not KEY_PATTERN.match(field.key):
            raise invalid(
                f"Field key {field.key!r}: start with a letter; letters, digits and _ only",
                [*where, "key"],
            )
        if field.key.lower() in seen:
            raise invalid(f"Field key {field.key!r} is used twice", [*where, "key"])
        seen.add(field.key.lower())
        if not field.label.strip():
            raise invalid(f"Field {field.key!r} needs a label", [*where, "label"])
        problem, part = definition_problem(field)
        if problem:
            raise invalid(problem, [*where, part])
        values = [o.value for o in field.options]
        if len(values) != len(set(values)) or any(not v.strip() for v in values):
            raise invalid(
                f"Options of {field.key!r} must be distinct and not empty", [*where, "options"]
            )


def _check_steps(config: TemplateConfig) -> None:
    if not config.steps:
        return
    keys = [s.key for s in config.steps]
    live = {f.key for f in config.live_fields()}
    for index, step in enumerate(config.steps):
        where = ["steps", str(index)]
        if not KEY_PATTERN.match(step.key):
            raise invalid(
                f"Step key {step.key!r}: start with a letter; letters, digits, _", [*where, "key"]
            )
        if keys.count(step.key) > 1:
            raise invalid(f"Step key {step.key!r} is used twice", [*where, "key"])
        if not step.name.strip():
            raise invalid("Every step needs a name", [*where, "name"])
        for target in step.next_steps or ():
            if target not in keys:
                raise invalid(
                    f"Step {step.key!r} leads to a missing step {target!r}", [*where, "nextSteps"]
                )
            if target == step.key:
                raise invalid(f"Step {step.key!r} cannot lead to itself", [*where, "nextSteps"])
        for name, listed in (
            ("visibleFields", step.visible_fields),
            ("editableFields", step.editable_fields),
            ("requiredFields", step.required_fields),
        ):
            unknown = sorted(set(listed or ()) - live)
            if unknown:
                raise invalid(
                    f"Step {step.key!r} names unknown field(s): {', '.join(unknown)}",
                    [*where, name],
                )
        # A step demands only what it shows its handler: asking for a field it hides would
        # tell the handler that the field exists.
        unseen = sorted(set(step.required_fields) - set(config.visible_fields(step)))
        if unseen:
            raise invalid(
                f"Step {step.key!r} requires field(s) it does not show: " + ", ".join(unseen),
                [*where, "requiredFields"],
            )
        # ...and only what its handler may fill in: else no forward could ever leave it.
        locked = sorted(set(step.required_fields) - set(config.editable_fields(step)))
        if locked:
            raise invalid(
                f"Step {step.key!r} requires field(s) it does not let its handler edit: "
                + ", ".join(locked),
                [*where, "requiredFields"],
            )
    # Conditions and branches are read in one module, which also checks them.
    from workorder.flows.templates.branches import check_branches

    check_branches(config)
    _check_graph(config)


def _check_graph(config: TemplateConfig) -> None:
    first = config.first_step()
    assert first is not None
    reached = _reachable(config, first)
    for step in config.ordered_steps():
        if step.key not in reached:
            raise invalid(
                f"Step {step.key!r} cannot be reached from the first step",
                ["steps", str(config.steps.index(step)), "key"],
            )
    for step in config.ordered_steps():
        if not any(config.finishes(s) for s in _reachable(config, step).values()):
            raise invalid(
                f"Step {step.key!r} is a dead end: no path from it finishes the ticket",
                ["steps", str(config.steps.index(step)), "nextSteps"],
            )


def _reachable(config: TemplateConfig, start: Step) -> dict[str, Step]:
    found = {start.key: start}
    queue = deque([start])
    while queue:
        for nxt in config.next_steps(queue.popleft()):
            if nxt.key not in found:
                found[nxt.key] = nxt
                queue.append(nxt)
    return found


def parse_config(data: dict[str, Any]) -> TemplateConfig:
    """Build and check a configuration from plain data; any problem is INVALID, never a crash."""
    from pydantic import ValidationError

    try:
        config = TemplateConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise invalid(first["msg"], [str(p) for p in first["loc"]]) from exc
    check_config(config)
    return config
