"""Inputs of the template and dictionary mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from workorder.schema.templates.types import (
    AssignmentRuleEnum,
    EditLimitEnum,
    EndActionEnum,
    FieldTypeEnum,
    InitialAssignmentEnum,
)

UNSET = strawberry.UNSET


@strawberry.input
class TranslationInput:
    locale: str
    text: str


@strawberry.input
class FieldOptionInput:
    value: str
    label: str | None = strawberry.field(default=None, description="Defaults to the value.")


@strawberry.input(description="A custom field. Keys: a letter, then letters, digits or _.")
class FieldInput:
    key: str
    label: str
    type: FieldTypeEnum  # type: ignore[valid-type]
    labels: list[TranslationInput] | None = None
    options: list[FieldOptionInput] | None = None
    dictionary_id: strawberry.ID | None = None
    allow_custom_value: bool = False
    required: bool = False
    default: JSON | None = None
    help: str = ""
    position: int | None = None


@strawberry.input(description="Attributes left out keep their value.")
class FieldChangesInput:
    key: str | None = UNSET
    label: str | None = UNSET
    type: FieldTypeEnum | None = UNSET  # type: ignore[valid-type]
    labels: list[TranslationInput] | None = UNSET
    options: list[FieldOptionInput] | None = UNSET
    dictionary_id: strawberry.ID | None = UNSET
    allow_custom_value: bool | None = UNSET
    required: bool | None = UNSET
    default: JSON | None = UNSET
    help: str | None = UNSET


@strawberry.input(description="A workflow step. Keys name steps in nextSteps.")
class StepInput:
    key: str
    name: str
    group_id: strawberry.ID
    assignment: AssignmentRuleEnum = AssignmentRuleEnum.POOL  # type: ignore[valid-type]
    next_steps: list[str] | None = strawberry.field(
        default=None,
        description="Allowed next steps; null: the next by position; []: this step finishes.",
    )
    visible_fields: list[str] | None = strawberry.field(default=None, description="null: all")
    editable_fields: list[str] | None = strawberry.field(
        default=None, description="null: all visible"
    )
    required_fields: list[str] | None = None


@strawberry.input
class CreateTemplateInput:
    name: str
    description: str = ""
    hint: str = ""
    range_group_ids: list[strawberry.ID] | None = None
    initial_assignment: InitialAssignmentEnum = InitialAssignmentEnum.CREATOR  # type: ignore[valid-type]
    edit_limit: EditLimitEnum = EditLimitEnum.EVERYONE  # type: ignore[valid-type]
    retain_agent_on_transfer: bool = False
    end_action: EndActionEnum = EndActionEnum.NONE  # type: ignore[valid-type]
    follow_up_template_id: strawberry.ID | None = None
    default_cc: list[str] | None = None
    survey_on_close: bool = False
    priority_enabled: bool = True
    fields: list[FieldInput] | None = None
    steps: list[StepInput] | None = None


@strawberry.input(
    description="Parameters left out keep their value. Fields and steps: own mutations."
)
class UpdateTemplateInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="The version you edited; STALE when it moved on."
    )
    name: str | None = UNSET
    description: str | None = UNSET
    hint: str | None = UNSET
    range_group_ids: list[strawberry.ID] | None = UNSET
    initial_assignment: InitialAssignmentEnum | None = UNSET  # type: ignore[valid-type]
    edit_limit: EditLimitEnum | None = UNSET  # type: ignore[valid-type]
    retain_agent_on_transfer: bool | None = UNSET
    end_action: EndActionEnum | None = UNSET  # type: ignore[valid-type]
    follow_up_template_id: strawberry.ID | None = UNSET
    default_cc: list[str] | None = UNSET
    survey_on_close: bool | None = UNSET
    priority_enabled: bool | None = UNSET


@strawberry.input
class ArchiveTemplateInput:
    id: strawberry.ID
    archived: bool = True


@strawberry.input
class CopyTemplateInput:
    id: strawberry.ID
    name: str | None = None


@strawberry.input
class AddTemplateFieldInput:
    template_id: strawberry.ID
    field: FieldInput
    expected_version: int | None = None


@strawberry.input
class UpdateTemplateFieldInput:
    template_id: strawberry.ID
    key: str
    changes: FieldChangesInput
    expected_version: int | None = None


@strawberry.input
class ReorderTemplateFieldsInput:
    template_id: strawberry.ID
    keys: list[str]
    expected_version: int | None = None


@strawberry.input
class RemoveTemplateFieldInput:
    template_id: strawberry.ID
    key: str
    expected_version: int | None = None


@strawberry.input
class SetTemplateWorkflowInput:
    template_id: strawberry.ID
    steps: list[StepInput]
    expected_version: int | None = None


@strawberry.input
class TemplateFilter:
    active: bool | None = None
    search: str | None = None


@strawberry.input(description="An item and, optionally, the tree below it.")
class DictionaryItemInput:
    value: str
    label: str | None = None
    position: int | None = None
    active: bool = True
    children: list[DictionaryItemInput] | None = None


@strawberry.input
class CreateDictionaryInput:
    name: str
    description: str = ""
    items: list[DictionaryItemInput] | None = None


@strawberry.input
class UpdateDictionaryInput:
    id: strawberry.ID
    name: str | None = UNSET
    description: str | None = UNSET


@strawberry.input(description="Bulk load: merged by value under the parent, or replacing it.")
class LoadDictionaryItemsInput:
    dictionary_id: strawberry.ID
    items: list[DictionaryItemInput]
    parent_id: strawberry.ID | None = None
    replace: bool = False


@strawberry.input
class UpdateDictionaryItemInput:
    id: strawberry.ID
    label: str | None = UNSET
    position: int | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class RemoveDictionaryItemInput:
    id: strawberry.ID
