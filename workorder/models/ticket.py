from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.attachment import Attachment
    from workorder.models.customer import Contact, Customer
    from workorder.models.group import Group
    from workorder.models.template import Template, TemplateVersion
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class Status(StrEnum):
    NEW = "NEW"
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    VOID = "VOID"


class Priority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


PRIORITY_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


class Source(StrEnum):
    PHONE = "PHONE"
    MISSED_CALL = "MISSED_CALL"
    CHAT = "CHAT"
    EMAIL = "EMAIL"
    WEB_FORM = "WEB_FORM"
    API = "API"
    IMPORT = "IMPORT"


class ClaimMode(StrEnum):
    """Who may take a PENDING ticket: the group's members, named candidates, or nobody
    (a group supervisor assigns it)."""

    POOL = "POOL"
    CANDIDATES = "CANDIDATES"
    SUPERVISOR = "SUPERVISOR"


class TeamAccess(StrEnum):
    READ = "READ"
    READ_WRITE = "READ_WRITE"


class Ticket(Model):
    """A work order. `version` is the optimistic lock every change moves on by one."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="tickets", on_delete=fields.CASCADE
    )
    tenant_id: int
    number = fields.IntField()
    template: fields.ForeignKeyRelation[Template] = fields.ForeignKeyField(
        "workorder.Template", related_name="tickets", on_delete=fields.RESTRICT
    )
    template_id: int
    template_version: fields.ForeignKeyRelation[TemplateVersion] = fields.ForeignKeyField(
        "workorder.TemplateVersion", related_name="tickets", on_delete=fields.RESTRICT
    )
    template_version_id: int
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    status = fields.CharEnumField(Status, db_index=True)
    priority = fields.CharEnumField(Priority, default=Priority.NORMAL)
    source = fields.CharEnumField(Source, default=Source.PHONE)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "workorder.Customer", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "workorder.Contact", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    contact_id: int | None
    creator: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="created_tickets", on_delete=fields.RESTRICT
    )
    creator_id: int
    creator_group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "workorder.Group", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    creator_group_id: int | None
    current_step = fields.CharField(max_length=63, null=True)
    current_group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "workorder.Group", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    current_group_id: int | None
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="assigned_tickets", null=True, on_delete=fields.SET_NULL
    )
    assignee_id: int | None
    claim_mode = fields.CharEnumField(ClaimMode, null=True)
    field_values: dict[str, Any] = fields.JSONField(default=dict)
    cc: list[str] = fields.JSONField(default=list)
    # The steps behind the ticket, newest last: [{"step", "assignee"}]; returns walk it back.
    trail: list[dict[str, Any]] = fields.JSONField(default=list)
    urge_count = fields.IntField(default=0)
    # Service-level targets (see flows/sla/sla.py): due_at is the resolution target.
    response_due_at = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField(null=True)
    # When the scheduler claimed a missed target: set once, so a breach is told once.
    response_breached_at = fields.DatetimeField(null=True)
    resolution_breached_at = fields.DatetimeField(null=True)
    first_response_at = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)
    survey_score = fields.IntField(null=True)
    follow_up_of: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="follow_ups", null=True, on_delete=fields.SET_NULL
    )
    follow_up_of_id: int | None
    version = fields.IntField(default=1)
    # Seed 003 "Normal"/"Unlocked": a locked ticket refuses every change but its unlocking
    # (rules.may), until its person in charge or an administrator unlocks it.
    locked = fields.BooleanField(default=False, db_default=False)
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True, db_index=True)

    class Meta:
        table = "ticket"
        unique_together = (("tenant", "number"),)


class TicketCounter(Model):
    """The last ticket number handed out in a tenant, bumped inside the creating transaction."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE, unique=True
    )
    tenant_id: int
    value = fields.IntField(default=0)

    class Meta:
        table = "ticket_counter"


class TicketParticipant(Model):
    """Everyone who has handled the ticket at some step."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="participants", on_delete=fields.CASCADE
    )
    ticket_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ticket_participant"
        unique_together = (("ticket", "user"),)


class TicketCandidate(Model):
    """Named users who may claim a PENDING ticket (after a transfer to several people)."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="candidates", on_delete=fields.CASCADE
    )
    ticket_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int

    class Meta:
        table = "ticket_candidate"
        unique_together = (("ticket", "user"),)


class TicketTeamMember(Model):
    """Someone added to the ticket's team, to read it or to work on its content."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="team", on_delete=fields.CASCADE
    )
    ticket_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    access = fields.CharEnumField(TeamAccess, default=TeamAccess.READ)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ticket_team_member"
        unique_together = (("ticket", "user"),)


class TicketFollower(Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="followers", on_delete=fields.CASCADE
    )
    ticket_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ticket_follower"
        unique_together = (("ticket", "user"),)


class TicketAttachment(Model):
    """An attachment a ticket refers to (in a field or a note): whoever sees the ticket may
    download it."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="attachment_links", on_delete=fields.CASCADE
    )
    ticket_id: int
    attachment: fields.ForeignKeyRelation[Attachment] = fields.ForeignKeyField(
        "workorder.Attachment", related_name="ticket_links", on_delete=fields.CASCADE
    )
    attachment_id: int

    class Meta:
        table = "ticket_attachment"
        unique_together = (("ticket", "attachment"),)


class AssignmentCursor(Model):
    """Where round-robin assignment stands in a group, so it stays fair across restarts."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "workorder.Group", related_name=False, on_delete=fields.CASCADE, unique=True
    )
    group_id: int
    last_user_id = fields.IntField(null=True)

    class Meta:
        table = "assignment_cursor"
