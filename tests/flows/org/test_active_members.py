"""The one "active member" rule (flows/org/lookups.py) on every path that offers or gives work
back: a deactivated user keeps their memberships but is no pool candidate, and a reopened or
returned ticket does not go back to them."""

from tests.scenarios.test_ticket_actions import act, at_finance, group_id, names, user_id
from tests.shop import Shop


async def _deactivate(shop: Shop, username: str) -> None:
    data = await shop.gql(
        "admin",
        "mutation($id: ID!) { deactivateUser(input: {id: $id}) { errors { code } } }",
        {"id": user_id(shop, username)},
    )
    assert data["deactivateUser"]["errors"] == []


async def test_a_deactivated_member_is_no_candidate_of_the_pool(shop: Shop):
    tid = await at_finance(shop)
    await act(shop, "admin", "transferTicket", id=tid, groupId=group_id(shop, "Logistics"))
    await _deactivate(shop, "liv")
    data = await shop.gql(
        "admin", "query($id: ID!) { ticket(id: $id) { candidates { username } } }", {"id": tid}
    )
    assert names(data["ticket"]["candidates"]) == ["eve"]


async def test_a_reopened_ticket_does_not_go_back_to_a_deactivated_handler(shop: Shop):
    tid = await at_finance(shop)
    await act(shop, "cal", "closeTicket", id=tid)
    await _deactivate(shop, "cal")
    ticket = await act(shop, "fay", "reopenTicket", id=tid)
    assert (ticket["status"], ticket["assignee"], ticket["currentStep"]["key"]) == (
        "PENDING",
        None,
        "finance",
    )
    assert names(ticket["candidates"]) == ["fay"]


async def test_a_returned_ticket_does_not_go_back_to_a_deactivated_creator(shop: Shop):
    tid = await at_finance(shop)
    await _deactivate(shop, "ann")
    ticket = await act(shop, "cal", "returnTicket", id=tid, reason="Wrong amount")
    assert (ticket["status"], ticket["assignee"], ticket["currentStep"]["key"]) == (
        "PENDING",
        None,
        "sales",
    )
