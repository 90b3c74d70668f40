"""Seed 002, the returns flow: 不同意退货 并填写不同意理由 (reject the return and say why).

Ann takes a customer's return request. Sam, the manager, decides: approve sends it to the
Warehouse pool; reject needs a reason and sends it back to Ann, who made it. The decision drives
the next step (a branch of the workflow), and the reason is required only once it is reject.
"""

from typing import Any

from tests.scenarios.test_ticket_actions import act, attempt, create, see
from tests.shop import Shop
from tests.support import gid
from workorder.flows.templates.versions import add_field, current_config, set_workflow
from workorder.models import Template

FORM = "id status currentStep { key } assignee { username } fields { key editable required }"
REVIEW: dict[str, Any] = {
    "key": "manager",
    "name": "Approve",
    "position": 1,
    "assignment": "SUPERVISOR",
    "editable_fields": ["decision", "reason"],
    "required_fields": ["decision"],
    "field_rules": [
        {
            "field": "reason",
            "when": {"field": "decision", "operator": "EQUALS", "value": "reject"},
            "required": True,
        }
    ],
    "branches": [
        {
            "to": "warehouse",
            "when": {"field": "decision", "operator": "EQUALS", "value": "approve"},
        },
        {
            "to": "agent",
            "when": {"field": "decision", "operator": "EQUALS", "value": "reject"},
            "to_creator": True,
        },
    ],
}


async def returns_decided_by_branches(shop: Shop) -> None:
    """The admin adds the reason and lets the decision choose the next step."""
    admin = shop.org.admin_actor
    await add_field(
        admin, shop.returns.id, {"key": "reason", "label": "Reason", "type": "TEXTAREA"}
    )
    template = await Template.get(id=shop.returns.id)
    steps = [s.model_dump() for s in (await current_config(template)).ordered_steps()]
    steps[1] = {**REVIEW, "group_id": steps[1]["group_id"]}
    await set_workflow(admin, shop.returns.id, steps)


async def at_review(shop: Shop) -> str:
    """Ann's return, forwarded to the manager step, where Sam takes it."""
    made = await create(
        shop, "ann", gid("Template", shop.returns.id), title="Kettle leaks", fields={"model": "K1"}
    )
    tid: str = made["id"]
    await act(shop, "ann", "forwardTicket", id=tid)
    await act(shop, "sam", "assignTicket", id=tid, userId=gid("User", shop.users["sam"].id))
    return tid


def states(ticket: dict[str, Any]) -> dict[str, tuple[bool, bool]]:
    return {f["key"]: (f["editable"], f["required"]) for f in ticket["fields"]}


async def test_sam_rejects_without_a_reason_is_refused_then_with_one_it_goes_back_to_ann(
    shop: Shop,
):
    await returns_decided_by_branches(shop)
    tid = await at_review(shop)
    seen = await see(shop, "sam", tid, FORM)
    assert seen is not None
    assert states(seen)["decision"] == (True, True)
    assert states(seen)["reason"] == (True, False)  # not yet: no decision made

    refused = await attempt(
        shop, "sam", "forwardTicket", "ticket { id }", id=tid, fields={"decision": "reject"}
    )
    assert [e["field"] for e in refused["errors"]] == [["fields", "reason"]]
    after = await see(shop, "sam", tid, FORM)
    assert after is not None and after["currentStep"]["key"] == "manager"

    await act(shop, "sam", "saveTicket", id=tid, fields={"decision": "reject"})
    seen = await see(shop, "sam", tid, FORM)
    assert seen is not None and states(seen)["reason"] == (True, True)

    back = await act(
        shop, "sam", "forwardTicket", id=tid, fields={"reason": "Dropped by the customer"}
    )
    assert back["currentStep"]["key"] == "agent"
    assert back["status"] == "IN_PROGRESS"
    mine = await see(shop, "ann", tid, FORM)
    assert mine is not None and mine["assignee"]["username"] == "ann"


async def test_sam_approves_and_it_waits_in_the_warehouse_pool(shop: Shop):
    await returns_decided_by_branches(shop)
    tid = await at_review(shop)
    seen = await see(shop, "sam", tid, "availableActions { action nextSteps { key } }")
    assert seen is not None
    forward = next(a for a in seen["availableActions"] if a["action"] == "FORWARD")
    assert forward["nextSteps"] == []  # no decision yet: nothing open

    moved = await act(shop, "sam", "forwardTicket", id=tid, fields={"decision": "approve"})
    assert (moved["currentStep"]["key"], moved["status"], moved["assignee"]) == (
        "warehouse",
        "PENDING",
        None,
    )


async def test_a_choice_the_decision_does_not_allow_is_refused(shop: Shop):
    await returns_decided_by_branches(shop)
    tid = await at_review(shop)
    refused = await attempt(
        shop,
        "sam",
        "forwardTicket",
        "ticket { id }",
        id=tid,
        nextStep="agent",
        fields={"decision": "approve"},
    )
    assert [e["field"] for e in refused["errors"]] == [["nextStep"]]


async def test_fields_say_who_may_edit_them_now(shop: Shop):
    await returns_decided_by_branches(shop)
    tid = await at_review(shop)
    # Bob (Sales) sees the ticket? Only through the API's visibility; Ann created it.
    ann = await see(shop, "ann", tid, FORM)
    assert ann is not None
    # The template limits nothing (EVERYONE), so Ann may save: the step's editable fields.
    assert states(ann)["decision"] == (True, True)
    assert states(ann)["model"] == (False, False)
