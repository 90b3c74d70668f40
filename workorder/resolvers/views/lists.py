"""Ticket lists and saved views: GraphQL inputs to flow specs and back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from workorder.auth.actor import Actor
from workorder.errors import invalid
from workorder.flows.views import saved_views
from workorder.flows.views.lists import (
    ListSpec,
    Order,
    SortField,
    View,
    count_views,
    reach_free,
    ticket_page,
)
from workorder.flows.views.saved_views import ViewSettings
from workorder.models import SavedView
from workorder.resolvers.arguments import decode_id, decode_optional_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, Edge, FirstArg, LastArg, PageInfo
from workorder.schema.tickets.hot import prefetch
from workorder.schema.tickets.types import TicketType
from workorder.schema.views.filters import to_filter
from workorder.schema.views.types import (
    CreateSavedViewInput,
    CreateSavedViewPayload,
    DeleteSavedViewInput,
    DeleteSavedViewPayload,
    SavedViewIdArg,
    SavedViewType,
    TicketConnection,
    TicketFilterArg,
    TicketFilterInput,
    TicketOrderInput,
    TicketSearchArg,
    TicketViewArg,
    UpdateSavedViewInput,
    UpdateSavedViewPayload,
    ViewCount,
)

Selections = Sequence[SelectedField | FragmentSpread | InlineFragment]


def _fields_of(selections: Selections, name: str) -> Selections:
    """The selections under every `name` field, fragments flattened."""
    found: list[SelectedField | FragmentSpread | InlineFragment] = []
    for selection in selections:
        if not isinstance(selection, SelectedField):
            found += _fields_of(selection.selections, name)
        elif selection.name == name:
            found += selection.selections
    return found


def _names(selections: Selections) -> set[str]:
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:
            names |= _names(selection.selections)
    return names


def _node_fields(selections: Selections) -> set[str]:
    """The names of the Ticket fields the query asks for on `edges { node { … } }`."""
    return _names(_fields_of(_fields_of(_fields_of(selections, "tickets"), "edges"), "node"))


def to_order(given: TicketOrderInput | None) -> Order:
    return Order() if given is None else Order(SortField(given.field), given.descending)


async def spec_of_arguments(
    actor: Actor,
    view: View,
    saved_view_id: strawberry.ID | None,
    filter: TicketFilterInput | None,
    search: str | None,
    order_by: TicketOrderInput | None = None,
) -> ListSpec:
    """The list the arguments name (shared by the list query and its live subscription)."""
    return await saved_views.list_spec(
        actor,
        saved_view_id=decode_optional_id(saved_view_id, "SavedView", ["savedViewId"]),
        given=ListSpec(
            view=View(view), filter=to_filter(filter), search=search, order=to_order(order_by)
        ),
        filter_given=filter is not None,
        order_given=order_by is not None,
    )


async def tickets_query(
    info: Info,
    view: TicketViewArg = View.ALL,
    saved_view_id: SavedViewIdArg = None,
    filter: TicketFilterArg = None,
    search: TicketSearchArg = None,
    order_by: Annotated[
        TicketOrderInput | None,
        strawberry.argument(
            description="The sort; left out: the saved view's, else UPDATED_AT latest first."
        ),
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> TicketConnection:
    actor = info.context.require_actor()
    spec = await spec_of_arguments(actor, view, saved_view_id, filter, search, order_by)
    reach = reach_free(actor, spec.view) or await info.context.reach()
    page = await ticket_page(actor, reach, spec, first=first, after=after, last=last, before=before)
    context = info.context
    loaded = await prefetch(context, page.tickets, _node_fields(info.selected_fields))
    pairs = zip(page.tickets, page.cursors, strict=True)
    edges = [Edge(node=TicketType.of(t, context, loaded), cursor=c) for t, c in pairs]
    return TicketConnection(
        edges=edges,
        page_info=PageInfo(
            more_after=page.has_next,
            more_before=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=page.query.count,
    )


@dataclass(frozen=True)
class Menu:
    """The menu entries a badge query counts: presets, then the caller's saved views."""

    presets: list[View]
    mine: list[SavedView]

    @classmethod
    async def of(cls, actor: Actor, views: list[View] | None) -> Menu:
        presets = list(View) if views is None else [View(v) for v in views]
        return cls(presets, await saved_views.my_views(actor))

    def specs(self) -> list[ListSpec]:
        return [ListSpec(view=v) for v in self.presets] + [
            saved_views.spec_of(s) for s in self.mine
        ]

    def badges(self, counts: list[int]) -> list[ViewCount]:
        preset_counts = zip(self.presets, counts[: len(self.presets)], strict=True)
        found = [ViewCount(view=v, saved_view=None, count=c) for v, c in preset_counts]
        found += [
            ViewCount(view=None, saved_view=SavedViewType.from_model(s), count=c)
            for s, c in zip(self.mine, counts[len(self.presets) :], strict=True)
        ]
        return found


async def view_counts(
    info: Info,
    views: Annotated[
        list[View] | None,
        strawberry.argument(
            description="The preset views to count; left out: all. Your saved views are always "
            "counted."
        ),
    ] = None,
) -> list[ViewCount]:
    """Every preset (or the ones asked for) and every saved view the caller has."""
    actor = info.context.require_actor()
    menu = await Menu.of(actor, views)
    return menu.badges(await count_views(actor, await info.context.reach(), menu.specs()))


async def saved_views_query(info: Info) -> list[SavedViewType]:
    views = await saved_views.my_views(info.context.require_actor())
    return [SavedViewType.from_model(v) for v in views]


def _settings(
    given: CreateSavedViewInput | UpdateSavedViewInput, name: str, shared: bool
) -> ViewSettings:
    return ViewSettings(
        name=name,
        base=View(given.base),
        template_id=decode_optional_id(given.template_id, "Template", ["templateId"]),
        filter=to_filter(given.filter),
        columns=tuple(given.columns),
        quick_filters=tuple(given.quick_filters),
        order=to_order(given.order),
        shared=shared,
        position=given.position,
    )


async def create_saved_view(
    info: Info,
    input: Annotated[
        CreateSavedViewInput,
        strawberry.argument(
            description="The new view's name, base view, filter, columns and sort."
        ),
    ],
) -> CreateSavedViewPayload:
    async def action() -> SavedView:
        actor = info.context.require_actor()
        return await saved_views.create_view(actor, _settings(input, input.name, input.shared))

    return await mutate(
        CreateSavedViewPayload,
        action,
        lambda v: CreateSavedViewPayload(saved_view=SavedViewType.from_model(v)),
    )


async def update_saved_view(
    info: Info,
    input: Annotated[
        UpdateSavedViewInput,
        strawberry.argument(description="The view and its new settings (replacing the old ones)."),
    ],
) -> UpdateSavedViewPayload:
    async def action() -> SavedView:
        actor = info.context.require_actor()
        view_id = decode_id(input.id, "SavedView", ["id"])
        name = input.name
        if name is None:
            raise invalid("May not be null", ["name"])
        settings = _settings(input, "" if name is strawberry.UNSET else name, False)
        if name is strawberry.UNSET:
            return await saved_views.update_view(actor, view_id, settings)
        return await saved_views.update_view(actor, view_id, settings, name=name)

    return await mutate(
        UpdateSavedViewPayload,
        action,
        lambda v: UpdateSavedViewPayload(saved_view=SavedViewType.from_model(v)),
    )


async def delete_saved_view(
    info: Info,
    input: Annotated[DeleteSavedViewInput, strawberry.argument(description="The view to delete.")],
) -> DeleteSavedViewPayload:
    async def action() -> strawberry.ID:
        actor = info.context.require_actor()
        await saved_views.delete_view(actor, decode_id(input.id, "SavedView", ["id"]))
        return input.id

    return await mutate(
        DeleteSavedViewPayload,
        action,
        lambda deleted: DeleteSavedViewPayload(deleted_id=deleted),
    )
