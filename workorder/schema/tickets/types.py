"""GraphQL types of tickets: the ticket, its field values, its trace, its team, and what
the caller may do to it now."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from workorder.dataloaders.tickets.loaders import MAX_LAST_EVENTS
from workorder.errors import invalid
from workorder.flows.templates.config import TemplateConfig
from workorder.flows.tickets.available import available_actions
from workorder.flows.tickets.event_data import public_changes
from workorder.models import (
    Attachment,
    ClaimMode,
    Notification,
    Status,
    Ticket,
    TicketEvent,
)
from workorder.schema.context import Context, Info
from workorder.schema.customers.types import ContactType, CustomerType
from workorder.schema.node import Node, to_global_id
from workorder.schema.org.types import GroupType, UserType
from workorder.schema.pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, paginate
from workorder.schema.templates.types import StepType, TemplateType, TemplateVersionType
from workorder.schema.tickets.attachments import AttachmentType
from workorder.schema.tickets.enums import (
    ClaimModeEnum,
    EventKindEnum,
    NotificationKindEnum,
    PriorityEnum,
    SourceEnum,
    TicketStatusEnum,
)
from workorder.schema.tickets.field_values import FieldValue
from workorder.schema.tickets.hot import NOTHING_LOADED, Loaded, hot_values
from workorder.schema.tickets.related import (
    AvailableAction,
    InteractionType,
    TeamMemberType,
    available_action,
    user_type,
)


@strawberry.type(name="TicketEvent", description="One step of the trace.")
class TicketEventType(Node):
    model: strawberry.Private[TicketEvent]
    kind: EventKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happened."
    )
    comment: str = strawberry.field(
        description="What the actor wrote with it (a note's text, a reason); empty if nothing."
    )
    created_at: datetime = strawberry.field(description="When it happened.")
    from_status: TicketStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The status before; null for the creation."
    )
    to_status: TicketStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The status after."
    )
    from_step: str | None = strawberry.field(
        description="The key of the step before; null: none (no workflow, or not yet routed)."
    )
    to_step: str | None = strawberry.field(
        description="The key of the step after; null: none (no workflow, or finished)."
    )

    @classmethod
    def of(cls, event: TicketEvent) -> TicketEventType:
        return cls(
            id=to_global_id("TicketEvent", event.id),
            model=event,
            kind=event.kind,
            comment=event.comment,
            created_at=event.created_at,
            from_status=Status(event.from_status) if event.from_status else None,
            to_status=Status(event.to_status) if event.to_status else None,
            from_step=event.from_step,
            to_step=event.to_step,
        )

    @strawberry.field(
        description="Changes the action made, as stored: database ids under snake_case "
        "names. Fields the ticket's current step hides from you are left out.",
        deprecation_reason="Holds database ids, not global ids. Removal after 2027-06-01; "
        "use changes.",
    )
    async def data(self, info: Info) -> JSON:
        screen = await info.context.event_screen(self.model.ticket_id)
        return cast(JSON, screen.data(self.model.data))

    @strawberry.field(
        description="What the action changed, an object keyed by what changed: `fields` "
        "(custom field values, or their {before, after}), `title`, `description`, "
        "`priority`, `cc` ({before, after}), `users` and `group` (a transfer's targets), "
        "`user` and `access` (a team change), `interaction`, `channel`, `direction` (a logged "
        "interaction), `score` (a survey answer), `survey` (a survey was sent). Rows are "
        "named by global ids (for `node`). Fields the ticket's current step hides from you "
        "are left out."
    )
    async def changes(self, info: Info) -> JSON:
        screen = await info.context.event_screen(self.model.ticket_id)
        return cast(JSON, public_changes(self.model.data, screen))

    @strawberry.field(
        description="Global ids of the files the action came with; see `attachments`."
    )
    def attachment_ids(self) -> list[strawberry.ID]:
        return [to_global_id("Attachment", a) for a in self.model.attachments]

    @strawberry.field(description="The files the action came with (a note's), in its order.")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        found = await info.context.tickets.attachment.load_many(self.model.attachments)
        return [AttachmentType.of(a) for a in found if isinstance(a, Attachment)]

    @strawberry.field(
        description="Who did it; null for a customer's survey answer, or a deleted user."
    )
    async def actor(self, info: Info) -> UserType | None:
        return await user_type(info, self.model.actor_id, joined=self.model.actor)

    @strawberry.field(description="The assignee before; null: nobody.")
    async def from_assignee(self, info: Info) -> UserType | None:
        return await user_type(info, self.model.from_assignee_id)

    @strawberry.field(description="The assignee after; null: nobody.")
    async def to_assignee(self, info: Info) -> UserType | None:
        return await user_type(info, self.model.to_assignee_id)

    @strawberry.field(description="The ticket the event happened to.")
    def ticket_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Ticket", self.model.ticket_id))

    @strawberry.field(description="The ticket the event happened to, while you may see it.")
    async def ticket(self, info: Info) -> TicketType | None:
        found = await info.context.visible_tickets.load(self.model.ticket_id)
        return TicketType.of(found, info.context) if found else None


@strawberry.type(name="TicketEventConnection", description="A page of a ticket's events.")
class TicketEventConnection(Connection[TicketEventType]):
    pass


@strawberry.type(
    name="Ticket",
    description="A work order (工单): a customer's request, handled step by step along its "
    "template's workflow. You see it as the visibility rule allows; otherwise it is NOT_FOUND.",
)
class TicketType(Node):
    model: strawberry.Private[Ticket]
    number: int = strawberry.field(
        description="Its number, unique in the tenant, shown to people (searchable as #123)."
    )
    title: str = strawberry.field(description="A short summary.")
    description: str = strawberry.field(description="The request in full; may be empty.")
    status: TicketStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    priority: PriorityEnum = strawberry.field(  # type: ignore[valid-type]
        description="How urgent it is; urges raise it."
    )
    source: SourceEnum = strawberry.field(  # type: ignore[valid-type]
        description="How the request came in."
    )
    cc: list[str] = strawberry.field(
        description="E-mail addresses copied on its status mails (besides the template's)."
    )
    urge_count: int = strawberry.field(description="How many times it was urged.")
    locked: bool = strawberry.field(
        description="Locked by its person in charge or an admin: every change is refused "
        "but unlockTicket. False: normal."
    )
    due_at: datetime | None = strawberry.field(
        description="The SLA resolution target; null when no SLA policy applies."
    )
    first_response_at: datetime | None = strawberry.field(
        description="When someone first took it in hand; null until then."
    )
    done_at: datetime | None = strawberry.field(
        description="When it was finished; null unless DONE."
    )
    survey_score: int | None = strawberry.field(
        description="The customer's satisfaction score, 1 to 5; null until they answer."
    )
    version: int = strawberry.field(description="Send it back as expectedVersion.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def of(cls, ticket: Ticket, context: Context, loaded: Loaded = NOTHING_LOADED) -> TicketType:
        """`loaded`: what a list page's `prefetch` put in the request's loaders for the hot
        fields, served from there; the others are read if asked for."""
        return cls(
            **hot_values(context, ticket, loaded),
            id=to_global_id("Ticket", ticket.id),
            model=ticket,
            number=ticket.number,
            title=ticket.title,
            description=ticket.description,
            status=ticket.status,
            priority=ticket.priority,
            source=ticket.source,
            cc=list(ticket.cc),
            urge_count=ticket.urge_count,
            locked=ticket.locked,
            due_at=ticket.due_at,
            first_response_at=ticket.first_response_at,
            done_at=ticket.done_at,
            survey_score=ticket.survey_score,
            version=ticket.version,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
        )

    @strawberry.field(description="The first response's SLA target (dueAt: the resolution's).")
    def response_due_at(self) -> datetime | None:
        return self.model.response_due_at

    async def _config(self, info: Info) -> TemplateConfig:
        config = await info.context.templates.config.load(self.model.template_version_id)
        assert config is not None
        return config

    # The hot fields (hot.py) are values, set by `of`. Typed through `graphql_type` rather
    # than annotated: strawberry puts annotated fields before those with a resolver, and
    # the schema keeps its order.
    template = strawberry.field(
        description="The template it follows; null if deleted meanwhile.",
        graphql_type=TemplateType | None,
    )

    @strawberry.field(description="The version the ticket was created with: its form.")
    async def template_version(self, info: Info) -> TemplateVersionType | None:
        version = await info.context.templates.version.load(self.model.template_version_id)
        return TemplateVersionType.of(version) if version else None

    @strawberry.field(description="The customer it is for; null: none.")
    async def customer(self, info: Info) -> CustomerType | None:
        if self.model.customer_id is None:
            return None
        found = await info.context.customers.customer.load(self.model.customer_id)
        return CustomerType.of(found) if found else None

    @strawberry.field(description="The customer's contact person; null: none.")
    async def contact(self, info: Info) -> ContactType | None:
        if self.model.contact_id is None:
            return None
        found = await info.context.customers.contact.load(self.model.contact_id)
        return ContactType.of(found) if found else None

    current_step = strawberry.field(
        description="The workflow step it is at (or finished at); null without a workflow.",
        graphql_type=StepType | None,
    )

    @strawberry.field(description="The group that handles it now; null: none.")
    async def current_group(self, info: Info) -> GroupType | None:
        if self.model.current_group_id is None:
            return None
        group = await info.context.org.group.load(self.model.current_group_id)
        return GroupType.of(group) if group else None

    assignee = strawberry.field(description="The person in charge.", graphql_type=UserType | None)

    @strawberry.field(description="Who created it; null if the user was deleted.")
    async def creator(self, info: Info) -> UserType | None:
        return await user_type(info, self.model.creator_id)

    @strawberry.field(description="The group it was created for; null: none given.")
    async def creator_group(self, info: Info) -> GroupType | None:
        if self.model.creator_group_id is None:
            return None
        group = await info.context.org.group.load(self.model.creator_group_id)
        return GroupType.of(group) if group else None

    @strawberry.field(description="Who may claim it now: named candidates, or the group's pool.")
    async def candidates(self, info: Info) -> list[UserType]:
        if self.model.status != Status.PENDING:
            return []
        if self.model.claim_mode == ClaimMode.CANDIDATES:
            return [
                UserType.of(u)
                for u in await info.context.tickets.candidate_users.load(self.model.id)
            ]
        if self.model.claim_mode == ClaimMode.POOL and self.model.current_group_id is not None:
            members = await info.context.org.active_group_members.load(self.model.current_group_id)
            return [UserType.of(u) for u in members]
        return []

    @strawberry.field(
        description="Who may take it while it waits: the pool, named people, or a supervisor."
    )
    def claim_mode(self) -> ClaimModeEnum | None:  # type: ignore[valid-type]
        return self.model.claim_mode

    @strawberry.field(description="Everyone who handled it.")
    async def participants(self, info: Info) -> list[UserType]:
        users = await info.context.tickets.participant_users.load(self.model.id)
        return [UserType.of(u) for u in users]

    @strawberry.field(description="Users added to help on it, with their access.")
    async def team_members(self, info: Info) -> list[TeamMemberType]:
        rows = await info.context.tickets.team.load(self.model.id)
        return [TeamMemberType(model=r, access=r.access) for r in rows]

    @strawberry.field(description="Users who follow it (关注人).")
    async def followers(self, info: Info) -> list[UserType]:
        users = await info.context.tickets.follower_users.load(self.model.id)
        return [UserType.of(u) for u in users]

    fields = strawberry.field(
        description="Custom field values, in form order, as this step shows them.",
        graphql_type=list[FieldValue],
    )

    @strawberry.field(description="The trace, oldest first.")
    async def events(self, info: Info) -> list[TicketEventType]:
        info.context.tickets.ticket.prime(self.model.id, self.model)
        return [
            TicketEventType.of(e) for e in await info.context.tickets.events.load(self.model.id)
        ]

    @strawberry.field(
        description=f"The newest events, newest first: a list's preview of the trace "
        f"(at most {MAX_LAST_EVENTS})."
    )
    async def last_events(
        self,
        info: Info,
        count: Annotated[
            int, strawberry.argument(description="How many (0 to the maximum); 3 by default.")
        ] = 3,
    ) -> list[TicketEventType]:
        if not 0 <= count <= MAX_LAST_EVENTS:
            raise invalid(f"count must be between 0 and {MAX_LAST_EVENTS}", ["count"])
        info.context.tickets.ticket.prime(self.model.id, self.model)
        rows = await info.context.tickets.last_events.load((self.model.id, count))
        return [TicketEventType.of(e) for e in rows]

    @strawberry.field(
        description="The trace, oldest first, a page at a time (keyset cursors): for a long "
        "history, where `events` would send it all at once."
    )
    async def timeline(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> TicketEventConnection:
        info.context.tickets.ticket.prime(self.model.id, self.model)
        query = TicketEvent.filter(
            tenant_id=info.context.require_actor().tenant_id, ticket_id=self.model.id
        )
        return await paginate(
            query,
            TicketEventType.of,
            TicketEventConnection,
            first=first,
            after=after,
            last=last,
            before=before,
            key="id",
        )

    @strawberry.field(
        description="How many files the ticket links (fields and notes) that you may see."
    )
    async def attachment_count(self, info: Info) -> int:
        screen = await info.context.screen(self.model)
        if not screen.files:
            return await info.context.tickets.attachment_count.load(self.model.id)
        rows = await info.context.tickets.attachments.load(self.model.id)
        return sum(1 for a in rows if screen.shows_file(a.id))

    @strawberry.field(
        description="The files the ticket links (fields and notes), oldest first; a file "
        "named only by a field the ticket's current step hides from you is left out."
    )
    async def attachments(self, info: Info) -> list[AttachmentType]:
        screen = await info.context.screen(self.model)
        rows = await info.context.tickets.attachments.load(self.model.id)
        return [AttachmentType.of(a) for a in rows if screen.shows_file(a.id)]

    @strawberry.field(description="Calls, chats, mails and SMS logged on it.")
    async def interactions(self, info: Info) -> list[InteractionType]:
        rows = await info.context.tickets.interactions.load(self.model.id)
        return [InteractionType.of(r) for r in rows]

    @strawberry.field(description="What you may do now, with the choices (never re-implement).")
    async def available_actions(self, info: Info) -> list[AvailableAction]:
        actor = info.context.require_actor()
        config = await self._config(info)
        found = await available_actions(actor, self.model)
        return [await available_action(info, self.model, config, f) for f in found]

    @strawberry.field(description="The ticket this one follows up, while you may see it.")
    async def follow_up_of(self, info: Info) -> TicketType | None:
        if self.model.follow_up_of_id is None:
            return None
        found = await info.context.visible_tickets.load(self.model.follow_up_of_id)
        return TicketType.of(found, info.context) if found else None


@strawberry.type(
    name="Notification",
    description="A message for you about a ticket; yours alone, kept until you read it and after.",
)
class NotificationType(Node):
    model: strawberry.Private[Notification]
    kind: NotificationKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why you were notified."
    )
    message: str = strawberry.field(description="A one-line text to show, naming the ticket.")
    read_at: datetime | None = strawberry.field(
        description="When you marked it read; null: unread."
    )
    created_at: datetime = strawberry.field(description="When it was sent.")

    @classmethod
    def of(cls, row: Notification) -> NotificationType:
        return cls(
            id=to_global_id("Notification", row.id),
            model=row,
            kind=row.kind,
            message=row.message,
            read_at=row.read_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="The ticket, while you may still see it.")
    async def ticket(self, info: Info) -> TicketType | None:
        if self.model.ticket_id is None:
            return None
        found = await info.context.visible_tickets.load(self.model.ticket_id)
        return TicketType.of(found, info.context) if found else None


@strawberry.type(name="NotificationConnection", description="A page of your notifications.")
class NotificationConnection(Connection[NotificationType]):
    pass
