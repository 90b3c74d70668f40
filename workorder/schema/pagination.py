"""Relay connections paged by keyset: (sort key, id) cursors, never OFFSET."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from workorder.errors import invalid
from workorder.ids import MAX_PK
from workorder.paging import DEFAULT_PAGE, MAX_PAGE, Answer, answered, page_size

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT", bound=Model)
ConnectionT = TypeVar("ConnectionT", bound="Connection[Any]")


# The paging arguments every connection field takes, described once.
FirstArg = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size: how many items to return from the start (or from `after`), "
        f"0 to {MAX_PAGE}; {DEFAULT_PAGE} when neither first nor last is given. More is refused "
        "(INVALID), and so is giving both first and last."
    ),
]
AfterArg = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor: a previous page's "
        "pageInfo.endCursor (or an edge's cursor). Left out: from the start."
    ),
]
LastArg = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page backwards: how many items to return from the end (or from "
        f"`before`), 0 to {MAX_PAGE}, still in the list's order. More is refused (INVALID), "
        "and so is giving both first and last."
    ),
]
BeforeArg = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items before this cursor: a later page's "
        "pageInfo.startCursor (or an edge's cursor), usually with `last`. Left out: up to the end."
    ),
]


@strawberry.type(description="Where this page sits in the whole list, for asking the next.")
class PageInfo:
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item of this page, to pass as `before` for the page "
        "before it; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of this page, to pass as `after` for the next; "
        "null when the page is empty."
    )
    more_after: strawberry.Private[Answer]
    more_before: strawberry.Private[Answer]

    @strawberry.field(
        description="True when more items follow this page (ask again with after=endCursor). "
        "Paging backwards with `before`: whether any item follows that cursor; with `last` and "
        "no `before`: false, the page ends the list."
    )
    async def has_next_page(self) -> bool:
        return await answered(self.more_after)

    @strawberry.field(
        description="True when more items precede this page (ask again with before=startCursor "
        "and last). Paging forwards with `after`: whether any item precedes that cursor; with "
        "no `after`: false, the page starts the list."
    )
    async def has_previous_page(self) -> bool:
        return await answered(self.more_before)


@strawberry.type(description="One item of a page, with the cursor that marks its place.")
class Edge(Generic[NodeT]):
    node: NodeT = strawberry.field(description="The item.")
    cursor: str = strawberry.field(
        description="Opaque place of this item in the list: pass it as `after` (or `before`) "
        "to page on from here. Do not build or parse it."
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


def _plain(value: Any) -> Any:
    """A moment as ISO text: a list ordered by a time (paired with `parse_key`)."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"Not a cursor key: {value!r}")


def encode_cursor(value: Any, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk], default=_plain).encode()).decode()


def _beyond_keys(value: Any) -> bool:
    """A forged cursor's number no key can have: the driver would fail the query with it."""
    return isinstance(value, int) and abs(value) > MAX_PK


def decode_cursor(cursor: str, argument: str = "after") -> tuple[Any, int]:
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(pk, int) or not 0 < pk <= MAX_PK or _beyond_keys(value):
            raise ValueError(cursor)
    except (binascii.Error, ValueError, TypeError, RecursionError) as exc:
        raise invalid("Malformed cursor", [argument]) from exc
    return value, pk


def _past(key: str, mark: tuple[Any, int], way: str, *, inclusive: bool = False) -> Q:
    """Rows past `mark` (a cursor's value and id) in the order (key, id), `way` being "gt" or
    "lt"; `inclusive` keeps the cursor's own row."""
    value, pk = mark
    on_id: dict[str, Any] = {f"id__{way}e" if inclusive else f"id__{way}": pk}
    if key == "id":
        return Q(**on_id)
    return Q(**{f"{key}__{way}": value}) | Q(**{key: value}, **on_id)


def _parsed(
    mark: tuple[Any, int], parse_key: Callable[[Any], Any] | None, argument: str
) -> tuple[Any, int]:
    if parse_key is None:
        return mark
    try:
        return parse_key(mark[0]), mark[1]
    except (ValueError, TypeError) as exc:
        raise invalid("Malformed cursor", [argument]) from exc


async def paginate(
    query: QuerySet[ModelT],
    to_node: Callable[[ModelT], NodeT],
    connection: type[ConnectionT],
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    key: str = "id",
    descending: bool = False,
    parse_key: Callable[[Any], Any] | None = None,
) -> ConnectionT:
    """One page of `query` ordered by (key, id), ascending unless asked otherwise; keys must
    be plain JSON values.

    The Relay cursor-connection rules: `after` and `before` cut the list to the rows between
    them, then `first` takes the window's first rows or `last` its last ones, read by the
    same keyset in reverse order (`last + 1` rows, reversed back). The extra row answers
    "more this way" exactly; "more the other way" is asked of the database only when a client
    selects it and a cursor was given (else the page starts or ends the list).

    A key that JSON cannot carry (a datetime) travels as text: `parse_key` reads it back."""
    size, backwards = page_size(first, last)
    start = _parsed(decode_cursor(after, "after"), parse_key, "after") if after else None
    end = _parsed(decode_cursor(before, "before"), parse_key, "before") if before else None
    ahead, behind = ("lt", "gt") if descending else ("gt", "lt")
    window = query
    if start is not None:
        window = window.filter(_past(key, start, ahead))
    if end is not None:
        window = window.filter(_past(key, end, behind))
    sign = "-" if descending != backwards else ""
    ordering = [f"{sign}{key}", f"{sign}id"] if key != "id" else [f"{sign}id"]
    rows = list(await window.order_by(*ordering).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    edges = [Edge(node=to_node(r), cursor=encode_cursor(getattr(r, key), r.pk)) for r in rows]

    def beyond(mark: tuple[Any, int] | None, way: str) -> Answer:
        if mark is None:
            return False
        return query.filter(_past(key, mark, way, inclusive=True)).exists

    return connection(
        edges=edges,
        page_info=PageInfo(
            more_after=beyond(end, ahead) if backwards else more,
            more_before=more if backwards else beyond(start, behind),
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=query.count,
    )
