"""Dictionaries: named option trees. Loaded in bulk, edited item by item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.errors import conflict, invalid, not_found
from workorder.flows.org.cleaning import KEEP, Keep, clean_name
from workorder.models import Dictionary, DictionaryItem

MAX_DEPTH = 8
MAX_ITEMS_PER_LOAD = 20_000


@dataclass(slots=True)
class ItemDraft:
    value: str
    label: str = ""
    position: int | None = None
    active: bool = True
    children: list[ItemDraft] = field(default_factory=list)


async def dictionary_of_tenant(tenant_id: int, dictionary_id: int) -> Dictionary:
    dictionary = await Dictionary.filter(tenant_id=tenant_id, id=dictionary_id).first()
    if dictionary is None:
        raise not_found("Dictionary", ["id"])
    return dictionary


def _check_drafts(drafts: Sequence[ItemDraft], path: list[str], depth: int = 1) -> int:
    """Validate a tree of drafts before anything is written; returns how many items it holds."""
    if depth > MAX_DEPTH:
        raise invalid(f"Dictionaries are at most {MAX_DEPTH} levels deep", path)
    seen: set[str] = set()
    count = 0
    for index, draft in enumerate(drafts):
        where = [*path, str(index)]
        draft.value = draft.value.strip()
        if not draft.value or len(draft.value) > 200:
            raise invalid("Item value must be 1 to 200 characters", [*where, "value"])
        if draft.value in seen:
            raise invalid(f"Value {draft.value!r} appears twice among siblings", [*where, "value"])
        seen.add(draft.value)
        draft.label = (draft.label or draft.value).strip()
        if len(draft.label) > 200:
            raise invalid("Item label must be at most 200 characters", [*where, "label"])
        count += 1 + _check_drafts(draft.children, [*where, "children"], depth + 1)
    if count > MAX_ITEMS_PER_LOAD:
        raise invalid(f"At most {MAX_ITEMS_PER_LOAD} items in one load", path)
    return count


async def _depth_of(item_id: int | None) -> int:
    depth = 0
    while item_id is not None:
        depth += 1
        parent = await DictionaryItem.filter(id=item_id).first()
        item_id = parent.parent_id if parent else None
    return depth


async def _merge(
    dictionary: Dictionary, parent_id: int | None, drafts: Sequence[ItemDraft]
) -> None:
    """Items whose value already exists under the parent are updated; others are added."""
    existing = {
        item.value: item
        for item in await DictionaryItem.filter(dictionary_id=dictionary.id, parent_id=parent_id)
    }
    next_position = max((i.position for i in existing.values()), default=-1) + 1
    for draft in drafts:
        item = existing.get(draft.value)
        if item is None:
            item = await DictionaryItem.create(
                tenant_id=dictionary.tenant_id,
                dictionary_id=dictionary.id,
                parent_id=parent_id,
                value=draft.value,
                label=draft.label,
                position=next_position if draft.position is None else draft.position,
                active=draft.active,
            )
            next_position += 1
        else:
            item.label = draft.label
            item.active = draft.active
            if draft.position is not None:
                item.position = draft.position
            await item.save(update_fields=["label", "active", "position"])
        if draft.children:
            await _merge(dictionary, item.id, draft.children)


async def create_dictionary(
    actor: Actor, name: str, description: str = "", items: Sequence[ItemDraft] = ()
) -> Dictionary:
    require_admin(actor)
    name = clean_name(name, ["name"])
    _check_drafts(items, ["items"])
    if await Dictionary.filter(tenant_id=actor.tenant_id, name=name).exists():
        raise conflict("A dictionary with this name already exists", ["name"])
    try:
        async with in_transaction():
            dictionary = await Dictionary.create(
                tenant_id=actor.tenant_id, name=name, description=description.strip()
            )
            await _merge(dictionary, None, items)
    except IntegrityError as exc:
        raise conflict("A dictionary with this name already exists", ["name"]) from exc
    return dictionary


async def update_dictionary(
    actor: Actor,
    dictionary_id: int,
    name: str | Keep = KEEP,
    description: str | Keep = KEEP,
) -> Dictionary:
    require_admin(actor)
    dictionary = await dictionary_of_tenant(actor.tenant_id, dictionary_id)
    if not isinstance(name, Keep):
        dictionary.name = clean_name(name, ["name"])
        taken = Dictionary.filter(tenant_id=actor.tenant_id, name=dictionary.name)
        if await taken.exclude(id=dictionary.id).exists():
            raise conflict("A dictionary with this name already exists", ["name"])
    if not isinstance(description, Keep):
        dictionary.description = description.strip()
    await dictionary.save()
    return dictionary


async def load_items(
    actor: Actor,
    dictionary_id: int,
    items: Sequence[ItemDraft],
    parent_id: int | None = None,
    replace: bool = False,
) -> Dictionary:
    """Bulk load a tree under `parent_id` (the root when None), all or nothing.

    Merging keeps item ids (and so the values on tickets) stable; `replace` first removes
    what is under the parent, for a dictionary re-imported from scratch.
    """
    require_admin(actor)
    dictionary = await dictionary_of_tenant(actor.tenant_id, dictionary_id)
    if parent_id is not None:
        parent = await DictionaryItem.filter(
            tenant_id=actor.tenant_id, dictionary_id=dictionary.id, id=parent_id
        ).first()
        if parent is None:
            raise not_found("Dictionary item", ["parentId"])
    _check_drafts(items, ["items"], depth=1 + await _depth_of(parent_id))
    async with in_transaction():
        if replace:
            await DictionaryItem.filter(dictionary_id=dictionary.id, parent_id=parent_id).delete()
        await _merge(dictionary, parent_id, items)
    return dictionary


async def _item_of_tenant(tenant_id: int, item_id: int) -> DictionaryItem:
    item = await DictionaryItem.filter(tenant_id=tenant_id, id=item_id).first()
    if item is None:
        raise not_found("Dictionary item", ["id"])
    return item


async def update_item(
    actor: Actor,
    item_id: int,
    label: str | Keep = KEEP,
    position: int | Keep = KEEP,
    active: bool | Keep = KEEP,
) -> DictionaryItem:
    """The value is the item's identity on stored tickets, so it never changes here."""
    require_admin(actor)
    item = await _item_of_tenant(actor.tenant_id, item_id)
    if not isinstance(label, Keep):
        item.label = clean_name(label, ["label"])
    if not isinstance(position, Keep):
        item.position = position
    if not isinstance(active, Keep):
        item.active = active
    await item.save()
    return item


async def remove_item(actor: Actor, item_id: int) -> Dictionary:
    """Removes the item and everything below it; prefer deactivating items tickets use."""
    require_admin(actor)
    item = await _item_of_tenant(actor.tenant_id, item_id)
    dictionary = await Dictionary.get(id=item.dictionary_id)
    await item.delete()
    return dictionary
