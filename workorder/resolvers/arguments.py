"""Turning GraphQL arguments into flow arguments: global ids into primary keys, UNSET into the
flows' KEEP."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import strawberry

from workorder.errors import invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep
from workorder.schema.node import pk_of

T = TypeVar("T")


def decode_id(global_id: str, type_name: str, field: Sequence[str]) -> int:
    pk = pk_of(global_id, type_name)
    if pk is None:
        raise not_found(type_name, field)
    return pk


def decode_optional_id(global_id: str | None, type_name: str, field: Sequence[str]) -> int | None:
    return None if global_id is None else decode_id(global_id, type_name, field)


def decode_ids(global_ids: Sequence[str], type_name: str, field: Sequence[str]) -> list[int]:
    return [decode_id(g, type_name, field) for g in global_ids]


def keep_unset(value: Any) -> Any:
    """strawberry.UNSET (left out of the input) becomes the flows' KEEP."""
    return KEEP if value is strawberry.UNSET else value


def keep_or(value: T | None, convert: Callable[[T], Any]) -> Any:
    if value is strawberry.UNSET:
        return KEEP
    return None if value is None else convert(value)


def not_null(value: T | None, field: str) -> T | Keep:
    """An update field that may be left out but not set to null."""
    if value is strawberry.UNSET:
        return KEEP
    if value is None:
        raise invalid("May not be null", [field])
    return value
