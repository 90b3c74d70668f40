"""Schema extensions: limits, caches, and masking of unexpected errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Set
from typing import Final

from graphql import BREAK, DocumentNode, ValidationRule, VisitorAction
from graphql.error import GraphQLError
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from workorder import db_outage
from workorder.documents import sha256_of, trusted_documents
from workorder.errors import ErrorCode, FlowError
from workorder.schema.cost import CostBudget
from workorder.settings import Settings

log = logging.getLogger("workorder.errors")

PAYLOAD_TOO_LARGE: Final = str(ErrorCode.PAYLOAD_TOO_LARGE)


def unavailable(error: GraphQLError | None = None) -> GraphQLError:
    """The one shape of "the database is away", wherever it was noticed."""
    return GraphQLError(
        db_outage.MESSAGE,
        nodes=error.nodes if error else None,
        path=error.path if error else None,
        extensions={"code": str(ErrorCode.SERVICE_UNAVAILABLE)},
    )


def expected(error: GraphQLError) -> bool:
    """Errors the client caused or an outage explains: nothing for the error log."""
    original = error.original_error
    return (
        original is None
        or isinstance(original, GraphQLError | FlowError | PermissionError)
        or db_outage.is_outage(original)
    )


def _coded(error: GraphQLError) -> GraphQLError:
    """graphql-core's own errors carry no code: before execution the document did not parse
    or fit the schema (or its variables did not); during it, a value broke the schema's
    promise (a null for a non-null field), which is ours to fix."""
    if error.path is None:
        code = (
            ErrorCode.GRAPHQL_PARSE_FAILED
            if error.message.startswith("Syntax Error")
            else ErrorCode.GRAPHQL_VALIDATION_FAILED
        )
    else:
        code = ErrorCode.INTERNAL_SERVER_ERROR
    error.extensions = {**(error.extensions or {}), "code": str(code)}
    return error


def expose(error: GraphQLError) -> GraphQLError:
    """Keep what the client caused; replace anything else with an id pointing at the log.
    Every error leaves with a code (`ErrorCode`)."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error if (error.extensions or {}).get("code") else _coded(error)
    if db_outage.is_outage(original):
        db_outage.noticed(original)
        return unavailable(error)
    if isinstance(original, FlowError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": str(original.code), "field": original.field},
        )
    if db_outage.is_unstorable_text(original):
        return GraphQLError(
            "Text with a character that cannot be stored (such as NUL)",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": str(ErrorCode.INVALID)},
        )
    if isinstance(original, PermissionError):
        return GraphQLError(
            "Authentication required",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": str(ErrorCode.UNAUTHENTICATED)},
        )
    error_id = uuid.uuid4().hex[:16]
    log.error(
        "unexpected error %s at %s",
        error_id,
        ".".join(str(p) for p in error.path or []),
        exc_info=original,
        extra={"error_id": error_id},
    )
    return GraphQLError(
        f"Internal error (reference {error_id})",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": str(ErrorCode.INTERNAL_SERVER_ERROR), "errorId": error_id},
    )


def _http_response(execution_context: object) -> Response | None:
    """The HTTP response an operation's status and headers go on; None over a WebSocket."""
    response = getattr(getattr(execution_context, "context", None), "response", None)
    return response if isinstance(response, Response) else None


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [expose(e) for e in errors]  # type: ignore[union-attr]
            codes = {(e.extensions or {}).get("code") for e in result.errors}  # type: ignore[union-attr]
            response = _http_response(self.execution_context)
            if str(ErrorCode.SERVICE_UNAVAILABLE) in codes and response is not None:
                response.status_code = 503
                response.headers["Retry-After"] = str(db_outage.RETRY_AFTER_SECONDS)


class DocumentSizeLimiter(SchemaExtension):
    """Refuse an oversized document before the parser spends the event loop on it: the token
    limit only stops the parser once it has read that far."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    def on_operation(self) -> Iterator[None]:
        query = self.execution_context.query
        if query is not None and len(query) > self.max_chars:
            response = _http_response(self.execution_context)
            if response is not None:
                response.status_code = 413
            raise GraphQLError(
                f"The query document has {len(query)} characters; at most {self.max_chars}",
                extensions={"code": PAYLOAD_TOO_LARGE},
            )
        yield


def trusted_documents_only(trusted: Set[str]) -> type[ValidationRule]:
    """With TRUSTED_DOCUMENTS_ONLY, validate only the manifest's documents. A validation rule,
    so it holds wherever an operation is validated (POST, GET, WebSocket) and is refused
    like any invalid document."""

    class TrustedDocumentsOnly(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> VisitorAction:
            text = node.loc.source.body if node.loc is not None else None
            if text is None or sha256_of(text) not in trusted:
                self.report_error(
                    GraphQLError(
                        "Only trusted documents are accepted",
                        extensions={"code": str(ErrorCode.DOCUMENT_NOT_TRUSTED)},
                    )
                )
            return BREAK

    return TrustedDocumentsOnly


class NoSubscriptionsOverHttp(SchemaExtension):
    """Subscriptions are served over the WebSocket only (graphql-transport-ws); over plain
    HTTP the request is refused with a 400, as the GraphQL-over-HTTP spec asks."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        if context.operation_type is OperationType.SUBSCRIPTION and not isinstance(
            request, WebSocket
        ):
            raise InvalidOperationTypeError(OperationType.SUBSCRIPTION)
        yield


def extensions(settings: Settings) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Factories, so each operation gets its own extension instances.

    The depth and alias limits are validation rules, built here once per schema and only
    added per operation: strawberry's limiters make a new rule class per instance, and
    ValidationCache keys on the rules, so a limiter built per operation made every
    validation a cache miss. The rule classes hold no state (graphql-core instantiates one
    per validation), so sharing them across concurrent operations is safe."""
    limits = (
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    )
    trusted = frozenset(trusted_documents(settings))
    if settings.trusted_documents_only:
        limits = (trusted_documents_only(trusted), *limits)
    return [
        lambda: DocumentSizeLimiter(max_chars=settings.max_query_chars),
        MaskUnexpectedErrors,
        NoSubscriptionsOverHttp,
        lambda: ParserCache(maxsize=1000),
        lambda: ValidationCache(maxsize=1000),
        lambda: CostBudget(settings.max_query_cost),  # after validation (see on_validate)
        lambda: AddValidationRules(list(limits)),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
    ]
