"""GraphQL types of ticket lists: views, filters, sort, saved views and their counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from workorder.flows.templates.field_kinds.filtering import Operator
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import SortField, View
from workorder.models import SavedView
from workorder.schema.context import Info
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.org.types import UserType
from workorder.schema.pagination import Connection
from workorder.schema.templates.types import TemplateType
from workorder.schema.tickets.enums import PriorityEnum, SourceEnum, TicketStatusEnum
from workorder.schema.tickets.types import TicketType

# Filter input names → (TicketFilter attribute, node type of its ids).
ID_LISTS = {
    "template_id": ("template_ids", "Template"),
    "group_id": ("group_ids", "Group"),
    "assignee_id": ("assignee_ids", "User"),
    "creator_id": ("creator_ids", "User"),
    "customer_id": ("customer_ids", "Customer"),
}
_PLAIN = {"statuses": "status", "priorities": "priority", "sources": "source", "steps": "step"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def filter_json(spec: TicketFilter) -> dict[str, Any]:
    """A stored filter in the shape of TicketFilterInput, with global ids."""
    renames = {attribute: (name, kind) for name, (attribute, kind) in ID_LISTS.items()}
    shown: dict[str, Any] = {}
    for key, value in spec.to_json().items():
        if key in renames:
            name, kind = renames[key]
            shown[_camel(name)] = [to_global_id(kind, v) for v in value]
        else:
            shown[_camel(_PLAIN.get(key, key))] = value
    return shown


TicketViewEnum = strawberry.enum(
    View, name="TicketView", description="The preset views of the ticket list."
)
TicketSortFieldEnum = strawberry.enum(SortField, name="TicketSortField")
FieldOperatorEnum = strawberry.enum(
    Operator,
    name="FieldOperator",
    description="NE and IS_EMPTY: false count tickets without a value as not equal.",
)


@strawberry.type(name="TicketConnection")
class TicketConnection(Connection[TicketType]):
    pass


@strawberry.input(description="From (inclusive) to (exclusive); leave either end open.")
class DateTimeRangeInput:
    start: datetime | None = None
    end: datetime | None = None


@strawberry.input(description="One condition on a custom field, by its key.")
class FieldConditionInput:
    key: str
    op: FieldOperatorEnum  # type: ignore[valid-type]
    value: JSON | None = strawberry.field(
        default=None,
        description="A value of the field's type; a list for IN and for a cascade path.",
    )


@strawberry.input
class TicketFilterInput:
    status: list[TicketStatusEnum] | None = None  # type: ignore[valid-type]
    priority: list[PriorityEnum] | None = None  # type: ignore[valid-type]
    source: list[SourceEnum] | None = None  # type: ignore[valid-type]
    template_id: list[strawberry.ID] | None = None
    step: list[str] | None = strawberry.field(default=None, description="Step keys.")
    group_id: list[strawberry.ID] | None = None
    assignee_id: list[strawberry.ID] | None = None
    unassigned: bool | None = None
    creator_id: list[strawberry.ID] | None = None
    customer_id: list[strawberry.ID] | None = None
    created: DateTimeRangeInput | None = None
    updated: DateTimeRangeInput | None = None
    done: DateTimeRangeInput | None = None
    due: DateTimeRangeInput | None = None
    fields: list[FieldConditionInput] | None = None


@strawberry.input
class TicketOrderInput:
    field: TicketSortFieldEnum  # type: ignore[valid-type]
    descending: bool = True


@strawberry.type(name="TicketOrder")
class TicketOrderType:
    field: TicketSortFieldEnum  # type: ignore[valid-type]
    descending: bool


@strawberry.type(name="SavedView", description="A custom menu entry.")
class SavedViewType(Node):
    model: strawberry.Private[SavedView]
    name: str
    base: TicketViewEnum  # type: ignore[valid-type]
    columns: list[str] = strawberry.field(
        description="System columns (number, title, status…) and field:<key> for custom fields."
    )
    order: TicketOrderType
    position: int
    shared: bool = strawberry.field(description="Shared with the whole tenant by an admin.")
    filter_json: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_model(cls, view: SavedView) -> SavedViewType:
        sort = view.sort or {}
        return cls(
            id=to_global_id("SavedView", view.id),
            model=view,
            name=view.name,
            base=View(view.base),
            columns=list(view.columns),
            order=TicketOrderType(
                field=SortField(sort.get("field", SortField.UPDATED_AT)),
                descending=bool(sort.get("descending", True)),
            ),
            position=view.position,
            shared=view.owner_id is None,
            filter_json=filter_json(TicketFilter.from_json(view.conditions)),
        )

    @strawberry.field(description="The filter, in the shape of TicketFilterInput.")
    def filter(self) -> JSON:
        return cast(JSON, self.filter_json)

    @strawberry.field
    async def template(self, info: Info) -> TemplateType | None:
        if self.model.template_id is None:
            return None
        return await TemplateType.load(info, self.model.template_id)

    @strawberry.field
    async def owner(self, info: Info) -> UserType | None:
        if self.model.owner_id is None:
            return None
        user = await info.context.org.user.load(self.model.owner_id)
        return UserType.of(user) if user else None


@strawberry.type(description="The badge of one menu entry: a preset view or a saved view.")
class ViewCount:
    view: TicketViewEnum | None  # type: ignore[valid-type]
    saved_view: SavedViewType | None
    count: int


@strawberry.input
class CreateSavedViewInput:
    name: str
    base: TicketViewEnum = View.ALL  # type: ignore[valid-type]
    template_id: strawberry.ID | None = None
    filter: TicketFilterInput | None = None
    columns: list[str] = strawberry.field(default_factory=list)
    order: TicketOrderInput | None = None
    shared: bool = strawberry.field(default=False, description="Admins only.")
    position: int = 0


@strawberry.input(description="Replaces the view's settings; the name is kept when left out.")
class UpdateSavedViewInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    base: TicketViewEnum = View.ALL  # type: ignore[valid-type]
    template_id: strawberry.ID | None = None
    filter: TicketFilterInput | None = None
    columns: list[str] = strawberry.field(default_factory=list)
    order: TicketOrderInput | None = None
    position: int = 0


@strawberry.input
class DeleteSavedViewInput:
    id: strawberry.ID


@strawberry.type
class SavedViewPayload:
    saved_view: SavedViewType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateSavedViewPayload(SavedViewPayload):
    pass


@strawberry.type
class UpdateSavedViewPayload(SavedViewPayload):
    pass


@strawberry.type
class DeleteSavedViewPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
