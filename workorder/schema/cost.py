"""What an operation costs, worked out from its document before it runs.

Every field selected costs 1; a field that returns a page (a `first`/`last` argument, or a
`…Connection` type without one, which then gives its default page) multiplies what is
selected under it by the page size. So `tickets(first: 50) { edges { node { id title } } }`
costs 1 + 50 * (1 + 1 + 2) = 201: the rows a response can hold, which is what a query makes
the service read and serialise. Arguments given as variables count with the values sent.
`__typename` is free. Used by the cost budget (`CostBudget`) and reported in
`extensions.cost`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_interface_type,
    is_object_type,
)
from graphql.error import GraphQLError
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from workorder.auth.rate_limits import RateLimits, Spent, caller_key
from workorder.errors import ErrorCode
from workorder.paging import DEFAULT_PAGE

PAGE_ARGUMENTS = ("first", "last")


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of the operation a request runs (0 if it names none: validation says why)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return _Walk(schema, fragments, variables or {}, operation).cost(root, operation.selection_set)


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        operation: OperationDefinitionNode,
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.defaults = {
            d.variable.name.value: d.default_value for d in operation.variable_definitions or ()
        }

    def cost(self, parent: Any, selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(kind, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(kind, fragment.selection_set)
        return total

    def field(self, parent: Any, node: FieldNode) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        definition = None
        if is_object_type(parent) or is_interface_type(parent):
            definition = parent.fields.get(name)
        if definition is None:  # introspection (__schema, __type): its own types below
            definition = _introspection_field(self.schema, name)
        if definition is None:
            return 1
        returned = get_named_type(definition.type)
        below = self.cost(returned, node.selection_set)
        return 1 + self.page(node, returned) * below

    def page(self, node: FieldNode, returned: Any) -> int:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                size = self.value(argument.value)
                if size is not None:
                    return max(size, 1)
        if isinstance(returned, GraphQLObjectType) and returned.name.endswith("Connection"):
            return DEFAULT_PAGE
        return 1

    def value(self, node: Any) -> int | None:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            given = self.variables.get(node.name.value)
            if isinstance(given, int):
                return given
            default = self.defaults.get(node.name.value)
            return int(default.value) if isinstance(default, IntValueNode) else None
        return None


def _introspection_field(schema: GraphQLSchema, name: str) -> Any:
    return {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}.get(name)


class CostBudget(SchemaExtension):
    """Refuse an operation that costs more than MAX_QUERY_COST, then spend its cost from the
    caller's budget, both before it runs: checked after validation (an invalid document
    costs nothing), on every transport. The result carries `extensions.cost`; an HTTP
    response also the RateLimit-* headers, and 429 with Retry-After when the budget is out."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost
        self.spent: Spent | None = None
        self.cost: int | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        # Listed after the validation cache, which has validated by now.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            error = await self._charge(context)
            if error is not None:
                context.pre_execution_errors = [error]
        yield

    async def _charge(self, execution: ExecutionContext) -> GraphQLError | None:
        cost = operation_cost(
            execution.schema._schema,
            cast(DocumentNode, execution.graphql_document),
            execution.operation_name,
            execution.variables,
        )
        self.cost = cost
        if cost > self.max_cost:
            return GraphQLError(
                f"This operation costs {cost}; at most {self.max_cost} per operation. "
                "Ask for smaller pages (first) or fewer fields.",
                extensions={"code": str(ErrorCode.MAX_COST_EXCEEDED), "cost": cost},
            )
        context = execution.context
        limits: RateLimits | None = getattr(context, "rate_limits", None)
        if limits is None:
            return None
        client = getattr(getattr(context, "request", None), "client", None)
        caller = caller_key(context.actor, client.host if client else None)
        spent = self.spent = await limits.spend(caller, cost)
        response = getattr(context, "response", None)
        if isinstance(response, Response) and spent.limit:
            response.headers.update(rate_limit_headers(spent, limits.window))
            if not spent.allowed:
                response.status_code = 429
                response.headers["Retry-After"] = str(spent.retry_after)
        if spent.allowed:
            return None
        return GraphQLError(
            f"Rate limit: this operation costs {cost} and {spent.remaining} of "
            f"{spent.limit} points are left; try again in {spent.retry_after} s.",
            extensions={
                "code": str(ErrorCode.RATE_LIMITED),
                "cost": cost,
                "retryAfter": spent.retry_after,
            },
        )

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost`: what the operation cost and, when budgets are kept, the
        caller's budget after it."""
        if self.cost is None:
            return {}
        spent = self.spent
        if spent is None or not spent.limit:
            return {"cost": {"requested": self.cost}}
        return {
            "cost": {
                "requested": self.cost,
                "limit": spent.limit,
                "remaining": spent.remaining,
                "resetSeconds": spent.reset_seconds,
            }
        }


def rate_limit_headers(spent: Spent, window: int) -> dict[str, str]:
    """The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): the budget, what is
    left and when it is back, and the policy (points per window)."""
    return {
        "RateLimit-Limit": str(spent.limit),
        "RateLimit-Remaining": str(spent.remaining),
        "RateLimit-Reset": str(spent.reset_seconds),
        "RateLimit-Policy": f"{spent.limit};w={window}",
    }
