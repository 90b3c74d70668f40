"""Descriptions for GraphQL enums made from the domain's enums: the domain modules know no
strawberry, so the text each value shows a client is given here, in the schema layer."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)


def described_enum(graphql_enum: Any, descriptions: Mapping[E, str]) -> Any:
    """`graphql_enum` (a `strawberry.enum(DomainEnum, ...)`) with a description on each value
    named in `descriptions`, keyed by the domain enum's members. Returns it, for use inline."""
    definition = graphql_enum.__strawberry_definition__
    by_value = {member.value: text for member, text in descriptions.items()}
    definition.values = [
        dataclasses.replace(v, description=by_value.get(v.value, v.description))
        for v in definition.values
    ]
    return graphql_enum
