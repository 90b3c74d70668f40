"""The typed error every mutation payload carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from workorder.errors import ErrorCode, FlowError
from workorder.schema.describe import described_enum

P = TypeVar("P")

ErrorCodeEnum = strawberry.enum(
    ErrorCode,
    name="ErrorCode",
    description="Why a request was refused: the one list of codes for payload errors "
    "(UserError.code) and top-level errors (extensions.code) over HTTP and WebSocket.",
)

# The domain's enum cannot carry GraphQL descriptions (workorder.errors knows no strawberry).
_DESCRIPTIONS = {
    ErrorCode.NOT_FOUND: "No such thing, or not one you may see (the two are not told apart).",
    ErrorCode.FORBIDDEN: "You may see it but not do this to it (your role, scope or grant).",
    ErrorCode.INVALID: "An input is wrong: `field` is its path; change it and send again.",
    ErrorCode.CONFLICT: "It clashes with what exists (a name taken, a link already there).",
    ErrorCode.STALE: "Someone changed it since you read it (expectedVersion): read it again.",
    ErrorCode.WRONG_STATUS: "Not in a status that allows this action now.",
    ErrorCode.UNAUTHENTICATED: (
        "No caller, or the token was refused (expired, revoked, logged out): sign in again."
    ),
    ErrorCode.RATE_LIMITED: (
        "Too many tries or requests: wait the seconds given (retryAfter, Retry-After) first."
    ),
    ErrorCode.SERVICE_UNAVAILABLE: (
        "The database is away for a moment: only in a top-level error's extensions.code, "
        "answered with HTTP 503 and a Retry-After to wait before trying again."
    ),
    ErrorCode.GRAPHQL_PARSE_FAILED: "Top level only: the document is not GraphQL.",
    ErrorCode.GRAPHQL_VALIDATION_FAILED: (
        "Top level only: the document does not fit the schema, or its variables do not."
    ),
    ErrorCode.PAYLOAD_TOO_LARGE: "Top level only: the body or the document is over its limit.",
    ErrorCode.MAX_COST_EXCEEDED: (
        "Top level only: the operation would cost more than one may (extensions.cost): ask "
        "for smaller pages or fewer fields."
    ),
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: (
        "Top level only: no document is known by that hash: send the text with it once."
    ),
    ErrorCode.DOCUMENT_NOT_TRUSTED: (
        "Top level only: this service runs only the documents its front ends registered."
    ),
    ErrorCode.INTERNAL_SERVER_ERROR: (
        "Top level only: our fault; extensions.errorId points at the log entry."
    ),
}
described_enum(ErrorCodeEnum, _DESCRIPTIONS)


@strawberry.type(
    description="A reason the mutation changed nothing, next to the input it is about."
)
class UserError:
    code: ErrorCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What kind of refusal: branch on this, not on the message."
    )
    message: str = strawberry.field(
        description="What went wrong, in English, for a person to read; may change wording."
    )
    field: list[str] | None = strawberry.field(
        default=None, description="Path of the input field, e.g. ['username']."
    )

    @classmethod
    def of(cls, error: FlowError) -> UserError:
        return cls(code=error.code, message=error.message, field=error.field)


def refused(payload: Callable[..., P], error: FlowError, **extra: Any) -> P:
    """A mutation that changed nothing answers its payload with only the errors, each input's
    apart (and what the refusal adds, e.g. a retry delay): every payload's other fields have
    defaults for this."""
    return payload(errors=[UserError.of(e) for e in error.each()], **extra)
