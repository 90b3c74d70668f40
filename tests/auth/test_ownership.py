"""The change-of-owner rule (`auth.ownership`) is one rule: the single mutation and the
batch path answer the same for everyone who stands in some way to the ticket."""

import pytest

from tests.flows.batch.test_batch import granted
from tests.shop import Shop
from workorder.auth.permissions import Permission
from workorder.errors import ErrorCode, FlowError
from workorder.flows.batch.batch import ChangeOwner, run_batch
from workorder.flows.tickets import handling, moves, team
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import TeamAccess, Ticket, User

OK = "ok"
# cal holds the ticket at Finance · tia: cal's superior · fay: Finance supervisor ·
# bob: READ_WRITE team member · dan: READ team member · ann: creator · eve: outsider
EXPECTED: dict[str, object] = {
    "admin": OK,
    "cal": OK,
    "tia": OK,
    "fay": OK,
    "bob": OK,
    "dan": ErrorCode.FORBIDDEN,
    "ann": ErrorCode.FORBIDDEN,
    "eve": ErrorCode.NOT_FOUND,
}


async def _held_by_cal(shop: Shop) -> Ticket:
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "A-1"})
    )
    await moves.forward_ticket(ann, ticket.id)
    cal = shop.actor("cal")
    held = await handling.claim_ticket(cal, ticket.id)
    await team.add_team_member(cal, held.id, shop.users["bob"].id, TeamAccess.READ_WRITE)
    await team.add_team_member(cal, held.id, shop.users["dan"].id, TeamAccess.READ)
    return held


@pytest.mark.parametrize("persona", list(EXPECTED))
async def test_single_and_batch_change_of_owner_follow_one_rule(shop: Shop, persona: str):
    tia = await shop.org.user("tia")
    await User.filter(id=shop.users["cal"].id).update(superior_id=tia.id)
    shop.users["tia"] = tia
    single, batched = await _held_by_cal(shop), await _held_by_cal(shop)
    actor = await granted(shop, persona, Permission.TICKET_BATCH)
    target = shop.users["max"].id

    try:
        await team.change_owner(actor, single.id, target)
        alone: object = OK
    except FlowError as error:
        alone = error.code
    [outcome] = await run_batch(actor, ChangeOwner(target), [batched.id], limit=10)
    in_batch = OK if outcome.error is None else outcome.error.code

    assert alone == in_batch == EXPECTED[persona]
    holders = {(await Ticket.get(id=t.id)).assignee_id for t in (single, batched)}
    assert holders == ({target} if EXPECTED[persona] == OK else {shop.users["cal"].id})
