"""The mail outbox, for administrators: a thin translation to workorder.mail."""

from __future__ import annotations

from workorder.flows.org.outbox import outbox_of
from workorder.models import MailStatus
from workorder.schema.context import Info
from workorder.schema.pagination import paginate
from workorder.schema.tickets.mail import MailConnection, MailStatusEnum, MailType


async def mail_outbox_query(
    info: Info,
    status: MailStatusEnum | None = None,  # type: ignore[valid-type]
    first: int | None = None,
    after: str | None = None,
) -> MailConnection:
    """Oldest first (keyset on id); a non-admin gets a top-level FORBIDDEN error."""
    actor = info.context.require_actor()
    query = outbox_of(actor, MailStatus(status) if status is not None else None)
    return await paginate(query, MailType.of, MailConnection, first=first, after=after)
