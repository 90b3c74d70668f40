"""Who may read a tenant's mail outbox: writing it is infrastructure (workorder.mail), reading
it back is a rule about people."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.errors import forbidden
from workorder.models import MailOutbox, MailStatus


def outbox_of(actor: Actor, status: MailStatus | None = None) -> QuerySet[MailOutbox]:
    """The actor's tenant's outbox, optionally of one status; administrators only.

    Mail bodies quote tickets and customers, so only those who see everything may list them.
    """
    if not actor.is_admin:
        raise forbidden("Only administrators may see the mail outbox")
    query = MailOutbox.filter(tenant_id=actor.tenant_id)
    if status is not None:
        query = query.filter(status=status)
    return query
