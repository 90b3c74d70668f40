"""Conditions on field values at a step: the field states they set and the branch a forward
takes. The one place they are read (`form_of`, `branch_for`) and checked (`check_branches`).

Plain functions over a template configuration and a ticket's values, so the save and forward
flows, `availableActions` and a ticket's `fields` cannot disagree, and property tests can run
them over any values. A condition only reads a field its step shows (else a field's state
would tell its handler the hidden value), and a step's branches are checked so that a forward
with the step's required fields filled always lands on exactly one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workorder.errors import invalid
from workorder.flows.templates.config import (
    Branch,
    Condition,
    ConditionOperator,
    FieldType,
    Step,
    TemplateConfig,
)

Op = ConditionOperator
_EMPTINESS = frozenset({Op.IS_EMPTY, Op.IS_NOT_EMPTY})
_EQUALITY = frozenset({Op.EQUALS, Op.NOT_EQUALS})
_MEMBERSHIP = frozenset({Op.IN, Op.NOT_IN})
_ORDER = frozenset({Op.GREATER_THAN, Op.LESS_THAN})

OPERATORS: dict[FieldType, frozenset[ConditionOperator]] = {
    FieldType.TEXT: _EMPTINESS | _EQUALITY | _MEMBERSHIP,
    FieldType.TEXTAREA: _EMPTINESS,
    FieldType.NUMBER: _EMPTINESS | _EQUALITY | _ORDER,
    FieldType.DATE: _EMPTINESS | _EQUALITY | _ORDER,
    FieldType.DATETIME: _EMPTINESS,
    FieldType.SELECT: _EMPTINESS | _EQUALITY | _MEMBERSHIP,
    FieldType.RADIO: _EMPTINESS | _EQUALITY | _MEMBERSHIP,
    FieldType.MULTI_SELECT: _EMPTINESS | {Op.CONTAINS},
    FieldType.CHECKBOX: _EMPTINESS | _EQUALITY,
    FieldType.CASCADE: _EMPTINESS,
    FieldType.ATTACHMENT: _EMPTINESS,
}
"""Which operators a condition may use on each field type (the rest has no clear meaning)."""

_CHOICES = frozenset({FieldType.SELECT, FieldType.RADIO, FieldType.MULTI_SELECT})


# ---- evaluation ------------------------------------------------------------------------


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def _same(a: object, b: object) -> bool:
    """Equal and of the same kind: True == 1 in Python, but a checkbox is not a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _ordered(value: object, bound: object) -> tuple[Any, Any] | None:
    numbers = (int, float)
    if isinstance(value, bool) or isinstance(bound, bool):
        return None
    if isinstance(value, numbers) and isinstance(bound, numbers):
        return value, bound
    if isinstance(value, str) and isinstance(bound, str):
        return value, bound
    return None


def holds(condition: Condition, values: Mapping[str, object]) -> bool:
    """Whether the condition holds for these values; a value of the wrong shape never
    matches a positive test (it is refused on save anyway)."""
    value, wanted, op = values.get(condition.field), condition.value, condition.operator
    if op == Op.IS_EMPTY:
        return is_empty(value)
    if op == Op.IS_NOT_EMPTY:
        return not is_empty(value)
    if op == Op.EQUALS:
        return _same(value, wanted)
    if op == Op.NOT_EQUALS:
        return not _same(value, wanted)
    if op == Op.IN:
        return isinstance(wanted, list) and any(_same(value, w) for w in wanted)
    if op == Op.NOT_IN:
        return not (isinstance(wanted, list) and any(_same(value, w) for w in wanted))
    if op == Op.CONTAINS:
        return isinstance(value, list) and any(_same(v, wanted) for v in value)
    pair = _ordered(value, wanted)
    if pair is None:
        return False
    return bool(pair[0] > pair[1] if op == Op.GREATER_THAN else pair[0] < pair[1])


@dataclass(frozen=True, slots=True)
class Form:
    """The states of a step's fields for given values (keys of live fields)."""

    visible: frozenset[str]
    editable: frozenset[str]
    required: frozenset[str]


def form_of(config: TemplateConfig, step: Step | None, values: Mapping[str, object]) -> Form:
    """Each field's state at `step` for `values`: the step's lists, then its field rules in
    order (a later rule that holds wins). Required means: must be filled before the ticket
    leaves the step (a template-required field, where the step lets it be edited). A field
    hidden is never editable, one not editable never required."""
    live = {f.key: f for f in config.live_fields()}
    visible = set(config.visible_fields(step))
    editable = set(config.editable_fields(step))
    required = {k for k in (step.required_fields if step else ()) if k in visible}
    required |= {k for k, f in live.items() if f.required and k in editable}
    for rule in step.field_rules if step else ():
        if rule.field not in live or not holds(rule.when, values):
            continue
        for states, state in (
            (visible, rule.visible),
            (editable, rule.editable),
            (required, rule.required),
        ):
            if state is True:
                states.add(rule.field)
            elif state is False:
                states.discard(rule.field)
    editable &= visible
    required &= editable
    return Form(frozenset(visible), frozenset(editable), frozenset(required))


def open_branches(step: Step, values: Mapping[str, object]) -> list[Branch]:
    """The branch a forward takes now, as a list (empty when none matches; `check_branches`
    makes that impossible once the step's required fields are filled): of the conditional
    branches that hold, the highest priority (then the first); else the default one."""
    matching = [
        (b.priority or 0, -i, b)
        for i, b in enumerate(step.branches)
        if b.when is not None and holds(b.when, values)
    ]
    if matching:
        return [max(matching, key=lambda m: (m[0], m[1]))[2]]
    return [b for b in step.branches if b.when is None][:1]


@dataclass(frozen=True, slots=True)
class Way:
    """Where a forward goes: a step (None: the ticket finishes), and whether to its creator."""

    step: Step | None
    to_creator: bool = False


def next_for(config: TemplateConfig, step: Step | None, values: Mapping[str, object]) -> list[Step]:
    """The next steps a forward from `step` may take for these values (empty: it finishes),
    as `availableActions` shows them."""
    if step is None:
        return []
    if not step.branches:
        return config.next_steps(step)
    return [s for b in open_branches(step, values) if b.to and (s := config.step(b.to))]


def way_for(
    config: TemplateConfig,
    step: Step | None,
    values: Mapping[str, object],
    chosen: str | None,
) -> Way:
    """The forward's target: the branch the values choose, or the handler's `chosen` step
    among the allowed next steps of a step without branches. INVALID when the choice is not
    one the workflow allows."""
    if step is not None and step.branches:
        found = open_branches(step, values)
        if not found:
            raise invalid("No branch of this step matches the values", ["fields"])
        branch = found[0]
        target = config.step(branch.to) if branch.to else None
        if chosen is not None and (target is None or chosen != target.key):
            where = f"step {target.key!r}" if target else "the end"
            raise invalid(f"The values send this ticket to {where}", ["nextStep"])
        return Way(target, branch.to_creator)
    choices = config.next_steps(step) if step else []
    if not choices:
        if chosen is not None:
            raise invalid("This step finishes the ticket: there is no next step", ["nextStep"])
        return Way(None)
    if chosen is None:
        if len(choices) > 1:
            raise invalid(
                "Choose the next step: " + ", ".join(s.key for s in choices), ["nextStep"]
            )
        return Way(choices[0])
    target = next((s for s in choices if s.key == chosen), None)
    if target is None:
        raise invalid(f"Step {chosen!r} is not a next step from here", ["nextStep"])
    return Way(target)


# ---- checking a configuration ----------------------------------------------------------


def check_branches(config: TemplateConfig) -> None:
    """Refuse field rules and branches that could not be read one way: conditions on missing
    or hidden fields or with an operator the field's type does not allow, a rule that would
    require what cannot be filled, branches that can both match without distinct priorities,
    no way out for some values, and a cycle made of conditional branches only."""
    for index, step in enumerate(config.steps):
        where = ["steps", str(index)]
        _check_rules(config, step, where)
        _check_step_branches(config, step, where)
    _check_cycles(config)


def _check_condition(
    config: TemplateConfig, step: Step, condition: Condition, where: list[str]
) -> None:
    field = config.field(condition.field)
    if field is None or field.removed:
        raise invalid(
            f"Step {step.key!r}: a condition names unknown field {condition.field!r}",
            [*where, "field"],
        )
    if condition.field not in config.visible_fields(step):
        raise invalid(
            f"Step {step.key!r}: a condition reads field {condition.field!r}, which the "
            "step does not show",
            [*where, "field"],
        )
    op = condition.operator
    if op not in OPERATORS[field.type]:
        allowed = ", ".join(sorted(OPERATORS[field.type]))
        raise invalid(
            f"Operator {op} does not apply to {field.type} field {field.key!r} (use {allowed})",
            [*where, "operator"],
        )
    problem = _value_problem(field.type, field.option_values(), op, condition.value)
    if problem:
        raise invalid(f"Condition on {field.key!r}: {problem}", [*where, "value"])


def _value_problem(kind: FieldType, options: frozenset[str], op: Op, value: object) -> str:
    if op in _EMPTINESS:
        return "" if value is None else "give no value with IS_EMPTY / IS_NOT_EMPTY"
    wanted = value if op in _MEMBERSHIP else [value]
    if op in _MEMBERSHIP and (not isinstance(value, list) or not value):
        return "give a non-empty list of values"
    assert isinstance(wanted, list)
    for item in wanted:
        if kind == FieldType.CHECKBOX:
            ok = isinstance(item, bool)
        elif kind == FieldType.NUMBER:
            ok = isinstance(item, int | float) and not isinstance(item, bool)
        else:
            ok = isinstance(item, str) and bool(item.strip())
        if not ok:
            return f"{item!r} is not a value of a {kind} field"
        if kind in _CHOICES and options and item not in options:
            return f"{item!r} is not one of its options"
    return ""


def _check_rules(config: TemplateConfig, step: Step, where: list[str]) -> None:
    live = {f.key for f in config.live_fields()}
    editable = set(config.editable_fields(step))
    for i, rule in enumerate(step.field_rules):
        at = [*where, "fieldRules", str(i)]
        if rule.field not in live:
            raise invalid(
                f"Step {step.key!r}: a field rule names unknown field {rule.field!r}",
                [*at, "field"],
            )
        if rule.field == rule.when.field:
            raise invalid(
                f"Step {step.key!r}: field {rule.field!r} cannot depend on itself",
                [*at, "when", "field"],
            )
        _check_condition(config, step, rule.when, [*at, "when"])
        if (rule.visible, rule.editable, rule.required) == (None, None, None):
            raise invalid("A field rule must set visible, editable or required", at)
        if rule.required and rule.editable is not True and rule.field not in editable:
            raise invalid(
                f"Step {step.key!r} requires field {rule.field!r} where it is not editable",
                [*at, "required"],
            )
        locks = rule.visible is False or rule.editable is False
        if locks and rule.required is not False and rule.field in step.required_fields:
            raise invalid(
                f"Step {step.key!r} requires field {rule.field!r}: a rule cannot lock or "
                "hide it without lifting the requirement",
                [*at, "required"],
            )


def _check_step_branches(config: TemplateConfig, step: Step, where: list[str]) -> None:
    if not step.branches:
        return
    if step.next_steps is not None:
        raise invalid(f"Step {step.key!r}: give either nextSteps or branches", [*where, "branches"])
    keys = {s.key for s in config.steps}
    defaults = 0
    for i, branch in enumerate(step.branches):
        at = [*where, "branches", str(i)]
        if branch.to is not None and branch.to not in keys:
            raise invalid(f"Step {step.key!r} leads to a missing step {branch.to!r}", [*at, "to"])
        if branch.to == step.key:
            raise invalid(f"Step {step.key!r} cannot lead to itself", [*at, "to"])
        if branch.to_creator and branch.to is None:
            raise invalid("A branch back to the creator names the step", [*at, "to"])
        if branch.when is None:
            defaults += 1
            if defaults > 1:
                raise invalid(f"Step {step.key!r} has two default branches", [*at, "when"])
        else:
            _check_condition(config, step, branch.when, [*at, "when"])
    conditional = [(i, b, b.when) for i, b in enumerate(step.branches) if b.when is not None]
    for n, (i, a, a_when) in enumerate(conditional):
        for j, b, b_when in conditional[n + 1 :]:
            if _disjoint(a_when, b_when):
                continue
            if a.priority is None or b.priority is None or a.priority == b.priority:
                raise invalid(
                    f"Step {step.key!r}: branches {i} and {j} can both match; give them "
                    "different priorities",
                    [*where, "branches", str(j), "priority"],
                )
    if not defaults and not _covers(config, step):
        raise invalid(
            f"Step {step.key!r}: for some values no branch matches; add a branch without "
            "a condition",
            [*where, "branches"],
        )


def _wanted(condition: Condition) -> frozenset[object] | None:
    if condition.operator == Op.EQUALS:
        return frozenset([condition.value])
    if condition.operator == Op.IN and isinstance(condition.value, list):
        return frozenset(condition.value)
    return None


def _disjoint(a: Condition, b: Condition) -> bool:
    """Provably never both true (anything else is taken as overlapping)."""
    if a.field != b.field:
        return False
    ops = {a.operator, b.operator}
    if ops == {Op.IS_EMPTY, Op.IS_NOT_EMPTY}:
        return True
    if Op.IS_EMPTY in ops and ops & (_EQUALITY - {Op.NOT_EQUALS} | {Op.IN, Op.CONTAINS} | _ORDER):
        return True
    left, right = _wanted(a), _wanted(b)
    return left is not None and right is not None and not left & right


def _covers(config: TemplateConfig, step: Step) -> bool:
    """Without a default branch, the conditions must cover every option of one single-choice
    field that must be filled before leaving the step."""
    conditions = [b.when for b in step.branches if b.when is not None]
    fields = {c.field for c in conditions}
    if len(fields) != 1:
        return False
    field = config.field(fields.pop())
    if field is None or field.type not in (FieldType.SELECT, FieldType.RADIO):
        return False
    if not field.options or field.key not in form_of(config, step, {}).required:
        return False
    covered: set[object] = set()
    for condition in conditions:
        wanted = _wanted(condition)
        if wanted is None:
            return False
        covered |= wanted
    return field.option_values() <= covered


def _check_cycles(config: TemplateConfig) -> None:
    """A loop of conditional branches only could send a ticket round for ever on its values."""
    edges = {
        s.key: [b.to for b in s.branches if b.when is not None and b.to is not None]
        for s in config.steps
    }
    state: dict[str, int] = {}

    def visit(key: str, path: list[str]) -> None:
        state[key] = 1
        for nxt in edges.get(key, []):
            if state.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt] if nxt in path else [key, nxt]
                raise invalid("Conditional branches form a cycle: " + " → ".join(loop), ["steps"])
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[key] = 2

    for key in edges:
        if key not in state:
            visit(key, [key])
