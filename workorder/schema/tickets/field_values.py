"""A custom field's value on a ticket, as the ticket's `fields` shows it: the stored JSON and
the text a person reads (option labels, Yes/No, a cascade's path)."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from workorder.flows.templates.config import FieldDefinition, FieldType
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
        raw, definition = self.raw, self.definition
        if raw is None:
            return ""
        if definition.type == FieldType.CHECKBOX:
            return "Yes" if raw else "No"
        if definition.type in (FieldType.SELECT, FieldType.RADIO, FieldType.MULTI_SELECT):
            labels = {o.value: o.label for o in definition.options}
            items = raw if isinstance(raw, list) else [raw]
            return ", ".join(labels.get(str(v), str(v)) for v in items)
        if definition.type == FieldType.CASCADE and definition.dictionary_id is not None:
            shown, parent = [], None
            for value in raw if isinstance(raw, list) else []:
                level = await info.context.templates.children.load(
                    (definition.dictionary_id, parent)
                )
                item = next((i for i in level if i.value == value), None)
                shown.append(item.label if item else str(value))
                parent = item.id if item else None
            return " / ".join(shown)
        if definition.type == FieldType.ATTACHMENT and isinstance(raw, list):
            return f"{len(raw)} file(s)"
        return str(raw)
