"""Every root field but login, refreshToken and submitSurvey (a customer's survey token decides)
refuses anonymous callers with UNAUTHENTICATED."""

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from strawberry.types.base import get_object_definition

from workorder.resolvers.root import build_schema

OPEN = {"login", "refreshToken", "submitSurvey"}


def _selection(field_type) -> str:
    while isinstance(field_type, (GraphQLNonNull, GraphQLList)):
        field_type = field_type.of_type
    if isinstance(field_type, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    return " { __typename }"


def _dummy_args(field) -> str:
    args = []
    for name, arg in field.args.items():
        if isinstance(arg.type, GraphQLNonNull):
            inner = arg.type.of_type
            args.append(f"{name}: " + ('"x"' if isinstance(inner, GraphQLScalarType) else "{}"))
    return f"({', '.join(args)})" if args else ""


def _root_fields(settings):
    schema = build_schema(settings)._schema
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert isinstance(root, GraphQLObjectType)
        for name, field in root.fields.items():
            yield kind, name, field


def test_every_root_field_is_guarded(settings):
    # A field added without the guard fails here before it reaches a client.
    from workorder.resolvers import root

    for kind, name, _ in _root_fields(settings):
        cls = root.Query if kind == "query" else root.Mutation
        definition = next(
            f
            for f in get_object_definition(cls, strict=True).fields
            if f.graphql_name == name or f.python_name == _snake(name)
        )
        guarded = any(type(e).__name__ == "PermissionExtension" for e in definition.extensions)
        assert guarded == (name not in OPEN), name


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


@pytest.mark.parametrize("kind", ["query", "mutation"])
async def test_anonymous_calls_are_unauthenticated(api, settings, kind):
    for field_kind, name, field in _root_fields(settings):
        if field_kind != kind or name in OPEN:
            continue
        if any(
            isinstance(a.type, GraphQLNonNull) and not isinstance(a.type.of_type, GraphQLScalarType)
            for a in field.args.values()
        ):
            # input objects: send a syntactically valid but empty input via a variable-free
            # literal is invalid GraphQL; use the type's required fields as strings instead.
            continue
        body = await api.raw(f"{kind} {{ {name}{_dummy_args(field)}{_selection(field.type)} }}")
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", (name, body)


async def test_anonymous_mutations_with_input_are_unauthenticated(api, settings):
    from graphql import GraphQLInputObjectType

    for kind, name, field in _root_fields(settings):
        if kind != "mutation" or name in OPEN or "input" not in field.args:
            continue
        input_type = field.args["input"].type.of_type
        assert isinstance(input_type, GraphQLInputObjectType)
        variables = {
            "input": {
                k: _value(f.type)
                for k, f in input_type.fields.items()
                if isinstance(f.type, GraphQLNonNull)
            }
        }
        query = (
            f"mutation($input: {input_type.name}!) {{ {name}(input: $input) "
            f"{{ errors {{ code }} }} }}"
        )
        body = await api.raw(query, variables)
        assert body["data"] is None, name
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", (name, body)


def _value(gql_type):
    inner = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
    if isinstance(inner, GraphQLList):
        return []
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLScalarType) and inner.name == "Boolean":
        return False
    if isinstance(inner, GraphQLScalarType) and inner.name == "Int":
        return 1
    if isinstance(inner, GraphQLScalarType) and inner.name == "DateTime":
        return "2026-01-01T00:00:00+00:00"
    if isinstance(inner, GraphQLInputObjectType):
        return {
            k: _value(f.type) for k, f in inner.fields.items() if isinstance(f.type, GraphQLNonNull)
        }
    return "x"


async def test_login_is_open_and_introspection_is_allowed(api):
    body = await api.raw("{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
