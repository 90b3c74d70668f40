from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.ticket import Ticket
    from workorder.models.user import User


class EventKind(StrEnum):
    CREATED = "CREATED"
    SUBMITTED = "SUBMITTED"
    SAVED = "SAVED"
    CLAIMED = "CLAIMED"
    ASSIGNED = "ASSIGNED"
    FORWARDED = "FORWARDED"
    RETURNED = "RETURNED"
    TRANSFERRED = "TRANSFERRED"
    URGED = "URGED"
    NOTED = "NOTED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"
    VOIDED = "VOIDED"
    DELETED = "DELETED"
    OWNER_CHANGED = "OWNER_CHANGED"
    TEAM_MEMBER_ADDED = "TEAM_MEMBER_ADDED"
    TEAM_MEMBER_REMOVED = "TEAM_MEMBER_REMOVED"
    FOLLOWED = "FOLLOWED"
    UNFOLLOWED = "UNFOLLOWED"
    INTERACTION_LOGGED = "INTERACTION_LOGGED"
    SURVEY_ANSWERED = "SURVEY_ANSWERED"
    LOCKED = "LOCKED"
    UNLOCKED = "UNLOCKED"


class TicketEvent(Model):
    """The trace: one immutable row per action on a ticket."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="events", on_delete=fields.CASCADE
    )
    ticket_id: int
    kind = fields.CharEnumField(EventKind)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16, null=True)
    from_step = fields.CharField(max_length=63, null=True)
    to_step = fields.CharField(max_length=63, null=True)
    from_assignee_id = fields.IntField(null=True)
    to_assignee_id = fields.IntField(null=True)
    comment = fields.TextField(default="")
    data: dict[str, Any] = fields.JSONField(default=dict)
    attachments: list[int] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "ticket_event"
