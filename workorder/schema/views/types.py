"""GraphQL types of ticket lists: views, filters, sort, saved views and their counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from workorder.flows.templates.field_kinds.filtering import Operator
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import SortField, View
from workorder.models import SavedView
from workorder.schema.context import Info
from workorder.schema.describe import described_enum
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
    "template_team_id": ("template_team_ids", "Group"),
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
    View,
    name="TicketView",
    description="The preset views of the ticket list, each within the tickets you may see.",
)
described_enum(
    TicketViewEnum,
    {
        View.ALL: "Every ticket you may see.",
        View.MINE: "Assigned to you.",
        View.MY_PARTICIPATION: "You handled it at some step, or are on its team.",
        View.MY_DEPARTMENT: "Its assignee or a team member is in a department you head (or "
        "one below it).",
        View.MY_SUBORDINATES: "Assigned to one of your subordinates (any depth).",
        View.MY_SUBORDINATES_PARTICIPATED: "A subordinate of yours handled it or is on its team.",
        View.SHARED_TO_ME: "Its assignee's tickets are shared with you by a sharing rule.",
        View.UNRESOLVED: "Assigned to you and not yet DONE or VOID.",
        View.URGENT: "Assigned to you, with priority URGENT.",
        View.DONE: "Assigned to you and DONE.",
        View.MY_GROUP_QUEUE: "PENDING and unassigned, waiting for you to claim it: in the "
        "queue of one of your groups (POOL) or naming you as a candidate (CANDIDATES).",
    },
)
TicketSortFieldEnum = strawberry.enum(
    SortField,
    name="TicketSortField",
    description="What a ticket list is sorted by; ties are broken by the ticket's id.",
)
described_enum(
    TicketSortFieldEnum,
    {
        SortField.NUMBER: "The ticket number.",
        SortField.TITLE: "The title, alphabetically.",
        SortField.STATUS: "The status by its place in the life of a ticket (NEW, PENDING, "
        "IN_PROGRESS, DONE, VOID), not alphabetically.",
        SortField.PRIORITY: "The priority by rank (LOW to URGENT), not alphabetically.",
        SortField.SOURCE: "The source.",
        SortField.CREATED_AT: "When it was created.",
        SortField.UPDATED_AT: "When it last changed (the default).",
        SortField.DONE_AT: "When it was finished; tickets not done come last either way.",
        SortField.DUE_AT: "Its SLA deadline; tickets without one come last either way.",
        SortField.URGE_COUNT: "How often it was urged.",
    },
)
FieldOperatorEnum = strawberry.enum(
    Operator,
    name="FieldOperator",
    description="How a condition compares a custom field with its value. Which operators "
    "a field takes depends on its type (the error names those that fit). NE and IS_EMPTY: "
    "false count tickets without a value as not equal.",
)
described_enum(
    FieldOperatorEnum,
    {
        Operator.EQ: "Equal to the value.",
        Operator.NE: "Not equal to the value (for a multiple choice: lacks that option).",
        Operator.IN: "Equal to one of the values (a list, at most 100).",
        Operator.CONTAINS: "Text: contains the value (any case). Multiple choice: has that option.",
        Operator.GT: "Numbers, dates, times: greater than the value.",
        Operator.GTE: "Numbers, dates, times: greater than or equal to the value.",
        Operator.LT: "Numbers, dates, times: less than the value.",
        Operator.LTE: "Numbers, dates, times: less than or equal to the value.",
        Operator.IS_EMPTY: "Value true: the field has no value; false: it has one.",
    },
)


@strawberry.type(name="TicketConnection", description="A page of tickets.")
class TicketConnection(Connection[TicketType]):
    pass


@strawberry.input(description="From (inclusive) to (exclusive); leave either end open.")
class DateTimeRangeInput:
    start: datetime | None = strawberry.field(
        default=None, description="From this moment, inclusive; null: no lower bound."
    )
    end: datetime | None = strawberry.field(
        default=None,
        description="Up to this moment, exclusive (after `start`); null: no upper bound.",
    )


@strawberry.input(description="One condition on a custom field, by its key.")
class FieldConditionInput:
    key: str = strawberry.field(description="The custom field's key, as its template names it.")
    op: FieldOperatorEnum = strawberry.field(  # type: ignore[valid-type]
        description="How to compare; it must fit the field's type."
    )
    value: JSON | None = strawberry.field(
        default=None,
        description="A value of the field's type; a list for IN and for a cascade path.",
    )


_ANY_OF = " Any of these (at most 100); null or empty: no condition."


@strawberry.input(
    description="Narrows a ticket list. Every part given must hold (AND); a list matches any "
    "of its values (OR). Ids of another tenant, or of nothing, are NOT_FOUND; a bad part is "
    "INVALID with its path."
)
class TicketFilterInput:
    status: list[TicketStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Statuses." + _ANY_OF
    )
    priority: list[PriorityEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Priorities." + _ANY_OF
    )
    source: list[SourceEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Sources." + _ANY_OF
    )
    template_id: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Template ids." + _ANY_OF
    )
    step: list[str] | None = strawberry.field(
        default=None, description="Keys of the step the ticket is at." + _ANY_OF
    )
    group_id: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Ids of the group the ticket is at now." + _ANY_OF
    )
    assignee_id: list[strawberry.ID] | None = strawberry.field(
        default=None, description="User ids of the current assignee." + _ANY_OF
    )
    unassigned: bool | None = strawberry.field(
        default=None,
        description="True: only tickets nobody is assigned; false: only assigned ones; null: both.",
    )
    creator_id: list[strawberry.ID] | None = strawberry.field(
        default=None, description="User ids of the creator." + _ANY_OF
    )
    customer_id: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Customer ids." + _ANY_OF
    )
    template_team_id: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Group ids of the team owning the ticket's template (setTemplateTeam)."
        + _ANY_OF,
    )
    created: DateTimeRangeInput | None = strawberry.field(
        default=None, description="When it was created."
    )
    updated: DateTimeRangeInput | None = strawberry.field(
        default=None, description="When it last changed."
    )
    done: DateTimeRangeInput | None = strawberry.field(
        default=None, description="When it was finished (tickets not done never match)."
    )
    due: DateTimeRangeInput | None = strawberry.field(
        default=None, description="Its SLA deadline (tickets without one never match)."
    )
    fields: list[FieldConditionInput] | None = strawberry.field(
        default=None,
        description="Conditions on custom fields, all of which must hold. A field hidden from "
        "you at the ticket's step never matches.",
    )


@strawberry.input(description="How a ticket list is sorted.")
class TicketOrderInput:
    field: TicketSortFieldEnum = strawberry.field(  # type: ignore[valid-type]
        description="What to sort by."
    )
    descending: bool = strawberry.field(
        default=True, description="True (the default): largest, latest or last first."
    )


@strawberry.type(name="TicketOrder", description="How a saved view sorts its tickets.")
class TicketOrderType:
    field: TicketSortFieldEnum = strawberry.field(  # type: ignore[valid-type]
        description="What it sorts by."
    )
    descending: bool = strawberry.field(description="True: largest, latest or last first.")


@strawberry.type(
    name="SavedView",
    description="A custom menu entry (自定义菜单): a preset view narrowed by a stored filter, "
    "with the columns and sort the list shows. Yours, or shared with the tenant by an admin.",
)
class SavedViewType(Node):
    model: strawberry.Private[SavedView]
    name: str = strawberry.field(description="The menu label.")
    base: TicketViewEnum = strawberry.field(  # type: ignore[valid-type]
        description="The preset view it narrows."
    )
    columns: list[str] = strawberry.field(
        description="System columns (number, title, status…) and field:<key> for custom fields."
    )
    quick_filters: list[str] = strawberry.field(
        description="The filters its screen offers as quick filters (常用筛选), in order: "
        "names of TicketFilterInput's parts (status, templateTeamId…) and field:<key>."
    )
    order: TicketOrderType = strawberry.field(description="How it sorts its tickets.")
    position: int = strawberry.field(
        description="Its place in the menu: lower first (ties by creation)."
    )
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
            quick_filters=list(view.quick_filters or []),
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

    @strawberry.field(description="The only template its tickets come from; null: any template.")
    async def template(self, info: Info) -> TemplateType | None:
        if self.model.template_id is None:
            return None
        return await TemplateType.load(info, self.model.template_id)

    @strawberry.field(description="Whose view it is; null for a view shared with the tenant.")
    async def owner(self, info: Info) -> UserType | None:
        if self.model.owner_id is None:
            return None
        user = await info.context.org.user.load(self.model.owner_id)
        return UserType.of(user) if user else None


@strawberry.type(description="The badge of one menu entry: a preset view or a saved view.")
class ViewCount:
    view: TicketViewEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The preset view counted; null when this is a saved view's count."
    )
    saved_view: SavedViewType | None = strawberry.field(
        description="The saved view counted; null when this is a preset view's count."
    )
    count: int = strawberry.field(description="How many of its tickets you may see now.")


_COLUMNS = (
    "The list's columns, in order (at most 40): system columns (number, title, status, "
    "priority, source, template, step, group, assignee, creator, customer, contact, "
    "urge_count, created_at, updated_at, done_at, due_at) and field:<key> for a custom field."
)

_QUICK_FILTERS = (
    "The filters the view's screen offers as quick filters (常用筛选), in order, each once "
    "(at most 20): status, priority, source, templateId, templateTeamId, step, groupId, "
    "assigneeId, unassigned, creatorId, customerId, created, updated, done, due, and "
    "field:<key> for a custom field of its templates. Unknown names are INVALID."
)


@strawberry.input(
    description="A new saved view. The filter and columns are checked now, so the entry "
    "never fails to open."
)
class CreateSavedViewInput:
    name: str = strawberry.field(description="The menu label; not blank.")
    base: TicketViewEnum = strawberry.field(  # type: ignore[valid-type]
        default=View.ALL, description="The preset view it narrows; ALL by default."
    )
    template_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only tickets of this template (its custom fields become usable in the "
        "filter and columns); null: any template.",
    )
    filter: TicketFilterInput | None = strawberry.field(
        default=None, description="The stored conditions; null: none."
    )
    columns: list[str] = strawberry.field(default_factory=list, description=_COLUMNS)
    quick_filters: list[str] = strawberry.field(default_factory=list, description=_QUICK_FILTERS)
    order: TicketOrderInput | None = strawberry.field(
        default=None, description="The sort; null: UPDATED_AT, latest first."
    )
    shared: bool = strawberry.field(default=False, description="Admins only.")
    position: int = strawberry.field(default=0, description="Its place in the menu: lower first.")


@strawberry.input(description="Replaces the view's settings; the name is kept when left out.")
class UpdateSavedViewInput:
    id: strawberry.ID = strawberry.field(
        description="The saved view: yours, or (admins) one shared with the tenant."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The new menu label; left out: unchanged."
    )
    base: TicketViewEnum = strawberry.field(  # type: ignore[valid-type]
        default=View.ALL, description="The preset view it narrows; ALL when left out."
    )
    template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only tickets of this template; null: any template."
    )
    filter: TicketFilterInput | None = strawberry.field(
        default=None, description="The stored conditions; null: none."
    )
    columns: list[str] = strawberry.field(default_factory=list, description=_COLUMNS)
    quick_filters: list[str] = strawberry.field(default_factory=list, description=_QUICK_FILTERS)
    order: TicketOrderInput | None = strawberry.field(
        default=None, description="The sort; null: UPDATED_AT, latest first."
    )
    position: int = strawberry.field(default=0, description="Its place in the menu: lower first.")


@strawberry.input(description="Which saved view to delete.")
class DeleteSavedViewInput:
    id: strawberry.ID = strawberry.field(
        description="The saved view: yours, or (admins) one shared with the tenant."
    )


@strawberry.type
class SavedViewPayload:
    saved_view: SavedViewType | None = strawberry.field(
        default=None, description="The saved view as stored; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The result of createSavedView.")
class CreateSavedViewPayload(SavedViewPayload):
    pass


@strawberry.type(description="The result of updateSavedView.")
class UpdateSavedViewPayload(SavedViewPayload):
    pass


@strawberry.type(description="The result of deleteSavedView.")
class DeleteSavedViewPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the deleted view; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


# The arguments that pick a ticket list, described once: the list query and its live stream.
TicketViewArg = Annotated[
    View,
    strawberry.argument(
        description="The preset view; ALL when left out. Ignored with `savedViewId` (the "
        "saved view's base applies)."
    ),
]
SavedViewIdArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="A saved view (yours or shared): its base view, filter and sort apply. "
        "Not together with `filter`."
    ),
]
TicketFilterArg = Annotated[
    TicketFilterInput | None,
    strawberry.argument(description="Conditions on the list (not with `savedViewId`); null: none."),
]
TicketSearchArg = Annotated[
    str | None,
    strawberry.argument(
        description="Text to find: the ticket number (exact, with or without #), or part of "
        "the title, description or customer name."
    ),
]
