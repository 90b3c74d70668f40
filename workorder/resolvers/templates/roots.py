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
    SetTemplateTeamPayload,
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
        resolver=template_resolvers.templates_query,
        extensions=authenticated(),
        description="The templates of your tenant, by name; open to everyone signed in.",
    )
    template: TemplateType | None = strawberry.field(
        resolver=template_resolvers.template_query,
        extensions=authenticated(),
        description=(
            "A template at its current version; null when it is not one of your tenant's."
        ),
    )
    template_version: TemplateVersionType | None = strawberry.field(
        resolver=template_resolvers.template_version_query,
        extensions=authenticated(),
        description=(
            "One version of a template (what a ticket was made with); null when not found."
        ),
    )
    dictionaries: DictionaryConnection = strawberry.field(
        resolver=dictionary_resolvers.dictionaries_query,
        extensions=authenticated(),
        description="The dictionaries of your tenant, by name; open to everyone signed in.",
    )
    dictionary: DictionaryType | None = strawberry.field(
        resolver=dictionary_resolvers.dictionary_query,
        extensions=authenticated(),
        description="A dictionary; null when it is not one of your tenant's.",
    )


@strawberry.type
class TemplateMutation:
    create_template: CreateTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.create_template,
        extensions=authenticated(),
        description=(
            "Create a template (version 1) with its parameters, fields and workflow. "
            "Administrators only."
        ),
    )
    update_template: UpdateTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.update_template,
        extensions=authenticated(),
        description=(
            "Change a template's parameters (not its fields or steps): publishes a new "
            "version; tickets keep theirs. Administrators only."
        ),
    )
    archive_template: ArchiveTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.archive_template,
        extensions=authenticated(),
        description=(
            "Archive a template (no new tickets; its tickets carry on) or bring it back. "
            "Administrators only."
        ),
    )
    set_template_team: SetTemplateTeamPayload = strawberry.mutation(
        resolver=template_resolvers.set_template_team,
        extensions=authenticated(),
        description=(
            "Name the group (team) that owns a template (seed 000 Team Name), or none; ticket "
            "lists filter on it. Administrators only."
        ),
    )
    copy_template: CopyTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.copy_template,
        extensions=authenticated(),
        description=(
            "Copy a template's current parameters, live fields and workflow into a new "
            "template. Administrators only."
        ),
    )
    add_template_field: AddTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.add_template_field,
        extensions=authenticated(),
        description="Add a custom field: a new version. Administrators only.",
    )
    update_template_field: UpdateTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.update_template_field,
        extensions=authenticated(),
        description=(
            "Change a custom field (key and type only while no ticket uses it): a new "
            "version. Administrators only."
        ),
    )
    reorder_template_fields: ReorderTemplateFieldsPayload = strawberry.mutation(
        resolver=template_resolvers.reorder_template_fields,
        extensions=authenticated(),
        description=(
            "Put the custom fields in a new form order: a new version. Administrators only."
        ),
    )
    remove_template_field: RemoveTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.remove_template_field,
        extensions=authenticated(),
        description=(
            "Remove a custom field (kept as removed when tickets use it): a new version. "
            "Administrators only."
        ),
    )
    set_template_workflow: SetTemplateWorkflowPayload = strawberry.mutation(
        resolver=template_resolvers.set_template_workflow,
        extensions=authenticated(),
        description=(
            "Replace the workflow steps; an empty list removes the workflow: a new version. "
            "Administrators only."
        ),
    )
    create_dictionary: CreateDictionaryPayload = strawberry.mutation(
        resolver=dictionary_resolvers.create_dictionary,
        extensions=authenticated(),
        description="Create a dictionary, optionally with its items. Administrators only.",
    )
    update_dictionary: UpdateDictionaryPayload = strawberry.mutation(
        resolver=dictionary_resolvers.update_dictionary,
        extensions=authenticated(),
        description="Rename or redescribe a dictionary. Administrators only.",
    )
    load_dictionary_items: LoadDictionaryItemsPayload = strawberry.mutation(
        resolver=dictionary_resolvers.load_dictionary_items,
        extensions=authenticated(),
        description=(
            "Load many items at once (merged by value, or replacing the level): all or "
            "nothing. Administrators only."
        ),
    )
    update_dictionary_item: UpdateDictionaryItemPayload = strawberry.mutation(
        resolver=dictionary_resolvers.update_dictionary_item,
        extensions=authenticated(),
        description=(
            "Change an item's label, position or active flag (never its value). "
            "Administrators only."
        ),
    )
    remove_dictionary_item: RemoveDictionaryItemPayload = strawberry.mutation(
        resolver=dictionary_resolvers.remove_dictionary_item,
        extensions=authenticated(),
        description=(
            "Remove an item and everything below it; prefer deactivating items tickets use. "
            "Administrators only."
        ),
    )
