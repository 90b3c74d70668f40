"""The one way a mutation's outcome becomes its payload.

Every mutation runs its flow call through `mutate`: a FlowError (a refusal: bad input, not
found, no permission, a conflict) becomes the payload's `errors`, never a top-level GraphQL
error, and nothing else is caught, so a bug still surfaces as one. Resolvers only say how a
result fills their payload. (The refused payload itself is `schema.errors.refused`, which the
write-scope guard uses too, before any resolver runs.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from inspect import isawaitable
from typing import Any, TypeVar

from workorder.errors import FlowError
from workorder.schema.errors import refused

T = TypeVar("T")
P = TypeVar("P")


async def mutate(
    payload: Callable[..., P],
    action: Callable[[], Awaitable[T]],
    done: Callable[[T], P | Awaitable[P]],
    *,
    refusal: Callable[[FlowError], Mapping[str, Any]] | None = None,
) -> P:
    """Run `action`; its result becomes the payload through `done`, a FlowError the payload's
    errors (plus whatever fields `refusal` adds for that error, e.g. a retry delay)."""
    try:
        result = await action()
    except FlowError as error:
        return refused(payload, error, **(refusal(error) if refusal is not None else {}))
    made = done(result)
    if isawaitable(made):
        return await made
    return made
