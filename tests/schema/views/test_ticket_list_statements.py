"""A ticket list costs the same number of SQL statements for 5 tickets as for 50: every
relation it shows is batch-loaded, at most one statement each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.shop import Shop
from workorder.models import (
    Attachment,
    Contact,
    Customer,
    EventKind,
    Status,
    Ticket,
    TicketAttachment,
    TicketCandidate,
    TicketEvent,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
)

# Everything a list row can show, except the per-ticket detail fields (availableActions,
# timeline), which a front end asks for on one ticket at a time.
PAGE = """query($first: Int) { tickets(first: $first) { totalCount edges { cursor node {
  id number title status priority source cc urgeCount dueAt version createdAt updatedAt
  template { name } templateVersion { number }
  currentStep { key name } currentGroup { name }
  assignee { username department { name } } creator { username } creatorGroup { name }
  customer { name } contact { name }
  candidates { username } claimMode participants { username }
  teamMembers { access user { username } } followers { username }
  fields { key label value display }
  events { kind actor { username } }
  lastEvents(count: 2) { kind actor { username } attachments { filename } }
  attachmentCount attachments { filename }
  interactions { number }
  followUpOf { number }
} } } }"""

# Each relation the page follows (a field that needs other rows), at most one statement each.
RELATIONS = [
    "template",
    "templateVersion",
    "currentStep",
    "currentGroup",
    "assignee",
    "assignee.department",
    "creator",
    "creatorGroup",
    "customer",
    "contact",
    "candidates",
    "participants",
    "teamMembers",
    "teamMembers.user",
    "followers",
    "events",
    "events.actor",
    "lastEvents",
    "lastEvents.actor",
    "lastEvents.attachments",
    "attachmentCount",
    "attachments",
    "interactions",
    "followUpOf",
]
# Paid once per request whatever the page: the token's user, the caller's reach (reporting
# line, groups, supervised groups, headed departments, sharing rules), the page, the count.
FIXED = 1 + 5 + 1 + 1


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextmanager
def counting() -> Iterator[list[str]]:
    """Every statement Tortoise sends while inside, as its debug log reports them."""
    logger = logging.getLogger("tortoise.db_client")
    handler = _Count()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def _tickets(shop: Shop, n: int) -> None:
    tenant = shop.org.tenant.id
    finance = shop.groups["Finance"]
    users = shop.users
    customer = await Customer.create(tenant_id=tenant, name="Ada")
    contact = await Contact.create(tenant_id=tenant, customer=customer, name="Ada's assistant")
    files = [
        await Attachment.create(tenant_id=tenant, sha256=f"{i:064x}", filename=f"f{i}.txt", size=1)
        for i in range(2)
    ]
    previous = None
    for i in range(n):
        ticket = await Ticket.create(
            tenant_id=tenant,
            number=i + 1,
            template_id=shop.order.id,
            template_version_id=shop.order.current_version_id,
            title=f"T{i}",
            status=Status.PENDING if i % 2 else Status.IN_PROGRESS,
            claim_mode="CANDIDATES" if i % 2 else None,
            creator_id=users["ann"].id,
            creator_group_id=shop.groups["Sales"].id,
            assignee_id=None if i % 2 else users["cal"].id,
            current_step="finance",
            current_group_id=finance.id,
            customer_id=customer.id,
            contact_id=contact.id,
            field_values={"order_no": f"A-{i}", "amount": i, "paid": bool(i % 2)},
            follow_up_of_id=previous,
        )
        previous = ticket.id
        await TicketParticipant.create(ticket=ticket, user_id=users["ann"].id)
        await TicketTeamMember.create(ticket=ticket, user_id=users["bob"].id)
        await TicketFollower.create(ticket=ticket, user_id=users["sam"].id)
        await TicketCandidate.create(ticket=ticket, user_id=users["fay"].id)
        for kind in (EventKind.CREATED, EventKind.NOTED):
            await TicketEvent.create(
                tenant_id=tenant,
                ticket=ticket,
                kind=kind,
                actor_id=users["ann"].id,
                attachments=[files[0].id] if kind == EventKind.NOTED else [],
            )
        for file in files:
            await TicketAttachment.create(ticket=ticket, attachment=file)


async def statements_for(shop: Shop, token: str, n: int) -> list[str]:
    with counting() as statements:
        data = await shop.org.api.ok(PAGE, {"first": n}, token)
    page = data["tickets"]
    assert len(page["edges"]) == n
    assert page["totalCount"] == 50
    row = page["edges"][0]["node"]
    assert row["attachmentCount"] == 2
    assert row["customer"] == {"name": "Ada"}
    assert [e["kind"] for e in row["lastEvents"]] == ["NOTED", "CREATED"]
    assert row["lastEvents"][0]["attachments"] == [{"filename": "f0.txt"}]
    return statements


async def test_a_page_costs_the_same_statements_whatever_its_size(
    shop: Shop, app: Any, monkeypatch: pytest.MonkeyPatch
):
    # The server's job runner polls in the background: its statements are not the page's.
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    await asyncio.sleep(0.5)  # a round already under way finishes
    await _tickets(shop, 50)
    token = await shop.token("admin")
    await shop.org.api.ok(PAGE, {"first": 1}, token)  # warm: the schema, the caches
    five = await statements_for(shop, token, 5)
    fifty = await statements_for(shop, token, 50)
    assert len(fifty) == len(five), "\n".join(["-- five:", *five, "-- fifty:", *fifty])
    assert len(fifty) <= FIXED + len(RELATIONS), "\n".join(fifty)
