"""GET /files/{id}: an attachment's bytes, for callers the download rule lets through.
GET /jobs/{id}/file: a finished export's file, for whoever may follow the job and holds
ticket.export (403 for its starter without the grant any more).

Authentication is the same bearer token as /graphql (an access token or a partner API token),
from the Authorization header. Every refusal after authentication is a 404 — unknown id, another
tenant's file, a file the caller may not see — so ids reveal nothing, as with `node(id:)`.

Needs `app.state.settings` (for the signing key) and `app.state.storage` (a `Storage`).
"""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from workorder import ids
from workorder.auth.actor import Actor
from workorder.auth.sessions import authenticate
from workorder.auth.tokens import TokenError
from workorder.errors import ErrorCode, FlowError
from workorder.flows.exports.files import export_file
from workorder.flows.tickets.attachments import clean_content_type
from workorder.flows.tickets.downloads import downloadable
from workorder.http_errors import error_response
from workorder.settings import Settings
from workorder.storage import BlobNotFound, Storage

log = logging.getLogger(__name__)

_NOT_FOUND: Final = "File not found"


def bearer_token(value: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, token = (value or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def content_disposition(filename: str) -> str:
    """`attachment` with the name twice (RFC 6266): an ASCII fallback for old clients and the
    exact UTF-8 name in RFC 5987 form. `attachment` keeps browsers from rendering uploaded
    HTML or SVG inline on our origin."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\%' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_headers(content_type: str, size: int, filename: str, cache: str) -> dict[str, str]:
    """`nosniff` and `attachment`: a download is never rendered on our origin."""
    return {
        "Content-Type": content_type,
        "Content-Length": str(size),
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": cache,
    }


_CODES: Final = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The GraphQL error shape, as every other refusal of the service."""
    return error_response(status, message, str(_CODES[status]), headers)


async def _caller(request: Request, settings: Settings) -> Actor | Response:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return _error(401, "Authentication required", {"WWW-Authenticate": "Bearer"})
    try:
        return await authenticate(token, settings.signing_key)
    except TokenError as exc:
        return _error(401, str(exc), {"WWW-Authenticate": 'Bearer error="invalid_token"'})


async def download(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    storage: Storage = request.app.state.storage
    actor = await _caller(request, settings)
    if isinstance(actor, Response):
        return actor
    pk = ids.pk_of(request.path_params["id"], "Attachment")
    attachment = None if pk is None else await downloadable(actor, pk)
    if attachment is None:
        return _error(404, _NOT_FOUND)
    headers = file_headers(
        clean_content_type(attachment.content_type),
        attachment.size,
        attachment.filename,
        "private",
    )
    try:
        if request.method == "HEAD":
            if not await storage.exists(attachment.sha256):
                raise BlobNotFound(attachment.sha256)
            return Response(headers=headers)
        chunks = await storage.open(attachment.sha256)
    except BlobNotFound:
        # The row outlived its bytes: an operator's problem, not the caller's.
        log.error(
            "attachment file missing from storage",
            extra={"attachment_id": attachment.id, "sha256": attachment.sha256},
        )
        return _error(404, _NOT_FOUND)
    return StreamingResponse(chunks, headers=headers)


async def download_export(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    storage: Storage = request.app.state.storage
    actor = await _caller(request, settings)
    if isinstance(actor, Response):
        return actor
    pk = ids.pk_of(request.path_params["id"], "Job")
    if pk is None:
        return _error(404, _NOT_FOUND)
    try:
        found = await export_file(actor, pk)
        chunks = await storage.open(found.sha256)
    except FlowError as refused:
        if refused.code == ErrorCode.FORBIDDEN:
            return _error(403, refused.message)
        return _error(404, _NOT_FOUND)
    except BlobNotFound:
        log.error("export file missing from storage", extra={"job_id": pk})
        return _error(404, _NOT_FOUND)
    # no-store: an export is a snapshot of many tickets, not for shared or disk caches.
    headers = file_headers(found.content_type, found.size, found.filename, "private, no-store")
    return StreamingResponse(chunks, headers=headers)


def routes() -> list[Route]:
    return [
        Route("/files/{id}", download, methods=["GET"]),
        Route("/jobs/{id}/file", download_export, methods=["GET"]),
    ]
