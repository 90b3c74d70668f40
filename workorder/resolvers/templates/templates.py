"""Templates: queries and admin mutations, translated to flows/templates/versions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry

from workorder.flows.templates import team
from workorder.flows.templates import versions as templates
from workorder.ids import pk_of
from workorder.models import Template
from workorder.resolvers.arguments import decode_id, decode_optional_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.templates.inputs import (
    AddTemplateFieldInput,
    ArchiveTemplateInput,
    ConditionInput,
    CopyTemplateInput,
    CreateTemplateInput,
    FieldChangesInput,
    FieldInput,
    FieldOptionInput,
    RemoveTemplateFieldInput,
    ReorderTemplateFieldsInput,
    SetTemplateTeamInput,
    SetTemplateWorkflowInput,
    StepInput,
    TemplateFilter,
    TranslationInput,
    UpdateTemplateFieldInput,
    UpdateTemplateInput,
)
from workorder.schema.templates.payloads import (
    AddTemplateFieldPayload,
    ArchiveTemplatePayload,
    CopyTemplatePayload,
    CreateTemplatePayload,
    RemoveTemplateFieldPayload,
    ReorderTemplateFieldsPayload,
    SetTemplateTeamPayload,
    SetTemplateWorkflowPayload,
    TemplatePayload,
    UpdateTemplateFieldPayload,
    UpdateTemplatePayload,
)
from workorder.schema.templates.types import TemplateConnection, TemplateType, TemplateVersionType

P = TypeVar("P", bound=TemplatePayload)


def _options(options: list[FieldOptionInput] | None) -> list[dict[str, str]]:
    return [{"value": o.value, "label": o.label or o.value} for o in options or []]


def _labels(labels: list[TranslationInput] | None) -> dict[str, str]:
    return {t.locale: t.text for t in labels or []}


def _field(field: FieldInput, path: list[str]) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.label,
        "labels": _labels(field.labels),
        "type": field.type,
        "options": _options(field.options),
        "dictionary_id": None
        if field.dictionary_id is None
        else decode_id(field.dictionary_id, "Dictionary", [*path, "dictionaryId"]),
        "allow_custom_value": field.allow_custom_value,
        "required": field.required,
        "default": field.default,
        "help": field.help,
        "position": field.position,
    }


def _field_changes(changes: FieldChangesInput) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("key", "label", "type", "allow_custom_value", "required", "default", "help"):
        value = getattr(changes, name)
        if value is not strawberry.UNSET:
            data[name] = value
    if changes.labels is not strawberry.UNSET:
        data["labels"] = _labels(changes.labels)
    if changes.options is not strawberry.UNSET:
        data["options"] = _options(changes.options)
    if changes.dictionary_id is not strawberry.UNSET:
        data["dictionary_id"] = (
            None
            if changes.dictionary_id is None
            else decode_id(changes.dictionary_id, "Dictionary", ["changes", "dictionaryId"])
        )
    return data


def _step(step: StepInput, index: int) -> dict[str, Any]:
    return {
        "key": step.key,
        "name": step.name,
        "group_id": decode_id(step.group_id, "Group", ["steps", str(index), "groupId"]),
        "position": index,
        "assignment": step.assignment,
        "next_steps": step.next_steps,
        "visible_fields": step.visible_fields,
        "editable_fields": step.editable_fields,
        "required_fields": step.required_fields or [],
        "field_rules": [
            {
                "field": r.field,
                "when": _condition(r.when),
                "visible": r.visible,
                "editable": r.editable,
                "required": r.required,
            }
            for r in step.field_rules or []
        ],
        "branches": [
            {
                "to": b.to,
                "when": None if b.when is None else _condition(b.when),
                "priority": b.priority,
                "to_creator": b.to_creator,
            }
            for b in step.branches or []
        ],
    }


def _condition(condition: ConditionInput) -> dict[str, Any]:
    return {"field": condition.field, "operator": condition.operator, "value": condition.value}


def _group_ids(ids: list[strawberry.ID] | None) -> list[int]:
    return [decode_id(g, "Group", ["rangeGroupIds"]) for g in ids or []]


def _follow_up(value: strawberry.ID | None) -> int | None:
    return None if value is None else decode_id(value, "Template", ["followUpTemplateId"])


async def _template_mutation(
    info: Info, action: Callable[[], Awaitable[Template]], payload: type[P]
) -> P:
    """Run a template flow; the payload shows the template at its new version."""
    return await mutate(
        payload, action, lambda template: _template_payload(info, template, payload)
    )


async def _template_payload(info: Info, template: Template, payload: type[P]) -> P:
    return payload(template=await TemplateType.of_model(info, template))


async def templates_query(
    info: Info,
    filter: Annotated[
        TemplateFilter | None,
        strawberry.argument(description="Conditions templates must meet; null: all."),
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> TemplateConnection:
    actor = info.context.require_actor()
    query = Template.filter(tenant_id=actor.tenant_id)
    if filter is not None:
        if filter.active is not None:
            query = query.filter(active=filter.active)
        if filter.search:
            query = query.filter(name__icontains=filter.search)
    page = await paginate(
        query,
        lambda t: t,
        TemplateConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        key="name",
    )
    for edge in page.edges:
        edge.node = await TemplateType.of_model(info, edge.node)  # type: ignore[arg-type]
    return page


async def template_query(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The template (a Template id).")],
) -> TemplateType | None:
    pk = pk_of(id, "Template")
    return None if pk is None else await TemplateType.load(info, pk)


async def template_version_query(
    info: Info,
    id: Annotated[
        strawberry.ID, strawberry.argument(description="The version (a TemplateVersion id).")
    ],
) -> TemplateVersionType | None:
    pk = pk_of(id, "TemplateVersion")
    if pk is None:
        return None
    version = await info.context.templates.version.load(pk)
    return TemplateVersionType.of(version) if version else None


async def create_template(
    info: Info,
    input: Annotated[
        CreateTemplateInput, strawberry.argument(description="The template to create.")
    ],
) -> CreateTemplatePayload:
    actor = info.context.require_actor()

    async def action() -> Template:
        data = {
            "name": input.name,
            "description": input.description,
            "hint": input.hint,
            "range_group_ids": _group_ids(input.range_group_ids),
            "initial_assignment": input.initial_assignment,
            "edit_limit": input.edit_limit,
            "retain_agent_on_transfer": input.retain_agent_on_transfer,
            "end_action": input.end_action,
            "follow_up_template_id": _follow_up(input.follow_up_template_id),
            "default_cc": input.default_cc or [],
            "survey_on_close": input.survey_on_close,
            "priority_enabled": input.priority_enabled,
            "fields": [
                _field(f, ["fields", str(i)]) | ({"position": i} if f.position is None else {})
                for i, f in enumerate(input.fields or [])
            ],
            "steps": [_step(s, i) for i, s in enumerate(input.steps or [])],
        }
        return await templates.create_template(actor, data)

    return await _template_mutation(info, action, CreateTemplatePayload)


async def update_template(
    info: Info,
    input: Annotated[
        UpdateTemplateInput,
        strawberry.argument(description="The template and the parameters to change."),
    ],
) -> UpdateTemplatePayload:
    actor = info.context.require_actor()

    async def action() -> Template:
        changes: dict[str, Any] = {}
        for name in (
            "name",
            "description",
            "hint",
            "initial_assignment",
            "edit_limit",
            "retain_agent_on_transfer",
            "end_action",
            "default_cc",
            "survey_on_close",
            "priority_enabled",
        ):
            value = getattr(input, name)
            if value is not strawberry.UNSET:
                changes[name] = value
        if input.range_group_ids is not strawberry.UNSET:
            changes["range_group_ids"] = _group_ids(input.range_group_ids)
        if input.follow_up_template_id is not strawberry.UNSET:
            changes["follow_up_template_id"] = _follow_up(input.follow_up_template_id)
        return await templates.update_template(
            actor, decode_id(input.id, "Template", ["id"]), changes, input.expected_version
        )

    return await _template_mutation(info, action, UpdateTemplatePayload)


async def archive_template(
    info: Info,
    input: Annotated[
        ArchiveTemplateInput,
        strawberry.argument(description="The template, and whether to archive or restore it."),
    ],
) -> ArchiveTemplatePayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.archive_template(
            actor, decode_id(input.id, "Template", ["id"]), input.archived
        ),
        ArchiveTemplatePayload,
    )


async def copy_template(
    info: Info,
    input: Annotated[
        CopyTemplateInput,
        strawberry.argument(description="The template to copy and the copy's name."),
    ],
) -> CopyTemplatePayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.copy_template(actor, decode_id(input.id, "Template", ["id"]), input.name),
        CopyTemplatePayload,
    )


async def add_template_field(
    info: Info,
    input: Annotated[
        AddTemplateFieldInput, strawberry.argument(description="The template and the new field.")
    ],
) -> AddTemplateFieldPayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.add_field(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            _field(input.field, ["field"]),
            input.expected_version,
        ),
        AddTemplateFieldPayload,
    )


async def update_template_field(
    info: Info,
    input: Annotated[
        UpdateTemplateFieldInput,
        strawberry.argument(description="The template, the field and the changes."),
    ],
) -> UpdateTemplateFieldPayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.update_field(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            input.key,
            _field_changes(input.changes),
            input.expected_version,
        ),
        UpdateTemplateFieldPayload,
    )


async def reorder_template_fields(
    info: Info,
    input: Annotated[
        ReorderTemplateFieldsInput,
        strawberry.argument(description="The template and its field keys in the new order."),
    ],
) -> ReorderTemplateFieldsPayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.reorder_fields(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            input.keys,
            input.expected_version,
        ),
        ReorderTemplateFieldsPayload,
    )


async def remove_template_field(
    info: Info,
    input: Annotated[
        RemoveTemplateFieldInput,
        strawberry.argument(description="The template and the field to remove."),
    ],
) -> RemoveTemplateFieldPayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.remove_field(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            input.key,
            input.expected_version,
        ),
        RemoveTemplateFieldPayload,
    )


async def set_template_workflow(
    info: Info,
    input: Annotated[
        SetTemplateWorkflowInput, strawberry.argument(description="The template and its new steps.")
    ],
) -> SetTemplateWorkflowPayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: templates.set_workflow(
            actor,
            decode_id(input.template_id, "Template", ["templateId"]),
            [_step(s, i) for i, s in enumerate(input.steps)],
            input.expected_version,
        ),
        SetTemplateWorkflowPayload,
    )


async def set_template_team(
    info: Info,
    input: Annotated[
        SetTemplateTeamInput,
        strawberry.argument(description="The template and the group that owns it."),
    ],
) -> SetTemplateTeamPayload:
    actor = info.context.require_actor()
    return await _template_mutation(
        info,
        lambda: team.set_template_team(
            actor,
            decode_id(input.id, "Template", ["id"]),
            decode_optional_id(input.group_id, "Group", ["groupId"]),
        ),
        SetTemplateTeamPayload,
    )
