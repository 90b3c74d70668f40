"""Every type, field, argument, input field and enum value of the schema says what it is for:
partners read the schema (introspection, schema.graphql) as the API's reference. Walked from
the schema itself, so whatever is added later is held to it too."""

from __future__ import annotations

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from workorder.resolvers.root import build_schema
from workorder.settings import Settings

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def _undescribed(schema: GraphQLSchema) -> list[str]:
    missing = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not kind.description:
            missing.append(f"type {name}")
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"field {name}.{field_name}")
                missing += [
                    f"argument {name}.{field_name}({arg})"
                    for arg, argument in field.args.items()
                    if not argument.description
                ]
        if isinstance(kind, GraphQLInputObjectType):
            missing += [
                f"input field {name}.{field_name}"
                for field_name, field in kind.fields.items()
                if not field.description
            ]
        if isinstance(kind, GraphQLEnumType):
            missing += [
                f"enum value {name}.{value_name}"
                for value_name, value in kind.values.items()
                if not value.description
            ]
    return missing


def test_everything_in_the_schema_is_described() -> None:
    schema = build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema
    assert _undescribed(schema) == []


def test_the_walk_finds_what_is_not_described() -> None:
    """The check itself: a schema with one bare field is caught."""

    @strawberry.type(description="Described.")
    class Query:
        bare: int = 0

    assert _undescribed(strawberry.Schema(query=Query)._schema) == ["field Query.bare"]
