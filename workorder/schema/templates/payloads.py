"""Payloads of the template and dictionary mutations."""

from __future__ import annotations

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.templates.types import DictionaryItemType, DictionaryType, TemplateType

UNSET = strawberry.UNSET


@strawberry.type
class TemplatePayload:
    template: TemplateType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateTemplatePayload(TemplatePayload):
    pass


@strawberry.type
class UpdateTemplatePayload(TemplatePayload):
    pass


@strawberry.type
class ArchiveTemplatePayload(TemplatePayload):
    pass


@strawberry.type
class CopyTemplatePayload(TemplatePayload):
    pass


@strawberry.type
class AddTemplateFieldPayload(TemplatePayload):
    pass


@strawberry.type
class UpdateTemplateFieldPayload(TemplatePayload):
    pass


@strawberry.type
class ReorderTemplateFieldsPayload(TemplatePayload):
    pass


@strawberry.type
class RemoveTemplateFieldPayload(TemplatePayload):
    pass


@strawberry.type
class SetTemplateWorkflowPayload(TemplatePayload):
    pass


@strawberry.type
class DictionaryPayload:
    dictionary: DictionaryType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateDictionaryPayload(DictionaryPayload):
    pass


@strawberry.type
class UpdateDictionaryPayload(DictionaryPayload):
    pass


@strawberry.type
class LoadDictionaryItemsPayload(DictionaryPayload):
    pass


@strawberry.type
class RemoveDictionaryItemPayload(DictionaryPayload):
    pass


@strawberry.type
class UpdateDictionaryItemPayload:
    item: DictionaryItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
