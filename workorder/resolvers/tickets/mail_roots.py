"""Root fields of the mail outbox."""

from __future__ import annotations

import strawberry

from workorder.resolvers.tickets import mail as mail_resolvers
from workorder.schema.permissions import authenticated
from workorder.schema.tickets.mail import MailConnection


@strawberry.type
class MailQuery:
    mail_outbox: MailConnection = strawberry.field(
        resolver=mail_resolvers.mail_outbox_query,
        extensions=authenticated(),
        description="The tenant's outgoing mail, oldest first. Administrators only.",
    )
