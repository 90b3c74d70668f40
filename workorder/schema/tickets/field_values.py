"""A custom field's value on a ticket, as the ticket's `fields` shows it: the stored JSON and
the text a person reads (option labels, Yes/No, a cascade's path)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeAlias, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from workorder.flows.templates.config import FieldDefinition
from workorder.flows.templates.field_kinds.table import display_now, display_value
from workorder.models import DictionaryItem
from workorder.schema.templates.types import FieldTypeEnum

# (dictionary, parent item or None) -> that level's items: the request's templates.children.
Children: TypeAlias = DataLoader[tuple[int, int | None], list[DictionaryItem]]


@strawberry.type(description="A custom field's value on a ticket, ready to show.")
class FieldValue:
    definition: strawberry.Private[FieldDefinition]
    raw: strawberry.Private[Any]
    key: str = strawberry.field(description="The field's key in its template.")
    type: FieldTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The field's type: how `value` is shaped."
    )
    # Plain values, not resolvers: a list page shows a few hundred of them, and a resolver
    # costs strawberry several times what reading an attribute does.
    label: str = strawberry.field(
        description="The field's label in your language (your locale, else its base language, "
        "else the template's default)."
    )
    value: JSON | None = strawberry.field(description="The stored JSON value.")

    display: str = strawberry.field(
        description="The value as text for a person: option labels, Yes/No…"
    )

    @classmethod
    def of(
        cls, definition: FieldDefinition, raw: Any, locale: str | None, children: Children
    ) -> FieldValue:
        """`children` reads a cascade's dictionary levels, only if its display is asked for."""
        now = display_now(definition, raw)
        return cls(
            definition=definition,
            raw=raw,
            key=definition.key,
            type=definition.type,
            label=definition.label_for(locale),
            value=cast("JSON | None", raw),
            # graphql-core awaits a field's value when it is awaitable: a value that needs
            # dictionary reads is made then, and never when the field is not asked for.
            display=now if now is not None else cast(str, _Deferred(definition, raw, children)),
        )


class _Deferred:
    """A display that needs dictionary levels, read when graphql-core awaits it."""

    __slots__ = ("children", "definition", "raw")

    def __init__(self, definition: FieldDefinition, raw: Any, children: Children) -> None:
        self.definition, self.raw, self.children = definition, raw, children

    def __await__(self) -> Generator[Any, None, str]:
        children = self.children
        return display_value(
            self.definition,
            self.raw,
            lambda dictionary, parent: children.load((dictionary, parent)),
        ).__await__()
