"""Inputs and payloads of batch actions on selected tickets and of assigning by quota."""

from __future__ import annotations

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.org.types import UserType
from workorder.schema.tickets.types import TicketType

IDS = "The selected tickets; duplicates count once. More than the server's limit: INVALID."


@strawberry.type(description="What a batch action did to one of the selected tickets.")
class BatchTicketResult:
    id: strawberry.ID = strawberry.field(description="The ticket id, as you sent it.")
    ok: bool
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
    succeeded: int = 0
    failed: int = 0
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was done at all (limit, permission)."
    )


@strawberry.type
class BatchTransferTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type
class BatchCloseTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type
class BatchAssignTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type
class BatchDeleteTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.type
class BatchUrgeTicketsPayload(BatchTicketsPayload):
    pass


@strawberry.input(description="Transfer each ticket as transferTicket would.")
class BatchTransferTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    user_ids: list[strawberry.ID] | None = None
    group_id: strawberry.ID | None = None
    step_key: str | None = None
    comment: str = ""


@strawberry.input(description="Close each ticket as closeTicket would.")
class BatchCloseTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    comment: str = ""
    create_follow_up: bool | None = strawberry.field(
        default=None, description="End action AGENT_DECIDES: open a follow-up ticket."
    )


@strawberry.input(description="Assign each ticket to one person, as assignTicket would.")
class BatchAssignTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    user_id: strawberry.ID
    comment: str = ""


@strawberry.input(description="Delete each ticket as deleteTicket would.")
class BatchDeleteTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)


@strawberry.input(description="Urge each ticket as urgeTicket would.")
class BatchUrgeTicketsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    comment: str = ""


@strawberry.input(description="One agent's quota.")
class QuotaInput:
    user_id: strawberry.ID
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
    comment: str = ""
    dry_run: bool = strawberry.field(
        default=False, description="Check and plan, assign nothing: the counts and the shares."
    )


@strawberry.type(description="One agent's part of an assignment by quota.")
class QuotaShare:
    user: UserType
    quota: int
    assigned: int = strawberry.field(description="Done; less than the quota when some failed.")


@strawberry.type
class AssignWithQuotaPayload:
    selected: int = strawberry.field(default=0, description="Distinct tickets selected.")
    available: int = strawberry.field(
        default=0,
        description="Of them, left to assign: minus those already claimed or assigned.",
    )
    assigned: int = 0
    unassigned: int = strawberry.field(
        default=0, description="Left waiting: available minus assigned."
    )
    shares: list[QuotaShare] = strawberry.field(default_factory=list)
    results: list[BatchTicketResult] = strawberry.field(
        default_factory=list,
        description=(
            "Each assignment tried, and each selected ticket that could not be taken; "
            "the tickets no quota asked for are not listed."
        ),
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
