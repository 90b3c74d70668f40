"""The domain's error codes, shared by flows/ and auth/ and only exposed by GraphQL."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    """Every code a refusal carries, wherever it is read: a payload's `errors[].code`, a
    top-level error's `extensions.code` over HTTP or WebSocket. One list, so a client
    handles each code once (the GraphQL enum describes each value)."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    CONFLICT = "CONFLICT"
    STALE = "STALE"
    WRONG_STATUS = "WRONG_STATUS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # Only at the top level: the request itself, before or instead of running.
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class FlowError(Exception):
    """A rule said no. Carries what a client needs to show it next to the right input; a
    refusal about several inputs at once keeps each as one of its `parts`, so that a payload
    lists them apart (its own message sums them up for a top-level error)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: Sequence[str] | None = None,
        parts: Sequence[FlowError] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field else None
        self.parts = list(parts)

    def each(self) -> list[FlowError]:
        """The refusals one by one: its parts, or itself."""
        return self.parts or [self]


def not_found(what: str, field: Sequence[str] | None = None) -> FlowError:
    return FlowError(ErrorCode.NOT_FOUND, f"{what} not found", field)


def forbidden(message: str = "You are not allowed to do this") -> FlowError:
    return FlowError(ErrorCode.FORBIDDEN, message)


def invalid(message: str, field: Sequence[str] | None = None) -> FlowError:
    return FlowError(ErrorCode.INVALID, message, field)


def conflict(message: str, field: Sequence[str] | None = None) -> FlowError:
    return FlowError(ErrorCode.CONFLICT, message, field)
