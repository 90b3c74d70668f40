"""Which filter conditions fit a kind of custom field, what their values must be, and the
SQL condition each becomes (written by workorder/sql/json_conditions for both dialects).

NE and a negated IS_EMPTY keep their intuitive meaning for every kind: "not red" includes
tickets with no colour at all, "not empty" excludes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from tortoise.expressions import Q

from workorder.sql.json_conditions import (
    Order,
    Read,
    equals,
    is_empty,
    list_has_any,
    one_of,
    ordered,
    path_is,
    text_contains,
)

MAX_LISTED: Final = 100  # values in one IN list (and ids in one of a filter's id lists)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


ORDERING: Final = (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)
COMMON: Final = (Operator.EQ, Operator.NE, Operator.IN, Operator.IS_EMPTY)

ValueProblem = Callable[[Any], str]


@dataclass(frozen=True, slots=True)
class Filtering:
    """How one kind of field is filtered on. `problem` and `where` are asked only about the
    operators listed (the filter refuses the others, naming those that fit)."""

    operators: tuple[Operator, ...]
    problem: Callable[[Operator, Any], str]
    where: Callable[[str, Operator, Any], Q]


# ---- what a condition's value must be ---------------------------------------------------


def _emptiness_problem(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else "Expected true, false or null"


def _list_problem(value: Any, each: ValueProblem) -> str:
    if not isinstance(value, list) or not value:
        return "Expected a non-empty list"
    if len(value) > MAX_LISTED:
        return f"At most {MAX_LISTED} values"
    return next((p for p in (each(v) for v in value) if p), "")


def text_problem(value: Any) -> str:
    return "" if isinstance(value, str) else "Expected text"


def checkbox_problem(value: Any) -> str:
    return "" if isinstance(value, bool) else "Expected true or false"


def date_problem(value: Any) -> str:
    if not isinstance(value, str):
        return "Expected text"
    try:
        if _DATE.fullmatch(value):
            date.fromisoformat(value)
            return ""
    except ValueError:
        pass
    return "Expected a date such as 2026-11-23"


def datetime_problem(value: Any) -> str:
    if not isinstance(value, str):
        return "Expected text"
    try:
        if datetime.fromisoformat(value.replace("z", "Z")).tzinfo is not None:
            return ""
    except ValueError:
        pass
    return "Expected a date and time with a UTC offset, such as 2026-11-23T10:00:00+08:00"


def _one_text(value: Any) -> str:
    return "" if isinstance(value, str) else "Expected one value as text"


def _path_problem(value: Any) -> str:
    ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    return "" if ok else "Expected a path: a list of item values"


# ---- the conditions ---------------------------------------------------------------------


def _emptiness(key: str, value: Any) -> Q:
    empty = is_empty(key)
    return empty if value in (None, True) else ~empty


def scalar(operators: tuple[Operator, ...], read: Read, problem: ValueProblem) -> Filtering:
    """A field holding one value (text, number, date, time, choice, checkbox)."""

    def check(op: Operator, value: Any) -> str:
        if op == Operator.IS_EMPTY:
            return _emptiness_problem(value)
        if op == Operator.IN:
            return _list_problem(value, problem)
        if op == Operator.CONTAINS:
            return "" if isinstance(value, str) and value else "Expected some text"
        return problem(value)

    def where(key: str, op: Operator, value: Any) -> Q:
        if op == Operator.IS_EMPTY:
            return _emptiness(key, value)
        if op == Operator.NE:
            return ~equals(key, value, read) | is_empty(key)
        if op == Operator.CONTAINS:
            return text_contains(key, value)
        if op == Operator.IN:
            return one_of(key, value, read)
        if op == Operator.EQ:
            return equals(key, value, read)
        return ordered(key, Order(op.value), value, read)

    return Filtering(operators, check, where)


def multi_select() -> Filtering:
    """A list of chosen options: CONTAINS one, IN any of several, NE lacks one."""

    def check(op: Operator, value: Any) -> str:
        if op == Operator.IS_EMPTY:
            return _emptiness_problem(value)
        if op == Operator.IN:
            return _list_problem(value, text_problem)
        return _one_text(value)

    def where(key: str, op: Operator, value: Any) -> Q:
        if op == Operator.IS_EMPTY:
            return _emptiness(key, value)
        if op == Operator.NE:
            return ~list_has_any(key, [value]) | is_empty(key)
        return list_has_any(key, value if op == Operator.IN else [value])

    operators = (Operator.CONTAINS, Operator.IN, Operator.NE, Operator.IS_EMPTY)
    return Filtering(operators, check, where)


def cascade() -> Filtering:
    """A path down a dictionary: EQ / NE the whole path, CONTAINS one item on it."""

    def check(op: Operator, value: Any) -> str:
        if op == Operator.IS_EMPTY:
            return _emptiness_problem(value)
        if op in (Operator.EQ, Operator.NE):
            return _path_problem(value)
        return _one_text(value)

    def where(key: str, op: Operator, value: Any) -> Q:
        if op == Operator.IS_EMPTY:
            return _emptiness(key, value)
        if op == Operator.NE:
            return ~path_is(key, value) | is_empty(key)
        if op == Operator.EQ:
            return path_is(key, value)
        return list_has_any(key, [value])

    operators = (Operator.EQ, Operator.NE, Operator.CONTAINS, Operator.IS_EMPTY)
    return Filtering(operators, check, where)


def not_filtered() -> Filtering:
    """A field no condition fits (the filter says so before asking anything else)."""

    def check(op: Operator, value: Any) -> str:
        return f"{op} fits no field of this kind"

    def where(key: str, op: Operator, value: Any) -> Q:
        raise ValueError(f"{op} fits no field of this kind")

    return Filtering((), check, where)
