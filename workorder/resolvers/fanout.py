"""A live push rendered once and written to every socket that asked for the same.

strawberry executes a subscription's selection set for every socket and every item: about
0.2 ms each here, so one push to 1,000 sockets spent 170 to 400 ms in execution alone before a
byte was written. A push is the same for every socket of one user that subscribed with the
same document and variables, so its `next` payload is executed once per (push, document,
variables, caller) in this process and the serialized payload is reused; each socket writes
only `{"id": …, "type": "next", "payload": …}` to its own WebSocket, from its own task, so a
slow socket waits alone (its broker queue is bounded and it is dropped with a resume hint
when full, as before). A per-socket part of a payload (a feed's cursor) is a placeholder in
the shared text, replaced per socket.

The graphql-transport-ws protocol stays strawberry's: `LiveTransportHandler` only notes which
operation a task runs, so that a resolver can write frames for it. Anywhere else (the legacy
graphql-ws protocol, a direct `schema.subscribe`) `Live.of` is None and the resolver yields
its items to strawberry as before.
"""

from __future__ import annotations

import inspect
import json
import secrets
from collections.abc import AsyncGenerator, Callable, Hashable
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, cast

from graphql import DocumentNode, ExecutionResult, parse
from graphql.execution import Executor, execute_subscription_event
from starlette.websockets import WebSocketDisconnect
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.types import ExecutionResult as StrawberryResult

from workorder.errors import ErrorCode
from workorder.flows.live.memory import LiveMemory, memory_of
from workorder.schema.context import Context, Info
from workorder.schema.extensions import expose

# Where a feed's cursor goes in a shared payload; random, so no data can contain it.
CURSOR = f"cursor-{secrets.token_hex(16)}"

_operation: ContextVar[Operation[Context, None] | None] = ContextVar(
    "workorder_operation", default=None
)


class LiveTransportHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, noting the operation each task runs, and
    giving every error it sends (`error` and `next` messages) its code, as HTTP answers do:
    strawberry's stream leaves a subscription's errors as raised."""

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        _operation.set(operation)  # the operation's own task: no one else sees it
        await super().run_operation(operation)

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: StreamResult
    ) -> None:
        await super()._send_result_stream(operation, _coded(result_source))

    async def handle_message(self, message: Message) -> None:
        """Every message counts against the client's address like an HTTP request does;
        past the budget a `subscribe` is answered with RATE_LIMITED (its cost would be spent
        too) and anything else is dropped unread."""
        limits = self.context.rate_limits
        if limits is not None:
            client = self.context.request.client
            spent = await limits.refused_request(client.host if client else "unknown")
            if spent is not None:
                raw: dict[str, Any] = dict(message)
                if raw.get("type") == "subscribe" and isinstance(raw.get("id"), str):
                    await self.send_message(_too_many(raw["id"], spent.retry_after))
                return
        await super().handle_message(message)


def _too_many(operation_id: str, retry_after: int) -> Message:
    error = {
        "message": f"Too many messages from this address; try again in {retry_after} s",
        "extensions": {"code": str(ErrorCode.RATE_LIMITED), "retryAfter": retry_after},
    }
    return cast(Message, {"id": operation_id, "type": "error", "payload": [error]})


async def _coded(results: StreamResult) -> AsyncGenerator[Any, None]:
    async for result in results:
        if isinstance(result, StrawberryResult) and result.errors:
            result.errors = [expose(e) for e in result.errors]
        yield result


class SocketGone(Exception):
    """The socket closed or the operation completed: the stream has nobody to send to."""


@lru_cache(maxsize=256)
def _document(query: str) -> DocumentNode:
    return parse(query)


class Live:
    """The operation a subscription resolver runs for, and how it writes pushes to it."""

    def __init__(self, info: Info, operation: Operation[Context, None]) -> None:
        self.info = info
        self.operation = operation
        self.memory: LiveMemory = memory_of(info.context.broker)
        self.variables = json.dumps(operation.variables or {}, sort_keys=True, default=str)
        actor = info.context.require_actor()
        # Everything a field may look at about the caller: sockets alike here share payloads.
        self.caller: Hashable = (
            actor.tenant_id,
            actor.user_id,
            actor.scopes,
            actor.roles,
            actor.permissions,
            actor.locale,
            actor.api_token_id,
        )

    @classmethod
    def of(cls, info: Info) -> Live | None:
        operation = _operation.get()
        return None if operation is None else cls(info, operation)

    async def send(self, push: Hashable, root: Callable[[], object], cursor: str = "") -> None:
        """Write the push's `next` frame; `root` makes what the stream would have yielded
        (with CURSOR where its cursor goes), called only by the first socket that renders."""
        operation = self.operation
        document = (operation.query, self.variables, operation.operation_name)
        key = ("frame", push, document, self.caller)
        payload = await self.memory.once(key, lambda: self._render(root()))
        if cursor:
            payload = payload.replace(CURSOR, cursor)
        if operation.completed:
            raise SocketGone
        frame = f'{{"id":{json.dumps(operation.id)},"type":"next","payload":{payload}}}'
        handler = operation.handler
        try:
            await handler.websocket.ws.send_text(frame)  # type: ignore[attr-defined]
        except (WebSocketDisconnect, RuntimeError) as gone:  # closed meanwhile
            raise SocketGone from gone

    async def _render(self, root: object) -> str:
        """The payload's JSON, executed as strawberry would for this socket's item."""
        context = self.info.context
        context.fresh(await self.memory.reach(context.require_actor()))
        schema = self.info.schema
        built = Executor.build(
            schema._schema,
            _document(self.operation.query),
            context_value=context,
            raw_variable_values=self.operation.variables,
            operation_name=self.operation.operation_name,
        )
        if isinstance(built, list):  # variables refused: they were accepted at subscribe
            result = ExecutionResult(None, built)
        else:
            outcome = execute_subscription_event(built.build_per_event_executor(root))
            result = await outcome if inspect.isawaitable(outcome) else outcome
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            schema.process_errors(result.errors)
            payload["errors"] = [expose(error).formatted for error in result.errors]
        return json.dumps(payload)


async def written(
    live: Live | None,
    info: Info,
    push: Hashable | None,
    root: Callable[[], object],
    cursor: str = "",
) -> bool:
    """Whether this item went out as the shared frame of a push (`Live.send`). If not (no
    push behind it: a catch-up row, a ready signal; or not graphql-transport-ws) the caller
    yields it to strawberry, and the context is made fresh for that first."""
    if live is not None and push is not None:
        await live.send(push, root, cursor)
        return True
    info.context.fresh()
    return False
