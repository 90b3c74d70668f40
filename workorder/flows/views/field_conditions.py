"""Conditions on custom field values, read straight from the ticket's JSON column.

SQLite answers through JSON1 (`json_extract`, `json_each`); PostgreSQL through JSONB operators,
with equality and membership written as containment (`@>`) so the GIN index on
`ticket.field_values` serves them. Tortoise has no JSON filters on SQLite, so each condition is
a `Where`: a Q node that renders its own criterion for the connection's dialect, with every
value sent as a bound parameter.
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

from workorder.flows.templates.config import FieldType

COLUMN = "field_values"


class Operator(StrEnum):
    EQ = "EQ"
    NE = "NE"
    IN = "IN"
    CONTAINS = "CONTAINS"
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"
    IS_EMPTY = "IS_EMPTY"


ORDERING = (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)
COMMON = (Operator.EQ, Operator.NE, Operator.IN, Operator.IS_EMPTY)

# Which operators fit which field type: anything else is refused with a clear message.
OPERATORS: dict[FieldType, tuple[Operator, ...]] = {
    FieldType.TEXT: (*COMMON, Operator.CONTAINS),
    FieldType.TEXTAREA: (*COMMON, Operator.CONTAINS),
    FieldType.NUMBER: (*COMMON, *ORDERING),
    FieldType.DATE: (*COMMON, *ORDERING),
    FieldType.DATETIME: (Operator.EQ, Operator.NE, Operator.IS_EMPTY, *ORDERING),
    FieldType.SELECT: COMMON,
    FieldType.RADIO: COMMON,
    FieldType.MULTI_SELECT: (Operator.CONTAINS, Operator.IN, Operator.NE, Operator.IS_EMPTY),
    FieldType.CHECKBOX: (Operator.EQ, Operator.NE, Operator.IS_EMPTY),
    FieldType.CASCADE: (Operator.EQ, Operator.NE, Operator.CONTAINS, Operator.IS_EMPTY),
    FieldType.ATTACHMENT: (),
}

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


def _empty(key: str) -> Make:
    def make(column: Term, dialect: str) -> Criterion:
        text = _text(column, dialect, key)
        return text.isnull() | is_in(text, ["", "[]"])

    return make


def _scalar(key: str, kind: FieldType, op: Operator, value: Any) -> Make:
    """EQ / IN / ordering on a field holding one value (text, number, date, choice, bool)."""

    def make(column: Term, dialect: str) -> Criterion:
        values = value if op == Operator.IN else [value]
        indexed = op in (Operator.EQ, Operator.IN) and kind != FieldType.DATETIME
        if dialect == "postgres" and indexed:
            found = _contains(column, key, values[0])
            for more in values[1:]:
                found |= _contains(column, key, more)
            return found
        term: Term = _text(column, dialect, key)
        bound = [_sql_value(kind, v, dialect) for v in values]
        if kind == FieldType.NUMBER and dialect == "postgres":
            term = Cast(term, "double precision")
        elif kind == FieldType.DATETIME:
            postgres = dialect == "postgres"
            term = Cast(term, "timestamptz") if postgres else Function("datetime", term)
        if op == Operator.IN:
            return is_in(term, bound)
        wrapped = ValueWrapper(bound[0])
        compare = {
            Operator.EQ: term == wrapped,
            Operator.GT: term > wrapped,
            Operator.GTE: term >= wrapped,
            Operator.LT: term < wrapped,
            Operator.LTE: term <= wrapped,
        }
        return compare[op]

    return make


def _sql_value(kind: FieldType, value: Any, dialect: str) -> Any:
    if kind == FieldType.CHECKBOX and dialect != "postgres":
        return 1 if value else 0
    if kind == FieldType.CHECKBOX:
        return "true" if value else "false"
    if kind == FieldType.DATETIME:
        moment = datetime.fromisoformat(str(value).replace("z", "Z")).astimezone(UTC)
        return moment if dialect == "postgres" else moment.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _text_contains(key: str, value: str) -> Make:
    def make(column: Term, dialect: str) -> Criterion:
        return insensitive_contains(_text(column, dialect, key), value)

    return make


def _list_has(key: str, values: Sequence[Any]) -> Make:
    """A multi-select holding any of the values, or a cascade path passing through one."""

    def make(column: Term, dialect: str) -> Criterion:
        if dialect == "postgres":
            found = _contains(column, key, [values[0]])
            for more in values[1:]:
                found |= _contains(column, key, [more])
            return found
        return _Raw(_ListHas(column, key, values))

    return make


def _path_is(key: str, path: list[str]) -> Make:
    def make(column: Term, dialect: str) -> Criterion:
        if dialect == "postgres":
            value = BasicCriterion(JSONOperators.GET_JSON_VALUE, column, ValueWrapper(key))
            return BasicCriterion(
                JSONOperators.CONTAINS, value, ValueWrapper(json.dumps(path))
            ) & BasicCriterion(JSONOperators.CONTAINED_BY, value, ValueWrapper(json.dumps(path)))
        return Function("json_extract", column, _path(key)) == Function(
            "json", ValueWrapper(json.dumps(path, separators=(",", ":")))
        )

    return make


def condition(key: str, kind: FieldType, op: Operator, value: Any) -> Q:
    """The Q for one checked condition (see ticket_filters for the checks).

    NE and a negated IS_EMPTY keep their intuitive meaning: "not red" includes tickets with no
    colour at all, "not empty" excludes them.
    """
    if op == Operator.IS_EMPTY:
        empty = Where(_empty(key))
        return empty if value in (None, True) else ~empty
    if op == Operator.NE:
        if kind == FieldType.MULTI_SELECT:
            return ~Where(_list_has(key, [value])) | Where(_empty(key))
        same = condition(key, kind, Operator.EQ, value)
        return ~same | Where(_empty(key))
    if kind == FieldType.CASCADE:
        if op == Operator.EQ:
            return Where(_path_is(key, value))
        return Where(_list_has(key, [value]))
    if kind == FieldType.MULTI_SELECT:
        return Where(_list_has(key, value if op == Operator.IN else [value]))
    if op == Operator.CONTAINS:
        return Where(_text_contains(key, value))
    return Where(_scalar(key, kind, op, value))
