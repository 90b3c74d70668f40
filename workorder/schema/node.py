"""Relay global ids and the Node interface."""

from __future__ import annotations

import strawberry

from workorder import ids


@strawberry.interface(name="Node", description="An object with a global id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id: opaque, stable, unique across types; fetch the object again "
        "with node(id:)."
    )


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(ids.to_global_id(type_name, pk))


from_global_id = ids.from_global_id
pk_of = ids.pk_of
