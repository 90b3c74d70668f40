"""Global ids whose key no row can have (beyond PostgreSQL's `integer`, or SQLite's 64 bits)
are "not found" everywhere, never a driver error surfacing as a masked 500.

The cases are generated from the schema (by introspection): every argument of every query
and mutation that is, or holds somewhere inside its input, an ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    is_composite_type,
    is_required_argument,
    is_required_input_field,
)

from tests.support import Api, OrgBuilder, gid

BIG = [2**31, 2**63]

SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Date": "2026-01-01",
    "JSON": "x",
}


@dataclass(frozen=True)
class Case:
    root: str  # "query" or "mutation"
    field: str
    path: tuple[str, ...]  # argument name, then input field names down to the ID
    type_names: tuple[str, ...]  # the Node types the id is tried as

    def __str__(self) -> str:
        return f"{self.root} {self.field}({'.'.join(self.path)})"


def _unwrap(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def _id_paths(kind: GraphQLInputType, seen: frozenset[str]) -> list[tuple[str, ...]]:
    """Paths below an input type to each ID it holds (the empty path: it is an ID)."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLScalarType):
        return [()] if named.name == "ID" else []
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return []
    return [
        (name, *rest)
        for name, field in named.fields.items()
        for rest in _id_paths(field.type, seen | {named.name})
    ]


# Words for a user or a file in argument names (`assigneeId`, `memberIds`, `fileId`).
ROLES = {
    **dict.fromkeys(
        ["Assignee", "Creator", "Member", "Supervisor", "Superior", "Head", "Agent", "Follower"],
        "User",
    ),
    "File": "Attachment",
}


def _owner(names: list[str], node_types: list[str]) -> tuple[str, ...]:
    """The type an id names, guessed from the words around it, nearest first (`assigneeId`,
    `UpdateTemplateInput.id`, `dictionary(id:)`); every type with an id when no word names
    one (`node(id:)`)."""
    words = {**{t: t for t in node_types}, **ROLES}
    for name in reversed(names):
        stem = name.removesuffix("Input").removesuffix("Ids").removesuffix("Id")
        stem = stem[:1].upper() + stem[1:]
        named = [w for w in words if w in stem]
        if named:  # the word the name ends with, else the longest (`creatorGroupId`: Group)
            return (words[max(named, key=lambda w: (stem.rstrip("s").endswith(w), len(w)))],)
    return tuple(node_types)


def _value(kind: Any, path: tuple[str, ...] | None, target: str, pk: int) -> Any:
    """A value of `kind` with its required parts filled; the ID at `path` (None: not on the
    path) is the out-of-range id, any other ID a plain one."""
    kind = _unwrap(kind)
    if isinstance(kind, GraphQLList):
        return [_value(kind.of_type, path, target, pk)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLScalarType):
        if kind.name == "ID":
            return gid(target, pk if path == () else 1)
        return SCALARS[kind.name]
    assert isinstance(kind, GraphQLInputObjectType)
    value = {}
    for name, field in kind.fields.items():
        if path and path[0] == name:
            value[name] = _value(field.type, path[1:], target, pk)
        elif is_required_input_field(field):
            value[name] = _value(field.type, None, target, pk)
    return value


def _needs_upload(kind: Any) -> bool:
    named = get_named_type(kind)
    if isinstance(named, GraphQLScalarType):
        return named.name == "Upload"
    if isinstance(named, GraphQLInputObjectType):
        return any(
            isinstance(f.type, GraphQLNonNull) and _needs_upload(f.type)
            for f in named.fields.values()
        )
    return False


def _cases(schema: GraphQLSchema) -> list[Case]:
    node_types = sorted(
        name
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__") and "id" in kind.fields
    )
    found = []
    for root, kind in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert kind is not None
        for field_name, field in kind.fields.items():
            if any(_needs_upload(a.type) for a in field.args.values()):
                continue
            for arg_name, arg in field.args.items():
                for rest in _id_paths(arg.type, frozenset()):
                    path = (arg_name, *rest)
                    owner = _owner([field_name, *_input_names(arg.type, rest), *path], node_types)
                    found.append(Case(root, field_name, path, owner))
    return found


def _input_names(kind: Any, rest: tuple[str, ...]) -> list[str]:
    """The input types along a path (`UpdateTemplateInput` says whose `id` it holds)."""
    names = []
    for step in rest:
        named = get_named_type(kind)
        assert isinstance(named, GraphQLInputObjectType)
        names.append(named.name)
        kind = named.fields[step].type
    return names


def _operation(root: str, name: str, field: GraphQLField, given: list[str]) -> str:
    params = ", ".join(f"${a}: {field.args[a].type}" for a in given)
    args = ", ".join(f"{a}: ${a}" for a in given)
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    head = f"{root}({params})" if params else root
    return f"{head} {{ {name}{f'({args})' if args else ''}{selection} }}"


async def _sweep(api: Api, org: OrgBuilder) -> tuple[int, list[str]]:
    token = await org.token()
    introspection = await api.ok(get_introspection_query(), token=token)
    schema = build_client_schema(introspection)  # type: ignore[arg-type]
    cases = _cases(schema)
    failures = []
    for case in cases:
        root_type = schema.query_type if case.root == "query" else schema.mutation_type
        assert root_type is not None
        field = root_type.fields[case.field]
        given = [
            a for a, arg in field.args.items() if a == case.path[0] or is_required_argument(arg)
        ]
        query = _operation(case.root, case.field, field, given)
        for type_name in case.type_names:
            for pk in BIG:
                variables = {
                    a: _value(
                        field.args[a].type,
                        case.path[1:] if a == case.path[0] else None,
                        type_name,
                        pk,
                    )
                    for a in given
                }
                body = await api.raw(query, variables, token=token)
                errors = body.get("errors", [])
                codes = {(e.get("extensions") or {}).get("code") for e in errors}
                if "INTERNAL_SERVER_ERROR" in codes:
                    failures.append(f"{case} as {type_name}:{pk}")
                # A request the schema refuses never reaches the id: the walk must build valid ones.
                assert not any("has invalid value" in e["message"] for e in errors), (case, errors)
    return len(cases), failures


async def test_out_of_range_ids_are_never_an_internal_error(api: Api, org: OrgBuilder):
    count, failures = await _sweep(api, org)
    assert count > 50, "the walk found too few id arguments: is the schema walk broken?"
    assert failures == []


@pytest.mark.parametrize("pk", BIG)
async def test_download_routes_answer_404_for_out_of_range_ids(org, client, pk):
    headers = {"authorization": f"Bearer {await org.token()}"}
    for path in (f"/files/{gid('Attachment', pk)}", f"/jobs/{gid('Job', pk)}/file"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 404, path
