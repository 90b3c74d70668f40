"""Batch loaders for templates, their versions and dictionaries, scoped to one tenant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import cast

from strawberry.dataloader import DataLoader

from workorder.dataloaders.by_id import rows_by_id
from workorder.flows.templates.config import TemplateConfig
from workorder.models import Dictionary, DictionaryItem, Template, TemplateVersion


class TemplateLoaders:
    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id
        self.template = DataLoader(self._templates)
        self.version = DataLoader(self._versions)
        self.config = DataLoader(self._configs)
        self.versions_of = DataLoader(self._versions_of)
        self.dictionary = DataLoader(self._dictionaries)
        self.item = DataLoader(self._items)
        self.children = DataLoader(self._children)
        self.has_children = DataLoader(self._has_children)

    async def _templates(self, ids: Sequence[int]) -> list[Template | None]:
        rows = await rows_by_id(Template, self.tenant_id, ids)
        return [rows.get(i) for i in ids]

    async def _versions(self, ids: Sequence[int]) -> list[TemplateVersion | None]:
        rows = await rows_by_id(TemplateVersion, self.tenant_id, ids)
        return [rows.get(i) for i in ids]

    async def _configs(self, version_ids: Sequence[int]) -> list[TemplateConfig | None]:
        versions = await self.version.load_many(version_ids)
        return [TemplateConfig.from_json(v.config) if v else None for v in versions]

    async def _versions_of(self, template_ids: Sequence[int]) -> list[list[TemplateVersion]]:
        rows = await TemplateVersion.filter(
            tenant_id=self.tenant_id, template_id__in=template_ids
        ).order_by("-number")
        grouped: dict[int, list[TemplateVersion]] = defaultdict(list)
        for row in rows:
            grouped[row.template_id].append(row)
            self.version.prime(row.id, row)
        return [grouped.get(t, []) for t in template_ids]

    async def _dictionaries(self, ids: Sequence[int]) -> list[Dictionary | None]:
        rows = {d.id: d for d in await Dictionary.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _items(self, ids: Sequence[int]) -> list[DictionaryItem | None]:
        rows = {i.id: i for i in await DictionaryItem.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _children(self, keys: Sequence[tuple[int, int | None]]) -> list[list[DictionaryItem]]:
        """(dictionary, parent) → the items of that level, in order."""
        rows: list[DictionaryItem] = []
        root_of = {d for d, p in keys if p is None}
        parents = {p for _, p in keys if p is not None}
        if root_of:
            rows += await DictionaryItem.filter(
                tenant_id=self.tenant_id, dictionary_id__in=root_of, parent_id=None
            ).order_by("position", "id")
        if parents:
            rows += await DictionaryItem.filter(
                tenant_id=self.tenant_id, parent_id__in=parents
            ).order_by("position", "id")
        grouped: dict[tuple[int, int | None], list[DictionaryItem]] = defaultdict(list)
        for row in rows:
            grouped[(row.dictionary_id, row.parent_id)].append(row)
        return [grouped.get(k, []) for k in keys]

    async def _has_children(self, ids: Sequence[int]) -> list[bool]:
        parents = set(
            cast(
                list[int],
                await DictionaryItem.filter(tenant_id=self.tenant_id, parent_id__in=ids)
                .distinct()
                .values_list("parent_id", flat=True),
            )
        )
        return [i in parents for i in ids]
