"""GraphQL types of the mail outbox: what was (or will be) mailed, and how that went."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.models import MailOutbox, MailStatus
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection

MailStatusEnum = strawberry.enum(
    MailStatus,
    name="MailStatus",
    description="PENDING waits (for its time, or for SMTP_URL to be set); FAILED was given up.",
)


@strawberry.type(name="Mail", description="An outgoing mail of the tenant's outbox.")
class MailType(Node):
    recipients: list[str]
    subject: str
    body: str
    message_id: str = strawberry.field(
        description="The Message-ID header: the same on every attempt, to trace it at the relay."
    )
    status: MailStatusEnum  # type: ignore[valid-type]
    attempts: int = strawberry.field(description="Delivery attempts started so far.")
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed (or which recipients were refused); null if none."
    )
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime = strawberry.field(description="When a PENDING mail is tried next.")

    @classmethod
    def of(cls, mail: MailOutbox) -> MailType:
        return cls(
            id=to_global_id("Mail", mail.id),
            recipients=list(mail.recipients),
            subject=mail.subject,
            body=mail.body,
            message_id=mail.message_id,
            status=MailStatus(mail.status),
            attempts=mail.attempts,
            last_error=mail.last_error or None,
            created_at=mail.created_at,
            sent_at=mail.sent_at,
            next_attempt_at=mail.next_attempt_at,
        )


@strawberry.type(name="MailConnection")
class MailConnection(Connection[MailType]):
    pass
