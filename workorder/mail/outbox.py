"""Writing mail into the outbox.

Mail is never sent from inside a flow: a flow writes an outbox row in the same transaction
as the change that caused it, so a rolled-back change never mails anyone and a committed one
always does (eventually, by a MailSender). This module is domain infrastructure: flows call
it, so it knows nothing of GraphQL or HTTP.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email

from workorder.models import MailOutbox, MailStatus

log = logging.getLogger(__name__)

# The right-hand side of every Message-ID. Uniqueness comes from the uuid; the domain only
# has to be syntactically valid and stable, so it does not depend on any setting.
MESSAGE_ID_DOMAIN = "workorder.local"
SUBJECT_MAX = 300  # MailOutbox.subject's column width
_WHITESPACE = re.compile(r"\s+")


def new_message_id() -> str:
    """An RFC 5322 msg-id, unique across processes and hosts without coordination."""
    return f"<{uuid.uuid4().hex}@{MESSAGE_ID_DOMAIN}>"


def clean_recipients(recipients: Sequence[str]) -> list[str]:
    """Valid, normalised, deduplicated (case-insensitively) addresses, in the given order.

    A bad address is dropped with a warning rather than raised: enqueue runs inside the
    caller's transaction, and a contact's typo must not roll back the ticket change itself.
    """
    seen: set[str] = set()
    cleaned: list[str] = []
    for raw in recipients:
        candidate = (raw or "").strip()
        if not candidate:
            continue
        try:
            address = validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            log.warning("outbox: dropping recipient %r: %s", candidate, exc)
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            cleaned.append(address)
    return cleaned


def clean_subject(subject: str) -> str:
    """One header line: line breaks would be header injection, and the column is bounded."""
    return _WHITESPACE.sub(" ", subject).strip()[:SUBJECT_MAX]


async def enqueue(
    recipients: Sequence[str],
    subject: str,
    body: str,
    *,
    tenant_id: int | None,
    ticket_id: int | None = None,
    html: str = "",
) -> MailOutbox | None:
    """Queue one mail; None (and no row) when no usable recipient is left.

    Call it inside the caller's `in_transaction()`: the row is written on that transaction's
    connection, so it commits or rolls back with the change that decided to send it.
    """
    addresses = clean_recipients(recipients)
    if not addresses:
        return None
    return await MailOutbox.create(
        tenant_id=tenant_id,
        ticket_id=ticket_id,
        recipients=addresses,
        subject=clean_subject(subject),
        body=body,
        html_body=html,
        message_id=new_message_id(),
        status=MailStatus.PENDING,
        next_attempt_at=datetime.now(UTC),
    )
