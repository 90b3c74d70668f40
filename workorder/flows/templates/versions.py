"""Templates (work-order types): every change publishes a new immutable version.

Tickets pin the version they were created with, so nothing here can break a ticket in
flight. A field's key and type become permanent once a version holding it is in use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from pydantic import ValidationError
from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.errors import ErrorCode, FlowError, conflict, invalid, not_found
from workorder.flows.org.cleaning import clean_email, clean_name
from workorder.flows.templates.config import FieldDefinition, TemplateConfig, check_config
from workorder.flows.templates.field_values import Mode, load_lookups, validate_values
from workorder.models import Dictionary, Group, Template, TemplateVersion

# The template parameters `update_template` may change (fields and steps have their own).
PARAMETERS = frozenset(
    {
        "name",
        "description",
        "hint",
        "range_group_ids",
        "initial_assignment",
        "edit_limit",
        "retain_agent_on_transfer",
        "end_action",
        "follow_up_template_id",
        "default_cc",
        "survey_on_close",
        "priority_enabled",
    }
)
FIELD_ATTRIBUTES = frozenset(FieldDefinition.model_fields) - {"removed"}


def _build(data: Mapping[str, Any], path: Sequence[str] = ()) -> TemplateConfig:
    """Typed configuration from plain data; any problem is INVALID with the input path."""
    try:
        config = TemplateConfig.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = [*path, *(_camel(str(p)) for p in first["loc"])]
        raise invalid(first["msg"], where) from exc
    check_config(config)
    return config


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def _check_references(
    tenant_id: int, config: TemplateConfig, template_id: int | None
) -> TemplateConfig:
    """Everything a configuration points at must exist in the same tenant."""
    group_ids = set(config.range_group_ids) | {s.group_id for s in config.steps}
    if group_ids:
        found = set(
            cast(
                list[int],
                await Group.filter(tenant_id=tenant_id, id__in=group_ids).values_list(
                    "id", flat=True
                ),
            )
        )
        for index, step in enumerate(config.steps):
            if step.group_id not in found:
                raise not_found("Group", ["steps", str(index), "groupId"])
        if set(config.range_group_ids) - found:
            raise not_found("Group", ["rangeGroupIds"])
    dictionary_ids = {f.dictionary_id for f in config.fields if f.dictionary_id is not None}
    if dictionary_ids:
        found = set(
            cast(
                list[int],
                await Dictionary.filter(tenant_id=tenant_id, id__in=dictionary_ids).values_list(
                    "id", flat=True
                ),
            )
        )
        for index, item in enumerate(config.fields):
            if item.dictionary_id is not None and item.dictionary_id not in found:
                raise not_found("Dictionary", ["fields", str(index), "dictionary"])
    follow_up = config.follow_up_template_id
    if (
        follow_up is not None
        and follow_up != template_id
        and not await Template.filter(tenant_id=tenant_id, id=follow_up).exists()
    ):
        raise not_found("Template", ["followUpTemplateId"])
    cc = tuple(
        clean_email(address, ["defaultCc", str(i)]) or ""
        for i, address in enumerate(config.default_cc)
    )
    return config.model_copy(update={"default_cc": tuple(dict.fromkeys(a for a in cc if a))})


async def _check_defaults(tenant_id: int, config: TemplateConfig) -> None:
    """A default must be a value the field itself would accept."""
    defaults = {f.key: f.default for f in config.live_fields() if f.default is not None}
    if not defaults:
        return
    lookups = await load_lookups(tenant_id, config, defaults)
    errors = validate_values(config, None, defaults, Mode.SAVE, lookups)
    if errors:
        index = next(i for i, f in enumerate(config.fields) if f.key == errors[0].key)
        raise invalid(
            f"Default of {errors[0].key!r}: {errors[0].message}", ["fields", str(index), "default"]
        )


async def template_of_tenant(tenant_id: int, template_id: int) -> Template:
    template = await Template.filter(tenant_id=tenant_id, id=template_id).first()
    if template is None:
        raise not_found("Template", ["id"])
    return template


async def current_config(template: Template) -> TemplateConfig:
    version = await TemplateVersion.get(id=template.current_version_id)
    return TemplateConfig.from_json(version.config)


async def _name_free(tenant_id: int, name: str, template_id: int | None = None) -> None:
    taken = Template.filter(tenant_id=tenant_id, name=name)
    if template_id is not None:
        taken = taken.exclude(id=template_id)
    if await taken.exists():
        raise conflict("A template with this name already exists", ["name"])


async def _publish(
    actor: Actor, template: Template, config: TemplateConfig, expected_version: int | None
) -> Template:
    """Write the next version; a concurrent change or a stale expected version is refused."""
    if expected_version is not None and expected_version != template.version_number:
        raise FlowError(
            ErrorCode.STALE,
            f"The template is at version {template.version_number}, not {expected_version}",
            ["expectedVersion"],
        )
    config = await _check_references(actor.tenant_id, config, template.id)
    await _check_defaults(actor.tenant_id, config)
    await _name_free(actor.tenant_id, config.name, template.id)
    number = template.version_number + 1
    async with in_transaction():
        moved = await Template.filter(
            id=template.id, version_number=template.version_number
        ).update(version_number=number, name=config.name, updated_at=datetime.now(UTC))
        if moved != 1:
            raise FlowError(
                ErrorCode.STALE, "The template was changed meanwhile; reload it", ["id"]
            )
        version = await TemplateVersion.create(
            tenant_id=actor.tenant_id,
            template_id=template.id,
            number=number,
            config=config.to_json(),
            created_by_id=actor.user_id,
        )
        await Template.filter(id=template.id).update(current_version_id=version.id)
    return await Template.get(id=template.id)


async def create_template(actor: Actor, data: Mapping[str, Any]) -> Template:
    require_admin(actor)
    config = _build({**data, "name": clean_name(str(data.get("name", "")), ["name"])})
    await _name_free(actor.tenant_id, config.name)
    async with in_transaction():
        template = await Template.create(tenant_id=actor.tenant_id, name=config.name)
        return await _publish(actor, template, config, None)


async def update_template(
    actor: Actor, template_id: int, changes: Mapping[str, Any], expected_version: int | None = None
) -> Template:
    """Change parameters (not fields or steps); a new version even when nothing differs."""
    require_admin(actor)
    unknown = set(changes) - PARAMETERS
    if unknown:
        raise invalid(f"Not a template parameter: {', '.join(sorted(unknown))}")
    template = await template_of_tenant(actor.tenant_id, template_id)
    current = await current_config(template)
    data = {**current.to_json(), **changes}
    if "name" in changes:
        data["name"] = clean_name(str(changes["name"] or ""), ["name"])
    return await _publish(actor, template, _build(data), expected_version)


async def archive_template(actor: Actor, template_id: int, archived: bool = True) -> Template:
    """Archived templates take no new tickets; their tickets carry on."""
    require_admin(actor)
    template = await template_of_tenant(actor.tenant_id, template_id)
    template.active = not archived
    await template.save(update_fields=["active", "updated_at"])
    return template


async def copy_template(actor: Actor, template_id: int, name: str | None = None) -> Template:
    require_admin(actor)
    source = await template_of_tenant(actor.tenant_id, template_id)
    config = await current_config(source)
    new_name = clean_name(name or f"{config.name} (copy)", ["name"])
    live = tuple(f for f in config.fields if not f.removed)
    follow_up = None if config.follow_up_template_id == source.id else config.follow_up_template_id
    return await create_template(
        actor,
        {
            **config.to_json(),
            "name": new_name,
            "fields": [f.model_dump() for f in live],
            "follow_up_template_id": follow_up,
        },
    )


async def _used_keys(template_id: int) -> dict[str, str]:
    """Field key → type, for every field of a version that tickets pin."""
    used: dict[str, str] = {}
    configs = cast(
        list[dict[str, Any]],
        await TemplateVersion.filter(template_id=template_id, in_use=True).values_list(
            "config", flat=True
        ),
    )
    for data in configs:
        for item in data.get("fields", []):
            used[item["key"]] = item["type"]
    return used


async def add_field(
    actor: Actor, template_id: int, field: Mapping[str, Any], expected_version: int | None = None
) -> Template:
    require_admin(actor)
    template = await template_of_tenant(actor.tenant_id, template_id)
    current = await current_config(template)
    data = dict(field)
    if data.get("position") is None:
        data["position"] = max((f.position for f in current.fields), default=-1) + 1
    fields = [*(f.model_dump() for f in current.fields), data]
    config = _build({**current.to_json(), "fields": fields}, ["field"])
    return await _publish(actor, template, config, expected_version)


async def update_field(
    actor: Actor,
    template_id: int,
    key: str,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Template:
    """Changing the key renames it in every step; key and type are fixed once in use."""
    require_admin(actor)
    unknown = set(changes) - FIELD_ATTRIBUTES
    if unknown:
        raise invalid(f"Not a field attribute: {', '.join(sorted(unknown))}")
    template = await template_of_tenant(actor.tenant_id, template_id)
    current = await current_config(template)
    field = current.field(key)
    if field is None or field.removed:
        raise not_found("Field", ["key"])
    new_key = changes.get("key", key)
    used = await _used_keys(template.id)
    if key in used and new_key != key:
        raise invalid("Tickets already use this field: its key cannot change", ["field", "key"])
    if key in used and changes.get("type", field.type) != field.type:
        raise invalid("Tickets already use this field: its type cannot change", ["field", "type"])
    if new_key != key and current.field(new_key) is not None:
        raise invalid(f"Field key {new_key!r} is taken (also by removed fields)", ["field", "key"])
    fields = [
        {**f.model_dump(), **changes} if f.key == key else f.model_dump() for f in current.fields
    ]
    steps = [_rename_in_step(s.model_dump(), key, new_key) for s in current.steps]
    config = _build({**current.to_json(), "fields": fields, "steps": steps}, ["field"])
    return await _publish(actor, template, config, expected_version)


def _rename_in_step(step: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    for name in ("visible_fields", "editable_fields", "required_fields"):
        if step.get(name) is not None:
            step[name] = [new if k == old else k for k in step[name]]
    return step


async def reorder_fields(
    actor: Actor, template_id: int, keys: Sequence[str], expected_version: int | None = None
) -> Template:
    require_admin(actor)
    template = await template_of_tenant(actor.tenant_id, template_id)
    current = await current_config(template)
    live = [f.key for f in current.live_fields()]
    if sorted(keys) != sorted(live):
        raise invalid("Give every field key exactly once", ["keys"])
    order = {k: i for i, k in enumerate(keys)}
    fields = [
        {**f.model_dump(), "position": order.get(f.key, len(order) + f.position)}
        for f in current.fields
    ]
    config = _build({**current.to_json(), "fields": fields})
    return await _publish(actor, template, config, expected_version)


async def remove_field(
    actor: Actor, template_id: int, key: str, expected_version: int | None = None
) -> Template:
    """A field tickets use stays as a removed tombstone (its values remain readable and its
    key reserved); an unused one disappears."""
    require_admin(actor)
    template = await template_of_tenant(actor.tenant_id, template_id)
    current = await current_config(template)
    field = current.field(key)
    if field is None or field.removed:
        raise not_found("Field", ["key"])
    used = key in await _used_keys(template.id)
    fields = [
        ({**f.model_dump(), "removed": True} if used else None) if f.key == key else f.model_dump()
        for f in current.fields
    ]
    steps = []
    for step in current.steps:
        data = step.model_dump()
        for name in ("visible_fields", "editable_fields", "required_fields"):
            if data.get(name) is not None:
                data[name] = [k for k in data[name] if k != key]
        steps.append(data)
    config = _build(
        {**current.to_json(), "fields": [f for f in fields if f is not None], "steps": steps}
    )
    return await _publish(actor, template, config, expected_version)


async def set_workflow(
    actor: Actor,
    template_id: int,
    steps: Sequence[Mapping[str, Any]],
    expected_version: int | None = None,
) -> Template:
    """Replace the workflow; an empty list means no workflow (the range groups apply)."""
    require_admin(actor)
    template = await template_of_tenant(actor.tenant_id, template_id)
    current = await current_config(template)
    data = [
        {**step, "position": index if step.get("position") is None else step["position"]}
        for index, step in enumerate(steps)
    ]
    config = _build({**current.to_json(), "steps": data})
    return await _publish(actor, template, config, expected_version)
