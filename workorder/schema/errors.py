"""The typed error every mutation payload carries."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from workorder.errors import ErrorCode, FlowError

P = TypeVar("P")

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")

# The domain's enum cannot carry GraphQL descriptions (workorder.errors knows no strawberry).
_DESCRIPTIONS = {
    ErrorCode.SERVICE_UNAVAILABLE: (
        "The database is away for a moment: only in a top-level error's extensions.code, "
        "answered with HTTP 503 and a Retry-After to wait before trying again."
    ),
}
_definition = ErrorCodeEnum.__strawberry_definition__  # type: ignore[attr-defined]
_definition.values = [
    dataclasses.replace(v, description=_DESCRIPTIONS.get(ErrorCode(v.value), v.description))
    for v in _definition.values
]


@strawberry.type(
    description="A reason the mutation changed nothing, next to the input it is about."
)
class UserError:
    code: ErrorCodeEnum  # type: ignore[valid-type]
    message: str
    field: list[str] | None = strawberry.field(
        default=None, description="Path of the input field, e.g. ['username']."
    )

    @classmethod
    def of(cls, error: FlowError) -> UserError:
        return cls(code=error.code, message=error.message, field=error.field)


def refused(payload: Callable[..., P], error: FlowError, **extra: Any) -> P:
    """A mutation that changed nothing answers its payload with only the errors (and what the
    refusal adds, e.g. a retry delay): every payload's other fields have defaults for this."""
    return payload(errors=[UserError.of(error)], **extra)
