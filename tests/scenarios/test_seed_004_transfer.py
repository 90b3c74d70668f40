"""Seed 004, 转移 (transfer) and 追加说明 (notes written while handling), told through the API.

Tia runs customer service and holds the transfer grant. Ann's order waits at Finance with Cal
when the customer calls: Tia sends it on — to a department, to a role, to two people. Whoever
it goes to claims it; Cal, who held it, is told; what Tia wrote is kept as a note of the
ticket. The ticket's step and group always agree, and retainAgentOnTransfer keeps a ticket
with its own agent when it is transferred to their group. Refusals change nothing.
"""

from typing import Any

from tests.scenarios.test_ticket_actions import (
    act,
    at_finance,
    group_id,
    kinds,
    names,
    notifications,
    refused,
    see,
    user_id,
)
from tests.shop import Shop
from tests.support import gid

TIMELINE = "timeline(first: 50) { edges { node { kind comment actor { username } } } }"


async def tia_runs_customer_service(shop: Shop) -> None:
    """Ann reports to Tia (so Tia sees Ann's tickets); Tia holds ticket.transfer."""
    tia = await shop.org.user("tia", permissions=["ticket.transfer"])
    shop.users["tia"] = tia
    await admin(
        shop, "setUserSuperior", userId=user_id(shop, "ann"), superiorId=gid("User", tia.id)
    )


async def admin(shop: Shop, mutation: str, result: str = "", **input: Any) -> dict[str, Any]:
    kind = mutation[0].upper() + mutation[1:]
    data = await shop.gql(
        "admin",
        f"mutation($input: {kind}Input!) "
        f"{{ {mutation}(input: $input) {{ {result} errors {{ code }} }} }}",
        {"input": input},
    )
    assert data[mutation]["errors"] == [], data
    payload: dict[str, Any] = data[mutation]
    return payload


async def department(shop: Shop, name: str, *people: str, parent: str | None = None) -> str:
    made = await admin(shop, "createDepartment", "department { id }", name=name, parentId=parent)
    department_id: str = made["department"]["id"]
    for person in people:
        await admin(shop, "updateUser", id=user_id(shop, person), departmentId=department_id)
    return department_id


async def timeline(shop: Shop, tid: str) -> list[dict[str, Any]]:
    found = await see(shop, "admin", tid, TIMELINE)
    assert found is not None
    return [edge["node"] for edge in found["timeline"]["edges"]]


async def transfers_told(shop: Shop, user: str) -> list[str]:
    """The transfer notifications `user` got, by what they begin with."""
    found = await notifications(shop, user)
    return [n["message"].split(":")[0] for n in found["items"] if n["kind"] == "TRANSFERRED"]


def notes_of(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The ticket's notes: its NOTED events, by whom and what."""
    return [(e["actor"]["username"], e["comment"]) for e in events if e["kind"] == "NOTED"]


async def test_tia_transfers_an_order_to_a_department_its_people_claim_and_cal_is_told(
    shop: Shop,
):
    await tia_runs_customer_service(shop)
    fulfilment = await department(shop, "Fulfilment", "dee")
    await department(shop, "Packing", "dan", parent=fulfilment)  # below Fulfilment
    empty = await department(shop, "Returns desk")
    tid = await at_finance(shop)

    # A department with nobody in it, or none at all: refused, nothing changes.
    error = await refused(shop, "tia", "transferTicket", id=tid, departmentId=empty)
    assert (error["code"], error["field"]) == ("INVALID", ["departmentId"])
    assert "Nobody active" in error["message"]
    error = await refused(
        shop, "tia", "transferTicket", id=tid, departmentId=gid("Department", 999_999)
    )
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["departmentId"])

    said = "Paid by bank transfer: please pack today"
    ticket = await act(
        shop,
        "tia",
        "transferTicket",
        id=tid,
        departmentId=fulfilment,
        stepKey="warehouse",
        comment=said,
    )
    # Dee (Fulfilment) and Dan (Packing, below it) may claim it, at the Warehouse step.
    assert (ticket["status"], ticket["claimMode"], names(ticket["candidates"])) == (
        "PENDING",
        "CANDIDATES",
        ["dan", "dee"],
    )
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == (
        "warehouse",
        "Warehouse",
    )
    for who in ("dee", "dan"):
        assert kinds(await notifications(shop, who)) == ["TRANSFERRED"]
    assert await transfers_told(shop, "cal") == ["Transferred away from you"]  # he held it

    ticket = await act(shop, "dan", "claimTicket", id=tid)
    assert (ticket["status"], ticket["assignee"]["username"]) == ("IN_PROGRESS", "dan")
    assert (await refused(shop, "dee", "claimTicket", id=tid))["code"] == "CONFLICT"

    # What Tia wrote is on the transfer and is a note of the ticket, by her.
    events = await timeline(shop, tid)
    transfer = next(e for e in events if e["kind"] == "TRANSFERRED")
    assert (transfer["actor"]["username"], transfer["comment"]) == ("tia", said)
    assert notes_of(events) == [("tia", said)]


async def test_a_transfer_to_a_role_names_its_holders_and_a_role_nobody_holds_is_refused(
    shop: Shop,
):
    await tia_runs_customer_service(shop)
    tid = await at_finance(shop)
    # Tia may read the roles of herself and Ann only: nobody she may see is an ADMIN.
    error = await refused(shop, "tia", "transferTicket", id=tid, role="ADMIN")
    assert (error["code"], error["field"]) == ("INVALID", ["role"])
    # The administrator sends it to the supervisors; it stays at Finance's step.
    ticket = await act(shop, "admin", "transferTicket", id=tid, role="SUPERVISOR")
    assert names(ticket["candidates"]) == ["fay", "liv", "sam", "walt"]
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == ("finance", "Finance")
    ticket = await act(shop, "fay", "claimTicket", id=tid)
    assert ticket["assignee"]["username"] == "fay"
    assert await transfers_told(shop, "cal") == ["Transferred away from you"]
    assert notes_of(await timeline(shop, tid)) == []  # no comment, no note


async def test_a_transfer_to_two_people_lets_them_claim_and_keeps_the_note(shop: Shop):
    await tia_runs_customer_service(shop)
    tid = await at_finance(shop)
    ticket = await act(
        shop,
        "tia",
        "transferTicket",
        id=tid,
        userIds=[user_id(shop, "eve"), user_id(shop, "liv")],
        groupId=group_id(shop, "Logistics"),
        comment="Ship it express",
    )
    # The group brings its step: Logistics handles exactly one, Ship.
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == (
        "logistics",
        "Logistics",
    )
    assert (ticket["claimMode"], names(ticket["candidates"])) == ("CANDIDATES", ["eve", "liv"])
    ticket = await act(shop, "liv", "claimTicket", id=tid)
    assert ticket["assignee"]["username"] == "liv"
    assert await transfers_told(shop, "cal") == ["Transferred away from you"]
    assert notes_of(await timeline(shop, tid)) == [("tia", "Ship it express")]


async def test_the_step_and_the_group_always_agree(shop: Shop):
    await tia_runs_customer_service(shop)
    tid = await at_finance(shop)
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        # Sales handles two steps (Take the order, Customer care): name one.
        ({"groupId": group_id(shop, "Sales")}, "INVALID", ["stepKey"]),
        # Managers handle no step of the order's workflow.
        ({"groupId": group_id(shop, "Managers")}, "INVALID", ["groupId"]),
        # Ship is Logistics' step, not Warehouse's.
        ({"groupId": group_id(shop, "Warehouse"), "stepKey": "logistics"}, "INVALID", ["groupId"]),
        ({"groupId": gid("Group", 999_999)}, "NOT_FOUND", ["groupId"]),
    ]
    for bad, code, field in cases:
        error = await refused(shop, "tia", "transferTicket", id=tid, **bad)
        assert (error["code"], error["field"]) == (code, field), bad
    # Warehouse alone: to its one step, Pack (was: step Finance with group Warehouse).
    ticket = await act(shop, "tia", "transferTicket", id=tid, groupId=group_id(shop, "Warehouse"))
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == (
        "warehouse",
        "Warehouse",
    )
    assert (ticket["status"], ticket["claimMode"]) == ("PENDING", "POOL")
    # Sales with the step named.
    ticket = await act(
        shop, "tia", "transferTicket", id=tid, groupId=group_id(shop, "Sales"), stepKey="care"
    )
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == ("care", "Sales")


async def test_retain_agent_on_transfer_keeps_the_ticket_with_its_agent_in_the_group(shop: Shop):
    """The order template retains the agent: back in Sales, Ann (its creator) takes it."""
    await tia_runs_customer_service(shop)
    tid = await at_finance(shop)
    ticket = await act(shop, "tia", "transferTicket", id=tid, stepKey="care")
    assert (ticket["status"], ticket["assignee"]["username"]) == ("IN_PROGRESS", "ann")
    assert await transfers_told(shop, "ann") == ["Transferred to you"]
    # Not in the group: the group's pool, as before.
    ticket = await act(shop, "tia", "transferTicket", id=tid, groupId=group_id(shop, "Logistics"))
    assert (ticket["status"], ticket["claimMode"], ticket["assignee"]) == ("PENDING", "POOL", None)
