"""What every resolver module shares: id decoding, UNSET → KEEP, and error capture."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import strawberry

from workorder.auth.sessions import TokenSettings
from workorder.errors import FlowError, invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep
from workorder.schema.context import Info
from workorder.schema.errors import UserError
from workorder.schema.node import pk_of

T = TypeVar("T")
P = TypeVar("P")


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


async def mutate(
    action: Callable[[], Awaitable[T]],
    done: Callable[[T], P],
    failed: Callable[[list[UserError]], P],
) -> P:
    """Run a flow; a FlowError becomes the payload's errors, never a top-level error."""
    try:
        result = await action()
    except FlowError as error:
        return failed([UserError.of(error)])
    return done(result)


def token_settings(info: Info) -> TokenSettings:
    settings = info.context.settings
    return TokenSettings(
        key=settings.signing_key,
        access_ttl=settings.access_token_ttl,
        refresh_ttl=settings.refresh_token_ttl,
    )
