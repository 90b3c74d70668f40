"""Seed 003: a ticket's lock (its person in charge or an admin locks it, and nothing changes
until it is unlocked), and the tenant setting "superior sees subordinates' data", told through
the API.

Cal holds Ann's order at Finance and locks it: nobody — not Cal, not Fay who supervises
Finance, not the admin — may change it any more; only Cal or the admin unlock it, and the
timeline shows both. Tia, Cal's superior, sees Cal's ticket until the admin switches the
setting off; then no path shows it to her (node, lists, search, her subordinates' view,
the live rule), and switching it back on brings it back.
"""

from typing import Any

from tests.scenarios.test_seed_003_owner import tia_leads_cal
from tests.scenarios.test_seed_004_transfer import admin
from tests.scenarios.test_ticket_actions import act, at_finance, offered, refused, see, user_id
from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.audience import audience_of, sees
from workorder.auth.visibility import look_up_reach
from workorder.ids import pk_of

LOCKED = "locked version status assignee { username }"


async def lock(shop: Shop, user: str, tid: str) -> dict[str, Any]:
    return await act(shop, user, "lockTicket", id=tid)


async def test_the_person_in_charge_locks_and_nothing_changes_until_unlocked(shop: Shop):
    tid = await at_finance(shop)
    ticket = await lock(shop, "cal", tid)
    assert ticket["status"] == "IN_PROGRESS"
    assert (await see(shop, "cal", tid, LOCKED) or {})["locked"] is True
    # Every change is refused, to everyone, and leaves the ticket as it was.
    for user, mutation, extra in [
        ("cal", "forwardTicket", {}),
        ("cal", "saveTicket", {"title": "Changed"}),
        ("cal", "addTicketNote", {"text": "a note"}),
        ("cal", "closeTicket", {}),
        ("fay", "assignTicket", {"userId": user_id(shop, "fay")}),
        ("admin", "voidTicket", {}),
        ("admin", "changeTicketOwner", {"userId": user_id(shop, "max")}),
        ("ann", "urgeTicket", {}),
        ("cal", "lockTicket", {}),
    ]:
        error = await refused(shop, user, mutation, id=tid, **extra)
        assert error["code"] == "FORBIDDEN", (user, mutation, error)
    # What the screen offers agrees: Cal may only unlock; Ann (who sees it) nothing at all.
    assert await offered(shop, "cal", tid) == {"UNLOCK"}
    assert await offered(shop, "ann", tid) == set()
    # Only the person in charge or an admin unlocks: not the group's supervisor.
    assert (await refused(shop, "fay", "unlockTicket", id=tid))["code"] == "FORBIDDEN"
    await act(shop, "cal", "unlockTicket", id=tid)
    assert (await see(shop, "cal", tid, LOCKED) or {})["locked"] is False
    # Back to normal: Cal works on it again.
    await act(shop, "cal", "saveTicket", id=tid, title="Four kettles")
    kinds = await timeline(shop, tid)
    assert kinds.index("LOCKED") < kinds.index("UNLOCKED") < kinds.index("SAVED")


async def test_an_admin_locks_and_unlocks_and_others_may_not_lock(shop: Shop):
    tid = await at_finance(shop)
    # Ann created it and Fay supervises its group, but neither is in charge of it.
    for user in ("ann", "fay"):
        assert (await refused(shop, user, "lockTicket", id=tid))["code"] == "FORBIDDEN"
    assert (await refused(shop, "cal", "unlockTicket", id=tid))["code"] == "FORBIDDEN"
    await lock(shop, "admin", tid)
    assert (await refused(shop, "cal", "saveTicket", id=tid, title="x"))["code"] == "FORBIDDEN"
    await act(shop, "admin", "unlockTicket", id=tid)
    await act(shop, "cal", "saveTicket", id=tid, title="Four kettles")


async def timeline(shop: Shop, tid: str) -> list[str]:
    found = await see(shop, "admin", tid, "events { kind }")
    assert found is not None
    return [event["kind"] for event in found["events"]]


async def superiors_see(shop: Shop, on: bool) -> None:
    await admin(
        shop,
        "updateTenantSettings",
        "tenantSettings { superiorsSeeSubordinates }",
        superiorsSeeSubordinates=on,
    )


async def tia_finds(shop: Shop, tid: str) -> dict[str, bool]:
    """Every path by which Tia could reach Cal's ticket."""
    node = await shop.gql("tia", "query($id: ID!) { node(id: $id) { id } }", {"id": tid})
    lists = await shop.gql(
        "tia",
        "{ all: tickets { edges { node { id } } }"
        " subordinates: tickets(view: MY_SUBORDINATES) { edges { node { id } } }"
        ' search: tickets(search: "kettles") { edges { node { id } } } }',
    )
    pk = pk_of(tid, "Ticket")
    assert pk is not None
    actor = Actor.of(shop.users["tia"])
    audience = await audience_of(pk)
    assert audience is not None
    return {
        "ticket": await see(shop, "tia", tid, "id") is not None,
        "node": node["node"] is not None,
        **{name: tid in {e["node"]["id"] for e in found["edges"]} for name, found in lists.items()},
        "live": sees(actor, await look_up_reach(actor), audience),
    }


async def test_the_superior_sees_her_subordinates_tickets_only_while_the_tenant_lets_her(
    shop: Shop,
):
    tid = await at_finance(shop)
    await tia_leads_cal(shop)
    everywhere = {"ticket", "node", "all", "subordinates", "search", "live"}
    found = await tia_finds(shop, tid)
    assert {path for path, seen in found.items() if seen} == everywhere
    settings = await shop.gql("tia", "{ tenantSettings { superiorsSeeSubordinates } }")
    assert settings["tenantSettings"]["superiorsSeeSubordinates"] is True
    await superiors_see(shop, False)
    found = await tia_finds(shop, tid)
    assert {path for path, seen in found.items() if seen} == set()
    # Not a superior any more for the rules either: she may not hand it on.
    error = await refused(shop, "tia", "changeTicketOwner", id=tid, userId=user_id(shop, "max"))
    assert error["code"] == "NOT_FOUND"
    # Cal still sees his own ticket.
    assert await see(shop, "cal", tid, "id") is not None
    await superiors_see(shop, True)
    found = await tia_finds(shop, tid)
    assert {path for path, seen in found.items() if seen} == everywhere


async def test_only_administrators_change_the_setting(shop: Shop):
    data = await shop.gql(
        "sam",
        "mutation { updateTenantSettings(input: {superiorsSeeSubordinates: false}) "
        "{ tenantSettings { superiorsSeeSubordinates } errors { code field } } }",
    )
    payload = data["updateTenantSettings"]
    assert payload["tenantSettings"] is None
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    data = await shop.gql(
        "admin",
        "mutation { updateTenantSettings(input: {superiorsSeeSubordinates: null}) "
        "{ tenantSettings { superiorsSeeSubordinates } errors { code field } } }",
    )
    assert [e["code"] for e in data["updateTenantSettings"]["errors"]] == ["INVALID"]
    settings = await shop.gql("admin", "{ tenantSettings { superiorsSeeSubordinates } }")
    assert settings["tenantSettings"]["superiorsSeeSubordinates"] is True
