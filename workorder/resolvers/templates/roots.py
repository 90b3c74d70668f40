"""Root fields of templates and dictionaries."""

from __future__ import annotations

import strawberry

from workorder.resolvers.templates import dictionaries as dictionary_resolvers
from workorder.resolvers.templates import templates as template_resolvers
from workorder.schema.permissions import authenticated
from workorder.schema.templates.payloads import (
    AddTemplateFieldPayload,
    ArchiveTemplatePayload,
    CopyTemplatePayload,
    CreateDictionaryPayload,
    CreateTemplatePayload,
    LoadDictionaryItemsPayload,
    RemoveDictionaryItemPayload,
    RemoveTemplateFieldPayload,
    ReorderTemplateFieldsPayload,
    SetTemplateWorkflowPayload,
    UpdateDictionaryItemPayload,
    UpdateDictionaryPayload,
    UpdateTemplateFieldPayload,
    UpdateTemplatePayload,
)
from workorder.schema.templates.types import (
    DictionaryConnection,
    DictionaryType,
    TemplateConnection,
    TemplateType,
    TemplateVersionType,
)


@strawberry.type
class TemplateQuery:
    templates: TemplateConnection = strawberry.field(
        resolver=template_resolvers.templates_query, extensions=authenticated()
    )
    template: TemplateType | None = strawberry.field(
        resolver=template_resolvers.template_query, extensions=authenticated()
    )
    template_version: TemplateVersionType | None = strawberry.field(
        resolver=template_resolvers.template_version_query, extensions=authenticated()
    )
    dictionaries: DictionaryConnection = strawberry.field(
        resolver=dictionary_resolvers.dictionaries_query, extensions=authenticated()
    )
    dictionary: DictionaryType | None = strawberry.field(
        resolver=dictionary_resolvers.dictionary_query, extensions=authenticated()
    )


@strawberry.type
class TemplateMutation:
    create_template: CreateTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.create_template, extensions=authenticated()
    )
    update_template: UpdateTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.update_template, extensions=authenticated()
    )
    archive_template: ArchiveTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.archive_template, extensions=authenticated()
    )
    copy_template: CopyTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.copy_template, extensions=authenticated()
    )
    add_template_field: AddTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.add_template_field, extensions=authenticated()
    )
    update_template_field: UpdateTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.update_template_field, extensions=authenticated()
    )
    reorder_template_fields: ReorderTemplateFieldsPayload = strawberry.mutation(
        resolver=template_resolvers.reorder_template_fields, extensions=authenticated()
    )
    remove_template_field: RemoveTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.remove_template_field, extensions=authenticated()
    )
    set_template_workflow: SetTemplateWorkflowPayload = strawberry.mutation(
        resolver=template_resolvers.set_template_workflow, extensions=authenticated()
    )
    create_dictionary: CreateDictionaryPayload = strawberry.mutation(
        resolver=dictionary_resolvers.create_dictionary, extensions=authenticated()
    )
    update_dictionary: UpdateDictionaryPayload = strawberry.mutation(
        resolver=dictionary_resolvers.update_dictionary, extensions=authenticated()
    )
    load_dictionary_items: LoadDictionaryItemsPayload = strawberry.mutation(
        resolver=dictionary_resolvers.load_dictionary_items, extensions=authenticated()
    )
    update_dictionary_item: UpdateDictionaryItemPayload = strawberry.mutation(
        resolver=dictionary_resolvers.update_dictionary_item, extensions=authenticated()
    )
    remove_dictionary_item: RemoveDictionaryItemPayload = strawberry.mutation(
        resolver=dictionary_resolvers.remove_dictionary_item, extensions=authenticated()
    )
