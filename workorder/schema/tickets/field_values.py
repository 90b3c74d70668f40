"""A custom field's value on a ticket, as the ticket's `fields` shows it: the stored JSON and
the text a person reads (option labels, Yes/No, a cascade's path)."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from workorder.flows.templates.config import FieldDefinition
from workorder.flows.templates.field_kinds.table import display_value
from workorder.schema.context import Info
from workorder.schema.templates.types import FieldTypeEnum


@strawberry.type(description="A custom field's value on a ticket, ready to show.")
class FieldValue:
    definition: strawberry.Private[FieldDefinition]
    raw: strawberry.Private[Any]
    key: str
    type: FieldTypeEnum  # type: ignore[valid-type]

    @strawberry.field
    def label(self, info: Info) -> str:
        actor = info.context.actor
        return self.definition.label_for(actor.locale if actor else None)

    @strawberry.field(description="The stored JSON value.")
    def value(self) -> JSON | None:
        return cast(JSON | None, self.raw)

    @strawberry.field(description="The value as text for a person: option labels, Yes/No…")
    async def display(self, info: Info) -> str:
        children = info.context.templates.children
        return await display_value(
            self.definition,
            self.raw,
            lambda dictionary, parent: children.load((dictionary, parent)),
        )
