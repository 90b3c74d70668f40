"""Saved views ("custom menus", 自定义菜单): a preset view narrowed by a filter, with
the columns and sort a list shows. Anyone keeps personal ones; admins share them with the
whole tenant. The filter is checked when saved, so a menu entry never fails to open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from tortoise.expressions import Q

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.errors import forbidden, invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep, clean_name
from workorder.flows.views.filters import TicketFilter, check_filter_ids, field_types, filter_q
from workorder.flows.views.lists import ListSpec, Order, SortField, View
from workorder.models import SavedView, Template

SYSTEM_COLUMNS = frozenset(
    {
        "number",
        "title",
        "status",
        "priority",
        "source",
        "template",
        "step",
        "group",
        "assignee",
        "creator",
        "customer",
        "contact",
        "urge_count",
        "created_at",
        "updated_at",
        "done_at",
        "due_at",
    }
)
FIELD_COLUMN = "field:"  # a custom field column is "field:<key>"
MAX_COLUMNS = 40
# The parts of a filter a screen may offer as quick filters (常用筛选), by their names in
# TicketFilterInput; a custom field is "field:<key>", as a column.
QUICK_FILTERS = frozenset(
    {
        "status",
        "priority",
        "source",
        "templateId",
        "templateTeamId",
        "step",
        "groupId",
        "assigneeId",
        "unassigned",
        "creatorId",
        "customerId",
        "created",
        "updated",
        "done",
        "due",
    }
)
MAX_QUICK_FILTERS = 20


@dataclass(frozen=True)
class ViewSettings:
    name: str
    base: View = View.ALL
    template_id: int | None = None
    filter: TicketFilter = field(default_factory=TicketFilter)
    columns: tuple[str, ...] = ()
    quick_filters: tuple[str, ...] = ()  # in the order the screen shows them
    order: Order = field(default_factory=Order)
    shared: bool = False
    position: int = 0


def spec_of(view: SavedView) -> ListSpec:
    """The list query a saved view stands for."""
    sort = view.sort or {}
    return ListSpec(
        view=View(view.base),
        filter=_scoped(TicketFilter.from_json(view.conditions), view.template_id),
        order=Order(
            field=SortField(sort.get("field", SortField.UPDATED_AT)),
            descending=bool(sort.get("descending", True)),
        ),
    )


def visible_views(actor: Actor) -> Q:
    """Mine and the tenant's shared ones."""
    return Q(tenant_id=actor.tenant_id) & (Q(owner_id=actor.user_id) | Q(owner_id=None))


async def my_views(actor: Actor) -> list[SavedView]:
    return list(await SavedView.filter(visible_views(actor)).order_by("position", "id"))


def _scoped(spec: TicketFilter, template_id: int | None) -> TicketFilter:
    """A view bound to a template lists that template's tickets only."""
    if template_id is None:
        return spec
    return replace(spec, template_ids=(template_id,))


async def _check(actor: Actor, settings: ViewSettings) -> None:
    if settings.template_id is not None and not await Template.exists(
        id=settings.template_id, tenant_id=actor.tenant_id
    ):
        raise not_found("Template", ["templateId"])
    template_ids = (settings.template_id,) if settings.template_id is not None else ()
    await check_filter_ids(actor, settings.filter)
    await filter_q(actor, _scoped(settings.filter, settings.template_id))  # raises, with a path
    if len(settings.columns) > MAX_COLUMNS:
        raise invalid(f"At most {MAX_COLUMNS} columns", ["columns"])
    keys = await field_types(actor, template_ids)
    for n, column in enumerate(settings.columns):
        if column in SYSTEM_COLUMNS:
            continue
        if column.startswith(FIELD_COLUMN) and column[len(FIELD_COLUMN) :] in keys:
            continue
        raise invalid(
            f"Unknown column {column!r}: a system column or field:<key>", ["columns", str(n)]
        )
    _check_quick_filters(settings.quick_filters, keys)


def _check_quick_filters(names: tuple[str, ...], keys: Iterable[str]) -> None:
    """Each a filter the list can apply (a name of TicketFilterInput, or a custom field of
    the view's templates), once: a screen must never offer a filter that cannot work."""
    if len(names) > MAX_QUICK_FILTERS:
        raise invalid(f"At most {MAX_QUICK_FILTERS} quick filters", ["quickFilters"])
    known = set(keys)
    seen: set[str] = set()
    for n, name in enumerate(names):
        path = ["quickFilters", str(n)]
        if name in seen:
            raise invalid(f"Quick filter {name!r} is given twice", path)
        seen.add(name)
        if name in QUICK_FILTERS:
            continue
        if name.startswith(FIELD_COLUMN) and name[len(FIELD_COLUMN) :] in known:
            continue
        raise invalid(
            f"Unknown quick filter {name!r}: a filter name ({', '.join(sorted(QUICK_FILTERS))}) "
            "or field:<key>",
            path,
        )


def _stored(settings: ViewSettings) -> dict[str, Any]:
    return {
        "name": settings.name,
        "base": settings.base.value,
        "template_id": settings.template_id,
        "conditions": settings.filter.to_json(),
        "columns": list(settings.columns),
        "quick_filters": list(settings.quick_filters),
        "sort": {"field": settings.order.field.value, "descending": settings.order.descending},
        "position": settings.position,
    }


async def create_view(actor: Actor, settings: ViewSettings) -> SavedView:
    if settings.shared:
        require_admin(actor)
    settings = replace(settings, name=clean_name(settings.name, ["name"]))
    await _check(actor, settings)
    return await SavedView.create(
        tenant_id=actor.tenant_id,
        owner_id=None if settings.shared else actor.user_id,
        **_stored(settings),
    )


async def _editable(actor: Actor, view_id: int) -> SavedView:
    view = await SavedView.filter(visible_views(actor), id=view_id).first()
    if view is None:
        raise not_found("SavedView", ["id"])
    if view.owner_id is None and not actor.is_admin:
        raise forbidden("Only admins change shared views")
    return view


async def update_view(
    actor: Actor, view_id: int, settings: ViewSettings, name: str | Keep = KEEP
) -> SavedView:
    """Replaces the view's settings (the caller sends the whole view, as an editor does)."""
    view = await _editable(actor, view_id)
    settings = replace(
        settings, name=view.name if isinstance(name, Keep) else clean_name(name, ["name"])
    )
    await _check(actor, settings)
    await view.update_from_dict(_stored(settings)).save()
    return view


async def delete_view(actor: Actor, view_id: int) -> None:
    view = await _editable(actor, view_id)
    await view.delete()


async def saved_view(actor: Actor, view_id: int, field: list[str]) -> SavedView:
    view = await SavedView.filter(visible_views(actor), id=view_id).first()
    if view is None:
        raise not_found("SavedView", field)
    return view


async def list_spec(
    actor: Actor,
    *,
    saved_view_id: int | None,
    given: ListSpec,
    filter_given: bool,
    order_given: bool,
) -> ListSpec:
    """The list a caller asks for: a preset view with its own filter, or a saved view (whose
    filter is not mixed with another; a search, and an explicit order, still apply).

    Every list query comes through here (lists, batch jobs, exports), so a filter naming an
    id outside the caller's tenant is refused here, with NOT_FOUND, for all of them."""
    if saved_view_id is None:
        await check_filter_ids(actor, given.filter)
        return given
    if filter_given:
        raise invalid("Give a saved view or a filter, not both", ["filter"])
    stored = spec_of(await saved_view(actor, saved_view_id, ["savedViewId"]))
    return replace(stored, search=given.search, order=given.order if order_given else stored.order)
