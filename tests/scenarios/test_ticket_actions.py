"""The ticket actions the seed stories leave out, told through the GraphQL API as a front end
would call them: transfer, notifications, end actions, reopen/void/delete, team and
followers, interactions, missed calls, bad input, notes with files and round robin.

Every refused action is checked to have changed nothing: same version, no new event.
"""

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.flows.templates.versions import create_template
from workorder.ids import pk_of
from workorder.models import AssignmentCursor, Customer, Ticket, TicketEvent

TICKET = """id number title status version priority claimMode
  currentStep { key } currentGroup { name } assignee { username } candidates { username }
  availableActions { action }"""
ERRORS = "errors { code message field }"


# ---- talking to the API ------------------------------------------------------------------


def _mutation(name: str, result: str) -> str:
    kind = name[0].upper() + name[1:]
    return f"mutation($input: {kind}Input!) {{ {name}(input: $input) {{ {result} {ERRORS} }} }}"


async def attempt(
    shop: Shop, user: str, mutation: str, result: str = f"ticket {{ {TICKET} }}", **input: Any
) -> dict[str, Any]:
    """The payload of one mutation, errors or not."""
    data = await shop.gql(user, _mutation(mutation, result), {"input": input})
    payload: dict[str, Any] = data[mutation]
    return payload


async def act(shop: Shop, user: str, mutation: str, **input: Any) -> dict[str, Any]:
    """A mutation that must succeed: the ticket it returns."""
    payload = await attempt(shop, user, mutation, **input)
    assert payload["errors"] == [], (user, mutation, payload["errors"])
    ticket: dict[str, Any] = payload["ticket"]
    return ticket


async def _state(tid: str) -> tuple[int, int]:
    """A ticket's version and number of events, read from the database (even when deleted)."""
    pk = pk_of(tid, "Ticket")
    assert pk is not None
    ticket = await Ticket.get(id=pk)
    return ticket.version, await TicketEvent.filter(ticket_id=pk).count()


async def refused(
    shop: Shop, user: str, mutation: str, result: str = "ticket { id }", **input: Any
) -> dict[str, Any]:
    """A mutation that must be refused with one error and leave the ticket as it was."""
    tid = input.get("id") or input.get("ticketId")
    before = await _state(tid) if tid else None
    payload = await attempt(shop, user, mutation, result, **input)
    assert len(payload["errors"]) == 1, (user, mutation, payload)
    assert all(value is None for key, value in payload.items() if key != "errors"), payload
    if tid:
        assert await _state(tid) == before, f"refused {mutation} by {user} changed the ticket"
    error: dict[str, Any] = payload["errors"][0]
    return error


async def see(shop: Shop, user: str, tid: str, fields: str = TICKET) -> dict[str, Any] | None:
    """The ticket as `user` sees it, or None when they may not see it."""
    data = await shop.gql(
        user, f"query($id: ID!) {{ ticket(id: $id) {{ {fields} }} }}", {"id": tid}
    )
    ticket: dict[str, Any] | None = data["ticket"]
    return ticket


def user_id(shop: Shop, username: str) -> str:
    return gid("User", shop.users[username].id)


def group_id(shop: Shop, name: str) -> str:
    return gid("Group", shop.groups[name].id)


def names(people: list[dict[str, Any]]) -> list[str]:
    return sorted(p["username"] for p in people)


async def offered(shop: Shop, user: str, tid: str) -> set[str]:
    """What `user` may do to a ticket they see, by its availableActions."""
    ticket = await see(shop, user, tid)
    assert ticket is not None, f"{user} does not see the ticket"
    return {a["action"] for a in ticket["availableActions"]}


async def create(shop: Shop, user: str, template: str, **input: Any) -> dict[str, Any]:
    return await act(shop, user, "createTicket", templateId=template, **input)


async def order(shop: Shop, user: str = "ann", **input: Any) -> dict[str, Any]:
    """A new order, at the Sales step with its creator."""
    input.setdefault("title", "Three kettles")
    input.setdefault("fields", {"order_no": "A-100", "amount": 89.5})
    return await create(shop, user, gid("Template", shop.order.id), **input)


async def at_finance(shop: Shop) -> str:
    """Ann's order, forwarded to Finance and claimed there by Cal."""
    tid: str = (await order(shop))["id"]
    await act(shop, "ann", "forwardTicket", id=tid)
    ticket = await act(shop, "cal", "claimTicket", id=tid)
    assert (ticket["status"], ticket["assignee"]["username"]) == ("IN_PROGRESS", "cal")
    return tid


async def update_order(shop: Shop, **changes: Any) -> None:
    """The admin changes a parameter of the order template (tickets made later pin it)."""
    data = await shop.gql(
        "admin",
        _mutation("updateTemplate", "template { id }"),
        {"input": {"id": gid("Template", shop.order.id), **changes}},
    )
    assert data["updateTemplate"]["errors"] == [], data


async def new_template(shop: Shop, name: str, steps: list[dict[str, Any]], **params: Any) -> str:
    """A template made by the admin through createTemplate; its global id."""
    data = await shop.gql(
        "admin",
        _mutation("createTemplate", "template { id }"),
        {"input": {"name": name, "steps": steps, **params}},
    )
    assert data["createTemplate"]["errors"] == [], data
    template_id: str = data["createTemplate"]["template"]["id"]
    return template_id


NOTIFICATIONS = """query($unread: Boolean) { unreadNotificationCount
  notifications(unread: $unread) { totalCount
    edges { node { id kind message readAt ticket { id } } } } }"""


async def notifications(shop: Shop, user: str, unread: bool | None = None) -> dict[str, Any]:
    data = await shop.gql(user, NOTIFICATIONS, {"unread": unread})
    found = data["notifications"]
    return {
        "unread": data["unreadNotificationCount"],
        "total": found["totalCount"],
        "items": [edge["node"] for edge in found["edges"]],
    }


def kinds(found: dict[str, Any]) -> list[str]:
    return [n["kind"] for n in found["items"]]


# ---- 1. transfer -------------------------------------------------------------------------


async def _tia(shop: Shop) -> None:
    """Tia manages customer service: Ann reports to her (so she sees Ann's tickets) and she
    holds the transfer permission."""
    tia = await shop.org.user("tia", permissions=["ticket.transfer"])
    shop.users["tia"] = tia
    data = await shop.gql(
        "admin",
        _mutation("setUserSuperior", "user { superior { username } }"),
        {"input": {"userId": user_id(shop, "ann"), "superiorId": gid("User", tia.id)}},
    )
    assert data["setUserSuperior"]["user"]["superior"] == {"username": "tia"}


async def test_transfer_to_one_person_hands_the_ticket_over_at_once(shop: Shop):
    await _tia(shop)
    tid = await at_finance(shop)
    # Neither its assignee nor the group's supervisor holds the permission.
    for who in ("cal", "fay"):
        assert "TRANSFER" not in await offered(shop, who, tid)
        error = await refused(shop, who, "transferTicket", id=tid, userIds=[user_id(shop, "walt")])
        assert error["code"] == "FORBIDDEN"
    assert "TRANSFER" in await offered(shop, "tia", tid)

    ticket = await act(
        shop, "tia", "transferTicket", id=tid, userIds=[user_id(shop, "walt")], comment="Urgent"
    )
    assert (ticket["status"], ticket["assignee"]["username"], ticket["claimMode"]) == (
        "IN_PROGRESS",
        "walt",
        None,
    )
    assert ticket["currentStep"]["key"] == "finance"  # any person, at the step it is at
    assert "FORWARD" in await offered(shop, "walt", tid)
    told = await notifications(shop, "walt")
    assert kinds(told) == ["TRANSFERRED"] and told["items"][0]["ticket"] == {"id": tid}
    trace = await see(shop, "admin", tid, "events { kind actor { username } comment }")
    assert trace is not None
    # The comment stays on the move and is kept as Tia's note too.
    assert trace["events"][-2:] == [
        {"kind": "TRANSFERRED", "actor": {"username": "tia"}, "comment": "Urgent"},
        {"kind": "NOTED", "actor": {"username": "tia"}, "comment": "Urgent"},
    ]


async def test_transfer_to_several_people_lets_only_them_claim_and_the_first_wins(shop: Shop):
    await _tia(shop)
    tid = await at_finance(shop)
    ticket = await act(
        shop,
        "tia",
        "transferTicket",
        id=tid,
        userIds=[user_id(shop, "dee"), user_id(shop, "dan")],
        stepKey="warehouse",
    )
    assert (ticket["status"], ticket["claimMode"], ticket["assignee"]) == (
        "PENDING",
        "CANDIDATES",
        None,
    )
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == (
        "warehouse",
        "Warehouse",
    )
    assert names(ticket["candidates"]) == ["dan", "dee"]
    for who in ("dee", "dan"):
        assert "CLAIM" in await offered(shop, who, tid)
        assert kinds(await notifications(shop, who)) == ["TRANSFERRED"]
    # Walt supervises the group and sees the ticket, but was not named: he may not claim it.
    assert "CLAIM" not in await offered(shop, "walt", tid)
    assert (await refused(shop, "walt", "claimTicket", id=tid))["code"] == "FORBIDDEN"
    # Eve is in none of it: for her the ticket does not exist.
    assert await see(shop, "eve", tid) is None
    assert (await refused(shop, "eve", "claimTicket", id=tid))["code"] == "NOT_FOUND"

    ticket = await act(shop, "dee", "claimTicket", id=tid)
    assert (ticket["status"], ticket["assignee"]["username"], ticket["candidates"]) == (
        "IN_PROGRESS",
        "dee",
        [],
    )
    late = await refused(shop, "dan", "claimTicket", id=tid)
    assert late["code"] == "CONFLICT"


async def test_a_named_candidate_outside_the_group_who_comes_second_hears_conflict(shop: Shop):
    await _tia(shop)
    tid = await at_finance(shop)
    # Two people of other groups are named; the ticket stays at Finance's step.
    await act(
        shop,
        "tia",
        "transferTicket",
        id=tid,
        userIds=[user_id(shop, "dee"), user_id(shop, "eve")],
    )
    assert await see(shop, "eve", tid) is not None  # a candidate sees it, and may claim
    await act(shop, "dee", "claimTicket", id=tid)
    late = await refused(shop, "eve", "claimTicket", id=tid)
    assert late["code"] == "CONFLICT", late  # she lost the race; the ticket did not vanish


async def test_transfer_to_a_group_puts_it_in_that_group_s_pool(shop: Shop):
    await _tia(shop)
    tid = await at_finance(shop)
    ticket = await act(shop, "tia", "transferTicket", id=tid, groupId=group_id(shop, "Logistics"))
    assert (ticket["status"], ticket["claimMode"], ticket["currentGroup"]["name"]) == (
        "PENDING",
        "POOL",
        "Logistics",
    )
    assert names(ticket["candidates"]) == ["eve", "liv"]
    for who in ("eve", "liv"):
        assert kinds(await notifications(shop, who)) == ["TRANSFERRED"]
    assert await see(shop, "cal", tid) is not None  # he handled it: still a participant
    assert (await refused(shop, "cal", "claimTicket", id=tid))["code"] == "FORBIDDEN"
    ticket = await act(shop, "eve", "claimTicket", id=tid)
    assert (ticket["status"], ticket["assignee"]["username"]) == ("IN_PROGRESS", "eve")


async def test_transfer_to_another_step_of_the_workflow(shop: Shop):
    await _tia(shop)
    tid = await at_finance(shop)
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"stepKey": "nowhere"}, "NOT_FOUND", ["stepKey"]),
        ({}, "INVALID", ["userIds"]),
        ({"userIds": [gid("User", 999_999)]}, "NOT_FOUND", ["userIds"]),
    ]
    for bad, code, field in cases:
        error = await refused(shop, "tia", "transferTicket", id=tid, **bad)
        assert (error["code"], error["field"]) == (code, field), bad
    # Skip packing: straight to shipping, where Logistics picks it from the pool.
    ticket = await act(shop, "tia", "transferTicket", id=tid, stepKey="logistics")
    assert (ticket["status"], ticket["claimMode"]) == ("PENDING", "POOL")
    assert (ticket["currentStep"]["key"], ticket["currentGroup"]["name"]) == (
        "logistics",
        "Logistics",
    )
    await act(shop, "eve", "claimTicket", id=tid)
    ticket = await act(shop, "eve", "forwardTicket", id=tid, fields={"tracking": "SF-1"})
    assert (ticket["currentStep"]["key"], ticket["assignee"]["username"]) == ("care", "ann")


# ---- 2. notifications --------------------------------------------------------------------


async def test_notifications_reach_the_right_people_and_are_read(shop: Shop):
    refund = await new_template(
        shop,
        "Refund",
        [
            {"key": "check", "name": "Check", "groupId": group_id(shop, "Finance")},
            {"key": "pay", "name": "Pay", "groupId": group_id(shop, "Finance")},
        ],
        initialAssignment="GROUP",
    )
    tid = (await create(shop, "ann", refund, title="Broken kettle"))["id"]
    # It waits in Finance's pool: its members hear of it, its creator does not.
    for who in ("fay", "cal"):
        assert kinds(await notifications(shop, who)) == ["POOL_NEW"]
    assert (await notifications(shop, "ann"))["items"] == []
    # Cal forwards it into the next pool step of his own group: Fay hears, Cal does not.
    await act(shop, "cal", "claimTicket", id=tid)
    ticket = await act(shop, "cal", "forwardTicket", id=tid)
    assert (ticket["status"], ticket["currentStep"]["key"]) == ("PENDING", "pay")
    assert kinds(await notifications(shop, "cal")) == ["POOL_NEW"]
    # Urging a waiting ticket tells the group's supervisors.
    await act(shop, "ann", "urgeTicket", id=tid, comment="The customer called again")
    # Fay assigns it to Cal, who hears of it.
    await act(shop, "fay", "assignTicket", id=tid, userId=user_id(shop, "cal"))
    cal = await notifications(shop, "cal")
    assert kinds(cal) == ["ASSIGNED", "POOL_NEW"]  # newest first
    assert cal["items"][0]["ticket"] == {"id": tid}

    fay = await notifications(shop, "fay", unread=True)
    assert kinds(fay) == ["URGED", "POOL_NEW", "POOL_NEW"]
    assert (fay["unread"], fay["total"]) == (3, 3)
    assert all(n["ticket"] == {"id": tid} and n["readAt"] is None for n in fay["items"])
    urged = fay["items"][0]

    # Nobody sees, or marks, another person's notifications.
    node = await shop.gql("cal", "query($id: ID!) { node(id: $id) { id } }", {"id": urged["id"]})
    assert node == {"node": None}
    mark = _mutation("markNotificationsRead", "count unread")
    data = await shop.gql("cal", mark, {"input": {"ids": [urged["id"]]}})
    assert data["markNotificationsRead"] == {"count": 0, "unread": 2, "errors": []}
    assert (await notifications(shop, "fay"))["unread"] == 3
    own = await shop.gql(
        "fay",
        "query($id: ID!) { node(id: $id) { ... on Notification { kind } } }",
        {"id": urged["id"]},
    )
    assert own == {"node": {"kind": "URGED"}}

    data = await shop.gql("fay", mark, {"input": {"ids": [urged["id"]]}})
    assert data["markNotificationsRead"] == {"count": 1, "unread": 2, "errors": []}
    left = await notifications(shop, "fay", unread=True)
    assert kinds(left) == ["POOL_NEW", "POOL_NEW"] and left["unread"] == 2
    assert kinds(await notifications(shop, "fay", unread=False)) == ["URGED"]
    data = await shop.gql("fay", mark, {"input": {}})
    assert data["markNotificationsRead"] == {"count": 2, "unread": 0, "errors": []}
    fay = await notifications(shop, "fay")
    assert (fay["unread"], fay["total"]) == (0, 3)
    assert all(n["readAt"] is not None for n in fay["items"])
    assert (await notifications(shop, "cal"))["unread"] == 2  # Cal's are his own


# ---- 3. end actions ----------------------------------------------------------------------

FOLLOW_UP = """id number title status description assignee { username } creator { username }
  followUpOf { id title } template { id }"""


async def _follow_ups(tid: str) -> list[Ticket]:
    return await Ticket.filter(follow_up_of_id=pk_of(tid, "Ticket")).all()


async def test_end_action_create_new_opens_a_follow_up_on_close(shop: Shop):
    await update_order(shop, endAction="CREATE_NEW")
    customer = await Customer.create(
        tenant_id=shop.org.tenant.id, name="Mrs Li", created_by_id=shop.users["ann"].id
    )
    tid = (await order(shop, customerId=gid("Customer", customer.id)))["id"]
    await act(shop, "ann", "closeTicket", id=tid, comment="Delivered")

    made = await _follow_ups(tid)
    assert len(made) == 1 and made[0].customer_id == customer.id
    follow_up = await see(shop, "ann", gid("Ticket", made[0].id), FOLLOW_UP)
    assert follow_up == {
        "id": gid("Ticket", made[0].id),
        "number": 2,
        "title": "Follow-up: Three kettles",
        "status": "NEW",
        "description": "Follow-up of #1.",
        "assignee": {"username": "ann"},
        "creator": {"username": "ann"},
        "followUpOf": {"id": tid, "title": "Three kettles"},
        "template": {"id": gid("Template", shop.order.id)},
    }
    # A draft: it waits for Ann to fill it in and submit it.
    refused_submit = await refused(shop, "ann", "submitTicket", id=follow_up["id"])
    assert refused_submit["code"] == "INVALID"


async def test_end_action_agent_decides_follows_the_closer_s_choice(shop: Shop):
    await update_order(shop, endAction="AGENT_DECIDES")
    choices: list[dict[str, Any]] = [{"createFollowUp": True}, {"createFollowUp": False}, {}]
    made = []
    for choice in choices:
        tid = (await order(shop))["id"]
        await act(shop, "ann", "closeTicket", id=tid, **choice)
        made.append(len(await _follow_ups(tid)))
    assert made == [1, 0, 0]


async def test_end_action_none_never_opens_a_follow_up(shop: Shop):
    tid = (await order(shop))["id"]
    ticket = await act(shop, "ann", "closeTicket", id=tid, createFollowUp=True)
    assert ticket["status"] == "DONE"
    assert await _follow_ups(tid) == []
    assert await Ticket.all().count() == 1


async def test_a_follow_up_also_opens_when_the_last_step_finishes_the_ticket(shop: Shop):
    await update_order(shop, endAction="CREATE_NEW")
    tid = await at_finance(shop)
    await act(shop, "cal", "forwardTicket", id=tid, fields={"paid": True})
    await act(shop, "walt", "forwardTicket", id=tid)
    await act(shop, "eve", "claimTicket", id=tid)
    await act(shop, "eve", "forwardTicket", id=tid, fields={"tracking": "SF-9"})
    ticket = await act(shop, "ann", "forwardTicket", id=tid)  # from care, the last step
    assert ticket["status"] == "DONE"
    made = await _follow_ups(tid)
    assert len(made) == 1 and made[0].creator_id == shop.users["ann"].id


async def test_an_agent_closes_a_missed_call_ticket_whose_template_creates_a_follow_up(
    shop: Shop,
):
    await update_order(shop, endAction="CREATE_NEW")
    tid = (await order(shop, "sam", source="MISSED_CALL"))["id"]
    await act(shop, "sam", "changeTicketOwner", id=tid, userId=user_id(shop, "ann"))
    ticket = await act(shop, "ann", "closeTicket", id=tid, comment="Called back")
    assert ticket["status"] == "DONE"
    assert len(await _follow_ups(tid)) == 1


async def test_tickets_of_an_archived_create_new_template_can_still_be_closed(shop: Shop):
    await update_order(shop, endAction="CREATE_NEW")
    tid = (await order(shop))["id"]
    data = await shop.gql(
        "admin",
        _mutation("archiveTemplate", "template { active }"),
        {"input": {"id": gid("Template", shop.order.id)}},
    )
    assert data["archiveTemplate"]["template"] == {"active": False}
    ticket = await act(shop, "ann", "closeTicket", id=tid)  # its tickets carry on
    assert ticket["status"] == "DONE"


# ---- 4. reopen, void, delete -------------------------------------------------------------


async def test_a_supervisor_reopens_a_done_ticket_for_its_last_handler(shop: Shop):
    tid = await at_finance(shop)
    await act(shop, "cal", "closeTicket", id=tid, comment="Paid in cash")
    _, events = await _state(tid)
    assert (await refused(shop, "cal", "reopenTicket", id=tid))["code"] == "FORBIDDEN"
    assert (await refused(shop, "bob", "reopenTicket", id=tid))["code"] == "NOT_FOUND"
    ticket = await act(shop, "fay", "reopenTicket", id=tid, comment="Customer called back")
    assert (ticket["status"], ticket["assignee"]["username"], ticket["currentStep"]["key"]) == (
        "IN_PROGRESS",
        "cal",
        "finance",
    )
    assert (await _state(tid))[1] == events + 1
    assert "REOPENED" in kinds(await notifications(shop, "cal"))
    error = await refused(shop, "fay", "reopenTicket", id=tid)  # it is open again
    assert error["code"] == "WRONG_STATUS"


async def test_a_void_ticket_is_seen_by_admins_only(shop: Shop):
    tid = await at_finance(shop)
    assert (await refused(shop, "cal", "voidTicket", id=tid))["code"] == "FORBIDDEN"
    _, events = await _state(tid)
    ticket = await act(shop, "fay", "voidTicket", id=tid, comment="Duplicate of #7")
    assert ticket["status"] == "VOID"
    assert (await _state(tid))[1] == events + 1
    for who in ("cal", "ann", "fay"):
        assert await see(shop, who, tid) is None, who
        found = await shop.gql(who, "query($id: ID!) { node(id: $id) { id } }", {"id": tid})
        assert found == {"node": None}
    admin = await see(shop, "admin", tid, "status events { kind comment }")
    assert admin is not None and admin["status"] == "VOID"
    assert admin["events"][-1] == {"kind": "VOIDED", "comment": "Duplicate of #7"}
    # Cal's old notifications stay, but no longer lead to the ticket.
    assert all(n["ticket"] is None for n in (await notifications(shop, "cal"))["items"])


async def test_a_deleted_ticket_is_seen_by_nobody(shop: Shop):
    tid = await at_finance(shop)
    assert (await refused(shop, "ann", "deleteTicket", id=tid))["code"] == "FORBIDDEN"
    _, events = await _state(tid)
    await act(shop, "fay", "deleteTicket", id=tid)
    assert (await _state(tid))[1] == events + 1
    kinds_in_db = [e.kind for e in await TicketEvent.filter(ticket_id=pk_of(tid, "Ticket"))]
    assert kinds_in_db[-1] == "DELETED"
    for who in ("admin", "fay", "cal", "ann"):
        assert await see(shop, who, tid) is None, who
    found = await shop.gql("admin", "query($id: ID!) { node(id: $id) { id } }", {"id": tid})
    assert found == {"node": None}
    assert (await refused(shop, "admin", "deleteTicket", id=tid))["code"] == "NOT_FOUND"


async def test_an_admin_deletes_a_void_ticket(shop: Shop):
    tid = await at_finance(shop)
    await act(shop, "admin", "voidTicket", id=tid)
    assert (await refused(shop, "fay", "deleteTicket", id=tid))["code"] == "NOT_FOUND"
    _, events = await _state(tid)
    await act(shop, "admin", "deleteTicket", id=tid)
    assert (await _state(tid))[1] == events + 1
    assert await see(shop, "admin", tid) is None


# ---- 5. team and followers ---------------------------------------------------------------

TEAM = "teamMembers { access user { username } } followers { username }"


async def test_a_team_member_sees_the_ticket_and_edits_only_with_write_access(shop: Shop):
    await update_order(shop, editLimit="OWNER")
    tid = await at_finance(shop)
    max_ = user_id(shop, "max")
    assert await see(shop, "max", tid) is None
    error = await refused(shop, "ann", "addTicketTeamMember", id=tid, userId=max_)
    assert error["code"] == "FORBIDDEN"  # the creator is not in charge

    ticket = await act(shop, "cal", "addTicketTeamMember", id=tid, userId=max_)
    assert ticket["id"] == tid
    assert await see(shop, "max", tid, TEAM) == {
        "teamMembers": [{"access": "READ", "user": {"username": "max"}}],
        "followers": [],
    }
    again = await refused(shop, "cal", "addTicketTeamMember", id=tid, userId=max_)
    assert again["code"] == "CONFLICT"
    # Read access under the OWNER edit limit: Max may look, not write.
    for mutation, extra in [
        ("saveTicket", {"description": "Max was here"}),
        ("addTicketNote", {"text": "Max was here"}),
    ]:
        assert (await refused(shop, "max", mutation, id=tid, **extra))["code"] == "FORBIDDEN"

    await act(shop, "fay", "addTicketTeamMember", id=tid, userId=max_, access="READ_WRITE")
    await act(shop, "max", "saveTicket", id=tid, description="Checked the bank")
    assert (await see(shop, "max", tid, "description")) == {"description": "Checked the bank"}

    await act(shop, "cal", "removeTicketTeamMember", id=tid, userId=max_)
    assert await see(shop, "max", tid) is None
    gone = await refused(shop, "cal", "removeTicketTeamMember", id=tid, userId=max_)
    assert gone["code"] == "NOT_FOUND"
    assert (await refused(shop, "max", "saveTicket", id=tid, title="x"))["code"] == "NOT_FOUND"


async def test_followers_follow_once_and_hear_when_it_is_done(shop: Shop):
    tid = await at_finance(shop)
    assert (await refused(shop, "bob", "followTicket", id=tid))["code"] == "NOT_FOUND"
    assert (await refused(shop, "fay", "unfollowTicket", id=tid))["code"] == "FORBIDDEN"
    await act(shop, "fay", "followTicket", id=tid)
    assert await see(shop, "fay", tid, "followers { username }") == {
        "followers": [{"username": "fay"}]
    }
    assert (await refused(shop, "fay", "followTicket", id=tid))["code"] == "FORBIDDEN"
    assert {"FOLLOW", "UNFOLLOW"} & await offered(shop, "fay", tid) == {"UNFOLLOW"}

    await act(shop, "cal", "closeTicket", id=tid)
    assert "CLOSED" in kinds(await notifications(shop, "fay"))
    await act(shop, "fay", "unfollowTicket", id=tid)
    assert await see(shop, "fay", tid, "followers { username }") == {"followers": []}


# ---- 6. interactions ---------------------------------------------------------------------

INTERACTION = (
    "interaction { channel direction number startedAt durationSeconds agent { username } }"
)


async def test_calls_are_logged_on_the_ticket(shop: Shop):
    tid = await at_finance(shop)
    call = {
        "ticketId": tid,
        "channel": "PHONE",
        "direction": "INBOUND",
        "startedAt": "2026-11-23T09:00:00+08:00",
        "number": "+86 571 1234",
        "durationSeconds": 185,
    }
    payload = await attempt(shop, "cal", "logInteraction", INTERACTION, **call)
    assert payload["errors"] == []
    logged = payload["interaction"]
    started = datetime.fromisoformat(logged["startedAt"])
    assert started == datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    assert started.utcoffset() is not None

    error = await refused(shop, "bob", "logInteraction", INTERACTION, **call)
    assert error["code"] == "NOT_FOUND"
    naive = await refused(
        shop, "cal", "logInteraction", INTERACTION, **{**call, "startedAt": "2026-11-23T09:00:00"}
    )
    assert (naive["code"], naive["field"]) == ("INVALID", ["startedAt"])
    negative = await refused(
        shop, "cal", "logInteraction", INTERACTION, **{**call, "durationSeconds": -5}
    )
    assert (negative["code"], negative["field"]) == ("INVALID", ["durationSeconds"])
    garbage = await shop.org.api.raw(
        _mutation("logInteraction", INTERACTION),
        {"input": {**call, "startedAt": "tomorrow morning"}},
        await shop.token("cal"),
    )
    assert garbage["data"] is None and "startedAt" in garbage["errors"][0]["message"]

    shown = await see(
        shop,
        "ann",
        tid,
        "interactions { channel direction number durationSeconds agent { username } }",
    )
    assert shown == {
        "interactions": [
            {
                "channel": "PHONE",
                "direction": "INBOUND",
                "number": "+86 571 1234",
                "durationSeconds": 185,
                "agent": {"username": "cal"},
            }
        ]
    }
    trace = await see(shop, "ann", tid, "events { kind actor { username } }")
    assert trace is not None
    assert trace["events"][-1] == {"kind": "INTERACTION_LOGGED", "actor": {"username": "cal"}}


# ---- 7. missed calls ---------------------------------------------------------------------


async def test_only_supervisors_open_missed_call_tickets(shop: Shop):
    template = gid("Template", shop.order.id)
    error = await refused(
        shop,
        "ann",
        "createTicket",
        templateId=template,
        title="Missed call",
        source="MISSED_CALL",
        fields={"order_no": "A-1"},
    )
    assert error["code"] == "FORBIDDEN"
    assert await Ticket.all().count() == 0
    ticket = await act(
        shop,
        "sam",
        "createTicket",
        templateId=template,
        title="Missed call",
        source="MISSED_CALL",
        fields={"order_no": "A-1"},
    )
    assert ticket["number"] == 1 and ticket["assignee"]["username"] == "sam"
    assert (await see(shop, "sam", ticket["id"], "source")) == {"source": "MISSED_CALL"}


# ---- 8. bad input on create --------------------------------------------------------------


async def test_each_bad_field_is_its_own_error(shop: Shop) -> None:
    """A form with two mistakes shows each next to its own input, not one merged line."""
    payload = await attempt(
        shop,
        "ann",
        "createTicket",
        templateId=gid("Template", shop.order.id),
        title="Kettle",
        fields={"amount": "lots", "colour": "red"},
    )
    assert payload["ticket"] is None
    found = {tuple(e["field"]): (e["code"], e["message"]) for e in payload["errors"]}
    assert set(found) == {("fields", "order_no"), ("fields", "amount"), ("fields", "colour")}
    assert found[("fields", "order_no")] == ("INVALID", "Required")
    assert "Expected a number" in found[("fields", "amount")][1]
    assert all(";" not in message for _, message in found.values())
    assert await Ticket.all().count() == 0


async def test_bad_input_creates_no_ticket(shop: Shop):
    template = gid("Template", shop.order.id)
    base = {"templateId": template, "title": "Kettle"}
    for fields, where, says in [
        ({"order_no": "A-1", "amount": "lots"}, ["fields", "amount"], "Expected a number"),
        ({"order_no": "A-1", "colour": "red"}, ["fields", "colour"], "Unknown field"),
        ({"amount": 3}, ["fields", "order_no"], "Required"),
        ({"order_no": "A-1", "paid": True}, ["fields", "paid"], "Not editable"),
        (["A-1"], ["fields"], "object"),
    ]:
        error = await refused(shop, "ann", "createTicket", **base, fields=fields)
        assert (error["code"], error["field"]) == ("INVALID", where), fields
        assert says in error["message"], error

    data = await shop.gql(
        "admin",
        _mutation("archiveTemplate", "template { active }"),
        {"input": {"id": gid("Template", shop.returns.id)}},
    )
    assert data["archiveTemplate"]["template"] == {"active": False}
    error = await refused(
        shop,
        "ann",
        "createTicket",
        templateId=gid("Template", shop.returns.id),
        title="TV",
        fields={"model": "TV-9"},
    )
    assert (error["code"], error["field"]) == ("INVALID", ["templateId"])

    other = await OrgBuilder.create(shop.org.api, "globex")
    theirs = await create_template(other.admin_actor, {"name": "Their order"})
    error = await refused(
        shop, "ann", "createTicket", templateId=gid("Template", theirs.id), title="Steal"
    )
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["templateId"])

    assert await Ticket.all().count() == 0
    # Refused creations use up no number.
    ticket = await act(shop, "ann", "createTicket", **base, fields={"order_no": "A-1"})
    assert ticket["number"] == 1


# ---- 9. notes with attachments -----------------------------------------------------------

UPLOAD = """mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) {
  attachment { id filename size downloadUrl uploadedBy { username } } errors { code } } }"""
SCAN = b"%PDF-1.4 bank transfer receipt\n" + bytes(range(256)) * 8
NO_FILE = b'{"errors":[{"message":"File not found","extensions":{"code":"NOT_FOUND"}}]}'


async def upload(shop: Shop, user: str, data: bytes, filename: str) -> dict[str, Any]:
    """A GraphQL multipart request: `operations`, `map`, then the file part."""
    response = await shop.org.api.client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, data, "application/pdf")},
        headers={"authorization": f"Bearer {await shop.token(user)}"},
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["uploadAttachment"]
    assert payload["errors"] == [], payload
    made: dict[str, Any] = payload["attachment"]
    return made


async def download(shop: Shop, user: str, url: str) -> tuple[int, bytes]:
    response = await shop.org.api.client.get(
        url, headers={"authorization": f"Bearer {await shop.token(user)}"}
    )
    return response.status_code, response.content


async def test_a_note_s_files_open_for_those_who_see_the_ticket(shop: Shop):
    tid = await at_finance(shop)
    made = await upload(shop, "ann", SCAN, "receipt.pdf")
    assert (made["filename"], made["size"], made["uploadedBy"]) == (
        "receipt.pdf",
        len(SCAN),
        {"username": "ann"},
    )
    assert await download(shop, "cal", made["downloadUrl"]) == (404, NO_FILE)

    bad = await refused(
        shop, "ann", "addTicketNote", id=tid, text="x", attachmentIds=[gid("Attachment", 999)]
    )
    assert (bad["code"], bad["field"]) == ("NOT_FOUND", ["attachmentIds"])
    await act(shop, "ann", "addTicketNote", id=tid, text="The receipt", attachmentIds=[made["id"]])
    trace = await see(shop, "cal", tid, "events { kind comment attachmentIds }")
    assert trace is not None
    assert trace["events"][-1] == {
        "kind": "NOTED",
        "comment": "The receipt",
        "attachmentIds": [made["id"]],
    }
    assert kinds(await notifications(shop, "cal"))[0] == "NOTED"
    # Cal handles the ticket: he opens the file he did not upload. Bob sees no such ticket.
    assert await download(shop, "cal", made["downloadUrl"]) == (200, SCAN)
    assert await download(shop, "fay", made["downloadUrl"]) == (200, SCAN)
    assert (await download(shop, "bob", made["downloadUrl"]))[0] == 404


async def test_nobody_gets_a_file_by_attaching_its_id_to_their_own_ticket(shop: Shop):
    tid = await at_finance(shop)
    made = await upload(shop, "ann", SCAN, "receipt.pdf")
    await act(shop, "ann", "addTicketNote", id=tid, text="The receipt", attachmentIds=[made["id"]])
    assert (await download(shop, "bob", made["downloadUrl"]))[0] == 404
    # Bob guesses the id (global ids are "Attachment:<n>" in base64) and links it to his own.
    mine = (await order(shop, "bob", title="Mine"))["id"]
    payload = await attempt(
        shop, "bob", "addTicketNote", id=mine, text="look", attachmentIds=[made["id"]]
    )
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    assert (await download(shop, "bob", made["downloadUrl"]))[0] == 404


# ---- 10. round robin ---------------------------------------------------------------------


async def test_round_robin_deals_tickets_in_turn_and_remembers_whose_turn_it_is(shop: Shop):
    packing = await new_template(
        shop,
        "Packing",
        [
            {
                "key": "pack",
                "name": "Pack",
                "groupId": group_id(shop, "Warehouse"),
                "assignment": "ROUND_ROBIN",
            }
        ],
        initialAssignment="GROUP",
    )
    by_id = sorted(("walt", "dee", "dan"), key=lambda n: shop.users[n].id)
    assert by_id == ["walt", "dee", "dan"]
    dealt = []
    for n in range(6):
        ticket = await create(shop, "ann", packing, title=f"Parcel {n + 1}")
        assert ticket["status"] == "IN_PROGRESS"
        dealt.append(ticket["assignee"]["username"])
    assert dealt == ["walt", "dee", "dan", "walt", "dee", "dan"]
    stored = await Ticket.all().order_by("number").values_list("assignee__username", flat=True)
    assert stored == dealt
    cursor = await AssignmentCursor.get(group_id=shop.groups["Warehouse"].id)
    assert cursor.last_user_id == shop.users["dan"].id
    for who in ("walt", "dee", "dan"):
        assert kinds(await notifications(shop, who)) == ["ASSIGNED", "ASSIGNED"]
