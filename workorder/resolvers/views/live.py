"""Live lists and menu badges: decode the list arguments as the list query does, run a
stream from `flows/live/lists`, and send each change (a push's through `fanout.Live`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry

from workorder.flows.live.lists import ticket_list_stream, view_count_stream
from workorder.flows.views.lists import View
from workorder.resolvers.fanout import Live
from workorder.resolvers.views.lists import Menu, spec_of_arguments
from workorder.schema.context import Info
from workorder.schema.views.live import TicketListChangeType
from workorder.schema.views.types import TicketFilterInput, TicketViewEnum, ViewCount


async def ticket_list_changed(
    info: Info,
    view: Annotated[
        TicketViewEnum,  # type: ignore[valid-type]
        strawberry.argument(
            description="The preset view; ALL when left out. Ignored with `savedViewId` (the "
            "saved view's base applies)."
        ),
    ] = View.ALL,
    saved_view_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="A saved view (yours or shared): its base view, filter and sort apply. "
            "Not together with `filter`."
        ),
    ] = None,
    filter: Annotated[
        TicketFilterInput | None,
        strawberry.argument(
            description="Conditions on the list (not with `savedViewId`); null: none."
        ),
    ] = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="Text to find: the ticket number (exact, with or without #), or part of "
            "the title, description or customer name."
        ),
    ] = None,
) -> AsyncGenerator[TicketListChangeType, None]:
    actor = info.context.require_actor()
    spec = await spec_of_arguments(actor, View(view), saved_view_id, filter, search)
    live = Live.of(info)
    async for change, push in ticket_list_stream(actor, info.context.broker, spec):
        if live is not None and push is not None:
            await live.send((push, change.kind), partial(TicketListChangeType.of, change))
            continue
        info.context.fresh()
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
