"""Select statements built once per shape and run with each call's values.

Tortoise builds a query's SQL from its Q tree on every call (resolving the filters, rendering
the pypika terms); for a list page, or the user look-up every request makes, that costs more
CPU than the database spends running the statement. A query whose SQL depends only on a few
values (the caller's ids, their groups' ids) is built once with stand-ins in their place —
negative integers or marker strings, which no real value equals — and later run with each
stand-in swapped for the call's value. Only parameters are swapped: a stand-in that ended up
written into the SQL text makes the query unsuitable (`Shape.of` answers None), so the
caller builds it the ordinary way. Nothing read is kept: only the statement text.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Shape(Generic[M]):
    """A built select: its SQL, its parameters, and where the stand-ins sit among them."""

    model: type[M]
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, Any], ...]  # (parameter index, stand-in)
    related: tuple[Any, ...]  # Tortoise's select_related_idx: how a row splits into objects
    annotations: tuple[str, ...]

    @classmethod
    def of(cls, query: QuerySet[M], standins: Mapping[Any, Any]) -> Shape[M] | None:
        """`query` (built with the stand-ins of `standins` in its filters) as a shape; None
        when a stand-in was written into the SQL rather than sent as a parameter."""
        query._choose_db_if_not_chosen()
        query._make_query()
        sql, params = query.query.get_parameterized_sql()
        for standin in standins:
            if re.search(rf"(?<![\w.]){re.escape(str(standin))}(?![\w.])", sql):
                return None
        slots = tuple(
            (n, value)
            for n, value in enumerate(params)
            if type(value) in (int, str) and value in standins
        )
        return cls(
            model=query.model,
            sql=sql,
            params=tuple(params),
            slots=slots,
            related=tuple(query._select_related_idx),
            annotations=tuple(query._annotations),
        )

    async def run(self, standins: Mapping[Any, Any]) -> list[M]:
        """The rows, for the values `standins` maps each stand-in to (a stand-in the
        statement has but the mapping lacks is an error, not a silent stand-in)."""
        params = list(self.params)
        for n, standin in self.slots:
            params[n] = standins[standin]
        db = self.model._meta.db
        executor = db.executor_class(
            model=self.model,
            db=db,
            select_related_idx=list(self.related),
        )
        rows: list[M] = await executor.execute_select(
            self.sql, params, custom_fields=list(self.annotations)
        )
        return rows


class Shapes(Generic[K, M]):
    """Built shapes by key (the caller's: what decides the SQL, the dialect included), the
    least recently used dropped beyond `size`: keys vary with the sizes of id lists."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.built: OrderedDict[K, Shape[M] | None] = OrderedDict()

    def get(self, key: K) -> tuple[bool, Shape[M] | None]:
        """(found, shape): found with None means the query cannot be shaped."""
        if key not in self.built:
            return False, None
        self.built.move_to_end(key)
        return True, self.built[key]

    def put(self, key: K, shape: Shape[M] | None) -> None:
        self.built[key] = shape
        if len(self.built) > self.size:
            self.built.popitem(last=False)


def dialect_of(model: type[Model]) -> str:
    """What the SQL text depends on besides the query: the connection's kind."""
    client = type(model._meta.db)
    return f"{client.__module__}.{client.__qualname__}"


async def rows_of(
    shapes: Shapes[K, M],
    key: K,
    build: Callable[[Callable[[Any], Any]], QuerySet[M]],
    values: Mapping[Any, Any],
) -> list[M]:
    """The rows of `build`'s query for `values` (stand-in → value), its statement built
    once per `key`. `build(value)` makes the query with `value(stand-in)` in each place a
    value goes: called with the stand-ins themselves to shape it, or, for a query that
    cannot be shaped, with the call's values to run it the ordinary way."""
    found, shape = shapes.get(key)
    if not found:
        shape = Shape.of(build(lambda standin: standin), values)
        shapes.put(key, shape)
    if shape is None:
        return list(await build(values.__getitem__))
    return await shape.run(values)
