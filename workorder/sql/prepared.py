"""A read Tortoise builds once and runs again with other values.

Building a query through Tortoise's query builder (filters resolved, joins found, pypika
rendering) costs about a millisecond of CPU per call, more than the round trip to the
database: a contact center that opens thousands of sockets at the start of a shift pays it
twice per socket (its credential, where its feed starts). A `Prepared` read is built by
Tortoise once per SQL dialect with marker values in place of its arguments; every call
after that sends the same SQL text with the arguments bound (asyncpg also keeps the
statement prepared), and converts the columns as Tortoise's `values()` would.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model
from tortoise.queryset import ValuesQuery

Build = Callable[..., ValuesQuery[Any]]


@dataclass(frozen=True, slots=True)
class _Built:
    sql: str
    slots: tuple[str | int, ...]  # per bound parameter: the argument's name, or its index
    constants: tuple[Any, ...]  # the parameters that are not arguments, by index
    convert: tuple[tuple[str, Callable[[Any], Any]], ...]


class Prepared:
    """`build(**arguments)` returns the ValuesQuery over `model`; `examples` give each
    argument's type (int or str), from which distinct marker values are made to find where
    each one is bound. The model's connection is asked at each call (a transaction's, if
    one is open), and the SQL is built once per dialect."""

    def __init__(self, model: type[Model], build: Build, **examples: int | str) -> None:
        self._model = model
        self._build = build
        self._examples = examples
        self._built: dict[str, _Built] = {}

    def _markers(self) -> dict[str, int | str]:
        markers: dict[str, int | str] = {}
        for i, (name, example) in enumerate(self._examples.items()):
            if isinstance(example, int):
                markers[name] = -7_300_000_001 - i  # no row has a negative id
            else:
                markers[name] = f"\x00prepared-argument-{i}\x00"
        return markers

    def _prepare(self, query: ValuesQuery[Any], markers: dict[str, int | str]) -> _Built:
        query._make_query()
        sql, params = query.query.get_parameterized_sql()
        by_marker = {marker: name for name, marker in markers.items()}
        slots: list[str | int] = []
        constants: list[Any] = []
        for index, value in enumerate(params):
            name = by_marker.get(value) if isinstance(value, int | str) else None
            slots.append(index if name is None else name)
            constants.append(None if name is not None else value)
        missing = set(markers) - {s for s in slots if isinstance(s, str)}
        if missing:  # an argument Tortoise wrote into the text, not bound: not preparable
            raise ValueError(f"arguments not bound as parameters: {sorted(missing)}")
        convert = tuple(
            (alias, function)
            for alias, field_name in query._fields_for_select.items()
            if not isinstance(
                function := query.resolve_to_python_value(query.model, field_name),
                types.LambdaType,
            )
        )
        return _Built(sql, tuple(slots), tuple(constants), convert)

    async def fetch(self, **arguments: int | str | None) -> list[dict[str, Any]]:
        """The rows, as `await build(**arguments)` would give them."""
        db = self._model._meta.db
        dialect = db.capabilities.dialect
        built = self._built.get(dialect)
        if built is None:
            markers = self._markers()
            query = self._build(**markers)
            query._db = db
            built = self._built[dialect] = self._prepare(query, markers)
        values = [
            arguments[slot] if isinstance(slot, str) else built.constants[slot]
            for slot in built.slots
        ]
        rows: list[dict[str, Any]] = await db.execute_query_dict(built.sql, values)
        for row in rows:
            for column, function in built.convert:
                row[column] = function(row[column])
        return rows
