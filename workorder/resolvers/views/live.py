"""Live lists and menu badges: decode the list arguments as the list query does, run a
stream from `flows/live/lists`, and send each change (a push's through `fanout.Live`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry

from workorder.flows.live.lists import ticket_list_stream, view_count_stream
from workorder.flows.views.lists import View
from workorder.resolvers.fanout import Live, written
from workorder.resolvers.views.lists import Menu, spec_of_arguments
from workorder.schema.context import Info
from workorder.schema.views.live import TicketListChangeType
from workorder.schema.views.types import (
    SavedViewIdArg,
    TicketFilterArg,
    TicketSearchArg,
    TicketViewArg,
    TicketViewEnum,
    ViewCount,
)


async def ticket_list_changed(
    info: Info,
    view: TicketViewArg = View.ALL,
    saved_view_id: SavedViewIdArg = None,
    filter: TicketFilterArg = None,
    search: TicketSearchArg = None,
) -> AsyncGenerator[TicketListChangeType, None]:
    actor = info.context.require_actor()
    spec = await spec_of_arguments(actor, View(view), saved_view_id, filter, search)
    live = Live.of(info)
    async for change, push in ticket_list_stream(actor, info.context.broker, spec):
        key = None if push is None else (push, change.kind)
        if not await written(live, info, key, partial(TicketListChangeType.of, change)):
            yield TicketListChangeType.of(change)


async def view_counts_changed(
    info: Info,
    views: Annotated[
        list[TicketViewEnum] | None,  # type: ignore[valid-type]
        strawberry.argument(
            description="The preset views to count; left out: all. Your saved views are always "
            "counted."
        ),
    ] = None,
) -> AsyncGenerator[list[ViewCount], None]:
    actor = info.context.require_actor()
    menu = await Menu.of(actor, None if views is None else [View(v) for v in views])
    async for counts in view_count_stream(actor, info.context.broker, menu.specs()):
        info.context.fresh()
        yield menu.badges(counts)
