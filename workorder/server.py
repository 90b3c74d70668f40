"""The Starlette application: /graphql (GraphiQL, POST, GET, graphql-transport-ws), health."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from workorder import db, db_outage, downloads
from workorder import media as media_types
from workorder.auth import passwords
from workorder.auth.passwords import HashCost
from workorder.auth.rate_limits import RateLimits
from workorder.auth.sessions import authenticate
from workorder.auth.throttle import LoginThrottle
from workorder.auth.tokens import TokenError
from workorder.documents import DocumentRefused, Documents
from workorder.errors import ErrorCode
from workorder.flows.reminders.firing import run_reminder_scheduler
from workorder.flows.sla.sla import run_sla_scheduler
from workorder.http_errors import error_response
from workorder.jobs.registry import job_kinds
from workorder.jobs.runner import Announce, JobRunner
from workorder.jobs.starting import JobQueue
from workorder.mail import make_sender
from workorder.mail.links import use_public_url
from workorder.middleware import (
    AddressLimitMiddleware,
    BodyLimitMiddleware,
    BusMiddleware,
    OutageMiddleware,
    RequestIdMiddleware,
)
from workorder.resolvers.fanout import LiveTransportHandler
from workorder.resolvers.root import build_schema
from workorder.schema.context import Context
from workorder.schema.extensions import PAYLOAD_TOO_LARGE, expose
from workorder.settings import Settings, load_settings
from workorder.storage import LocalStorage
from workorder.subscriptions.broker import Broker, RedisOptions, make_broker

log = logging.getLogger(__name__)


_HTTP_CODES = {404: str(ErrorCode.NOT_FOUND), 413: PAYLOAD_TOO_LARGE}


def _bearer(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


class WorkorderGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our typed context and token authentication."""

    graphql_transport_ws_handler_class = LiveTransportHandler

    def __init__(self, settings: Settings, documents: Documents, **kwargs: Any) -> None:
        super().__init__(build_schema(settings), **kwargs)
        self.settings = settings
        self.documents = documents

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """strawberry answers a malformed request in text/plain; we answer in the error shape."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media = request.state.media = media_types.negotiate(request.headers.get("accept"))
        try:
            response = await self.run(request)
        except HTTPException as refused:
            code = _HTTP_CODES.get(refused.status_code, str(ErrorCode.INVALID))
            response = error_response(refused.status_code, refused.reason, code)
        except StarletteHTTPException as refused:  # a multipart part over 1 MiB, and the like
            code = _HTTP_CODES.get(refused.status_code, str(ErrorCode.INVALID))
            response = error_response(refused.status_code, refused.detail, code)
        except DocumentRefused as refused:
            response = error_response(refused.status, refused.message, refused.code)
            if refused.code == ErrorCode.PERSISTED_QUERY_NOT_FOUND:
                # Apollo's clients send the text next; legacy JSON keeps its 200, and no
                # cache may keep the miss.
                response.headers["cache-control"] = "private, no-cache, must-revalidate"
                if media == media_types.JSON:
                    response.status_code = 200
        json_body = response.headers.get("content-type", "").startswith(media_types.JSON)
        if media == media_types.GRAPHQL_RESPONSE and json_body:  # not GraphiQL, not a stream
            response.headers["content-type"] = f"{media}; charset=utf-8"
            # Nothing ran: 400, unless a more telling status was set (413, 429, 503).
            if getattr(request.state, "request_error", False) and response.status_code == 200:
                response.status_code = 400
        await response(scope, receive, send)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A GET naming a persisted query is an API call, whatever the client accepts."""
        named = request.query_params.get("extensions") is not None
        return not named and super().should_render_graphql_ide(request)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """A document named by its hash (persisted queries) is looked up here."""
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            data.query = await self.documents.resolve(data.query, data.extensions)
        return data

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A request error (nothing executed) is a 400 without `data` for a client that
        accepts application/graphql-response+json (the GraphQL-over-HTTP spec).

        Every error is given its code here too: one that stops the parser leaves strawberry
        outside the operation, where the schema's error mask never sees it."""
        if result.errors:
            result.errors = [expose(e) for e in result.errors]
        response = await super().process_result(request, result)
        if media_types.is_request_error(result):
            request.state.request_error = True
            if request.state.media == media_types.GRAPHQL_RESPONSE:
                response.pop("data", None)
        return response

    def decode_json(self, data: str | bytes) -> object:
        """A WebSocket message: nesting deeper than the parser's recursion is malformed JSON
        (the socket is closed with 4400), not a crash of the connection."""
        try:
            return json.loads(data)
        except RecursionError as exc:
            raise json.JSONDecodeError("Nested too deeply", "", 0) from exc

    def parse_json(self, data: str | bytes) -> Any:
        """Only a JSON object (or a list, refused as a batch) is a request. Invalid UTF-8 and
        nesting deeper than the parser's recursion are malformed JSON like any other."""
        try:
            value = json.loads(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError too
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(value, dict | list):
            raise HTTPException(400, "Expected a JSON object")
        return value

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        broker: Broker = request.app.state.broker
        context = Context(
            request=request,
            response=response,
            settings=self.settings,
            broker=broker,
            rate_limits=request.app.state.rate_limits,
        )
        if isinstance(request, Request):
            token = _bearer(request.headers.get("authorization"))
            if token:
                try:
                    context.authenticate(await authenticate(token, self.settings.signing_key))
                except TokenError as exc:
                    context.auth_error = str(exc)
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Browsers cannot set socket headers: the token comes in connection_init."""
        params = context.connection_params
        token = _bearer(params.get("authorization") or params.get("Authorization"))
        raw = params.get("token")
        if token is None and isinstance(raw, str) and raw:
            token = raw
        if not token:
            raise ConnectionRejectionError({"message": "Authentication required"})
        try:
            actor = await authenticate(token, self.settings.signing_key)
        except TokenError as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from exc
        except Exception as exc:
            if not db_outage.is_outage(exc):
                raise
            db_outage.noticed(exc)
            raise ConnectionRejectionError(
                {"message": db_outage.MESSAGE, "code": str(ErrorCode.SERVICE_UNAVAILABLE)}
            ) from exc
        context.authenticate(actor)
        if actor.expires_at is not None and isinstance(context.request, WebSocket):
            context.request.app.state.expiries.add(context.request, actor.expires_at)
        return cast(UnsetType, UNSET)


# Not 4401: the stock graphql-ws client (v6) treats 4401 as fatal and ends every
# subscription for good, while it retries any 4xxx code it has no meaning for, asking its
# `connectionParams` again, so a client that refreshes its token there carries on by itself.
TOKEN_EXPIRED = 4419


class Expiries:
    """Sockets to close when their token expires, with TOKEN_EXPIRED: the client reconnects
    with a fresh token, resuming its feeds with the last cursor (docs/realtime.md).

    One timer for the whole process (the earliest expiry, `loop.call_at`), not a task per
    socket that wakes up every few seconds: thousands of idle agents cost no wake-ups. A
    socket is held weakly, so one the client closed first is let go at once, not at its
    token's expiry."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, weakref.ref[WebSocket]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gone = 0  # entries whose socket is no more
        self._closing: set[asyncio.Task[None]] = set()

    def add(self, socket: WebSocket, expires_at: datetime) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): the old one's timer is dead
            self._heap, self._timer, self._loop, self._gone = [], None, loop, 0
        left = max(0.0, (expires_at - datetime.now(UTC)).total_seconds())
        when = loop.time() + left
        heapq.heappush(self._heap, (when, next(self._order), weakref.ref(socket, self._lost)))
        if self._timer is None or when < self._timer.when():
            self._arm()

    def holding(self) -> int:
        """Sockets still held (open, and waiting for their expiry)."""
        return sum(1 for _, _, ref in self._heap if ref() is not None)

    def _lost(self, _: weakref.ref[WebSocket]) -> None:
        self._gone += 1
        if self._gone > 64 and self._gone * 2 > len(self._heap):
            self._heap = [entry for entry in self._heap if entry[2]() is not None]
            heapq.heapify(self._heap)
            self._gone = 0

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        if self._heap and self._loop is not None:
            self._timer = self._loop.call_at(self._heap[0][0], self._due)

    def _due(self) -> None:
        assert self._loop is not None
        now = self._loop.time()
        while self._heap and self._heap[0][0] <= now:
            socket = heapq.heappop(self._heap)[2]()
            if socket is None:
                self._gone = max(0, self._gone - 1)
                continue
            task = self._loop.create_task(_close_expired(socket), name="ws-token-expiry")
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        self._timer = None
        self._arm()


async def _close_expired(socket: WebSocket) -> None:
    if WebSocketState.DISCONNECTED in (socket.client_state, socket.application_state):
        return
    with contextlib.suppress(Exception):  # already closed by the client: nothing to do
        await socket.close(code=TOKEN_EXPIRED, reason="Access token expired")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Each check gets READINESS_TIMEOUT_SECONDS, both at once: a database or Redis that
    does not answer (frozen, unreachable) makes this a prompt 503, never a hang."""
    settings: Settings = request.app.state.settings
    broker: Broker = request.app.state.broker
    wait = settings.readiness_timeout_seconds

    async def check(name: str, probe: Callable[[], Awaitable[None]]) -> str:
        try:
            await asyncio.wait_for(probe(), wait)
        except Exception as exc:  # any failure, a timeout included, means not ready
            log.warning("readiness: %s unreachable: %r", name, exc)
            return "unreachable"
        return "ok"

    database, broker_state = await asyncio.gather(
        check("database", db.ping), check("broker", broker.ping)
    )
    checks = {"database": database, "broker": broker_state}
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", **checks}, 200 if ready else 503
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    settings.signing_key  # noqa: B018 - fail at start-up, not at the first login
    passwords.use_cost(HashCost(settings.password_hashing))
    use_public_url(settings.public_url)  # links in mail
    sender = make_sender(settings)  # a bad SMTP_URL stops start-up too
    # The kinds of job this server starts and runs: built here, as the worker builds its own.
    kinds = job_kinds(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with db.open_database(settings.database):
            # Its sender task (pushes leave after commit, never holding a response) lives
            # from start() to close().
            broker = make_broker(settings.redis_url, RedisOptions.of(settings))
            await broker.start()
            app.state.broker = broker
            stop = asyncio.Event()
            mail = asyncio.create_task(sender.run(stop), name="mail-sender") if sender else None
            # Every process checks: the claim's conditional UPDATE tells each breach once.
            sla = (
                asyncio.create_task(
                    run_sla_scheduler(broker, settings.sla_check_seconds, stop),
                    name="sla-scheduler",
                )
                if settings.sla_check_seconds > 0
                else None
            )
            # Every process scans: the claim's conditional UPDATE fires each reminder once.
            reminders = (
                asyncio.create_task(
                    run_reminder_scheduler(broker, settings.reminder_check_seconds, stop),
                    name="reminder-scheduler",
                )
                if settings.reminder_check_seconds > 0
                else None
            )
            # Every process may run jobs: the claim's conditional UPDATE gives each to one.
            runner = (
                JobRunner(kinds, broker, poll=settings.job_poll_seconds, storage=app.state.storage)
                if settings.job_poll_seconds > 0
                else None
            )
            jobs = (
                asyncio.create_task(runner.run(stop), name="job-runner")
                if runner is not None
                else None
            )
            queues: list[JobQueue] = [runner] if runner is not None else []
            redis_queue = None
            if settings.redis_url is not None:
                from workorder.jobs.queue import SaqJobQueue

                redis_queue = SaqJobQueue(settings.redis_url, RedisOptions.of(settings))
                queues.append(redis_queue)
            app.state.job_runner = runner
            app.state.job_queue = Announce(queues)
            log.info("workorder started", extra={"database": settings.database.split("://")[0]})
            try:
                yield
            finally:
                stop.set()
                if jobs is not None:
                    # A job running now is handed back between two chunks (or, cut off,
                    # resumed by any runner once its lease runs out).
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(jobs, timeout=15)
                if redis_queue is not None:
                    await redis_queue.close()
                if mail is not None:
                    # A mail cut off here stays leased and is retried when its lease ends.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(mail, timeout=15)
                if sla is not None:
                    # A round cut off here rolls back: the next start tells what it missed.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(sla, timeout=15)
                if reminders is not None:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(reminders, timeout=15)
                await broker.close()
                await app.state.login_throttle.close()
                await documents.registry.close()
                await app.state.rate_limits.close()
                log.info("workorder stopped")

    documents = Documents.of(settings)
    graphql = WorkorderGraphQL(
        settings,
        documents,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        keep_alive=True,
        keep_alive_interval=15,
        multipart_uploads_enabled=True,
        allowed_origins=settings.cors_origins,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *downloads.routes(),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(AddressLimitMiddleware),
            Middleware(BusMiddleware),
            Middleware(
                BodyLimitMiddleware,
                limit=settings.max_body_bytes,
                upload_limit=settings.max_upload_bytes + 1024 * 1024,
            ),
            Middleware(OutageMiddleware),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id", "content-disposition"],
                max_age=600,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.storage = LocalStorage(settings.storage)
    app.state.job_kinds = kinds
    app.state.login_throttle = LoginThrottle.of(settings)
    app.state.rate_limits = RateLimits.of(settings)
    app.state.expiries = Expiries()
    return app
