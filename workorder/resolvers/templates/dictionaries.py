"""Dictionaries: queries and admin mutations, translated to flows/templates/dictionaries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.templates import dictionaries
from workorder.flows.templates.dictionaries import ItemDraft
from workorder.ids import pk_of
from workorder.models import Dictionary, DictionaryItem
from workorder.resolvers.arguments import decode_id, decode_optional_id, not_null
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.templates.inputs import (
    CreateDictionaryInput,
    DictionaryItemInput,
    LoadDictionaryItemsInput,
    RemoveDictionaryItemInput,
    UpdateDictionaryInput,
    UpdateDictionaryItemInput,
)
from workorder.schema.templates.payloads import (
    CreateDictionaryPayload,
    LoadDictionaryItemsPayload,
    RemoveDictionaryItemPayload,
    UpdateDictionaryItemPayload,
    UpdateDictionaryPayload,
)
from workorder.schema.templates.types import (
    DictionaryConnection,
    DictionaryItemType,
    DictionaryType,
)


def _drafts(items: list[DictionaryItemInput] | None) -> list[ItemDraft]:
    return [
        ItemDraft(
            value=item.value,
            label=item.label or "",
            position=item.position,
            active=item.active,
            children=_drafts(item.children),
        )
        for item in items or []
    ]


async def dictionaries_query(
    info: Info,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> DictionaryConnection:
    actor = info.context.require_actor()
    return await paginate(
        Dictionary.filter(tenant_id=actor.tenant_id),
        DictionaryType.of,
        DictionaryConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        key="name",
    )


async def dictionary_query(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The dictionary's id.")],
) -> DictionaryType | None:
    pk = pk_of(id, "Dictionary")
    found = None if pk is None else await info.context.templates.dictionary.load(pk)
    return DictionaryType.of(found) if found else None


async def create_dictionary(
    info: Info,
    input: Annotated[
        CreateDictionaryInput, strawberry.argument(description="The dictionary to create.")
    ],
) -> CreateDictionaryPayload:
    actor = info.context.require_actor()
    return await mutate(
        CreateDictionaryPayload,
        lambda: dictionaries.create_dictionary(
            actor, input.name, input.description, _drafts(input.items)
        ),
        lambda d: CreateDictionaryPayload(dictionary=DictionaryType.of(d)),
    )


async def update_dictionary(
    info: Info,
    input: Annotated[
        UpdateDictionaryInput, strawberry.argument(description="The dictionary and the changes.")
    ],
) -> UpdateDictionaryPayload:
    actor = info.context.require_actor()

    async def action() -> Dictionary:
        return await dictionaries.update_dictionary(
            actor,
            decode_id(input.id, "Dictionary", ["id"]),
            name=not_null(input.name, "name"),
            description=not_null(input.description, "description"),
        )

    return await mutate(
        UpdateDictionaryPayload,
        action,
        lambda d: UpdateDictionaryPayload(dictionary=DictionaryType.of(d)),
    )


async def load_dictionary_items(
    info: Info,
    input: Annotated[
        LoadDictionaryItemsInput,
        strawberry.argument(description="The dictionary, where to load and the items."),
    ],
) -> LoadDictionaryItemsPayload:
    actor = info.context.require_actor()

    async def action() -> Dictionary:
        return await dictionaries.load_items(
            actor,
            decode_id(input.dictionary_id, "Dictionary", ["dictionaryId"]),
            _drafts(input.items),
            parent_id=decode_optional_id(input.parent_id, "DictionaryItem", ["parentId"]),
            replace=input.replace,
        )

    return await mutate(
        LoadDictionaryItemsPayload,
        action,
        lambda d: LoadDictionaryItemsPayload(dictionary=DictionaryType.of(d)),
    )


async def update_dictionary_item(
    info: Info,
    input: Annotated[
        UpdateDictionaryItemInput, strawberry.argument(description="The item and the changes.")
    ],
) -> UpdateDictionaryItemPayload:
    actor = info.context.require_actor()

    async def action() -> DictionaryItem:
        return await dictionaries.update_item(
            actor,
            decode_id(input.id, "DictionaryItem", ["id"]),
            label=not_null(input.label, "label"),
            position=not_null(input.position, "position"),
            active=not_null(input.active, "active"),
        )

    return await mutate(
        UpdateDictionaryItemPayload,
        action,
        lambda i: UpdateDictionaryItemPayload(item=DictionaryItemType.of(i)),
    )


async def remove_dictionary_item(
    info: Info,
    input: Annotated[
        RemoveDictionaryItemInput, strawberry.argument(description="The item to remove.")
    ],
) -> RemoveDictionaryItemPayload:
    actor = info.context.require_actor()

    async def action() -> Dictionary:
        return await dictionaries.remove_item(actor, decode_id(input.id, "DictionaryItem", ["id"]))

    return await mutate(
        RemoveDictionaryItemPayload,
        action,
        lambda d: RemoveDictionaryItemPayload(dictionary=DictionaryType.of(d)),
    )
