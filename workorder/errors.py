"""The domain's error codes, shared by flows/ and auth/ and only exposed by GraphQL."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    CONFLICT = "CONFLICT"
    STALE = "STALE"
    WRONG_STATUS = "WRONG_STATUS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RATE_LIMITED = "RATE_LIMITED"  # too many failed logins: wait, then try again
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


class FlowError(Exception):
    """A rule said no. Carries what a client needs to show it next to the right input."""

    def __init__(self, code: ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field else None


def not_found(what: str, field: Sequence[str] | None = None) -> FlowError:
    return FlowError(ErrorCode.NOT_FOUND, f"{what} not found", field)


def forbidden(message: str = "You are not allowed to do this") -> FlowError:
    return FlowError(ErrorCode.FORBIDDEN, message)


def invalid(message: str, field: Sequence[str] | None = None) -> FlowError:
    return FlowError(ErrorCode.INVALID, message, field)


def conflict(message: str, field: Sequence[str] | None = None) -> FlowError:
    return FlowError(ErrorCode.CONFLICT, message, field)
