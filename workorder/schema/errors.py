"""The typed error every mutation payload carries."""

from __future__ import annotations

import strawberry

from workorder.errors import ErrorCode, FlowError

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")


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
