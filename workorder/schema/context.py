"""The typed GraphQL context: who is calling and the per-request loaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from workorder.auth import visibility
from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, reach_of
from workorder.dataloaders.customers.loaders import CustomerLoaders
from workorder.dataloaders.org.loaders import OrgLoaders
from workorder.dataloaders.templates.loaders import TemplateLoaders
from workorder.dataloaders.tickets.loaders import TicketLoaders
from workorder.flows.tickets.screens import OPEN, Screen, hidden_fields, hides_files, screen_of
from workorder.models import Ticket
from workorder.settings import Settings
from workorder.subscriptions.broker import Broker


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket
    settings: Settings
    broker: Broker
    actor: Actor | None = None
    auth_error: str | None = None
    connection_params: dict[str, object] = field(default_factory=dict)
    _org: OrgLoaders | None = field(default=None, repr=False)
    _templates: TemplateLoaders | None = field(default=None, repr=False)
    _tickets: TicketLoaders | None = field(default=None, repr=False)
    _customers: CustomerLoaders | None = field(default=None, repr=False)
    _visible_tickets: DataLoader[int, Ticket | None] | None = field(default=None, repr=False)
    _screens: DataLoader[int, Screen] | None = field(default=None, repr=False)

    def authenticate(self, actor: Actor) -> None:
        self.actor = actor
        self.auth_error = None
        self.fresh()

    def fresh(self) -> None:
        """Forget cached loaders and reach. A WebSocket keeps one context for its whole life:
        each event a subscription sends is resolved with fresh data."""
        self._org = None
        self._templates = None
        self._tickets = None
        if self.actor is not None:  # its memo (the reach) too
            self.actor = replace(self.actor)
        self._customers = None
        self._visible_tickets = None
        self._screens = None

    @property
    def org(self) -> OrgLoaders:
        if self._org is None:
            self._org = OrgLoaders(self.require_actor().tenant_id)
        return self._org

    @property
    def templates(self) -> TemplateLoaders:
        if self._templates is None:
            self._templates = TemplateLoaders(self.require_actor().tenant_id)
        return self._templates

    @property
    def tickets(self) -> TicketLoaders:
        if self._tickets is None:
            self._tickets = TicketLoaders(self.require_actor().tenant_id)
        return self._tickets

    @property
    def customers(self) -> CustomerLoaders:
        if self._customers is None:
            self._customers = CustomerLoaders(self.require_actor().tenant_id)
        return self._customers

    @property
    def visible_tickets(self) -> DataLoader[int, Ticket | None]:
        """Tickets by id, None for those the caller may not see.

        It lives here rather than in TicketLoaders because the rule needs the caller and
        their reach, not only the tenant. Links to other tickets (a follow-up's origin, a
        notification's ticket) go through it: one visibility query per batch, not per item.
        """
        if self._visible_tickets is None:
            self._visible_tickets = DataLoader(self._load_visible_tickets)
        return self._visible_tickets

    async def _load_visible_tickets(self, ids: Sequence[int]) -> list[Ticket | None]:
        visible = await visibility.visible_tickets(self.require_actor(), await self.reach())
        rows = {t.id: t for t in await visible.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    async def screen(self, ticket: Ticket | int) -> Screen:
        """What of this ticket the caller may not see (fields its step hides, the files only
        they name): every type that carries a ticket's field values or files asks here.

        Pass the row when it is at hand, so that it is not read again."""
        if isinstance(ticket, Ticket):
            self.tickets.ticket.prime(ticket.id, ticket)
            return await self.screens.load(ticket.id)
        return await self.screens.load(ticket)

    @property
    def screens(self) -> DataLoader[int, Screen]:
        if self._screens is None:
            self._screens = DataLoader(self._load_screens)
        return self._screens

    async def _load_screens(self, ids: Sequence[int]) -> list[Screen]:
        actor = self.require_actor()
        if actor.is_admin:
            return [OPEN for _ in ids]
        tickets = await self.tickets.ticket.load_many(ids)
        found = [t for t in tickets if t is not None]
        configs = await self.templates.config.load_many([t.template_version_id for t in found])
        config_of = {t.id: c for t, c in zip(found, configs, strict=True)}
        traced = [
            t.id
            for t in found
            if (c := config_of[t.id]) is not None
            and hides_files(c, hidden_fields(actor, c, t.current_step))
        ]
        events = dict(zip(traced, await self.tickets.events.load_many(traced), strict=True))
        screens = []
        for ticket in tickets:
            config = config_of.get(ticket.id) if ticket else None
            if ticket is None or config is None:
                screens.append(OPEN)
                continue
            screens.append(screen_of(actor, ticket, config, events.get(ticket.id, ())))
        return screens

    async def reach(self) -> Reach:
        """The caller's place in the org, looked up once per request (kept on the actor, where
        the flows the request calls find it too)."""
        return await reach_of(self.require_actor())

    def require_actor(self) -> Actor:
        """Fields that reach here are guarded by IsAuthenticated; this is the type-level proof."""
        if self.actor is None:
            raise PermissionError("not authenticated")
        return self.actor


Info: TypeAlias = strawberry.Info[Context, None]
