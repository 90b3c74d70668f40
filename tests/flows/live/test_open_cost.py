"""Opening a socket costs two statements: thousands of agents connect at once at the start
of a shift (issue 18: 5,000 subscribed sockets opened in < 10 s)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.live.test_streams import kettle_for_cal, live, request, take
from tests.schema.views.test_ticket_list_statements import counting  # this process, server too
from tests.shop import Shop

FEED = """subscription { notificationFeed { ready cursor notification { kind } } }"""


async def test_a_feed_opens_with_authentication_and_one_statement(
    shop: Shop, server_url: str, app: Any, monkeypatch: pytest.MonkeyPatch
):
    # The server's job runner looks for due jobs on its own clock: not a socket's cost.
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    token = await shop.token("cal")
    async with live(server_url, token) as first:
        # Cal's reach is in the server's memory while a stream of hers is open.
        warm = first.subscribe(request(FEED))
        assert (await take(warm, 1))[0]["notificationFeed"]["ready"]
        with counting() as statements:
            async with live(server_url, token) as second:
                feed = second.subscribe(request(FEED))
                ready = (await take(feed, 1))[0]["notificationFeed"]
        assert ready["ready"]
        # The bearer in connection_init; the credential and where the feed starts, together.
        assert len(statements) == 2, statements
        # And it started at the right place: what comes after is pushed, nothing before.
        async with live(server_url, token) as third:
            feed = third.subscribe(request(FEED))
            assert (await take(feed, 1))[0]["notificationFeed"]["ready"]
            await kettle_for_cal(shop, app.state.broker)
            kinds = [
                item["notificationFeed"]["notification"]["kind"] for item in await take(feed, 2)
            ]
    assert kinds == ["POOL_NEW", "ASSIGNED"]
