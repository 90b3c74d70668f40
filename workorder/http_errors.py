"""Refusals answered outside GraphQL execution (middleware, downloads) in the GraphQL error
shape, so a client reads every error from one place: `errors[].message` and
`errors[].extensions.code`."""

from __future__ import annotations

from starlette.responses import JSONResponse


def error_response(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status, headers=headers)
