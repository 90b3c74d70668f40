"""Schema extensions: limits, caches, and masking of unexpected errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator

from graphql.error import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from workorder.errors import FlowError
from workorder.settings import Settings

log = logging.getLogger("workorder.errors")


def _expose(error: GraphQLError) -> GraphQLError:
    """Keep what the client caused; replace anything else with an id pointing at the log."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error
    if isinstance(original, FlowError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": str(original.code), "field": original.field},
        )
    if isinstance(original, PermissionError):
        return GraphQLError(
            "Authentication required",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "UNAUTHENTICATED"},
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
        extensions={"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
    )


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [_expose(e) for e in errors]  # type: ignore[union-attr]


def extensions(settings: Settings) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Factories, so each operation gets its own extension instances."""
    return [
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=1000),
        lambda: ValidationCache(maxsize=1000),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
    ]
