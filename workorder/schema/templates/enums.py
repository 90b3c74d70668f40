"""The template configuration's enums as GraphQL shows them, each value described."""

from __future__ import annotations

import strawberry

from workorder.flows.templates.config import (
    AssignmentRule,
    ConditionOperator,
    EditLimit,
    EndAction,
    FieldType,
    InitialAssignment,
)
from workorder.schema.describe import described_enum

FieldTypeEnum = strawberry.enum(
    FieldType,
    name="FieldType",
    description="What a custom field holds; a value in Ticket.fieldValues has the JSON shape "
    "given here.",
)
InitialAssignmentEnum = strawberry.enum(
    InitialAssignment,
    name="InitialAssignment",
    description="Who handles a new ticket of the template first.",
)
EditLimitEnum = strawberry.enum(
    EditLimit,
    name="EditLimit",
    description="Who may change a ticket's content besides those in charge of it (its "
    "handler, the group's supervisors, administrators, team members with write access).",
)
EndActionEnum = strawberry.enum(
    EndAction, name="EndAction", description="What closing a ticket of the template starts."
)
AssignmentRuleEnum = strawberry.enum(
    AssignmentRule,
    name="AssignmentRule",
    description="How a ticket finds its handler when it enters a workflow step.",
)

# The domain's enums cannot carry GraphQL descriptions (flows/ knows no strawberry).
described_enum(
    FieldTypeEnum,
    {
        FieldType.TEXT: "One line of text, at most 1,000 characters (a JSON string).",
        FieldType.TEXTAREA: "Several lines of text, at most 20,000 characters (a string).",
        FieldType.NUMBER: "A finite number; whole numbers within ±(2^53 - 1) (a JSON number).",
        FieldType.DATE: "A calendar date, e.g. 2026-11-23 (a string).",
        FieldType.DATETIME: (
            "A date and time with its UTC offset, e.g. 2026-11-23T10:00:00+08:00 (a string)."
        ),
        FieldType.SELECT: "One of the choices (the option's value, a string), shown as a list.",
        FieldType.MULTI_SELECT: "Several distinct choices (a list of option values).",
        FieldType.RADIO: "One of the choices (a string), shown as radio buttons.",
        FieldType.CHECKBOX: "Yes or no (true or false).",
        FieldType.CASCADE: (
            "A path down the field's dictionary, top level first (a list of item values)."
        ),
        FieldType.ATTACHMENT: (
            "Files uploaded beforehand (a list of Attachment ids); not in exports or imports."
        ),
    },
)
described_enum(
    InitialAssignmentEnum,
    {
        InitialAssignment.CREATOR: "The creator handles it first. The default.",
        InitialAssignment.GROUP: (
            "The first step's group (or the group chosen from the range) takes it by the "
            "step's assignment rule."
        ),
    },
)
described_enum(
    EditLimitEnum,
    {
        EditLimit.EVERYONE: (
            "Whoever sees the ticket may change its content and add notes (not its status). "
            "The default."
        ),
        EditLimit.OWNER: "Read-only to everyone but those in charge of it.",
    },
)
described_enum(
    EndActionEnum,
    {
        EndAction.NONE: "Nothing more. The default.",
        EndAction.CREATE_NEW: (
            "A follow-up ticket of followUpTemplate (or the same template) for the same "
            "customer, left as NEW with the closer."
        ),
        EndAction.AGENT_DECIDES: (
            "The closer chooses whether to create that follow-up ticket (closeTicket's "
            "createFollowUp)."
        ),
    },
)
described_enum(
    AssignmentRuleEnum,
    {
        AssignmentRule.POOL: (
            "It waits in the group's pool for an active member to claim it (they are told). "
            "The default. Every rule falls back to SUPERVISOR when the group has no active "
            "members."
        ),
        AssignmentRule.SUPERVISOR: "It waits for a group supervisor to assign it.",
        AssignmentRule.ROUND_ROBIN: "Given to the group's active members in turn.",
        AssignmentRule.LEAST_LOADED: (
            "Given to the active member with the fewest tickets in progress (anywhere in the "
            "tenant)."
        ),
    },
)

ConditionOperatorEnum = described_enum(
    strawberry.enum(
        ConditionOperator,
        name="ConditionOperator",
        description="How a condition tests a field's value; each field type allows some.",
    ),
    {
        ConditionOperator.EQUALS: "The value is `value` (TEXT, NUMBER, DATE, choices, CHECKBOX).",
        ConditionOperator.NOT_EQUALS: "The value is not `value` (an empty one is not).",
        ConditionOperator.IN: "The value is one of `value`, a list (TEXT, SELECT, RADIO).",
        ConditionOperator.NOT_IN: "The value is none of `value`, a list.",
        ConditionOperator.CONTAINS: "A MULTI_SELECT value includes the option `value`.",
        ConditionOperator.GREATER_THAN: "The value is above `value` (NUMBER, DATE).",
        ConditionOperator.LESS_THAN: "The value is below `value` (NUMBER, DATE).",
        ConditionOperator.IS_EMPTY: "The field is not filled (give no value).",
        ConditionOperator.IS_NOT_EMPTY: "The field is filled (give no value).",
    },
)
