"""GraphQL-over-HTTP media types: which one a client accepts, and what a request error is.

The spec's `application/graphql-response+json` lets a client read the outcome from the
status code: a request that never reached execution (unparsable, invalid, variables that do
not coerce) is a 400 without a `data` entry. Legacy `application/json` keeps 200 for every
well-formed request, as clients of that type expect. `*/*` and no Accept header mean JSON.
"""

from __future__ import annotations

from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header: the GraphQL response type when the
    client prefers it (or ranks it equal to JSON, as the spec asks), JSON otherwise."""
    ranks = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for item in (accept or "").split(","):
        kind, *parameters = item.split(";")
        kind = kind.strip().lower()
        if kind in ranks:
            ranks[kind] = max(ranks[kind], _quality(parameters))
    if ranks[GRAPHQL_RESPONSE] > 0 and ranks[GRAPHQL_RESPONSE] >= ranks[JSON]:
        return GRAPHQL_RESPONSE
    return JSON


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed: the document did not parse or validate, or the variables did
    not coerce (graphql-core's errors before execution carry no field path)."""
    if isinstance(result, PreExecutionError):
        return True
    return (
        result.data is None
        and bool(result.errors)
        and all(e.path is None for e in result.errors or ())
    )
