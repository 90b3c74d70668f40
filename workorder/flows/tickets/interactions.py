"""Calls and messages with the customer, logged on a ticket."""

from __future__ import annotations

from datetime import datetime

from workorder.auth.actor import Actor
from workorder.errors import invalid
from workorder.flows.tickets.opening import apply, open_ticket, record
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import Channel, Direction, EventKind, Interaction


async def log_interaction(
    actor: Actor,
    ticket_id: int,
    *,
    channel: Channel,
    direction: Direction,
    started_at: datetime,
    number: str = "",
    duration_seconds: int = 0,
    recording_url: str | None = None,
    external_id: str | None = None,
) -> Interaction:
    """A call or chat record on the ticket (the export's call-record sheet)."""
    opened = await open_ticket(actor, ticket_id, Action.LOG_INTERACTION)
    if duration_seconds < 0:
        raise invalid("Duration cannot be negative", ["durationSeconds"])
    if started_at.tzinfo is None:
        raise invalid("Give the start time with a UTC offset", ["startedAt"])
    if recording_url is not None and not recording_url.startswith(("https://", "http://")):
        raise invalid("The recording link must be an http(s) URL", ["recordingUrl"])
    async with unit_of_work() as uow:
        after = await apply(opened.ticket, {})
        interaction = await Interaction.create(
            tenant_id=actor.tenant_id,
            ticket_id=after.id,
            channel=channel,
            direction=direction,
            number=number.strip()[:100],
            started_at=started_at,
            duration_seconds=duration_seconds,
            recording_url=recording_url,
            external_id=external_id,
            agent_id=actor.user_id,
        )
        await record(
            uow,
            actor,
            EventKind.INTERACTION_LOGGED,
            opened.ticket,
            after,
            data={
                "interaction": interaction.id,
                "channel": str(channel),
                "direction": str(direction),
            },
        )
    return interaction
