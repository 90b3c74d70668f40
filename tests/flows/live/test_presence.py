"""Presence on a ticket (`ticketViewers`, `setTicketEditing`) over real WebSockets: the gql
client, the stock graphql-ws JS client, and two server processes through Redis."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.flows.live.test_streams import live, request, take
from tests.js import (
    LINE_TIMEOUT,
    js_subscriber,
    next_data,
)
from tests.schema.views.test_ticket_list_statements import counting
from tests.shop import Shop
from tests.subscriptions.test_processes import ws_url
from tests.support import PASSWORD, gid, server_process
from workorder.flows.live import presence
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.settings import Settings
from workorder.subscriptions.messages import Viewer, ViewersAnnounced

VIEWERS = """subscription($t: ID!, $e: Boolean) { ticketViewers(ticketId: $t, editing: $e) {
  ticketId viewers { userId name editing since } } }"""
EDITING = """mutation($t: ID!, $e: Boolean!) { setTicketEditing(input:
  {ticketId: $t, editing: $e}) { editing errors { code field } } }"""


async def finance_ticket(shop: Shop) -> str:
    """Waiting in Finance's pool: Cal and Fay (Finance) see it, Dee (Warehouse) does not."""
    return gid("Ticket", await finance_ticket_pk(shop))


async def finance_ticket_pk(shop: Shop) -> int:
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "A-1"})
    )
    await forward_ticket(ann, ticket.id)
    return ticket.id


def who(item: dict[str, Any]) -> list[tuple[str, bool]]:
    """The viewers of one item as (username, editing), oldest first."""
    return [(v["name"], v["editing"]) for v in item["ticketViewers"]["viewers"]]


async def test_viewers_join_edit_and_leave(
    shop: Shop, app: Any, server_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    ticket = await finance_ticket(shop)
    async with live(server_url, await shop.token("cal")) as cal:
        cal_sees = cal.subscribe(request(VIEWERS, t=ticket))
        (first,) = await take(cal_sees, 1)
        assert first["ticketViewers"]["ticketId"] == ticket
        assert first["ticketViewers"]["viewers"][0]["userId"] == gid("User", shop.users["cal"].id)
        assert who(first) == [("cal", False)]
        async with live(server_url, await shop.token("fay")) as fay:
            fay_sees = fay.subscribe(request(VIEWERS, t=ticket))
            assert [who(i) for i in await take(fay_sees, 1)] == [[("cal", False), ("fay", False)]]
            assert [who(i) for i in await take(cal_sees, 1)] == [[("cal", False), ("fay", False)]]
            changed = await fay.execute(request(EDITING, t=ticket, e=True))
            assert changed == {"setTicketEditing": {"editing": True, "errors": []}}
            assert [who(i) for i in await take(cal_sees, 1)] == [[("cal", False), ("fay", True)]]
            assert [who(i) for i in await take(fay_sees, 1)] == [[("cal", False), ("fay", True)]]
            # Fay closes the ticket: Cal hears she left, and nobody reads the database for it.
            with counting() as statements:
                await fay_sees.aclose()
                left = await take(cal_sees, 1)
    assert [who(i) for i in left] == [[("cal", False)]]
    assert statements == []


async def test_a_users_sockets_count_once_and_edit_if_any_does(shop: Shop, server_url: str):
    ticket = await finance_ticket(shop)
    token = await shop.token("cal")
    async with live(server_url, await shop.token("fay")) as fay:
        fay_sees = fay.subscribe(request(VIEWERS, t=ticket))
        await take(fay_sees, 1)
        async with live(server_url, token) as reading:
            holds = [reading.subscribe(request(VIEWERS, t=ticket, e=False))]  # kept open
            await take(holds[0], 1)
            assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False), ("cal", False)]]
            async with live(server_url, token) as editing:
                holds.append(editing.subscribe(request(VIEWERS, t=ticket, e=True)))
                await take(holds[1], 1)
                assert [who(i) for i in await take(fay_sees, 1)] == [
                    [("fay", False), ("cal", True)]
                ]
            # The editing window closed; the reading one still holds the ticket.
            assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False), ("cal", False)]]
        assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False)]]


async def test_someone_who_may_not_see_the_ticket_is_refused(shop: Shop, server_url: str):
    ticket = await finance_ticket(shop)
    async with live(server_url, await shop.token("dee")) as dee:
        with pytest.raises(TransportQueryError) as hidden:
            await take(dee.subscribe(request(VIEWERS, t=ticket)), 1)
        assert hidden.value.errors == [
            {
                "message": "Ticket not found",
                "extensions": {"code": "NOT_FOUND", "field": ["ticketId"]},
            }
        ]
        refused = await dee.execute(request(EDITING, t=ticket, e=True))
    assert refused == {
        "setTicketEditing": {
            "editing": None,
            "errors": [{"code": "NOT_FOUND", "field": ["ticketId"]}],
        }
    }


LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken refreshToken errors { code } } }"""


async def test_a_viewer_whose_session_ends_leaves(shop: Shop, server_url: str):
    ticket = await finance_ticket(shop)
    login = {"input": {"tenant": "acme", "username": "cal", "password": PASSWORD}}
    session = (await shop.org.api.ok(LOGIN, login))["login"]
    async with (
        live(server_url, await shop.token("fay")) as fay,
        live(server_url, session["accessToken"]) as cal,
    ):
        fay_sees = fay.subscribe(request(VIEWERS, t=ticket))
        await take(fay_sees, 1)
        cal_sees = cal.subscribe(request(VIEWERS, t=ticket))
        await take(cal_sees, 1)
        assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False), ("cal", False)]]
        done = await shop.org.api.ok(
            "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok } }",
            {"t": session["refreshToken"]},
            session["accessToken"],
        )
        assert done["logout"]["ok"]
        # Cal's stream ends by itself, and Fay sees him go.
        assert await asyncio.wait_for(_rest(cal_sees), 10) == []
        assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False)]]


async def _rest(stream: Any) -> list[Any]:
    return [item async for item in stream]


async def test_a_crashed_processs_viewers_fade(
    shop: Shop, server_url: str, app: Any, monkeypatch: pytest.MonkeyPatch
):
    """Another process said Fay is here, then never again (it died): she fades after
    EXPIRE, without anyone leaving."""
    monkeypatch.setattr(presence, "EXPIRE", 1.0)
    pk = await finance_ticket_pk(shop)
    async with live(server_url, await shop.token("cal")) as cal:
        cal_sees = cal.subscribe(request(VIEWERS, t=gid("Ticket", pk)))
        await take(cal_sees, 1)
        fay = Viewer(shop.users["fay"].id, "fay", True, datetime.now(UTC))
        ghost = ViewersAnnounced(pk, "a-dead-process", (fay,))
        await app.state.broker.publish(ghost.channel, ghost.to_dict())
        seen = await take(cal_sees, 2)
    assert [who(i) for i in seen] == [[("cal", False), ("fay", True)], [("cal", False)]]


async def test_the_stock_js_client_sees_viewers_come_and_go(
    shop: Shop,
    server_url: str,
    node: str,
):
    ticket = await finance_ticket(shop)
    async with live(server_url, await shop.token("fay")) as fay:
        fay_sees = fay.subscribe(request(VIEWERS, t=ticket))
        assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False)]]
        token = await shop.token("cal")
        async with js_subscriber(node, server_url, token, VIEWERS, 2, t=ticket) as cal:
            joined = await next_data(cal)
            assert [who(i) for i in await take(fay_sees, 1)] == [[("fay", False), ("cal", False)]]
            await fay.execute(request(EDITING, t=ticket, e=True))
            edited = await next_data(cal)
            assert await asyncio.wait_for(cal.wait(), LINE_TIMEOUT) == 0
        # The JS client closed its socket after its second item: Fay hears Cal left.
        rest = [who(i) for i in await take(fay_sees, 2)]
    assert who(joined) == [("fay", False), ("cal", False)]
    assert who(edited) == [("fay", True), ("cal", False)]
    assert rest == [[("fay", True), ("cal", False)], [("fay", True)]]


@pytest.mark.full_only
async def test_two_processes_see_each_others_viewers(shop: Shop, settings: Settings):
    assert settings.redis_url is not None
    ticket = await finance_ticket(shop)
    async with (
        server_process(settings) as one,
        server_process(settings) as other,
        live(ws_url(one), await shop.token("cal")) as cal,
    ):
        cal_sees = cal.subscribe(request(VIEWERS, t=ticket))
        assert [who(i) for i in await take(cal_sees, 1)] == [[("cal", False)]]
        async with live(ws_url(other), await shop.token("fay")) as fay:
            fay_sees = fay.subscribe(request(VIEWERS, t=ticket, e=True))
            # Fay's process learns of Cal by asking: her first item or the next one.
            items = await take(fay_sees, 1)
            if who(items[-1]) != [("cal", False), ("fay", True)]:
                items += await take(fay_sees, 1)
            assert who(items[-1]) == [("cal", False), ("fay", True)]
            assert [who(i) for i in await take(cal_sees, 1)] == [[("cal", False), ("fay", True)]]
        assert [who(i) for i in await take(cal_sees, 1)] == [[("cal", False)]]
