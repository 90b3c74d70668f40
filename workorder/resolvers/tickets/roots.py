"""Root fields of the tickets domain: tickets, notifications, attachments (downloads are plain
HTTP, GET /files/{id}), the mail outbox, and the live pushes of tickets and queues."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from workorder.resolvers.tickets import attachments, presence, subscriptions, tickets
from workorder.resolvers.tickets import mail as mail_resolvers
from workorder.schema.permissions import authenticated
from workorder.schema.tickets.attachments import UploadAttachmentPayload
from workorder.schema.tickets.mail import MailConnection
from workorder.schema.tickets.payloads import (
    AddTicketNotePayload,
    AddTicketTeamMemberPayload,
    AssignTicketPayload,
    ChangeTicketOwnerPayload,
    ClaimTicketPayload,
    CloseTicketPayload,
    CreateTicketPayload,
    DeleteTicketPayload,
    FollowTicketPayload,
    ForwardTicketPayload,
    LogInteractionPayload,
    MarkNotificationsReadPayload,
    RemoveTicketTeamMemberPayload,
    ReopenTicketPayload,
    ReturnTicketPayload,
    SaveTicketPayload,
    SubmitSurveyPayload,
    SubmitTicketPayload,
    TransferTicketPayload,
    UnfollowTicketPayload,
    UrgeTicketPayload,
    VoidTicketPayload,
)
from workorder.schema.tickets.presence import SetTicketEditingPayload, TicketViewersType
from workorder.schema.tickets.queues import NotificationFeedItem, QueueCountType, TicketFeedItem
from workorder.schema.tickets.types import (
    NotificationConnection,
    NotificationType,
    TicketEventType,
    TicketType,
)


@strawberry.type
class TicketQuery:
    ticket: TicketType | None = strawberry.field(
        resolver=tickets.ticket_query,
        extensions=authenticated(),
        description="A ticket you may see; null otherwise (never a permission error).",
    )
    notifications: NotificationConnection = strawberry.field(
        resolver=tickets.notifications_query,
        extensions=authenticated(),
        description="Yours, newest first.",
    )
    unread_notification_count: int = strawberry.field(
        resolver=tickets.unread_notification_count, extensions=authenticated()
    )


@strawberry.type
class TicketMutation:
    create_ticket: CreateTicketPayload = strawberry.mutation(
        resolver=tickets.create_ticket_mutation, extensions=authenticated()
    )
    submit_ticket: SubmitTicketPayload = strawberry.mutation(
        resolver=tickets.submit_ticket_mutation, extensions=authenticated()
    )
    save_ticket: SaveTicketPayload = strawberry.mutation(
        resolver=tickets.save_ticket, extensions=authenticated()
    )
    claim_ticket: ClaimTicketPayload = strawberry.mutation(
        resolver=tickets.claim_ticket, extensions=authenticated()
    )
    assign_ticket: AssignTicketPayload = strawberry.mutation(
        resolver=tickets.assign_ticket, extensions=authenticated()
    )
    forward_ticket: ForwardTicketPayload = strawberry.mutation(
        resolver=tickets.forward_ticket, extensions=authenticated()
    )
    return_ticket: ReturnTicketPayload = strawberry.mutation(
        resolver=tickets.return_ticket, extensions=authenticated()
    )
    transfer_ticket: TransferTicketPayload = strawberry.mutation(
        resolver=tickets.transfer_ticket, extensions=authenticated()
    )
    urge_ticket: UrgeTicketPayload = strawberry.mutation(
        resolver=tickets.urge_ticket, extensions=authenticated()
    )
    add_ticket_note: AddTicketNotePayload = strawberry.mutation(
        resolver=tickets.add_ticket_note, extensions=authenticated()
    )
    close_ticket: CloseTicketPayload = strawberry.mutation(
        resolver=tickets.close_ticket, extensions=authenticated()
    )
    reopen_ticket: ReopenTicketPayload = strawberry.mutation(
        resolver=tickets.reopen_ticket, extensions=authenticated()
    )
    void_ticket: VoidTicketPayload = strawberry.mutation(
        resolver=tickets.void_ticket, extensions=authenticated()
    )
    delete_ticket: DeleteTicketPayload = strawberry.mutation(
        resolver=tickets.delete_ticket, extensions=authenticated()
    )
    change_ticket_owner: ChangeTicketOwnerPayload = strawberry.mutation(
        resolver=tickets.change_ticket_owner, extensions=authenticated()
    )
    add_ticket_team_member: AddTicketTeamMemberPayload = strawberry.mutation(
        resolver=tickets.add_ticket_team_member, extensions=authenticated()
    )
    remove_ticket_team_member: RemoveTicketTeamMemberPayload = strawberry.mutation(
        resolver=tickets.remove_ticket_team_member, extensions=authenticated()
    )
    follow_ticket: FollowTicketPayload = strawberry.mutation(
        resolver=tickets.follow_ticket, extensions=authenticated()
    )
    unfollow_ticket: UnfollowTicketPayload = strawberry.mutation(
        resolver=tickets.unfollow_ticket, extensions=authenticated()
    )
    log_interaction: LogInteractionPayload = strawberry.mutation(
        resolver=tickets.log_interaction, extensions=authenticated()
    )
    submit_survey: SubmitSurveyPayload = strawberry.mutation(
        resolver=tickets.submit_survey,
        description="Public: the token from the survey link is the credential.",
    )
    mark_notifications_read: MarkNotificationsReadPayload = strawberry.mutation(
        resolver=tickets.mark_notifications_read, extensions=authenticated()
    )
    set_ticket_editing: SetTicketEditingPayload = strawberry.mutation(
        resolver=presence.set_ticket_editing,
        extensions=authenticated(),
        description="Tell the ticket's viewers (`ticketViewers`) whether you are editing it.",
    )


@strawberry.type
class AttachmentMutation:
    upload_attachment: UploadAttachmentPayload = strawberry.mutation(
        resolver=attachments.upload_attachment,
        extensions=authenticated(),
        description="Upload one file (GraphQL multipart request); refer to it by its id from "
        "a ticket's attachment fields or notes.",
    )


@strawberry.type
class MailQuery:
    mail_outbox: MailConnection = strawberry.field(
        resolver=mail_resolvers.mail_outbox_query,
        extensions=authenticated(),
        description="The tenant's outgoing mail, oldest first. Administrators only.",
    )


@strawberry.type
class TicketSubscription:
    notifications: AsyncGenerator[NotificationType, None] = strawberry.subscription(
        resolver=subscriptions.notifications,
        extensions=authenticated(),
        description="Your notifications: those after `after` first (resume), then live.",
    )
    unread_notification_count: AsyncGenerator[int, None] = strawberry.subscription(
        resolver=subscriptions.unread_notification_count,
        extensions=authenticated(),
        description="The unread badge: now (sent once the stream is live), then whenever it "
        "changes.",
    )
    notification_feed: AsyncGenerator[NotificationFeedItem, None] = strawberry.subscription(
        resolver=subscriptions.notification_feed,
        extensions=authenticated(),
        description="Your notifications with resume cursors, even before you have any: a "
        "ready item first (the stream is live), then those after `after` (a cursor from this "
        "feed, or a notification id), then live.",
    )
    ticket_changed: AsyncGenerator[TicketEventType, None] = strawberry.subscription(
        resolver=subscriptions.ticket_changed,
        extensions=authenticated(),
        description="A ticket's events as they happen, while you may see it.",
    )
    ticket_feed: AsyncGenerator[TicketFeedItem, None] = strawberry.subscription(
        resolver=subscriptions.ticket_feed,
        extensions=authenticated(),
        description="A ticket's events with resume cursors, while you may see it: a ready "
        "item first (the stream is live), then those after `after` (a cursor from this feed, "
        "or an event id), then live.",
    )
    queue_changed: AsyncGenerator[QueueCountType, None] = strawberry.subscription(
        resolver=subscriptions.queue_changed,
        extensions=authenticated(),
        description="A group's queue, for its members and supervisors: the counts now (sent "
        "once the stream is live), then whenever they change.",
    )
    ticket_viewers: AsyncGenerator[TicketViewersType, None] = strawberry.subscription(
        resolver=presence.ticket_viewers,
        extensions=authenticated(),
        description="Who has the ticket open and who is editing it, for as long as you have "
        "it open yourself (you join its viewers by subscribing and leave when the "
        "subscription or socket ends): everyone now, then again at every join, leave or "
        "change of editing. While you may see the ticket.",
    )
