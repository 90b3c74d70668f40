"""Inputs and payloads of batch actions on selected tickets and of assigning by quota."""

from __future__ import annotations

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.org.types import UserType
from workorder.schema.tickets.types import TicketType

IDS = "The selected tickets; duplicates count once. More than the server's limit: INVALID."
COMMENT = "Note recorded on each ticket's history with the action; empty by default."
TO_USERS = (
    "To these users (User ids): one takes each ticket at once; several must claim it. "
    "Give users, a group or a step."
)
TO_GROUP = "To this group (a Group id): its members claim each ticket."
AT_STEP = "At this workflow step (a step key), in its group unless groupId is given."


@strawberry.type(description="What a batch action did to one of the selected tickets.")
class BatchTicketResult:
    id: strawberry.ID = strawberry.field(description="The ticket id, as you sent it.")
    ok: bool = strawberry.field(description="True when the action was done to this ticket.")
    ticket: TicketType | None = strawberry.field(
        default=None, description="The ticket after the action, when it was done."
    )
    error: UserError | None = strawberry.field(
        default=None,
        description="Why this ticket was left as it was; NOT_FOUND for one you may not see.",
    )


@strawberry.type
class BatchTicketsPayload:
    results: list[BatchTicketResult] = strawberry.field(
        default_factory=list, description="One per distinct selected ticket, in your order."
    )
    succeeded: int = strawberry.field(default=0, description="How many tickets it was done to.")
    failed: int = strawberry.field(
        default=0, description="How many were left as they were (see their error)."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was done at all (limit, permission)."
    )


@strawberry.type(description="What batchTransferTickets did to each ticket.")
class BatchTransferTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type(description="What batchCloseTickets did to each ticket.")
class BatchCloseTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type(description="What batchAssignTickets did to each ticket.")
class BatchAssignTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type(description="What batchDeleteTickets did to each ticket.")
class BatchDeleteTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type(description="What batchUrgeTickets did to each ticket.")
class BatchUrgeTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.input(description="Transfer each ticket as transferTicket would.")
class BatchTransferTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    user_ids: list[strawberry.ID] | None = strawberry.field(default=None, description=TO_USERS)
    group_id: strawberry.ID | None = strawberry.field(default=None, description=TO_GROUP)
    step_key: str | None = strawberry.field(default=None, description=AT_STEP)
    comment: str = strawberry.field(default="", description=COMMENT)


@strawberry.input(description="Close each ticket as closeTicket would.")
class BatchCloseTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    comment: str = strawberry.field(default="", description=COMMENT)
    create_follow_up: bool | None = strawberry.field(
        default=None, description="End action AGENT_DECIDES: open a follow-up ticket."
    )


@strawberry.input(description="Assign each ticket to one person, as assignTicket would.")
class BatchAssignTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    user_id: strawberry.ID = strawberry.field(
        description="The active user (a User id) who takes every ticket: a member of each "
        "ticket's group unless you are an administrator."
    )
    comment: str = strawberry.field(default="", description=COMMENT)


@strawberry.type(description="What batchChangeTicketOwner did to each ticket.")
class BatchChangeTicketOwnerPayload(BatchTicketsPayload):
    pass


@strawberry.input(
    description="Give each ticket another person in charge, as changeTicketOwner would (the "
    "same rule decides, ticket by ticket)."
)
class BatchChangeTicketOwnerInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    user_id: strawberry.ID = strawberry.field(
        description="The new person in charge: an active user of your tenant (a User id)."
    )
    comment: str = strawberry.field(default="", description=COMMENT)


@strawberry.input(description="Delete each ticket as deleteTicket would.")
class BatchDeleteTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)


@strawberry.input(description="Urge each ticket as urgeTicket would.")
class BatchUrgeTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    comment: str = strawberry.field(default="", description=COMMENT)


@strawberry.input(description="One agent's quota.")
class QuotaInput:
    user_id: strawberry.ID = strawberry.field(description="The agent (a User id).")
    amount: int | None = strawberry.field(
        default=None,
        description="How many this agent gets; empty is none. Leave it out with evenSplit.",
    )


@strawberry.input(
    description=(
        "Hand the selected tickets still waiting for an assignee (PENDING, neither "
        "claimed nor assigned) to agents, by quota."
    )
)
class AssignWithQuotaInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    quotas: list[QuotaInput] = strawberry.field(
        default_factory=list, description="The agents (see quotaCandidates) and their quotas."
    )
    even_split: bool = strawberry.field(
        default=False,
        description="Split the total evenly; the remainder goes to the first agents by id.",
    )
    total: int | None = strawberry.field(
        default=None,
        description=(
            "How many to assign. Typed quotas must add up to it (default: their sum); "
            "evenSplit splits it (default: all that is left). Never more than is left."
        ),
    )
    comment: str = strawberry.field(default="", description=COMMENT)
    dry_run: bool = strawberry.field(
        default=False, description="Check and plan, assign nothing: the counts and the shares."
    )


@strawberry.type(description="One agent's part of an assignment by quota.")
class QuotaShare:
    user: UserType = strawberry.field(description="The agent.")
    quota: int = strawberry.field(description="How many tickets the agent was to get.")
    assigned: int = strawberry.field(description="Done; less than the quota when some failed.")


@strawberry.type(
    description="What an assignment by quota did (or, with dryRun, would do), or why not."
)
class AssignWithQuotaPayload:
    selected: int = strawberry.field(default=0, description="Distinct tickets selected.")
    available: int = strawberry.field(
        default=0,
        description="Of them, left to assign: minus those already claimed or assigned.",
    )
    assigned: int = strawberry.field(default=0, description="Tickets assigned now.")
    unassigned: int = strawberry.field(
        default=0, description="Left waiting: available minus assigned."
    )
    shares: list[QuotaShare] = strawberry.field(
        default_factory=list, description="Each agent's quota and how many they got."
    )
    results: list[BatchTicketResult] = strawberry.field(
        default_factory=list,
        description=(
            "Each assignment tried, and each selected ticket that could not be taken; "
            "the tickets no quota asked for are not listed."
        ),
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was assigned at all; empty otherwise."
    )
