"""Queries generated from the schema itself: every field of every type a root field reaches,
so a test that sweeps with them covers types and fields added later without being told.

A selection is written out to a depth, never entering a type already on its path (no
cycles), with inline fragments for every type an interface or union may be. A field whose
arguments cannot all be left out needs a recipe (argument name → value), or the walk fails:
a path that nobody knows how to call is not silently skipped. Selections too big for the
server's token limit are split into several queries that together select the same leaves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    ast_from_value,
    get_named_type,
    print_ast,
)
from graphql.pyutils import Undefined

Recipe = Callable[[str, str, str, GraphQLArgument], Any]
"""(type name, field name, argument name, argument) → a value, or KeyError when none fits."""


class NoRecipe(LookupError):
    """A field needs an argument the walk does not know how to give."""


@dataclass
class Node:
    """One field in a selection: `head` is `name(args)` or `... on Type`."""

    head: str
    children: list[Node] = field(default_factory=list)

    def render(self) -> str:
        if not self.children:
            return self.head
        return self.head + " { " + " ".join(c.render() for c in self.children) + " }"

    def tokens(self) -> int:
        return len(
            re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\.\.\.|[{}():,$\[\]!]|\"[^\"]*\"", self.render())
        )


def _needed(arg: GraphQLArgument) -> bool:
    return isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined


def _arguments(owner: str, name: str, definition: GraphQLField, recipe: Recipe) -> str:
    given = []
    for arg_name, arg in definition.args.items():
        if not _needed(arg):
            continue
        try:
            value = recipe(owner, name, arg_name, arg)
        except KeyError:
            raise NoRecipe(f"{owner}.{name}({arg_name}:) has no recipe") from None
        literal = ast_from_value(value, arg.type)
        assert literal is not None, f"{owner}.{name}({arg_name}:) {value!r}"
        given.append(f"{arg_name}: {print_ast(literal)}")
    return f"{name}({', '.join(given)})" if given else name


class Walker:
    def __init__(self, schema: GraphQLSchema, recipe: Recipe, depth: int = 6) -> None:
        self.schema = schema
        self.recipe = recipe
        self.depth = depth

    def selection(self, named: GraphQLNamedType, path: tuple[str, ...]) -> list[Node]:
        """Everything under a type: its leaves, and its object fields to the depth."""
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return [
                Node(f"... on {t.name}", self.selection(t, (*path, named.name)))
                for t in self.schema.get_possible_types(named)
                if t.name not in path
            ] + ([Node("__typename")])
        assert isinstance(named, GraphQLObjectType)
        found: list[Node] = []
        for name, definition in named.fields.items():
            inner = get_named_type(definition.type)
            head = _arguments(named.name, name, definition, self.recipe)
            if not isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                found.append(Node(head))
                continue
            if inner.name in path or len(path) >= self.depth:
                continue
            children = self.selection(inner, (*path, named.name))
            if children:
                found.append(Node(head, children))
        return found

    def root(self, operation: GraphQLObjectType, name: str) -> Node:
        definition = operation.fields[name]
        head = _arguments(operation.name, name, definition, self.recipe)
        inner = get_named_type(definition.type)
        if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return Node(head, self.selection(inner, (operation.name,)))
        return Node(head)


def split(node: Node, budget: int) -> Iterator[Node]:
    """The node as one or more nodes of at most `budget` tokens that together hold every
    leaf of it (each keeps the path from the top)."""
    if node.tokens() <= budget or not node.children:
        yield node
        return
    leaves = [c for c in node.children if not c.children]
    if leaves:
        yield Node(node.head, leaves)
    for child in node.children:
        if child.children:
            for part in split(child, budget - len(node.head.split()) - 4):
                yield Node(node.head, [part])


def queries(
    walker: Walker, operation: GraphQLObjectType, keyword: str, budget: int = 3000
) -> Iterator[tuple[str, str]]:
    """(root field, document) for every field of the operation type."""
    for name in operation.fields:
        for part in split(walker.root(operation, name), budget):
            yield name, f"{keyword} {{ {part.render()} }}"
