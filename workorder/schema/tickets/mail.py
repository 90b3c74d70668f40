"""GraphQL types of the mail outbox: what was (or will be) mailed, and how that went."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.models import MailOutbox, MailStatus
from workorder.schema.describe import described_enum
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection

MailStatusEnum = strawberry.enum(
    MailStatus,
    name="MailStatus",
    description="PENDING waits (for its time, or for SMTP_URL to be set); FAILED was given up.",
)
described_enum(
    MailStatusEnum,
    {
        MailStatus.PENDING: "Waiting to be sent: at `nextAttemptAt`, or once SMTP_URL is set.",
        MailStatus.SENDING: "A worker is handing it to the relay now.",
        MailStatus.SENT: "The relay accepted it (see `sentAt`).",
        MailStatus.FAILED: "Given up after its last attempt; `lastError` says why.",
    },
)


@strawberry.type(name="Mail", description="An outgoing mail of the tenant's outbox.")
class MailType(Node):
    recipients: list[str] = strawberry.field(description="The To addresses.")
    subject: str = strawberry.field(description="The subject line.")
    body: str = strawberry.field(description="The plain-text body.")
    message_id: str = strawberry.field(
        description="The Message-ID header: the same on every attempt, to trace it at the relay."
    )
    status: MailStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where its delivery stands."
    )
    attempts: int = strawberry.field(description="Delivery attempts started so far.")
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed (or which recipients were refused); null if none."
    )
    created_at: datetime = strawberry.field(description="When it was queued.")
    sent_at: datetime | None = strawberry.field(
        description="When the relay accepted it; null until SENT."
    )
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


@strawberry.type(name="MailConnection", description="A page of the mail outbox.")
class MailConnection(Connection[MailType]):
    pass
