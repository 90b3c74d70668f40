"""Relay connections paged by keyset: (sort key, id) cursors, never OFFSET."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from workorder.errors import invalid
from workorder.ids import MAX_PK

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT", bound=Model)
ConnectionT = TypeVar("ConnectionT", bound="Connection[Any]")

DEFAULT_PAGE = 20
MAX_PAGE = 100


# The paging arguments every connection field takes, described once.
FirstArg = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size: how many items to return, 0 to {MAX_PAGE}; {DEFAULT_PAGE} when "
        "left out. More is refused (INVALID)."
    ),
]
AfterArg = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor: a previous page's "
        "pageInfo.endCursor (or an edge's cursor). Left out: from the start."
    ),
]


@strawberry.type(description="Where this page sits in the whole list, for asking the next.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when more items follow this page: ask again with after=endCursor."
    )
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for with an `after` cursor."
    )
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item of this page; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of this page, to pass as `after` for the next; "
        "null when the page is empty."
    )


@strawberry.type(description="One item of a page, with the cursor that marks its place.")
class Edge(Generic[NodeT]):
    node: NodeT = strawberry.field(description="The item.")
    cursor: str = strawberry.field(
        description="Opaque place of this item in the list: pass it as `after` to page on "
        "from here. Do not build or parse it."
    )


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        description="The items of this page, in the list's order, each with its cursor."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more pages follow and the cursors to ask for them."
    )
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Every item matching, across all pages.")
    async def total_count(self) -> int:
        return await self.count()


def encode_cursor(value: Any, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode()


def _beyond_keys(value: Any) -> bool:
    """A forged cursor's number no key can have: the driver would fail the query with it."""
    return isinstance(value, int) and abs(value) > MAX_PK


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(pk, int) or not 0 < pk <= MAX_PK or _beyond_keys(value):
            raise ValueError(cursor)
    except (binascii.Error, ValueError, TypeError, RecursionError) as exc:
        raise invalid("Malformed cursor", ["after"]) from exc
    return value, pk


async def paginate(
    query: QuerySet[ModelT],
    to_node: Callable[[ModelT], NodeT],
    connection: type[ConnectionT],
    *,
    first: int | None,
    after: str | None,
    key: str = "id",
    descending: bool = False,
) -> ConnectionT:
    """One page of `query` ordered by (key, id), ascending unless asked otherwise; keys must
    be plain JSON values."""
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise invalid(f"first must be between 0 and {MAX_PAGE}", ["first"])
    page = query
    beyond = "lt" if descending else "gt"
    if after:
        value, pk = decode_cursor(after)
        page = (
            page.filter(Q(**{f"{key}__{beyond}": value}) | Q(**{key: value, f"id__{beyond}": pk}))
            if key != "id"
            else page.filter(**{f"id__{beyond}": pk})
        )
    sign = "-" if descending else ""
    ordering = [f"{sign}{key}", f"{sign}id"] if key != "id" else [f"{sign}id"]
    rows = list(await page.order_by(*ordering).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    edges = [Edge(node=to_node(r), cursor=encode_cursor(getattr(r, key), r.pk)) for r in rows]
    return connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=query.count,
    )
