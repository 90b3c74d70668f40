"""Inputs of the template and dictionary mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from workorder.schema.templates.enums import (
    AssignmentRuleEnum,
    ConditionOperatorEnum,
    EditLimitEnum,
    EndActionEnum,
    FieldTypeEnum,
    InitialAssignmentEnum,
)

UNSET = strawberry.UNSET

# Texts shared by the inputs that create and the ones that change the same things.
_EXPECTED = (
    "The template version you edited (Template.version); STALE when it moved on since. "
    "Null: no check."
)
_NAME = "The template's name, unique in the tenant."
_DESCRIPTION = "What the template is for; shown in the template list."
_HINT = "Shown to agents when they fill the form."
_RANGE = (
    "Groups (Group ids) a creator chooses from to handle the ticket; only for a template "
    "without a workflow (its first step's group is used otherwise)."
)
_INITIAL = "Who takes a new ticket first (see InitialAssignment)."
_EDIT_LIMIT = "Who else, besides those in charge, may change a ticket's content."
_RETAIN = (
    "On a forward or transfer into a group, give the ticket back to its creator or last "
    "handler when they are an active member of that group (instead of the step's rule)."
)
_END = "What closing a ticket of this template starts (see EndAction)."
_FOLLOW_UP = (
    "Template (a Template id) of the ticket a close creates (end action CREATE_NEW or "
    "AGENT_DECIDES); null: the same template."
)
_CC = "E-mail addresses told of every status change of its tickets."
_SURVEY = "Send the customer a satisfaction survey when a ticket is closed."
_PRIORITY = "Tickets of this template carry a priority; off: every ticket is NORMAL."
_FIELD_KEY = (
    "Key of the field in Ticket.fieldValues, filters and exports: a letter, then up to 62 "
    "letters, digits or _; unique in the template (case ignored, removed fields included). "
    "Fixed once tickets use the field."
)
_FIELD_LABEL = "The field's name as shown on the form, in the default language."
_FIELD_TYPE = "What values it takes (see FieldType). Fixed once tickets use the field."
_FIELD_LABELS = "The label in other languages, one per locale."
_FIELD_OPTIONS = (
    "The choices of a SELECT, MULTI_SELECT or RADIO field; without options, the roots of "
    "its dictionary are the choices."
)
_FIELD_DICTIONARY = (
    "Dictionary (a Dictionary id) a CASCADE field walks, or a choice field draws its roots "
    "from when it has no options."
)
_FIELD_CUSTOM = "A choice field also takes a typed value that is not among its choices."
_FIELD_REQUIRED = "A ticket cannot be submitted without a value."
_FIELD_DEFAULT = "Value a new ticket starts with, of the field's type (JSON); null: none."
_FIELD_HELP = "Help text shown under the field."


@strawberry.input(description="A text in one language.")
class TranslationInput:
    locale: str = strawberry.field(description="Language tag, e.g. en, zh-CN.")
    text: str = strawberry.field(description="The text in that language.")


@strawberry.input(description="One choice of a choice field.")
class FieldOptionInput:
    value: str = strawberry.field(
        description="What a ticket stores and filters and imports use; distinct and not empty."
    )
    label: str | None = strawberry.field(default=None, description="Defaults to the value.")


@strawberry.input(description="A custom field. Keys: a letter, then letters, digits or _.")
class FieldInput:
    key: str = strawberry.field(description=_FIELD_KEY)
    label: str = strawberry.field(description=_FIELD_LABEL)
    type: FieldTypeEnum = strawberry.field(description=_FIELD_TYPE)  # type: ignore[valid-type]
    labels: list[TranslationInput] | None = strawberry.field(
        default=None, description=_FIELD_LABELS
    )
    options: list[FieldOptionInput] | None = strawberry.field(
        default=None, description=_FIELD_OPTIONS
    )
    dictionary_id: strawberry.ID | None = strawberry.field(
        default=None, description=_FIELD_DICTIONARY
    )
    allow_custom_value: bool = strawberry.field(default=False, description=_FIELD_CUSTOM)
    required: bool = strawberry.field(default=False, description=_FIELD_REQUIRED)
    default: JSON | None = strawberry.field(default=None, description=_FIELD_DEFAULT)
    help: str = strawberry.field(default="", description=_FIELD_HELP)
    position: int | None = strawberry.field(
        default=None, description="Place in the form (lower first); null: after the others."
    )


@strawberry.input(description="Attributes left out keep their value.")
class FieldChangesInput:
    key: str | None = strawberry.field(
        default=UNSET, description=f"New key (renamed in every step too). {_FIELD_KEY}"
    )
    label: str | None = strawberry.field(default=UNSET, description=_FIELD_LABEL)
    type: FieldTypeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description=_FIELD_TYPE
    )
    labels: list[TranslationInput] | None = strawberry.field(
        default=UNSET, description=f"{_FIELD_LABELS} Replaces them all."
    )
    options: list[FieldOptionInput] | None = strawberry.field(
        default=UNSET, description=f"{_FIELD_OPTIONS} Replaces them all."
    )
    dictionary_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description=f"{_FIELD_DICTIONARY} Null: none."
    )
    allow_custom_value: bool | None = strawberry.field(default=UNSET, description=_FIELD_CUSTOM)
    required: bool | None = strawberry.field(default=UNSET, description=_FIELD_REQUIRED)
    default: JSON | None = strawberry.field(default=UNSET, description=_FIELD_DEFAULT)
    help: str | None = strawberry.field(default=UNSET, description=_FIELD_HELP)


@strawberry.input(description="A test on one field's value at a step.")
class ConditionInput:
    field: str = strawberry.field(description="The key of the field tested; one the step shows.")
    operator: ConditionOperatorEnum = strawberry.field(
        description="How to test it; the field's type must allow the operator."
    )
    value: JSON | None = strawberry.field(
        default=None,
        description="What to compare with: a value of the field (a list for IN / NOT_IN; "
        "none for IS_EMPTY / IS_NOT_EMPTY).",
    )


@strawberry.input(description="A field state at a step that depends on another field's value.")
class FieldRuleInput:
    field: str = strawberry.field(description="The key of the field whose state changes.")
    when: ConditionInput = strawberry.field(description="The rule applies while this holds.")
    visible: bool | None = strawberry.field(
        default=None, description="Shown (true) or hidden (false) then; null: as the step says."
    )
    editable: bool | None = strawberry.field(
        default=None, description="Editable then or not; null: as the step says."
    )
    required: bool | None = strawberry.field(
        default=None,
        description="Required before leaving the step then or not; null: as the step says. "
        "Only where the field is editable.",
    )


@strawberry.input(description="A way out of a step that the ticket's values choose.")
class BranchInput:
    to: str | None = strawberry.field(
        default=None, description="The key of the next step; null: the forward finishes."
    )
    when: ConditionInput | None = strawberry.field(
        default=None, description="Taken when this holds; null: the default way."
    )
    priority: int | None = strawberry.field(
        default=None,
        description="Of branches that both match, the higher wins; needed (and distinct) "
        "where two conditions can both hold.",
    )
    to_creator: bool = strawberry.field(
        default=False,
        description="The ticket's creator takes it at that step (e.g. a rejected request "
        "goes back to whoever made it).",
    )


@strawberry.input(description="A workflow step. Keys name steps in nextSteps.")
class StepInput:
    key: str = strawberry.field(
        description="The step's key, unique in the workflow: a letter, then letters, digits or _."
    )
    name: str = strawberry.field(description="The step's name as shown to people.")
    group_id: strawberry.ID = strawberry.field(
        description="The group (a Group id) that handles the ticket in this step."
    )
    assignment: AssignmentRuleEnum = strawberry.field(  # type: ignore[valid-type]
        default=AssignmentRuleEnum.POOL,
        description="How the ticket finds its handler on entering the step; POOL by default.",
    )
    next_steps: list[str] | None = strawberry.field(
        default=None,
        description="Allowed next steps; null: the next by position; []: this step finishes.",
    )
    visible_fields: list[str] | None = strawberry.field(default=None, description="null: all")
    editable_fields: list[str] | None = strawberry.field(
        default=None, description="null: all visible"
    )
    required_fields: list[str] | None = strawberry.field(
        default=None,
        description="Field keys that must be filled before the ticket leaves the step; only "
        "fields the step shows and lets its handler edit. Null: none.",
    )
    field_rules: list[FieldRuleInput] | None = strawberry.field(
        default=None,
        description="Field states that depend on values, applied in order (a later rule that "
        "holds wins). Null: none.",
    )
    branches: list[BranchInput] | None = strawberry.field(
        default=None,
        description="The values choose the next step (instead of nextSteps, which must then "
        "be null): the matching branch of highest priority, else the default one. Null: none.",
    )


@strawberry.input(description="A new template: its parameters, custom fields and workflow.")
class CreateTemplateInput:
    name: str = strawberry.field(description=_NAME)
    description: str = strawberry.field(default="", description=_DESCRIPTION)
    hint: str = strawberry.field(default="", description=_HINT)
    range_group_ids: list[strawberry.ID] | None = strawberry.field(default=None, description=_RANGE)
    initial_assignment: InitialAssignmentEnum = strawberry.field(  # type: ignore[valid-type]
        default=InitialAssignmentEnum.CREATOR, description=f"{_INITIAL} CREATOR by default."
    )
    edit_limit: EditLimitEnum = strawberry.field(  # type: ignore[valid-type]
        default=EditLimitEnum.EVERYONE, description=f"{_EDIT_LIMIT} EVERYONE by default."
    )
    retain_agent_on_transfer: bool = strawberry.field(default=False, description=_RETAIN)
    end_action: EndActionEnum = strawberry.field(  # type: ignore[valid-type]
        default=EndActionEnum.NONE, description=f"{_END} NONE by default."
    )
    follow_up_template_id: strawberry.ID | None = strawberry.field(
        default=None, description=_FOLLOW_UP
    )
    default_cc: list[str] | None = strawberry.field(default=None, description=_CC)
    survey_on_close: bool = strawberry.field(default=False, description=_SURVEY)
    priority_enabled: bool = strawberry.field(default=True, description=_PRIORITY)
    fields: list[FieldInput] | None = strawberry.field(
        default=None, description="The custom fields, in form order; null: none."
    )
    steps: list[StepInput] | None = strawberry.field(
        default=None,
        description="The workflow, first step first; null: none (the range groups apply).",
    )


@strawberry.input(
    description="Parameters left out keep their value. Fields and steps: own mutations."
)
class UpdateTemplateInput:
    id: strawberry.ID = strawberry.field(description="The template to change.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED)
    name: str | None = strawberry.field(default=UNSET, description=_NAME)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    hint: str | None = strawberry.field(default=UNSET, description=_HINT)
    range_group_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description=_RANGE
    )
    initial_assignment: InitialAssignmentEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description=_INITIAL
    )
    edit_limit: EditLimitEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description=_EDIT_LIMIT
    )
    retain_agent_on_transfer: bool | None = strawberry.field(default=UNSET, description=_RETAIN)
    end_action: EndActionEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description=_END
    )
    follow_up_template_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description=_FOLLOW_UP
    )
    default_cc: list[str] | None = strawberry.field(default=UNSET, description=_CC)
    survey_on_close: bool | None = strawberry.field(default=UNSET, description=_SURVEY)
    priority_enabled: bool | None = strawberry.field(default=UNSET, description=_PRIORITY)


@strawberry.input(description="The template to archive or bring back.")
class ArchiveTemplateInput:
    id: strawberry.ID = strawberry.field(description="The template.")
    archived: bool = strawberry.field(
        default=True,
        description="True archives it (no new tickets; its tickets carry on); false brings "
        "it back.",
    )


@strawberry.input(description="The template to copy.")
class CopyTemplateInput:
    id: strawberry.ID = strawberry.field(description="The template to copy.")
    name: str | None = strawberry.field(
        default=None, description="The copy's name; null: the original's with ' (copy)'."
    )


@strawberry.input(description="A custom field to add to a template.")
class AddTemplateFieldInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    field: FieldInput = strawberry.field(description="The new field.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED)


@strawberry.input(description="Changes to one custom field of a template.")
class UpdateTemplateFieldInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    key: str = strawberry.field(description="The field's current key.")
    changes: FieldChangesInput = strawberry.field(description="What to change.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED)


@strawberry.input(description="A new form order for a template's fields.")
class ReorderTemplateFieldsInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    keys: list[str] = strawberry.field(
        description="Every live field key exactly once, in the new order."
    )
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED)


@strawberry.input(description="A custom field to remove from a template.")
class RemoveTemplateFieldInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    key: str = strawberry.field(
        description="The field's key. A field tickets use stays as a removed field (its "
        "values stay readable, its key taken); an unused one is gone."
    )
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED)


@strawberry.input(description="A template's whole new workflow.")
class SetTemplateWorkflowInput:
    template_id: strawberry.ID = strawberry.field(description="The template.")
    steps: list[StepInput] = strawberry.field(
        description="The steps, first step first; every step reachable from the first and "
        "able to finish. Empty: no workflow (the range groups apply)."
    )
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED)


@strawberry.input(description="Narrows the templates list; conditions given must all hold.")
class TemplateFilter:
    active: bool | None = strawberry.field(
        default=None, description="True: only templates taking tickets; false: only archived."
    )
    search: str | None = strawberry.field(default=None, description="Part of the name.")


@strawberry.input(description="An item and, optionally, the tree below it.")
class DictionaryItemInput:
    value: str = strawberry.field(
        description="1 to 200 characters, distinct among its siblings: what tickets store, "
        "and what a load matches existing items by."
    )
    label: str | None = strawberry.field(
        default=None, description="Text shown for it, at most 200 characters; null: empty."
    )
    position: int | None = strawberry.field(
        default=None,
        description="Place among its siblings (lower first); null: after the others (a new "
        "item) or unchanged (an existing one).",
    )
    active: bool = strawberry.field(
        default=True, description="False hides it from new choices; stored values stay."
    )
    children: list[DictionaryItemInput] | None = strawberry.field(
        default=None, description="The items below it (at most 8 levels in all)."
    )


@strawberry.input(description="A new dictionary, with its items if you have them.")
class CreateDictionaryInput:
    name: str = strawberry.field(description="The dictionary's name, unique in the tenant.")
    description: str = strawberry.field(default="", description="What it lists.")
    items: list[DictionaryItemInput] | None = strawberry.field(
        default=None, description="Its tree of items; null: empty for now."
    )


@strawberry.input(description="Fields left out keep their stored value.")
class UpdateDictionaryInput:
    id: strawberry.ID = strawberry.field(description="The dictionary to change.")
    name: str | None = strawberry.field(
        default=UNSET, description="New name, unique in the tenant; null is refused."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="New description; null is refused."
    )


@strawberry.input(description="Bulk load: merged by value under the parent, or replacing it.")
class LoadDictionaryItemsInput:
    dictionary_id: strawberry.ID = strawberry.field(description="The dictionary.")
    items: list[DictionaryItemInput] = strawberry.field(
        description="The trees to load, at most 20,000 items in one load; all or nothing."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The item (a DictionaryItem id) to load under; null: the top."
    )
    replace: bool = strawberry.field(
        default=False,
        description="True first removes everything under the parent (a re-import from "
        "scratch); false merges, keeping the ids of items whose value exists.",
    )


@strawberry.input(description="Fields left out keep their stored value; the value never changes.")
class UpdateDictionaryItemInput:
    id: strawberry.ID = strawberry.field(description="The item to change.")
    label: str | None = strawberry.field(default=UNSET, description="New label; null is refused.")
    position: int | None = strawberry.field(
        default=UNSET, description="New place among its siblings; null is refused."
    )
    active: bool | None = strawberry.field(
        default=UNSET,
        description="False hides it from new choices (values stored stay); null is refused.",
    )


@strawberry.input(description="The dictionary item to remove.")
class RemoveDictionaryItemInput:
    id: strawberry.ID = strawberry.field(
        description="The item; everything below it goes too. Prefer deactivating items that "
        "tickets use."
    )


@strawberry.input(description="Names the group (team) that owns a template (seed 000 Team Name).")
class SetTemplateTeamInput:
    id: strawberry.ID = strawberry.field(description="The template.")
    group_id: strawberry.ID | None = strawberry.field(
        description="The owning group, of your tenant; null: no owning team."
    )
