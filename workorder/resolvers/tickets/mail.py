"""The mail outbox, for administrators: a thin translation to workorder.mail."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.org.outbox import outbox_of
from workorder.models import MailStatus
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.tickets.mail import MailConnection, MailStatusEnum, MailType


async def mail_outbox_query(
    info: Info,
    status: Annotated[
        MailStatusEnum | None,  # type: ignore[valid-type]
        strawberry.argument(description="Only mails in this state; left out: all."),
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> MailConnection:
    """Oldest first (keyset on id); a non-admin gets a top-level FORBIDDEN error."""
    actor = info.context.require_actor()
    query = outbox_of(actor, MailStatus(status) if status is not None else None)
    return await paginate(
        query, MailType.of, MailConnection, first=first, after=after, last=last, before=before
    )
