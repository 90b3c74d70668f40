"""Batch loaders for what a ticket view shows, scoped to one tenant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from workorder.models import (
    Interaction,
    Ticket,
    TicketCandidate,
    TicketEvent,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
)


def _grouped(rows: Sequence[object], ids: Sequence[int], key: str) -> list[list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row.user_id)  # type: ignore[attr-defined]
    return [grouped.get(i, []) for i in ids]


class TicketLoaders:
    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id
        self.ticket = DataLoader(self._tickets)
        self.events = DataLoader(self._events)
        self.participants = DataLoader(self._participants)
        self.candidates = DataLoader(self._candidates)
        self.followers = DataLoader(self._followers)
        self.team = DataLoader(self._team)
        self.interactions = DataLoader(self._interactions)

    async def _tickets(self, ids: Sequence[int]) -> list[Ticket | None]:
        """Raw rows: callers must already know the ticket is visible."""
        rows = {t.id: t for t in await Ticket.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _events(self, ticket_ids: Sequence[int]) -> list[list[TicketEvent]]:
        grouped: dict[int, list[TicketEvent]] = defaultdict(list)
        for row in await TicketEvent.filter(
            tenant_id=self.tenant_id, ticket_id__in=ticket_ids
        ).order_by("id"):
            grouped[row.ticket_id].append(row)
        return [grouped.get(i, []) for i in ticket_ids]

    async def _participants(self, ticket_ids: Sequence[int]) -> list[list[int]]:
        rows = await TicketParticipant.filter(ticket_id__in=ticket_ids).order_by("id")
        return _grouped(rows, ticket_ids, "ticket_id")

    async def _candidates(self, ticket_ids: Sequence[int]) -> list[list[int]]:
        rows = await TicketCandidate.filter(ticket_id__in=ticket_ids).order_by("id")
        return _grouped(rows, ticket_ids, "ticket_id")

    async def _followers(self, ticket_ids: Sequence[int]) -> list[list[int]]:
        rows = await TicketFollower.filter(ticket_id__in=ticket_ids).order_by("id")
        return _grouped(rows, ticket_ids, "ticket_id")

    async def _team(self, ticket_ids: Sequence[int]) -> list[list[TicketTeamMember]]:
        grouped: dict[int, list[TicketTeamMember]] = defaultdict(list)
        for row in await TicketTeamMember.filter(ticket_id__in=ticket_ids).order_by("id"):
            grouped[row.ticket_id].append(row)
        return [grouped.get(i, []) for i in ticket_ids]

    async def _interactions(self, ticket_ids: Sequence[int]) -> list[list[Interaction]]:
        grouped: dict[int, list[Interaction]] = defaultdict(list)
        for row in await Interaction.filter(
            tenant_id=self.tenant_id, ticket_id__in=ticket_ids
        ).order_by("started_at", "id"):
            grouped[row.ticket_id].append(row)
        return [grouped.get(i, []) for i in ticket_ids]
