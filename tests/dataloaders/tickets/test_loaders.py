"""TicketLoaders' list-view loaders, called directly: mixed keys in one batch, tenant scope,
and ids that cannot exist."""

from __future__ import annotations

import asyncio

from tests.shop import Shop
from tests.support import OrgBuilder
from workorder.dataloaders.tickets.loaders import TicketLoaders
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.notes import note_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.models import Attachment, Ticket, TicketEvent


async def _order(shop: Shop, title: str) -> Ticket:
    return await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title=title, fields={"order_no": "A-1"}),
    )


async def _file(shop: Shop, filename: str) -> Attachment:
    return await Attachment.create(
        tenant_id=shop.org.tenant.id,
        sha256="0" * 64,
        filename=filename,
        size=1,
        uploaded_by_id=shop.users["ann"].id,
    )


async def test_last_events_answers_each_count_from_one_batch(shop: Shop):
    busy = await _order(shop, "Busy")
    quiet = await _order(shop, "Quiet")
    for n in range(6):
        await note_ticket(shop.actor("ann"), busy.id, f"note {n}")
    newest_first = [e.id for e in await TicketEvent.filter(ticket_id=busy.id).order_by("-id")]
    quiet_events = [e.id for e in await TicketEvent.filter(ticket_id=quiet.id).order_by("-id")]
    loaders = TicketLoaders(shop.org.tenant.id)
    keys = [(busy.id, 2), (busy.id, 5), (quiet.id, 5), (busy.id, 0), (999_999, 3)]
    found = await asyncio.gather(*(loaders.last_events.load(k) for k in keys))
    assert [[e.id for e in events] for events in found] == [
        newest_first[:2],
        newest_first[:5],
        quiet_events,
        [],
        [],
    ]
    assert found[0][0].comment == "note 5"
    assert all(e.ticket_id == busy.id for e in found[1])


async def test_loaders_stay_in_their_tenant(shop: Shop, api):
    ticket = await _order(shop, "Ours")
    receipt = await _file(shop, "receipt.pdf")
    await note_ticket(shop.actor("ann"), ticket.id, "Receipt", [receipt.id])
    await urge_ticket(shop.actor("admin"), ticket.id)

    other = await OrgBuilder.create(api, "globex")
    theirs = TicketLoaders(other.tenant.id)
    assert await theirs.last_events.load((ticket.id, 3)) == []
    assert await theirs.attachment_count.load(ticket.id) == 0
    assert await theirs.attachments.load(ticket.id) == []
    assert await theirs.attachment.load(receipt.id) is None

    ours = TicketLoaders(shop.org.tenant.id)
    assert [e.kind for e in await ours.last_events.load((ticket.id, 2))] == ["URGED", "NOTED"]
    assert await ours.attachment_count.load(ticket.id) == 1
    assert [a.id for a in await ours.attachments.load(ticket.id)] == [receipt.id]


async def test_attachment_by_id_skips_ids_no_row_can_have(shop: Shop):
    receipt = await _file(shop, "receipt.pdf")
    loaders = TicketLoaders(shop.org.tenant.id)
    found = await loaders.attachment.load_many([receipt.id, 0, -5, 2**40, 999_999])
    assert [a.id if a else None for a in found] == [receipt.id, None, None, None, None]
