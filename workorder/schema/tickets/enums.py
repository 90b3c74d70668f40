"""The enums of tickets, notifications and interactions as GraphQL names them."""

from __future__ import annotations

import strawberry

from workorder.flows.tickets.state_machine import Action
from workorder.models import (
    Channel,
    ClaimMode,
    Direction,
    EventKind,
    NotificationKind,
    Priority,
    Source,
    Status,
    TeamAccess,
)
from workorder.schema.describe import described_enum

TicketStatusEnum = strawberry.enum(
    Status,
    name="TicketStatus",
    description="Where a ticket stands in its life. Deletion is not a status: a deleted "
    "ticket is gone from every list (NOT_FOUND).",
)
described_enum(
    TicketStatusEnum,
    {
        Status.NEW: "A draft: created but not submitted; only its creator (and admins) work it.",
        Status.PENDING: "Waiting in a step's group for someone to claim it or be assigned it.",
        Status.IN_PROGRESS: "Someone (the assignee) is handling it.",
        Status.DONE: "Finished: closed, or forwarded from the last step. REOPEN brings it back.",
        Status.VOID: "Obsolete; only administrators still see it. It can only be deleted.",
    },
)
PriorityEnum = strawberry.enum(
    Priority,
    name="Priority",
    description="How urgent a ticket is; sorts in this order. Each urge raises it one "
    "level, up to URGENT.",
)
described_enum(
    PriorityEnum,
    {
        Priority.LOW: "Lowest.",
        Priority.NORMAL: "The default of a new ticket.",
        Priority.HIGH: "Above normal.",
        Priority.URGENT: "Highest; counted in the URGENT view.",
    },
)
SourceEnum = strawberry.enum(
    Source, name="Source", description="How the request reached the tenant (来源)."
)
described_enum(
    SourceEnum,
    {
        Source.PHONE: "A phone call (the default).",
        Source.MISSED_CALL: "A missed call to call back (漏话); only supervisors and "
        "administrators create these.",
        Source.CHAT: "A chat conversation.",
        Source.EMAIL: "An e-mail.",
        Source.WEB_FORM: "A form on the tenant's website.",
        Source.API: "Another system, through this API.",
        Source.IMPORT: "A bulk import.",
    },
)
TeamAccessEnum = strawberry.enum(
    TeamAccess,
    name="TeamAccess",
    description="What a ticket's team member may do with it besides seeing it.",
)
described_enum(
    TeamAccessEnum,
    {
        TeamAccess.READ: "See the ticket and its history only.",
        TeamAccess.READ_WRITE: "Also edit its content: save, add notes, log interactions.",
    },
)
EventKindEnum = strawberry.enum(
    EventKind,
    name="TicketEventKind",
    description="What a ticket event records: one per action, in the ticket's timeline.",
)
described_enum(
    EventKindEnum,
    {
        EventKind.CREATED: "The ticket was created (as a draft, or submitted at once).",
        EventKind.SUBMITTED: "The draft was submitted and routed to its first step.",
        EventKind.SAVED: "Its content (title, description, priority, fields, cc) was edited.",
        EventKind.CLAIMED: "Someone took it from the queue.",
        EventKind.ASSIGNED: "A supervisor or administrator gave it to someone.",
        EventKind.FORWARDED: "Its handler sent it on to the next step (or finished it from "
        "the last one).",
        EventKind.RETURNED: "Its handler sent it back to the previous step or the group's "
        "supervisor.",
        EventKind.TRANSFERRED: "It was moved to other people, a group or another step.",
        EventKind.URGED: "Someone urged it (催单): priority one level up.",
        EventKind.NOTED: "A note was added (追加说明), maybe with attachments.",
        EventKind.CLOSED: "It was closed (结单): DONE.",
        EventKind.REOPENED: "It was reopened from DONE.",
        EventKind.VOIDED: "It was voided: VOID.",
        EventKind.DELETED: "It was deleted (soft; gone from every list).",
        EventKind.OWNER_CHANGED: "Its assignee was replaced.",
        EventKind.TEAM_MEMBER_ADDED: "A user joined its team.",
        EventKind.TEAM_MEMBER_REMOVED: "A user left its team.",
        EventKind.FOLLOWED: "A user started following it.",
        EventKind.UNFOLLOWED: "A user stopped following it.",
        EventKind.INTERACTION_LOGGED: "A call, chat, mail or SMS was logged on it.",
        EventKind.SURVEY_ANSWERED: "The customer answered the satisfaction survey.",
        EventKind.LOCKED: "Its person in charge or an admin locked it: no change but unlocking.",
        EventKind.UNLOCKED: "It was unlocked: back to normal.",
    },
)
NotificationKindEnum = strawberry.enum(
    NotificationKind,
    name="NotificationKind",
    description="Why you were notified. Nobody is notified of their own action.",
)
described_enum(
    NotificationKindEnum,
    {
        NotificationKind.ASSIGNED: "A ticket is now yours to handle.",
        NotificationKind.POOL_NEW: "A ticket waits in the queue of a group you are in (or "
        "supervise).",
        NotificationKind.URGED: "A ticket you handle (or, while it waits, your group's) was urged.",
        NotificationKind.RETURNED: "A ticket was returned to you (its earlier handler, or the "
        "group's supervisor).",
        NotificationKind.TRANSFERRED: "A ticket was transferred to you or your group, or "
        "away from you while you held it.",
        NotificationKind.CLOSED: "A ticket you created or follow is done.",
        NotificationKind.REOPENED: "A ticket was reopened and is back with you (or your group) "
        "to handle.",
        NotificationKind.NOTED: "Someone added a note to a ticket you handle.",
        NotificationKind.SLA_BREACH: "A ticket missed an SLA target: its first response or its "
        "resolution.",
        NotificationKind.REMINDER: "A reminder you set on a ticket is due (myReminders).",
    },
)
TicketActionEnum = strawberry.enum(
    Action,
    name="TicketAction",
    description="A flow action on a ticket; each is one mutation of the same name "
    "(`availableActions` lists those you may take now).",
)
described_enum(
    TicketActionEnum,
    {
        Action.SUBMIT: "`submitTicket`: send your draft (NEW) into its workflow.",
        Action.SAVE: "`saveTicket`: edit its content while it is open.",
        Action.CLAIM: "`claimTicket`: take a PENDING ticket from your queue.",
        Action.ASSIGN: "`assignTicket`: give it to someone (group supervisors, admins).",
        Action.FORWARD: "`forwardTicket`: hand it on to the next step, or finish it.",
        Action.RETURN: "`returnTicket`: send it back to the previous step or the supervisor.",
        Action.TRANSFER: "`transferTicket`: move it to other people (users, a department, a "
        "role), a group or a step.",
        Action.URGE: "`urgeTicket`: press for it (催单); raises priority one level.",
        Action.NOTE: "`addTicketNote`: add a note (追加说明).",
        Action.CLOSE: "`closeTicket`: finish it (结单).",
        Action.REOPEN: "`reopenTicket`: bring a DONE ticket back.",
        Action.VOID: "`voidTicket`: mark it obsolete.",
        Action.DELETE: "`deleteTicket`: remove it (soft delete).",
        Action.CHANGE_OWNER: "`changeTicketOwner`: replace its assignee.",
        Action.ADD_TEAM_MEMBER: "`addTicketTeamMember`: let someone help on it.",
        Action.REMOVE_TEAM_MEMBER: "`removeTicketTeamMember`: take someone off its team.",
        Action.FOLLOW: "`followTicket`: get its updates (关注).",
        Action.UNFOLLOW: "`unfollowTicket`: stop getting its updates.",
        Action.LOG_INTERACTION: "`logInteraction`: record a call, chat, mail or SMS on it.",
        Action.LOCK: "`lockTicket`: lock it, so nothing changes until it is unlocked.",
        Action.UNLOCK: "`unlockTicket`: unlock it (the only action a locked ticket allows).",
    },
)
ChannelEnum = strawberry.enum(
    Channel, name="Channel", description="The medium of a logged customer interaction."
)
described_enum(
    ChannelEnum,
    {
        Channel.PHONE: "A phone call.",
        Channel.CHAT: "A chat conversation.",
        Channel.EMAIL: "An e-mail.",
        Channel.SMS: "A text message.",
    },
)
DirectionEnum = strawberry.enum(
    Direction, name="Direction", description="Who started a logged interaction."
)
described_enum(
    DirectionEnum,
    {
        Direction.INBOUND: "The customer contacted the tenant.",
        Direction.OUTBOUND: "An agent contacted the customer.",
        Direction.MISSED: "The customer's call was not answered (漏话).",
    },
)
ClaimModeEnum = strawberry.enum(
    ClaimMode,
    name="ClaimMode",
    description="Who may take a PENDING, unassigned ticket at its step.",
)
described_enum(
    ClaimModeEnum,
    {
        ClaimMode.POOL: "Any active member of the step's group may claim it.",
        ClaimMode.CANDIDATES: "Only the users named as its candidates may claim it.",
        ClaimMode.SUPERVISOR: "Nobody claims it: a supervisor of the group assigns it.",
    },
)
