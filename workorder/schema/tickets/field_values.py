"""A custom field's value on a ticket, as the ticket's `fields` shows it: the stored JSON and
the text a person reads (option labels, Yes/No, a cascade's path)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Generator
from typing import Any, TypeAlias, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from workorder.auth.actor import Actor
from workorder.flows.templates.branches import Form
from workorder.flows.templates.config import EditLimit, FieldDefinition
from workorder.flows.templates.field_kinds.table import display_now, display_value
from workorder.flows.tickets.rules import may_edit_fields
from workorder.models import DictionaryItem, Ticket
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
    editable: bool = strawberry.field(
        description="Whether you may change this value now: the ticket's current step lets "
        "its handler edit the field for the values as they are (a field rule may depend on "
        "another field), and you may save the ticket."
    )
    required: bool = strawberry.field(
        description="Whether the field must be filled before the ticket leaves its current "
        "step, for the values as they are (e.g. a reason once the decision is reject)."
    )

    @classmethod
    def of(
        cls,
        definition: FieldDefinition,
        raw: Any,
        locale: str | None,
        children: Children,
        *,
        editable: bool | Awaitable[bool] = False,
        required: bool = False,
    ) -> FieldValue:
        """`children` reads a cascade's dictionary levels, only if its display is asked for;
        `editable` may be awaitable too (read only if asked for)."""
        now = display_now(definition, raw)
        return cls(
            editable=cast(bool, editable),
            required=required,
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


class MayEdit:
    """Whether the caller may save one ticket, read (once) only when an `editable` asks."""

    __slots__ = ("actor", "edit_limit", "task", "ticket")

    def __init__(self, actor: Actor, ticket: Ticket, edit_limit: EditLimit) -> None:
        self.actor, self.ticket, self.edit_limit = actor, ticket, edit_limit
        self.task: asyncio.Task[bool] | None = None

    def answer(self) -> asyncio.Task[bool]:
        if self.task is None:
            self.task = asyncio.ensure_future(
                may_edit_fields(self.actor, self.ticket, self.edit_limit)
            )
        return self.task


class _EditableIf:
    """One field's `editable`: the field is editable at the step and the caller may save."""

    __slots__ = ("may",)

    def __init__(self, may: MayEdit) -> None:
        self.may = may

    def __await__(self) -> Generator[Any, None, bool]:
        return self.may.answer().__await__()


def editable_value(key: str, form: Form, may: bool | MayEdit) -> bool | Awaitable[bool]:
    if key not in form.editable or may is False:
        return False
    if may is True:
        return True
    return cast("Awaitable[bool]", _EditableIf(may))
