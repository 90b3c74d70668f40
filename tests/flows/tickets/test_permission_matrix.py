"""Who may do what to a ticket, for every action, and availableActions agrees."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from tests.shop import Shop
from workorder.auth.actor import Actor, Scope
from workorder.errors import ErrorCode, FlowError
from workorder.flows.templates.versions import update_template
from workorder.flows.tickets import closing, handling, interactions, moves, notes, team, urging
from workorder.flows.tickets.available import available_actions
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.state_machine import Action
from workorder.models import Channel, Direction, TeamAccess, Ticket, TicketEvent

OK = "ok"
NF = ErrorCode.NOT_FOUND
NO = ErrorCode.FORBIDDEN

PERSONAS = ["admin", "cal", "fay", "ann", "bob"]
# cal: assignee at Finance · fay: Finance supervisor · ann: creator (a participant) · bob: outsider
MATRIX: dict[Action, list[object]] = {
    Action.SAVE: [OK, OK, OK, OK, NF],
    Action.ASSIGN: [OK, NO, OK, NO, NF],
    Action.FORWARD: [NO, OK, NO, NO, NF],
    Action.RETURN: [NO, OK, NO, NO, NF],
    Action.TRANSFER: [OK, NO, NO, NO, NF],
    Action.URGE: [OK, OK, OK, OK, NF],
    Action.NOTE: [OK, OK, OK, OK, NF],
    Action.CLOSE: [OK, OK, OK, NO, NF],
    Action.VOID: [OK, NO, OK, NO, NF],
    Action.DELETE: [OK, NO, OK, NO, NF],
    Action.CHANGE_OWNER: [OK, OK, OK, NO, NF],
    Action.ADD_TEAM_MEMBER: [OK, OK, OK, NO, NF],
    Action.FOLLOW: [OK, OK, OK, OK, NF],
    Action.LOG_INTERACTION: [OK, OK, OK, OK, NF],
}


async def _at_finance(shop: Shop) -> Ticket:
    """Ann's order, now handled by Cal at the Finance step."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "A-1"})
    )
    ticket = await moves.forward_ticket(ann, ticket.id)
    return await handling.claim_ticket(shop.actor("cal"), ticket.id)


def _doing(shop: Shop, action: Action) -> Callable[[Actor, int], Awaitable[object]]:
    u = shop.users
    return {
        Action.SAVE: lambda a, t: handling.save_ticket(a, t, description="more detail"),
        Action.ASSIGN: lambda a, t: handling.assign_ticket(a, t, u["fay"].id),
        Action.FORWARD: lambda a, t: moves.forward_ticket(a, t, fields={"paid": True}),
        Action.RETURN: lambda a, t: moves.return_ticket(a, t, "wrong amount"),
        Action.TRANSFER: lambda a, t: moves.transfer_ticket(a, t, user_ids=[u["walt"].id]),
        Action.URGE: lambda a, t: urging.urge_ticket(a, t, "hurry"),
        Action.NOTE: lambda a, t: notes.note_ticket(a, t, "called the bank"),
        Action.CLOSE: lambda a, t: closing.close_ticket(a, t, "done"),
        Action.VOID: lambda a, t: closing.void_ticket(a, t, "duplicate"),
        Action.DELETE: lambda a, t: closing.delete_ticket(a, t),
        Action.CHANGE_OWNER: lambda a, t: team.change_owner(a, t, u["fay"].id),
        Action.ADD_TEAM_MEMBER: lambda a, t: team.add_team_member(a, t, u["max"].id),
        Action.FOLLOW: lambda a, t: team.follow_ticket(a, t),
        Action.LOG_INTERACTION: lambda a, t: interactions.log_interaction(
            a,
            t,
            channel=Channel.PHONE,
            direction=Direction.INBOUND,
            started_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
            number="+86 571 1234",
        ),
    }[action]


@pytest.mark.parametrize("action", list(MATRIX))
async def test_every_action_for_every_persona(shop: Shop, action: Action):
    for persona, expected in zip(PERSONAS, MATRIX[action], strict=True):
        ticket = await _at_finance(shop)
        actor = shop.actor(persona)
        if expected != NF:
            offered = {a.action for a in await available_actions(actor, ticket)}
            assert (action in offered) == (expected == OK), (action, persona)
        events = await TicketEvent.filter(ticket_id=ticket.id).count()
        try:
            await _doing(shop, action)(actor, ticket.id)
            outcome: object = OK
        except FlowError as error:
            outcome = error.code
            after = await Ticket.get(id=ticket.id)
            assert after.version == ticket.version, "a refused action changed the ticket"
        assert outcome == expected, (action, persona)
        # Every action leaves exactly one event on the trace, and its comment a note (a
        # return's reason, the close's "done"); a refused one leaves none.
        added = await TicketEvent.filter(ticket_id=ticket.id).count() - events
        done = (2 if action in (Action.RETURN, Action.CLOSE) else 1) if outcome == OK else 0
        assert added == done, (action, persona, added)


async def test_the_edit_limit_owner_makes_it_read_only_for_others(shop: Shop):
    await update_template(shop.org.admin_actor, shop.order.id, {"edit_limit": "OWNER"})
    ticket = await _at_finance(shop)
    ann = shop.actor("ann")
    for attempt in (
        lambda: handling.save_ticket(ann, ticket.id, description="x"),
        lambda: notes.note_ticket(ann, ticket.id, "x"),
    ):
        with pytest.raises(FlowError) as refused:
            await attempt()
        assert refused.value.code == ErrorCode.FORBIDDEN
    # A team member given READ_WRITE may work on its content.
    await team.add_team_member(
        shop.actor("cal"), ticket.id, shop.users["ann"].id, access=TeamAccess.READ_WRITE
    )
    await notes.note_ticket(ann, ticket.id, "now I may")


async def test_a_read_only_token_may_not_act(shop: Shop):
    ticket = await _at_finance(shop)
    reader = Actor.of(shop.users["cal"], scopes=frozenset({Scope.READ}))
    with pytest.raises(FlowError) as refused:
        await handling.save_ticket(reader, ticket.id, description="x")
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert {a.action for a in await available_actions(reader, ticket)} <= {
        Action.URGE,
        Action.FOLLOW,
        Action.UNFOLLOW,
    }


async def test_claim_submit_and_reopen_in_their_own_statuses(shop: Shop):
    ann, cal, bob = shop.actor("ann"), shop.actor("cal"), shop.actor("bob")
    draft = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Draft", submit=False)
    )
    assert draft.status == "NEW"
    from workorder.flows.tickets.create import submit_ticket

    with pytest.raises(FlowError) as incomplete:
        await submit_ticket(ann, draft.id)  # order_no is required to submit
    assert incomplete.value.code == ErrorCode.INVALID
    await handling.save_ticket(ann, draft.id, fields={"order_no": "A-2"})
    submitted = await submit_ticket(ann, draft.id)
    assert submitted.status == "IN_PROGRESS"
    pending = await moves.forward_ticket(ann, submitted.id)
    with pytest.raises(FlowError) as not_yours:
        await handling.claim_ticket(bob, pending.id)
    assert not_yours.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(FlowError) as wrong:
        await moves.forward_ticket(cal, pending.id)  # PENDING: claim it first
    assert wrong.value.code == ErrorCode.WRONG_STATUS
    claimed = await handling.claim_ticket(cal, pending.id)
    done = await closing.close_ticket(cal, claimed.id)
    with pytest.raises(FlowError) as closed:
        await handling.claim_ticket(cal, done.id)
    assert closed.value.code == ErrorCode.WRONG_STATUS
    with pytest.raises(FlowError) as agent:
        await closing.reopen_ticket(cal, done.id)
    assert agent.value.code == ErrorCode.FORBIDDEN
    reopened = await closing.reopen_ticket(shop.actor("fay"), done.id, "customer called back")
    assert (reopened.status, reopened.assignee_id) == ("IN_PROGRESS", shop.users["cal"].id)


async def test_stale_versions_are_refused(shop: Shop):
    ticket = await _at_finance(shop)
    cal = shop.actor("cal")
    await handling.save_ticket(cal, ticket.id, description="first", expected_version=ticket.version)
    with pytest.raises(FlowError) as stale:
        await handling.save_ticket(
            cal, ticket.id, description="second", expected_version=ticket.version
        )
    assert stale.value.code == ErrorCode.STALE
    assert (await Ticket.get(id=ticket.id)).description == "first"
