"""Payloads of the template and dictionary mutations."""

from __future__ import annotations

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.templates.types import DictionaryItemType, DictionaryType, TemplateType

UNSET = strawberry.UNSET


@strawberry.type
class TemplatePayload:
    template: TemplateType | None = strawberry.field(
        default=None,
        description="The template at its new current version; null when refused.",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The template created (version 1), or why not (errors).")
class CreateTemplatePayload(TemplatePayload):
    pass


@strawberry.type(description="The template at the new version, or why not (errors).")
class UpdateTemplatePayload(TemplatePayload):
    pass


@strawberry.type(description="The template archived or restored, or why not (errors).")
class ArchiveTemplatePayload(TemplatePayload):
    pass


@strawberry.type(description="The new copy of the template, or why not (errors).")
class CopyTemplatePayload(TemplatePayload):
    pass


@strawberry.type(description="The template with the new field, or why not (errors).")
class AddTemplateFieldPayload(TemplatePayload):
    pass


@strawberry.type(description="The template with the changed field, or why not (errors).")
class UpdateTemplateFieldPayload(TemplatePayload):
    pass


@strawberry.type(description="The template with its fields in the new order, or why not (errors).")
class ReorderTemplateFieldsPayload(TemplatePayload):
    pass


@strawberry.type(description="The template without the field, or why not (errors).")
class RemoveTemplateFieldPayload(TemplatePayload):
    pass


@strawberry.type(description="The template with its new workflow, or why not (errors).")
class SetTemplateWorkflowPayload(TemplatePayload):
    pass


@strawberry.type
class DictionaryPayload:
    dictionary: DictionaryType | None = strawberry.field(
        default=None, description="The dictionary after the change; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The dictionary created, or why not (errors).")
class CreateDictionaryPayload(DictionaryPayload):
    pass


@strawberry.type(description="The dictionary renamed or redescribed, or why not (errors).")
class UpdateDictionaryPayload(DictionaryPayload):
    pass


@strawberry.type(
    description="The dictionary after the load (all items or none), or why not (errors)."
)
class LoadDictionaryItemsPayload(DictionaryPayload):
    pass


@strawberry.type(
    description="The dictionary without the item and its subtree, or why not (errors)."
)
class RemoveDictionaryItemPayload(DictionaryPayload):
    pass


@strawberry.type(description="The item changed, or why not (errors).")
class UpdateDictionaryItemPayload:
    item: DictionaryItemType | None = strawberry.field(
        default=None, description="The item after the change; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The template with its owning team, or why not (errors).")
class SetTemplateTeamPayload(TemplatePayload):
    pass
