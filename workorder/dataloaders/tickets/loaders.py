"""Batch loaders for what a ticket view shows, scoped to one tenant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from pypika_tortoise.analytics import RowNumber
from pypika_tortoise.enums import Order
from pypika_tortoise.queries import Query, Table
from strawberry.dataloader import DataLoader
from tortoise.functions import Count

from workorder.ids import MAX_PK
from workorder.models import (
    Attachment,
    Interaction,
    Ticket,
    TicketAttachment,
    TicketCandidate,
    TicketEvent,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
    User,
)

MAX_LAST_EVENTS: Final = 50
"""The most `lastEvents` a ticket list may ask for: a preview, not the trace."""


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
        # The people themselves, joined in the same statement: a list shows them without a
        # second round of user look-ups whose batching would depend on timing.
        self.participant_users = DataLoader(self._participant_users)
        self.candidate_users = DataLoader(self._candidate_users)
        self.follower_users = DataLoader(self._follower_users)
        self.interactions = DataLoader(self._interactions)
        self.last_events = DataLoader(self._last_events)
        self.attachment_count = DataLoader(self._attachment_count)
        self.attachments = DataLoader(self._attachments)
        self.attachment = DataLoader(self._attachment)

    async def _tickets(self, ids: Sequence[int]) -> list[Ticket | None]:
        """Raw rows: callers must already know the ticket is visible."""
        rows = {t.id: t for t in await Ticket.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _events(self, ticket_ids: Sequence[int]) -> list[list[TicketEvent]]:
        grouped: dict[int, list[TicketEvent]] = defaultdict(list)
        for row in (
            await TicketEvent.filter(tenant_id=self.tenant_id, ticket_id__in=ticket_ids)
            .select_related("actor")
            .order_by("id")
        ):
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

    async def _people(
        self,
        model: type[TicketParticipant] | type[TicketCandidate] | type[TicketFollower],
        ticket_ids: Sequence[int],
    ) -> list[list[User]]:
        grouped: dict[int, list[User]] = defaultdict(list)
        rows = await model.filter(ticket_id__in=ticket_ids).select_related("user").order_by("id")
        for row in rows:
            grouped[row.ticket_id].append(row.user)
        return [grouped.get(i, []) for i in ticket_ids]

    async def _participant_users(self, ticket_ids: Sequence[int]) -> list[list[User]]:
        return await self._people(TicketParticipant, ticket_ids)

    async def _candidate_users(self, ticket_ids: Sequence[int]) -> list[list[User]]:
        return await self._people(TicketCandidate, ticket_ids)

    async def _follower_users(self, ticket_ids: Sequence[int]) -> list[list[User]]:
        return await self._people(TicketFollower, ticket_ids)

    async def _team(self, ticket_ids: Sequence[int]) -> list[list[TicketTeamMember]]:
        grouped: dict[int, list[TicketTeamMember]] = defaultdict(list)
        rows = TicketTeamMember.filter(ticket_id__in=ticket_ids).select_related("user")
        for row in await rows.order_by("id"):
            grouped[row.ticket_id].append(row)
        return [grouped.get(i, []) for i in ticket_ids]

    async def _interactions(self, ticket_ids: Sequence[int]) -> list[list[Interaction]]:
        grouped: dict[int, list[Interaction]] = defaultdict(list)
        for row in await Interaction.filter(
            tenant_id=self.tenant_id, ticket_id__in=ticket_ids
        ).order_by("started_at", "id"):
            grouped[row.ticket_id].append(row)
        return [grouped.get(i, []) for i in ticket_ids]

    async def _last_events(self, keys: Sequence[tuple[int, int]]) -> list[list[TicketEvent]]:
        """(ticket, count) → its newest `count` events, newest first.

        One statement for the whole batch that returns only the rows asked for, so a page of
        tickets with long traces does not drag every event along: the events are ranked per
        ticket by ROW_NUMBER(), which SQLite (3.25+) and PostgreSQL both have. Tortoise's
        filters cannot rank, so the ranking subquery is built with its query builder (pypika),
        whose values are sent as parameters like any other filter's.
        """
        most = max((n for _, n in keys), default=0)
        ticket_ids = sorted({t for t, n in keys if n > 0})
        if most <= 0 or not ticket_ids:
            return [[] for _ in keys]
        events = Table(TicketEvent._meta.db_table)
        rank = RowNumber().over(events.ticket_id).orderby(events.id, order=Order.desc)
        ranked = (
            Query.from_(events)
            .select(events.id, rank.as_("n"))
            .where((events.tenant_id == self.tenant_id) & events.ticket_id.isin(ticket_ids))
            .as_("ranked")
        )
        newest = Query.from_(ranked).select(ranked.id).where(ranked.n <= most)
        grouped: dict[int, list[TicketEvent]] = defaultdict(list)
        for row in (
            await TicketEvent.filter(tenant_id=self.tenant_id, id__in=newest)
            .select_related("actor")
            .order_by("-id")
        ):
            grouped[row.ticket_id].append(row)
        return [grouped.get(t, [])[: max(n, 0)] for t, n in keys]

    async def _attachment_count(self, ticket_ids: Sequence[int]) -> list[int]:
        """How many files each ticket links, counted by the database, not by loading them."""
        rows = (
            await TicketAttachment.filter(
                ticket_id__in=ticket_ids, attachment__tenant_id=self.tenant_id
            )
            .annotate(n=Count("id"))
            .group_by("ticket_id")
            .values("ticket_id", "n")
        )
        counted = {row["ticket_id"]: row["n"] for row in rows}
        return [counted.get(i, 0) for i in ticket_ids]

    async def _attachments(self, ticket_ids: Sequence[int]) -> list[list[Attachment]]:
        """The files each ticket links (by its fields or its notes), in the order they were
        linked. The join brings the files in the same statement. (They are not primed into
        `attachment`: whether events found them there would depend on which loader ran first,
        and a list's cost would vary from request to request.)"""
        grouped: dict[int, list[Attachment]] = defaultdict(list)
        for link in (
            await TicketAttachment.filter(
                ticket_id__in=ticket_ids, attachment__tenant_id=self.tenant_id
            )
            .select_related("attachment")
            .order_by("id")
        ):
            grouped[link.ticket_id].append(link.attachment)
        return [grouped.get(i, []) for i in ticket_ids]

    async def _attachment(self, ids: Sequence[int]) -> list[Attachment | None]:
        """Files by id, for the events that name them. Raw rows: callers reach them through a
        ticket the caller sees, and whoever sees a ticket may download its files."""
        wanted = [i for i in ids if 0 < i <= MAX_PK]
        if not wanted:
            return [None for _ in ids]
        rows = {a.id: a for a in await Attachment.filter(tenant_id=self.tenant_id, id__in=wanted)}
        return [rows.get(i) for i in ids]
