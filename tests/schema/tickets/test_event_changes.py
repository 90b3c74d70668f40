"""`TicketEvent.changes`: every kind of event, as the API shows it, names rows by global ids
that `node(id:)` resolves; the deprecated `data` answers as before; hidden fields stay hidden.

One story produces every EventKind (a kind it does not produce fails the test, so a new kind
must be added here), and every key any event stored must be one the translator names (a key it
does not name would be left out of `changes`, so a new key fails here until it is named)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.shop import Shop
from tests.support import gid
from workorder.auth.tokens import secret_hash
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.closing import close_ticket, delete_ticket, reopen_ticket, void_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket, submit_ticket
from workorder.flows.tickets.event_data import KEYS
from workorder.flows.tickets.handling import assign_ticket, claim_ticket, save_ticket
from workorder.flows.tickets.interactions import log_interaction
from workorder.flows.tickets.locking import lock_ticket, unlock_ticket
from workorder.flows.tickets.moves import forward_ticket, return_ticket, transfer_ticket
from workorder.flows.tickets.notes import note_ticket
from workorder.flows.tickets.surveys import submit_survey
from workorder.flows.tickets.team import (
    add_team_member,
    change_owner,
    follow_ticket,
    remove_team_member,
    unfollow_ticket,
)
from workorder.flows.tickets.urging import urge_ticket
from workorder.ids import from_global_id
from workorder.models import (
    Channel,
    Direction,
    EventKind,
    Priority,
    SurveyInvitation,
    TeamAccess,
    TicketEvent,
)

EVENTS = """query($id: ID!) { ticket(id: $id) { timeline(first: 100) { edges { node {
  id kind changes data } } } } }"""

NODE = """query($id: ID!) { node(id: $id) { __typename id } }"""


async def _every_kind(shop: Shop) -> tuple[int, dict[EventKind, dict[str, Any]]]:
    """A ticket that goes through every action but deletion, and a second one deleted; what
    each kind's `changes` must be."""
    admin, ann, u = shop.org.admin_actor, shop.actor("ann"), shop.users
    new = NewTicket(
        template_id=shop.order.id, title="Kettles", fields={"order_no": "A-1"}, submit=False
    )
    ticket = await create_ticket(ann, new)
    await submit_ticket(ann, ticket.id)
    await save_ticket(
        ann,
        ticket.id,
        title="Three kettles",
        description="Blue ones",
        priority=Priority.LOW,
        cc=["boss@shop.example"],
        fields={"amount": 90},
    )
    await note_ticket(ann, ticket.id, "Called the customer")
    await follow_ticket(shop.actor("sam"), ticket.id)
    await unfollow_ticket(shop.actor("sam"), ticket.id)
    await add_team_member(admin, ticket.id, u["bob"].id, TeamAccess.READ_WRITE)
    await remove_team_member(admin, ticket.id, u["bob"].id)
    call = await log_interaction(
        ann,
        ticket.id,
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        started_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
    )
    await urge_ticket(shop.actor("sam"), ticket.id)
    await lock_ticket(ann, ticket.id)
    await unlock_ticket(admin, ticket.id)
    await forward_ticket(ann, ticket.id)
    await claim_ticket(shop.actor("cal"), ticket.id)
    await return_ticket(shop.actor("cal"), ticket.id, "No payment yet")
    await transfer_ticket(admin, ticket.id, group_id=shop.groups["Finance"].id)
    await assign_ticket(admin, ticket.id, u["cal"].id)
    await change_owner(admin, ticket.id, u["fay"].id)
    await close_ticket(admin, ticket.id, "Done")
    await SurveyInvitation.filter(ticket_id=ticket.id).update(token_hash=secret_hash("sv_t"))
    await submit_survey("sv_t", 4)
    await reopen_ticket(admin, ticket.id)
    await void_ticket(admin, ticket.id, "Duplicate")
    doomed = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Oops", submit=False)
    )
    await delete_ticket(admin, doomed.id)

    finance = gid("Group", shop.groups["Finance"].id)
    pair = {"before", "after"}
    expected: dict[EventKind, dict[str, Any]] = {
        EventKind.CREATED: {"fields": {"order_no": "A-1"}},
        EventKind.SUBMITTED: {},
        EventKind.SAVED: {
            "title": {"before": "Kettles", "after": "Three kettles"},
            "description": {"before": "", "after": "Blue ones"},
            "priority": {"before": "NORMAL", "after": "LOW"},
            "cc": pair,  # the template's default CC comes before the new one
            "fields": {"amount": {"before": None, "after": 90}},
        },
        EventKind.NOTED: {},
        EventKind.FOLLOWED: {},
        EventKind.UNFOLLOWED: {},
        EventKind.TEAM_MEMBER_ADDED: {"user": gid("User", u["bob"].id), "access": "READ_WRITE"},
        EventKind.TEAM_MEMBER_REMOVED: {"user": gid("User", u["bob"].id)},
        EventKind.INTERACTION_LOGGED: {
            "interaction": gid("Interaction", call.id),
            "channel": "PHONE",
            "direction": "INBOUND",
        },
        EventKind.URGED: {"priority": {"before": "LOW", "after": "NORMAL"}},
        EventKind.FORWARDED: {"fields": {}},
        EventKind.CLAIMED: {},
        EventKind.RETURNED: {},
        EventKind.TRANSFERRED: {"users": [], "group": finance},
        EventKind.ASSIGNED: {},
        EventKind.OWNER_CHANGED: {},
        EventKind.CLOSED: {"survey": True},
        EventKind.SURVEY_ANSWERED: {"score": 4},
        EventKind.LOCKED: {},
        EventKind.UNLOCKED: {},
        EventKind.REOPENED: {},
        EventKind.VOIDED: {},
        EventKind.DELETED: {},  # its ticket is shown nowhere any more: checked as stored
    }
    return ticket.id, expected


def _matches(changes: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Equal, where a set in `expected` says only which keys a {before, after} has."""
    if set(changes) != set(expected):
        return False
    return all(
        set(changes[k]) == v if isinstance(v, set) else changes[k] == v for k, v in expected.items()
    )


def _global_ids(value: Any) -> list[str]:
    """The strings in a JSON value that are global ids of a row type."""
    if isinstance(value, dict):
        return [g for v in value.values() for g in _global_ids(v)]
    if isinstance(value, list):
        return [g for v in value for g in _global_ids(v)]
    if isinstance(value, str) and (decoded := from_global_id(value)) and decoded[0].isalpha():
        return [value]
    return []


async def test_every_kind_of_event_shows_its_changes_with_global_ids_that_resolve(shop: Shop):
    ticket_id, expected = await _every_kind(shop)
    stored = await TicketEvent.filter(tenant_id=shop.org.tenant.id).order_by("id")
    assert {e.kind for e in stored} == set(EventKind)  # a new kind: produce it above
    assert set(expected) == set(EventKind)
    unnamed = {(e.kind, k) for e in stored for k in (e.data or {}) if k not in KEYS}
    assert unnamed == set()  # a new key of a record() call: name it in event_data.KEYS

    answer = await shop.gql("admin", EVENTS, {"id": gid("Ticket", ticket_id)})
    nodes = [edge["node"] for edge in answer["ticket"]["timeline"]["edges"]]
    by_kind = {EventKind(n["kind"]): n for n in nodes}
    assert set(by_kind) == set(EventKind) - {EventKind.DELETED}
    for kind, node in by_kind.items():
        assert _matches(node["changes"], expected[kind]), (kind, node["changes"])
        raw = next(e for e in stored if gid("TicketEvent", e.id) == node["id"])
        assert node["data"] == raw.data  # the deprecated field answers as before
        for global_id in _global_ids(node["changes"]):
            type_name = from_global_id(global_id)[0]  # type: ignore[index]
            found = await shop.gql("admin", NODE, {"id": global_id})
            assert found["node"] == {"__typename": type_name, "id": global_id}, (kind, global_id)
    moved = by_kind[EventKind.TRANSFERRED]["changes"]
    assert moved["group"] == gid("Group", shop.groups["Finance"].id)
    assert isinstance(by_kind[EventKind.TRANSFERRED]["data"]["group"], int)  # as stored


async def test_a_field_hidden_at_the_step_stays_hidden_in_changes_as_in_data(shop: Shop):
    g = shop.groups
    template = await create_template(
        shop.org.admin_actor,
        {
            "name": "Vetting",
            "initial_assignment": "CREATOR",
            "fields": [
                {"key": "public", "label": "Public", "type": "TEXT", "position": 0},
                {"key": "secret", "label": "Secret", "type": "TEXT", "position": 1},
            ],
            "steps": [
                {"key": "intake", "name": "Intake", "group_id": g["Sales"].id, "position": 0},
                {
                    "key": "review",
                    "name": "Review",
                    "group_id": g["Finance"].id,
                    "position": 1,
                    "visible_fields": ["public"],
                },
            ],
        },
    )
    ann = shop.actor("ann")
    new = NewTicket(template_id=template.id, title="Vet", fields={"public": "p", "secret": "s"})
    ticket = await create_ticket(ann, new)
    await save_ticket(ann, ticket.id, fields={"public": "p2", "secret": "s2"})
    await forward_ticket(ann, ticket.id)
    await claim_ticket(shop.actor("cal"), ticket.id)

    def fields(answer: dict[str, Any], name: str) -> list[Any]:
        edges = answer["ticket"]["timeline"]["edges"]
        return [e["node"][name]["fields"] for e in edges if "fields" in e["node"][name]]

    seen = await shop.gql("cal", EVENTS, {"id": gid("Ticket", ticket.id)})
    assert fields(seen, "changes") == [
        {"public": "p"},
        {"public": {"before": "p", "after": "p2"}},
        {},
    ]
    assert fields(seen, "data") == fields(seen, "changes")
    everything = await shop.gql("admin", EVENTS, {"id": gid("Ticket", ticket.id)})
    assert fields(everything, "changes")[0] == {"public": "p", "secret": "s"}
