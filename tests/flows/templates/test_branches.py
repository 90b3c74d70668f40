"""Field rules and branches of a step (flows/templates/branches.py): the validator's refusals,
and, over random values, the evaluator against a plain reading of the rules."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workorder.errors import FlowError
from workorder.flows.templates.branches import form_of, open_branches, way_for
from workorder.flows.templates.config import TemplateConfig, parse_config

DECISION = {"field": "decision", "operator": "EQUALS"}


def returns(**review: Any) -> dict[str, Any]:
    """The seed's returns template, with the review step's settings replaced by `review`."""
    step: dict[str, Any] = {
        "key": "review",
        "name": "Review",
        "group_id": 2,
        "position": 1,
        "editable_fields": ["decision", "reason", "amount"],
        "required_fields": ["decision"],
        "field_rules": [
            {"field": "reason", "when": {**DECISION, "value": "reject"}, "required": True}
        ],
        "branches": [
            {"to": "warehouse", "when": {**DECISION, "value": "approve"}},
            {"to": "apply", "when": {**DECISION, "value": "reject"}, "to_creator": True},
        ],
    }
    step.update(review)
    return {
        "name": "Returns",
        "fields": [
            {"key": "model", "label": "Model", "type": "TEXT", "position": 0},
            {
                "key": "decision",
                "label": "Decision",
                "type": "RADIO",
                "position": 1,
                "options": [
                    {"value": "approve", "label": "Approve"},
                    {"value": "reject", "label": "Reject"},
                ],
            },
            {"key": "reason", "label": "Reason", "type": "TEXTAREA", "position": 2},
            {"key": "amount", "label": "Amount", "type": "NUMBER", "position": 3},
            {"key": "secret", "label": "Secret", "type": "TEXT", "position": 4},
        ],
        "steps": [
            {"key": "apply", "name": "Apply", "group_id": 1, "position": 0},
            {**step, "visible_fields": ["model", "decision", "reason", "amount"]},
            {"key": "warehouse", "name": "Receive", "group_id": 3, "position": 2, "next_steps": []},
        ],
    }


def test_the_seed_s_returns_workflow_is_accepted():
    assert parse_config(returns()).step("review") is not None


REFUSALS = [
    (
        "a condition on a field that does not exist",
        {"branches": [{"to": "warehouse", "when": {**DECISION, "field": "colour", "value": "x"}}]},
        "unknown field 'colour'",
    ),
    (
        "an operator the field type does not allow",
        {
            "branches": [
                {"to": "warehouse", "when": {**DECISION, "operator": "GREATER_THAN", "value": "a"}},
                {"to": "apply"},
            ]
        },
        "does not apply to RADIO",
    ),
    (
        "a value that is not an option",
        {
            "branches": [
                {"to": "warehouse", "when": {**DECISION, "value": "maybe"}},
                {"to": "apply"},
            ]
        },
        "not one of its options",
    ),
    (
        "a condition on a field the step hides",
        {
            "branches": [
                {"to": "warehouse", "when": {**DECISION, "field": "secret", "value": "x"}},
                {"to": "apply"},
            ]
        },
        "does not show",
    ),
    (
        "two branches that can both match without priorities",
        {
            "branches": [
                {
                    "to": "warehouse",
                    "when": {"field": "amount", "operator": "GREATER_THAN", "value": 10},
                },
                {"to": "apply", "when": {"field": "amount", "operator": "LESS_THAN", "value": 100}},
                {"to": "warehouse"},
            ]
        },
        "can both match",
    ),
    (
        "values for which no branch matches",
        {"branches": [{"to": "warehouse", "when": {**DECISION, "value": "approve"}}]},
        "no branch matches",
    ),
    (
        "a field required where it is not editable",
        {
            "editable_fields": ["decision"],
            "required_fields": ["decision", "reason"],
            "field_rules": [],
        },
        "not let its handler edit",
    ),
    (
        "a rule requiring a field where it is not editable",
        {"editable_fields": ["decision"]},
        "where it is not editable",
    ),
    (
        "both nextSteps and branches",
        {"next_steps": ["warehouse"]},
        "either nextSteps or branches",
    ),
]


@pytest.mark.parametrize(("case", "review", "says"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_the_validator_refuses(case: str, review: dict[str, Any], says: str):
    with pytest.raises(FlowError) as refused:
        parse_config(returns(**review))
    assert says in refused.value.message, case


def test_a_cycle_of_conditional_branches_is_refused():
    data = returns()
    data["steps"][0] = {
        "key": "apply",
        "name": "Apply",
        "group_id": 1,
        "position": 0,
        "editable_fields": ["model"],
        "branches": [
            {"to": "review", "when": {"field": "model", "operator": "IS_NOT_EMPTY"}},
            {"to": "warehouse"},
        ],
    }
    with pytest.raises(FlowError) as refused:
        parse_config(data)
    assert "cycle" in refused.value.message


def test_a_step_no_branch_reaches_is_refused():
    data = returns(
        branches=[{"to": "apply", "when": {**DECISION, "value": "reject"}}, {"to": None}]
    )
    with pytest.raises(FlowError) as refused:
        parse_config(data)
    assert "cannot be reached" in refused.value.message


# ---- the evaluator over random values ------------------------------------------------------

CONFIG: TemplateConfig = parse_config(
    returns(
        field_rules=[
            {"field": "reason", "when": {**DECISION, "value": "reject"}, "required": True},
            {"field": "amount", "when": {**DECISION, "value": "reject"}, "editable": False},
        ],
        branches=[
            {"to": "warehouse", "when": {**DECISION, "value": "approve"}, "priority": 1},
            {
                "to": "apply",
                "when": {"field": "amount", "operator": "GREATER_THAN", "value": 100},
                "priority": 2,
            },
            {
                "to": "apply",
                "when": {**DECISION, "value": "reject"},
                "to_creator": True,
                "priority": 0,
            },
            {"to": None},
        ],
    )
)
REVIEW = CONFIG.step("review")

values_strategy = st.fixed_dictionaries(
    {},
    optional={
        "decision": st.one_of(
            st.sampled_from(["approve", "reject", "", "other"]), st.none(), st.integers()
        ),
        "reason": st.one_of(st.text(max_size=5), st.none()),
        "amount": st.one_of(
            st.integers(-5, 500),
            st.floats(allow_nan=False),
            st.booleans(),
            st.none(),
            st.text(max_size=3),
        ),
        "model": st.text(max_size=3),
    },
)


def reference_target(values: dict[str, Any]) -> tuple[str | None, bool]:
    """The rules as a person reads them: a big amount goes back first, then approve, then
    reject to the creator, else the end."""
    amount = values.get("amount")
    decision = values.get("decision")
    if isinstance(amount, int | float) and not isinstance(amount, bool) and amount > 100:
        return "apply", False
    if decision == "approve":
        return "warehouse", False
    if decision == "reject":
        return "apply", True
    return None, False


@given(values_strategy)
def test_forward_lands_on_exactly_the_step_the_rules_say(values: dict[str, Any]):
    assert REVIEW is not None
    assert len(open_branches(REVIEW, values)) == 1
    way = way_for(CONFIG, REVIEW, values, None)
    assert ((way.step.key if way.step else None), way.to_creator) == reference_target(values)


@given(values_strategy)
def test_field_states_follow_the_decision(values: dict[str, Any]):
    form = form_of(CONFIG, REVIEW, values)
    rejected = values.get("decision") == "reject"
    assert ("reason" in form.required) == rejected
    assert ("amount" in form.editable) == (not rejected)
    assert "decision" in form.required
    assert "secret" not in form.visible
    assert form.required <= form.editable <= form.visible
