"""Root fields of the mail outbox."""

from __future__ import annotations

import strawberry

from workorder.resolvers import mail as mail_resolvers
from workorder.schema.mail import MailConnection
from workorder.schema.permissions import authenticated


@strawberry.type
class MailQuery:
    mail_outbox: MailConnection = strawberry.field(
        resolver=mail_resolvers.mail_outbox_query,
        extensions=authenticated(),
        description="The tenant's outgoing mail, oldest first. Administrators only.",
    )
