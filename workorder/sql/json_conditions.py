"""Conditions on the values of a JSON object column (a ticket's `field_values`), per dialect.

SQLite answers through JSON1 (`json_extract`, `json_each`); PostgreSQL through JSONB operators,
with equality and membership written as containment (`@>`) so the GIN index on
`ticket.field_values` serves them. Tortoise has no JSON filters on SQLite, so each condition is
a `Where`: a Q node that renders its own criterion for the connection's dialect, with every
value sent as a bound parameter. What a condition means for a kind of custom field is decided
in flows/templates/field_kinds; this module only knows how to say it in SQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pypika_tortoise.enums import JSONOperators
from pypika_tortoise.functions import Cast
from pypika_tortoise.terms import BasicCriterion, Criterion, Function, Term, ValueWrapper
from tortoise.expressions import Q, ResolveContext
from tortoise.filters import insensitive_contains, is_in
from tortoise.query_utils import QueryModifier

COLUMN = "field_values"


class Read(StrEnum):
    """How a stored JSON scalar is compared."""

    TEXT = "TEXT"  # as SQL text (also ISO dates, which order as text)
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    MOMENT = "MOMENT"  # an ISO date and time with an offset: compared as a point in time


class Order(StrEnum):
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"


Make = Callable[[Term, str], Criterion]


class Where(Q):
    """A Q node whose criterion is built from the ticket table's JSON column at query time."""

    __slots__ = ("make",)

    def __init__(self, make: Make) -> None:
        super().__init__()
        self.make = make

    def __bool__(self) -> bool:
        return True

    def __invert__(self) -> Where:
        negated = Where(self.make)
        negated._is_negated = not self._is_negated
        return negated

    def resolve(self, resolve_context: ResolveContext) -> QueryModifier:
        dialect = resolve_context.model._meta.db.capabilities.dialect
        criterion = self.make(resolve_context.table[COLUMN], dialect)
        modifier = QueryModifier(where_criterion=criterion)
        return ~modifier if self._is_negated else modifier


def _path(key: str) -> ValueWrapper:
    return ValueWrapper(f'$."{key}"')


def _text(column: Term, dialect: str, key: str) -> Term:
    """The value as SQL text (numbers and booleans as SQLite gives them)."""
    if dialect == "postgres":
        return BasicCriterion(JSONOperators.GET_TEXT_VALUE, column, ValueWrapper(key))
    return Function("json_extract", column, _path(key))


def _contains(column: Term, key: str, value: Any) -> Criterion:
    """PostgreSQL containment: served by the GIN index."""
    return BasicCriterion(JSONOperators.CONTAINS, column, ValueWrapper(json.dumps({key: value})))


class _ListHas(Term):
    """SQLite: the JSON list at `key` holds one of `values`."""

    def __init__(self, column: Term, key: str, values: Sequence[Any]) -> None:
        super().__init__()
        self.column, self.key, self.values = column, key, values

    def get_sql(self, ctx: Any) -> str:
        # Only bound parameters and the column's quoted name go into the text, rendered in
        # the order they appear: positional parameters are numbered as they are rendered.
        column = self.column.get_sql(ctx)
        path = _path(self.key).get_sql(ctx)
        listed = ", ".join(ValueWrapper(v).get_sql(ctx) for v in self.values)
        return (
            f"EXISTS (SELECT 1 FROM json_each({column}, {path}) "  # noqa: S608
            f"WHERE json_each.value IN ({listed}))"
        )


class _Raw(Criterion):
    """Wraps a term that already is a boolean SQL expression."""

    def __init__(self, term: Term) -> None:
        super().__init__()
        self.term = term

    def get_sql(self, ctx: Any) -> str:
        return str(self.term.get_sql(ctx))


def is_empty(key: str) -> Where:
    """No value at `key`: missing, null, blank text or an empty list."""

    def make(column: Term, dialect: str) -> Criterion:
        text = _text(column, dialect, key)
        return text.isnull() | is_in(text, ["", "[]"])

    return Where(make)


def _typed(column: Term, dialect: str, key: str, read: Read) -> Term:
    term = _text(column, dialect, key)
    if read == Read.NUMBER and dialect == "postgres":
        return Cast(term, "double precision")
    if read == Read.MOMENT:
        return Cast(term, "timestamptz") if dialect == "postgres" else Function("datetime", term)
    return term


def _bound(read: Read, value: Any, dialect: str) -> Any:
    if read == Read.BOOLEAN and dialect != "postgres":
        return 1 if value else 0
    if read == Read.BOOLEAN:
        return "true" if value else "false"
    if read == Read.MOMENT:
        moment = datetime.fromisoformat(str(value).replace("z", "Z")).astimezone(UTC)
        return moment if dialect == "postgres" else moment.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _contains_any(column: Term, key: str, values: Sequence[Any]) -> Criterion:
    found = _contains(column, key, values[0])
    for more in values[1:]:
        found |= _contains(column, key, more)
    return found


def equals(key: str, value: Any, read: Read) -> Where:
    """The value at `key` is `value` (PostgreSQL: by containment, but for moments)."""

    def make(column: Term, dialect: str) -> Criterion:
        if dialect == "postgres" and read != Read.MOMENT:
            return _contains_any(column, key, [value])
        return _typed(column, dialect, key, read) == ValueWrapper(_bound(read, value, dialect))

    return Where(make)


def one_of(key: str, values: Sequence[Any], read: Read) -> Where:
    """The value at `key` is one of `values` (PostgreSQL: by containment, but for moments)."""

    def make(column: Term, dialect: str) -> Criterion:
        if dialect == "postgres" and read != Read.MOMENT:
            return _contains_any(column, key, values)
        bound = [_bound(read, v, dialect) for v in values]
        return is_in(_typed(column, dialect, key, read), bound)

    return Where(make)


def ordered(key: str, order: Order, value: Any, read: Read) -> Where:
    """The value at `key` is above or below `value`."""

    def make(column: Term, dialect: str) -> Criterion:
        term = _typed(column, dialect, key, read)
        wrapped = ValueWrapper(_bound(read, value, dialect))
        compare = {
            Order.GT: term > wrapped,
            Order.GTE: term >= wrapped,
            Order.LT: term < wrapped,
            Order.LTE: term <= wrapped,
        }
        return compare[order]

    return Where(make)


def text_contains(key: str, value: str) -> Where:
    """The value at `key`, as text, holds `value` (ignoring case)."""

    def make(column: Term, dialect: str) -> Criterion:
        return insensitive_contains(_text(column, dialect, key), value)

    return Where(make)


def list_has_any(key: str, values: Sequence[Any]) -> Where:
    """The JSON list at `key` holds any of the values."""

    def make(column: Term, dialect: str) -> Criterion:
        if dialect == "postgres":
            return _contains_any(column, key, [[v] for v in values])
        return _Raw(_ListHas(column, key, values))

    return Where(make)


def path_is(key: str, path: list[str]) -> Where:
    """The JSON list at `key` is exactly `path`."""

    def make(column: Term, dialect: str) -> Criterion:
        if dialect == "postgres":
            value = BasicCriterion(JSONOperators.GET_JSON_VALUE, column, ValueWrapper(key))
            return BasicCriterion(
                JSONOperators.CONTAINS, value, ValueWrapper(json.dumps(path))
            ) & BasicCriterion(JSONOperators.CONTAINED_BY, value, ValueWrapper(json.dumps(path)))
        return Function("json_extract", column, _path(key)) == Function(
            "json", ValueWrapper(json.dumps(path, separators=(",", ":")))
        )

    return Where(make)
