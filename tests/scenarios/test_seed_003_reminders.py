"""Seed 003, calendar and reminders (提醒), told through the API.

Cal handles Ann's order at Finance. He reminds himself to call the bank tomorrow morning and
to check the payment the day after: both are listed, the next one first. When the morning
comes, two servers scan at once: Cal gets one notification (the live feed pushes it) and one
mail. A reminder for a moment already gone is refused and nothing is stored. Dan, on the
ticket's team for a while, sets one too; taken off the team before it is due, he is told
nothing, and his reminder says it was skipped. A reminder cancelled in time never fires.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.flows.sla.test_sla import Recorder
from tests.scenarios.test_ticket_actions import act, at_finance, user_id
from tests.shop import Shop
from workorder.clock import now
from workorder.flows.reminders.firing import fire_due_reminders
from workorder.flows.unit_of_work import bind_bus
from workorder.ids import pk_of
from workorder.models import MailOutbox, Notification, NotificationKind, Reminder
from workorder.subscriptions.channels import user_channel

REMINDER = "id at note state settledAt ticket { id }"
ERRORS = "errors { code field message }"
DAY = timedelta(days=1)


async def remind(shop: Shop, user: str, tid: str, at: datetime, note: str) -> dict[str, Any]:
    data = await shop.gql(
        user,
        f"mutation($input: SetReminderInput!) {{ setReminder(input: $input) "
        f"{{ reminder {{ {REMINDER} }} {ERRORS} }} }}",
        {"input": {"ticketId": tid, "at": at.isoformat(), "note": note}},
    )
    payload: dict[str, Any] = data["setReminder"]
    return payload


async def cancel(shop: Shop, user: str, rid: str) -> dict[str, Any]:
    data = await shop.gql(
        user,
        f"mutation($input: CancelReminderInput!) {{ cancelReminder(input: $input) "
        f"{{ reminder {{ {REMINDER} }} {ERRORS} }} }}",
        {"input": {"id": rid}},
    )
    payload: dict[str, Any] = data["cancelReminder"]
    return payload


async def listed(shop: Shop, user: str, settled: bool = False, **page: Any) -> dict[str, Any]:
    data = await shop.gql(
        user,
        "query($settled: Boolean!, $first: Int, $after: String, $last: Int, $before: String) {"
        " myReminders(settled: $settled, first: $first, after: $after, last: $last,"
        f" before: $before) {{ totalCount edges {{ cursor node {{ {REMINDER} }} }}"
        " pageInfo { hasNextPage hasPreviousPage endCursor } } }",
        {"settled": settled, **page},
    )
    found: dict[str, Any] = data["myReminders"]
    return found


def notes(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["note"] for edge in page["edges"]]


async def told(shop: Shop, username: str) -> list[str]:
    """The REMINDER notifications `username` got, as the API lists them."""
    data = await shop.gql(username, "{ notifications { edges { node { kind message } } } }")
    return [
        e["node"]["message"]
        for e in data["notifications"]["edges"]
        if e["node"]["kind"] == "REMINDER"
    ]


async def mails_to(address: str) -> list[MailOutbox]:
    return [m for m in await MailOutbox.all() if address in m.recipients]


async def give_mail(shop: Shop, username: str) -> str:
    address = f"{username}@shop.example"
    data = await shop.gql(
        "admin",
        f"mutation($input: UpdateUserInput!) {{ updateUser(input: $input) {{ {ERRORS} }} }}",
        {"input": {"id": user_id(shop, username), "email": address}},
    )
    assert data["updateUser"]["errors"] == [], data
    return address


async def test_cal_is_reminded_once_though_two_servers_scan(shop: Shop):
    tid = await at_finance(shop)
    address = await give_mail(shop, "cal")
    morning = now() + DAY
    later = await remind(shop, "cal", tid, morning + DAY, "check the payment")
    first = await remind(shop, "cal", tid, morning, "call the bank")
    assert later["errors"] == [] and first["errors"] == []
    assert first["reminder"]["state"] == "PENDING"
    assert first["reminder"]["ticket"]["id"] == tid

    # Listed for Cal alone, the next one due first, a page at a time.
    page = await listed(shop, "cal", first=1)
    assert (page["totalCount"], notes(page)) == (2, ["call the bank"])
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await listed(shop, "cal", after=page["pageInfo"]["endCursor"])
    assert notes(rest) == ["check the payment"]
    assert (await listed(shop, "ann"))["totalCount"] == 0

    # Nothing is due yet.
    assert await fire_due_reminders(morning - timedelta(minutes=1)) == 0
    assert await told(shop, "cal") == []

    one, two = Recorder(), Recorder()

    async def server(bus: Recorder) -> int:
        with bind_bus(bus):
            return await fire_due_reminders(morning + timedelta(minutes=1))

    settled = await asyncio.gather(server(one), server(two))
    assert sorted(settled) == [0, 1]
    assert await told(shop, "cal") == ["Reminder: #1 Three kettles — call the bank"]
    pushed = [c for c, _ in one.sent + two.sent]
    assert pushed == [user_channel(shop.users["cal"].id)]
    mails = await mails_to(address)
    assert [m.subject for m in mails] == ["Reminder: #1 Three kettles"]
    assert "call the bank" in mails[0].body

    # Fired once: scanning again tells nothing more; the list now shows it as sent.
    assert await fire_due_reminders(morning + timedelta(hours=1)) == 0
    assert len(await told(shop, "cal")) == 1
    assert notes(await listed(shop, "cal")) == ["check the payment"]
    everything = await listed(shop, "cal", settled=True)
    states = [(e["node"]["note"], e["node"]["state"]) for e in everything["edges"]]
    assert states == [("call the bank", "SENT"), ("check the payment", "PENDING")]


async def test_a_reminder_in_the_past_is_refused(shop: Shop):
    tid = await at_finance(shop)
    for moment in (now() - timedelta(minutes=5), datetime(2020, 1, 1, 9, tzinfo=UTC)):
        refused = await remind(shop, "cal", tid, moment, "too late")
        assert refused["reminder"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID", ["at"])]
    assert await Reminder.all().count() == 0


async def test_a_ticket_one_may_not_see_takes_no_reminder(shop: Shop):
    tid = await at_finance(shop)
    refused = await remind(shop, "eve", tid, now() + DAY, "peek")
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    assert await Reminder.all().count() == 0


async def test_dan_taken_off_the_team_is_not_reminded(shop: Shop):
    tid = await at_finance(shop)
    address = await give_mail(shop, "dan")
    await act(shop, "cal", "addTicketTeamMember", id=tid, userId=user_id(shop, "dan"))
    soon = now() + DAY
    set_ = await remind(shop, "dan", tid, soon, "see how it ends")
    assert set_["errors"] == []
    await act(shop, "cal", "removeTicketTeamMember", id=tid, userId=user_id(shop, "dan"))

    assert await fire_due_reminders(soon + timedelta(minutes=1)) == 1
    assert await told(shop, "dan") == []
    assert await mails_to(address) == []
    kept = await Notification.filter(kind=NotificationKind.REMINDER).count()
    assert kept == 0
    page = await listed(shop, "dan", settled=True)
    node = page["edges"][0]["node"]
    assert (node["state"], node["ticket"]) == ("SKIPPED", None)
    assert node["settledAt"] is not None


async def test_a_cancelled_reminder_never_fires(shop: Shop):
    tid = await at_finance(shop)
    soon = now() + DAY
    rid = (await remind(shop, "cal", tid, soon, "never mind"))["reminder"]["id"]
    # Only its owner may cancel it: to anyone else it does not exist.
    assert [e["code"] for e in (await cancel(shop, "fay", rid))["errors"]] == ["NOT_FOUND"]
    cancelled = await cancel(shop, "cal", rid)
    assert cancelled["reminder"]["state"] == "CANCELLED"
    again = await cancel(shop, "cal", rid)
    assert [e["code"] for e in again["errors"]] == ["CONFLICT"]
    assert await fire_due_reminders(soon + timedelta(minutes=1)) == 0
    assert await told(shop, "cal") == []
    pk = pk_of(rid, "Reminder")
    assert pk is not None
    assert (await Reminder.get(id=pk)).state == "CANCELLED"
