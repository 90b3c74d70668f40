"""Who may download an attachment — the only rule for it, used by /files and by `node`.

A file is as visible as the tickets that refer to it: whoever may see one of them (by the one
visibility rule of `workorder.auth.visibility`) may download it, unless all that names it there is
a field the ticket's current step hides from them (`workorder.flows.tickets.screens`). Its uploader
may always, so a file can be fetched again between its upload and the save of the ticket that
will refer to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Subquery

from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, visible_tickets
from workorder.flows.tickets.screens import load_screen
from workorder.ids import MAX_PK
from workorder.models import Attachment, TicketAttachment


async def may_download(actor: Actor, attachment: Attachment, reach: Reach | None = None) -> bool:
    """Same tenant, and the caller uploaded it or can see a ticket that links to it.

    The link check is one query: the links of this attachment whose ticket is in the
    visibility query, as a subquery.
    """
    if attachment.tenant_id != actor.tenant_id:
        return False
    if attachment.uploaded_by_id == actor.user_id:
        return True
    visible = await visible_tickets(actor, reach)
    linked = Subquery(TicketAttachment.filter(attachment_id=attachment.id).values("ticket_id"))
    for ticket in await visible.filter(id__in=linked):
        if (await load_screen(actor, ticket)).shows_file(attachment.id):
            return True
    return False


async def downloadable(actor: Actor, attachment_id: int) -> Attachment | None:
    """The attachment, or None when it does not exist, is another tenant's or is not the
    caller's to download — alike, so that callers answer all three the same way."""
    if not 0 < attachment_id <= MAX_PK:
        return None
    attachment = await Attachment.filter(id=attachment_id, tenant_id=actor.tenant_id).first()
    if attachment is None or not await may_download(actor, attachment):
        return None
    return attachment


async def may_link(actor: Actor, attachment_ids: Iterable[int]) -> bool:
    """A ticket refers to a file only if its writer may already download that file: since
    whoever sees a ticket may download its files, linking is otherwise a way to take a
    file one was never given."""
    wanted = {i for i in attachment_ids if 0 < i <= MAX_PK}
    if not wanted:
        return True
    for attachment in await Attachment.filter(id__in=wanted, tenant_id=actor.tenant_id):
        if not await may_download(actor, attachment):
            return False
        wanted.discard(attachment.id)
    return not wanted
