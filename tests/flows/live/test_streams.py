"""Subscriptions over a real WebSocket with a real GraphQL client (gql, graphql-transport-ws)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.shop import Shop
from tests.support import gid, session_token
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.jobs.progress import report
from workorder.models import Job, JobStatus, Notification
from workorder.server import TOKEN_EXPIRED


@asynccontextmanager
async def live(server_url: str, token: str) -> AsyncIterator[Any]:
    transport = WebsocketsTransport(
        url=server_url,
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        close_timeout=0.5,
    )
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        yield session


@pytest.fixture
def bus(app: Any) -> Any:
    """The server's broker: flows a test calls directly publish through it too, when bound."""
    return app.state.broker


async def take(
    stream: AsyncIterator[dict[str, Any]], n: int, wait: float = 10
) -> list[dict[str, Any]]:
    async def collect() -> list[dict[str, Any]]:
        got = []
        async for item in stream:
            got.append(item)
            if len(got) == n:
                break
        return got

    return await asyncio.wait_for(collect(), wait)


NOTIFICATIONS = """subscription($after: ID) { notifications(after: $after) {
  id kind message ticket { number title } } }"""


def request(query: str, **variables: Any) -> Any:
    made = gql(query)
    made.variable_values = variables
    return made


async def kettle_for_cal(shop: Shop, bus: Any) -> None:
    """Ann's order enters Finance's pool (Cal and Fay hear of it), then Fay assigns it to
    Cal: two notifications for Cal, POOL_NEW then ASSIGNED."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "A-1"})
    )
    with bind_bus(bus):
        await forward_ticket(ann, ticket.id)
    await shop.gql(
        "fay",
        """mutation($id: ID!, $u: ID!) { assignTicket(input:
        {id: $id, userId: $u}) { errors { code } } }""",
        {"id": gid("Ticket", ticket.id), "u": gid("User", shop.users["cal"].id)},
    )


FEED = """subscription { notificationFeed { ready
  notification { id kind message ticket { number title } } } }"""


async def test_an_assignment_reaches_the_agent_live(shop: Shop, server_url: str, bus: Any):
    async with live(server_url, await shop.token("cal")) as session:
        stream = session.subscribe(request(FEED))
        (ready,) = await take(stream, 1)  # the stream is live: no need to sleep
        assert ready["notificationFeed"] == {"ready": True, "notification": None}
        await kettle_for_cal(shop, bus)
        received = [r["notificationFeed"]["notification"] for r in await take(stream, 2)]
    kinds = [r["kind"] for r in received]
    assert kinds == ["POOL_NEW", "ASSIGNED"]
    assert received[1]["ticket"] == {"number": 1, "title": "Kettle"}


async def test_a_mutation_sent_over_a_socket_is_pushed_after_its_commit(
    shop: Shop, server_url: str
):
    """A socket's operations run in tasks its connection creates: they publish to the bus
    bound for the socket, so Cal hears at once what Fay did over hers (the stream's own
    poll is 30 s away)."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "A-1"})
    )
    await forward_ticket(ann, ticket.id)  # into Finance's pool; nobody listens yet
    async with (
        live(server_url, await shop.token("cal")) as cal,
        live(server_url, await shop.token("fay")) as fay,
    ):
        stream = cal.subscribe(request(FEED))
        await take(stream, 1)  # ready
        heard = asyncio.ensure_future(take(stream, 1))
        assigned = await fay.execute(
            request(
                """mutation($id: ID!, $u: ID!) { assignTicket(input:
                {id: $id, userId: $u}) { errors { code } } }""",
                id=gid("Ticket", ticket.id),
                u=gid("User", shop.users["cal"].id),
            )
        )
        assert assigned == {"assignTicket": {"errors": []}}
        received = await heard
    assert [r["notificationFeed"]["notification"]["kind"] for r in received] == ["ASSIGNED"]


async def test_a_client_that_was_away_resumes_with_after_and_misses_nothing(
    shop: Shop, server_url: str, bus: Any
):
    ann = shop.actor("ann")
    for n in range(4):  # four pool notifications for Cal while he is offline
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title=f"T{n}", fields={"order_no": f"A-{n}"})
        )
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
    mine = await Notification.filter(recipient_id=shop.users["cal"].id).order_by("id")
    assert len(mine) == 4
    seen_first = gid("Notification", mine[0].id)
    async with live(server_url, await shop.token("cal")) as session:
        stream = session.subscribe(request(NOTIFICATIONS, after=seen_first))
        replay = await take(stream, 3)
        assert [r["notifications"]["ticket"]["title"] for r in replay] == ["T1", "T2", "T3"]
        more = asyncio.ensure_future(take(stream, 1))
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title="T4", fields={"order_no": "A-4"})
        )
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        assert [r["notifications"]["ticket"]["title"] for r in await more] == ["T4"]


async def test_bad_subscriptions_are_refused_clearly(shop: Shop, server_url: str, bus: Any):
    async with live(server_url, await shop.token("bob")) as session:
        with pytest.raises(TransportQueryError) as unknown:
            await take(
                session.subscribe(request(NOTIFICATIONS, after=gid("Notification", 999999))), 1
            )
        assert "Unknown notification id" in str(unknown.value)
        ann = shop.actor("ann")
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title="Private", fields={"order_no": "A-1"})
        )
        with pytest.raises(TransportQueryError) as hidden:
            await take(
                session.subscribe(
                    request(
                        """subscription($id: ID!) { ticketChanged(id: $id)
                { kind } }""",
                        id=gid("Ticket", ticket.id),
                    )
                ),
                1,
            )
        assert "Ticket not found" in str(hidden.value)


async def test_ticket_events_stream_until_access_is_lost(shop: Shop, server_url: str, bus: Any):
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Watched", fields={"order_no": "A-1"})
    )
    tid = gid("Ticket", ticket.id)
    async with live(server_url, await shop.token("ann")) as session:
        stream = session.subscribe(
            request(
                """subscription($id: ID!) { ticketFeed(id: $id) { ready
            event { kind actor { username } toStep } } }""",
                id=tid,
            )
        )
        assert [r["ticketFeed"]["ready"] for r in await take(stream, 1)] == [True]
        got = asyncio.ensure_future(take(stream, 3))
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id, comment="to finance")
        await shop.gql(
            "cal",
            "mutation($id: ID!) { claimTicket(input: {id: $id}) { errors { code } } }",
            {"id": tid},
        )
        events = await got
    assert [
        (e["ticketFeed"]["event"]["kind"], e["ticketFeed"]["event"]["actor"]["username"])
        for e in events
    ] == [("FORWARDED", "ann"), ("NOTED", "ann"), ("CLAIMED", "cal")]  # the comment kept


async def test_queue_counts_and_the_unread_badge(shop: Shop, server_url: str, bus: Any):
    ann = shop.actor("ann")
    finance = gid("Group", shop.groups["Finance"].id)
    async with live(server_url, await shop.token("cal")) as session:
        queue = session.subscribe(
            request(
                """subscription($g: ID!) { queueChanged(groupId: $g) {
            pending unassigned group { name } } }""",
                g=finance,
            )
        )
        badge = session.subscribe(request("subscription { unreadNotificationCount }"))
        # The first count of each is sent once its stream is live: no need to sleep.
        now = [await take(queue, 1), await take(badge, 1)]
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title="Q", fields={"order_no": "A-1"})
        )
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        # Counts follow the state, and pushes that arrive together are counted once: each
        # step is waited for before the next, or a busy machine would see 0 → 0.
        entered = [await take(queue, 1), await take(badge, 1)]
        await shop.gql(
            "cal",
            "mutation($id: ID!) { claimTicket(input: {id: $id}) { errors { code } } }",
            {"id": gid("Ticket", ticket.id)},
        )
        claimed = await take(queue, 1)
        await shop.gql("cal", "mutation { markNotificationsRead(input: {}) { count } }")
        read = await take(badge, 1)
        queues = now[0] + entered[0] + claimed
        badges = now[1] + entered[1] + read
        assert [c["queueChanged"]["pending"] for c in queues] == [0, 1, 0]
        assert [b["unreadNotificationCount"] for b in badges] == [0, 1, 0]


async def test_job_progress_until_it_finishes(shop: Shop, server_url: str, bus: Any):
    job = await Job.create(
        tenant_id=shop.org.tenant.id,
        created_by_id=shop.users["sam"].id,
        kind="batch.close",
        total=3,
    )

    async def until_finished(stream: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = []
        async for item in stream:
            seen.append(item["jobProgress"])
            if item["jobProgress"]["status"] == "DONE":
                break
        return seen

    async with live(server_url, await shop.token("sam")) as session:
        stream = session.subscribe(
            request(
                """subscription($id: ID!) { jobProgress(id: $id) {
            status done total } }""",
                id=gid("Job", job.id),
            )
        )
        (queued,) = await take(stream, 1)  # the state now, sent once the stream is live
        got = asyncio.ensure_future(asyncio.wait_for(until_finished(stream), 10))
        with bind_bus(bus):
            await report(job.id, status=JobStatus.RUNNING)
            for done in (1, 2, 3):
                await report(job.id, done=done)
                await asyncio.sleep(0.05)  # each step is seen (states read together may merge)
            await report(job.id, status=JobStatus.DONE)
        progress = [queued["jobProgress"], *await got]
    assert progress[0] == {"status": "QUEUED", "done": 0, "total": 3}
    assert [p["done"] for p in progress if p["status"] == "RUNNING"][-3:] == [1, 2, 3]
    assert progress[-1] == {"status": "DONE", "done": 3, "total": 3}
    assert len({tuple(p.values()) for p in progress}) == len(progress), "a state sent twice"


async def test_an_expired_token_ends_the_socket_with_a_code_clients_retry(
    shop: Shop, server_url: str, bus: Any, settings
):
    import json

    import websockets
    from websockets.exceptions import ConnectionClosed
    from websockets.typing import Subprotocol

    token = await session_token(shop.users["cal"], settings, timedelta(seconds=3))
    async with websockets.connect(
        server_url, subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}

        async def until_closed() -> None:
            while True:
                await asyncio.wait_for(ws.recv(), 10)

        with pytest.raises(ConnectionClosed) as closed:
            await until_closed()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == TOKEN_EXPIRED == 4419
