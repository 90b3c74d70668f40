"""Root fields of the tickets domain: tickets, notifications, attachments (downloads are plain
HTTP, GET /files/{id}), the mail outbox, and the live pushes of tickets and queues."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from workorder.resolvers.tickets import (
    attachments,
    customer_contact,
    locks,
    presence,
    subscriptions,
    tickets,
)
from workorder.resolvers.tickets import mail as mail_resolvers
from workorder.resolvers.tickets import notifications as notification_resolvers
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
    LockTicketPayload,
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
    UnlockTicketPayload,
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
        resolver=notification_resolvers.notifications_query,
        extensions=authenticated(),
        description="Yours, newest first.",
    )
    unread_notification_count: int = strawberry.field(
        resolver=notification_resolvers.unread_notification_count,
        extensions=authenticated(),
        description="How many of your notifications are unread (the badge).",
    )


@strawberry.type
class TicketMutation:
    create_ticket: CreateTicketPayload = strawberry.mutation(
        resolver=tickets.create_ticket_mutation,
        extensions=authenticated(),
        description="Open a ticket from a template: submitted to its first step at once, or kept "
        "as your draft (NEW) with `submit: false`. Anyone signed in; a MISSED_CALL "
        "source needs a supervisor or admin.",
    )
    submit_ticket: SubmitTicketPayload = strawberry.mutation(
        resolver=tickets.submit_ticket_mutation,
        extensions=authenticated(),
        description="Send your draft (NEW) into its workflow: routed to the first step's group or"
        " handler. The creator or an admin.",
    )
    save_ticket: SaveTicketPayload = strawberry.mutation(
        resolver=tickets.save_ticket,
        extensions=authenticated(),
        description="Edit an open ticket's content (保存): title, description, priority, custom "
        "fields, cc. Those who may edit its content.",
    )
    claim_ticket: ClaimTicketPayload = strawberry.mutation(
        resolver=tickets.claim_ticket,
        extensions=authenticated(),
        description="Take a PENDING, unassigned ticket from your queue (领取): it becomes "
        "IN_PROGRESS and yours. A POOL group member or a named candidate.",
    )
    assign_ticket: AssignTicketPayload = strawberry.mutation(
        resolver=tickets.assign_ticket,
        extensions=authenticated(),
        description="Give a PENDING or IN_PROGRESS ticket to a member of its group (分配). "
        "Supervisors of its group and admins.",
    )
    forward_ticket: ForwardTicketPayload = strawberry.mutation(
        resolver=tickets.forward_ticket,
        extensions=authenticated(),
        description="Hand the ticket you handle on to the next step (转二线), or finish it (DONE) "
        "from a last step. The assignee.",
    )
    return_ticket: ReturnTicketPayload = strawberry.mutation(
        resolver=tickets.return_ticket,
        extensions=authenticated(),
        description="Send the ticket you handle back (退回) to the previous step and its handler, "
        "or to the group's supervisor. The assignee.",
    )
    transfer_ticket: TransferTicketPayload = strawberry.mutation(
        resolver=tickets.transfer_ticket,
        extensions=authenticated(),
        description="Move a PENDING or IN_PROGRESS ticket (转移): to one person (IN_PROGRESS), or "
        "to several people (users, a department, a role), a group or a step (PENDING); its "
        "step and group always agree, and whoever held it is told. Holders of the "
        "ticket.transfer grant.",
    )
    urge_ticket: UrgeTicketPayload = strawberry.mutation(
        resolver=tickets.urge_ticket,
        extensions=authenticated(),
        description="Press for a PENDING or IN_PROGRESS ticket (催单): its priority goes up one "
        "level (at most URGENT) and its handler (or group supervisors) are notified. "
        "Anyone who sees it.",
    )
    lock_ticket: LockTicketPayload = strawberry.mutation(
        resolver=locks.lock_ticket,
        extensions=authenticated(),
        description="Lock a ticket: every change to it is refused until unlockTicket. Its "
        "person in charge (assignee) or an admin.",
    )
    unlock_ticket: UnlockTicketPayload = strawberry.mutation(
        resolver=locks.unlock_ticket,
        extensions=authenticated(),
        description="Unlock a locked ticket: back to normal. Its person in charge "
        "(assignee) or an admin.",
    )
    add_ticket_note: AddTicketNotePayload = strawberry.mutation(
        resolver=tickets.add_ticket_note,
        extensions=authenticated(),
        description="Add a note (追加说明), with files, to a ticket that is not VOID; its"
        " assignee is notified. Those who may edit its content.",
    )
    close_ticket: CloseTicketPayload = strawberry.mutation(
        resolver=tickets.close_ticket,
        extensions=authenticated(),
        description="Finish an open ticket (结单): DONE; its creator and followers are notified, a "
        "survey sent if the template says so. Those in charge of it.",
    )
    reopen_ticket: ReopenTicketPayload = strawberry.mutation(
        resolver=tickets.reopen_ticket,
        extensions=authenticated(),
        description="Bring a DONE ticket back to the step it finished at, with its last handler "
        "if they can still take it. Group supervisors, admins, holders of "
        "ticket.reopen.",
    )
    void_ticket: VoidTicketPayload = strawberry.mutation(
        resolver=tickets.void_ticket,
        extensions=authenticated(),
        description="Mark a ticket obsolete: VOID, then seen by admins only. Group supervisors "
        "and admins.",
    )
    delete_ticket: DeleteTicketPayload = strawberry.mutation(
        resolver=tickets.delete_ticket,
        extensions=authenticated(),
        description="Delete a ticket (soft: it leaves every list and query). Group supervisors "
        "and admins.",
    )
    change_ticket_owner: ChangeTicketOwnerPayload = strawberry.mutation(
        resolver=tickets.change_ticket_owner,
        extensions=authenticated(),
        description="Give an open ticket another assignee (更改负责人): its person in charge, "
        "their superiors along the reporting line, the group's supervisors, admins, and "
        "read-write team members and sharing parties.",
    )
    add_ticket_team_member: AddTicketTeamMemberPayload = strawberry.mutation(
        resolver=tickets.add_ticket_team_member,
        extensions=authenticated(),
        description="Let a user help on the ticket: they see it, and with READ_WRITE may edit its"
        " content. Those in charge of it.",
    )
    remove_ticket_team_member: RemoveTicketTeamMemberPayload = strawberry.mutation(
        resolver=tickets.remove_ticket_team_member,
        extensions=authenticated(),
        description="Take a user off the ticket's team. Those in charge of it.",
    )
    follow_ticket: FollowTicketPayload = strawberry.mutation(
        resolver=tickets.follow_ticket,
        extensions=authenticated(),
        description="Follow a ticket you see (关注): you are told when it is done, and see it in "
        "your lists.",
    )
    unfollow_ticket: UnfollowTicketPayload = strawberry.mutation(
        resolver=tickets.unfollow_ticket,
        extensions=authenticated(),
        description="Stop following a ticket.",
    )
    log_interaction: LogInteractionPayload = strawberry.mutation(
        resolver=customer_contact.log_interaction,
        extensions=authenticated(),
        description="Record a call, chat, mail or SMS with the customer on a ticket that is not "
        "VOID. Those who may edit its content.",
    )
    submit_survey: SubmitSurveyPayload = strawberry.mutation(
        resolver=customer_contact.submit_survey,
        description="Public: the token from the survey link is the credential.",
    )
    mark_notifications_read: MarkNotificationsReadPayload = strawberry.mutation(
        resolver=notification_resolvers.mark_notifications_read,
        extensions=authenticated(),
        description="Mark your notifications read: those named, or all of them.",
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
