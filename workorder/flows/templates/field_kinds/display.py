"""A custom field's value as the text a person reads: option labels, Yes/No, a cascade's path
of item labels, a count of files. Cascade labels come from the dictionary level by level,
through a loader the caller passes (GraphQL batches those reads per request)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from workorder.flows.templates.config import FieldDefinition


class Item(Protocol):
    """A dictionary item as display reads it."""

    @property
    def id(self) -> int: ...

    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


# (dictionary id, parent item id or None for the top level) -> that level's items.
Levels = Callable[[int, int | None], Awaitable[Sequence[Item]]]


class Display(Protocol):
    """A non-null stored value as text for a person."""

    async def __call__(self, definition: FieldDefinition, raw: Any, levels: Levels) -> str: ...


async def as_text(definition: FieldDefinition, raw: Any, levels: Levels) -> str:
    return str(raw)


async def yes_no(definition: FieldDefinition, raw: Any, levels: Levels) -> str:
    return "Yes" if raw else "No"


async def option_labels(definition: FieldDefinition, raw: Any, levels: Levels) -> str:
    """The options' labels (a value no option has any more, as it is), comma-separated."""
    labels = {o.value: o.label for o in definition.options}
    items = raw if isinstance(raw, list) else [raw]
    return ", ".join(labels.get(str(v), str(v)) for v in items)


async def path_labels(definition: FieldDefinition, raw: Any, levels: Levels) -> str:
    """Each level's item label (a value the dictionary lacks, as it is), `A / B`."""
    if definition.dictionary_id is None:
        return str(raw)
    shown, parent = [], None
    for value in raw if isinstance(raw, list) else []:
        level = await levels(definition.dictionary_id, parent)
        item = next((i for i in level if i.value == value), None)
        shown.append(item.label if item else str(value))
        parent = item.id if item else None
    return " / ".join(shown)


async def file_count(definition: FieldDefinition, raw: Any, levels: Levels) -> str:
    return f"{len(raw)} file(s)" if isinstance(raw, list) else str(raw)
