"""The ASGI middleware around every route: request ids, requests per client address, the bus
binding, body limits, and a lost database answered as a 503."""

from __future__ import annotations

import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workorder import db_outage
from workorder.auth.rate_limits import RateLimits
from workorder.errors import ErrorCode
from workorder.flows.unit_of_work import bind_bus, bind_jobs
from workorder.http_errors import error_response
from workorder.logs import request_id
from workorder.schema.cost import rate_limit_headers
from workorder.schema.extensions import PAYLOAD_TOO_LARGE


def unavailable_response() -> JSONResponse:
    return error_response(
        503,
        db_outage.MESSAGE,
        str(ErrorCode.SERVICE_UNAVAILABLE),
        {"Retry-After": str(db_outage.RETRY_AFTER_SECONDS)},
    )


class RequestIdMiddleware:
    """Tags every log line of a request, and the response, with one id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode()
        rid = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            # A socket's frames carry no headers: its sends go straight through (a push to
            # thousands of sockets pays no wrapper per frame).
            await self.app(scope, receive, send if scope["type"] == "websocket" else send_with_id)
        finally:
            request_id.reset(token)


class BusMiddleware:
    """Binds the process's broker as the bus of each request and each socket, and its job
    queue as their wake-up call: the actions they run publish there after commit, and the
    jobs they write (webhook deliveries) are announced to the runners at once rather than
    found on their next look (`flows.unit_of_work`). A socket's operations run in tasks its
    connection creates, so they inherit the binding."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        queue = getattr(state, "job_queue", None)
        with bind_bus(getattr(state, "broker", None)), bind_jobs(queue.push if queue else None):
            await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse a request body over its limit before anything buffers it (413), whether it
    declares its length or streams it. A multipart upload may be large (its files go to a
    temporary disk); any other body (JSON, GraphQL) is parsed whole on the event loop, so its
    limit is small: one huge body must not stall every other request."""

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = self.upload_limit if kind == b"multipart/form-data" else self.limit
        too_large = error_response(
            413, f"Request body too large (at most {limit} bytes)", PAYLOAD_TOO_LARGE
        )
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit and not refused:
                refused = True
                await too_large(scope, receive, send)
            # Past the limit the app is told the client left: it stops reading at once.
            return {"type": "http.disconnect"} if refused else message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise


class OutageMiddleware:
    """A lost database anywhere outside GraphQL execution (authenticating the bearer, the
    download routes) is a 503 with Retry-After, not a text/plain 500 with a traceback.
    Errors inside execution are answered by the schema's error mask the same way."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started or not db_outage.is_outage(exc):
                raise
            db_outage.noticed(exc)
            await unavailable_response()(scope, receive, send)


class AddressLimitMiddleware:
    """Every request and WebSocket connection counts against its client address, before
    anything else runs (no token needed to be stopped); the health probes do not count.
    Refused with 429 and Retry-After; a socket is closed before it is accepted (uvicorn
    answers the handshake 403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in _PROBES:
            await self.app(scope, receive, send)
            return
        limits: RateLimits = scope["app"].state.rate_limits
        client = scope.get("client")
        spent = await limits.refused_request(client[0] if client else "unknown")
        if spent is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "Too many requests"})
        else:
            refused = error_response(
                429,
                f"Too many requests from this address; try again in {spent.retry_after} s",
                str(ErrorCode.RATE_LIMITED),
                {"Retry-After": str(spent.retry_after)} | rate_limit_headers(spent, limits.window),
            )
            await refused(scope, receive, send)


_PROBES = frozenset({"/healthz", "/readyz"})
