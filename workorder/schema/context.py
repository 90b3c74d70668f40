"""The typed GraphQL context: who is calling and the per-request loaders."""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from workorder.auth import visibility
from workorder.auth.actor import Actor
from workorder.auth.rate_limits import RateLimits
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
class _Caches:
    """The actor and the loaders one request, or one event of a subscription, reads through."""

    actor: Actor | None
    org: OrgLoaders | None = None
    templates: TemplateLoaders | None = None
    tickets: TicketLoaders | None = None
    customers: CustomerLoaders | None = None
    visible_tickets: DataLoader[int, Ticket | None] | None = None
    screens: DataLoader[int, Screen] | None = None
    event_screens: DataLoader[int, Screen] | None = None


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket
    settings: Settings
    broker: Broker
    _authenticated: Actor | None = field(default=None, repr=False)
    auth_error: str | None = None
    connection_params: dict[str, object] = field(default_factory=dict)
    # The process's request budgets (None: not counted, e.g. a schema built for a test).
    rate_limits: RateLimits | None = None
    _own: _Caches = field(default_factory=lambda: _Caches(None), repr=False)

    def authenticate(self, actor: Actor) -> None:
        self._authenticated = actor
        self.auth_error = None
        self._own = _Caches(actor)

    def fresh(self, reach: Reach | None = None) -> None:
        """Start new loaders (and a new copy of the actor, whose memo is the reach — `reach`
        when given: the one the socket's process keeps current) for the event a subscription
        is about to send.

        A WebSocket keeps one context for its whole life and runs each of its subscriptions in
        a task of its own, so the caches belong to the task: two subscriptions on one socket
        never resolve an event with a row (a ticket's step, a screen) another read earlier."""
        actor = replace(self._authenticated) if self._authenticated is not None else None
        if actor is not None and reach is not None:
            actor.memo.reach = reach
        _event_caches.set((self, _Caches(actor)))

    def _caches(self) -> _Caches:
        current = _event_caches.get()
        if current is not None and current[0] is self:
            return current[1]
        return self._own

    @property
    def actor(self) -> Actor | None:
        """The caller; None until authenticated."""
        return self._caches().actor

    @property
    def org(self) -> OrgLoaders:
        caches = self._caches()
        if caches.org is None:
            caches.org = OrgLoaders(self.require_actor().tenant_id)
        return caches.org

    @property
    def templates(self) -> TemplateLoaders:
        caches = self._caches()
        if caches.templates is None:
            caches.templates = TemplateLoaders(self.require_actor().tenant_id)
        return caches.templates

    @property
    def tickets(self) -> TicketLoaders:
        caches = self._caches()
        if caches.tickets is None:
            caches.tickets = TicketLoaders(self.require_actor().tenant_id)
        return caches.tickets

    @property
    def customers(self) -> CustomerLoaders:
        caches = self._caches()
        if caches.customers is None:
            caches.customers = CustomerLoaders(self.require_actor().tenant_id)
        return caches.customers

    @property
    def visible_tickets(self) -> DataLoader[int, Ticket | None]:
        """Tickets by id, None for those the caller may not see.

        It lives here rather than in TicketLoaders because the rule needs the caller and
        their reach, not only the tenant. Links to other tickets (a follow-up's origin, a
        notification's ticket) go through it: one visibility query per batch, not per item.
        """
        caches = self._caches()
        if caches.visible_tickets is None:
            caches.visible_tickets = DataLoader(self._load_visible_tickets)
        return caches.visible_tickets

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
        caches = self._caches()
        if caches.screens is None:
            caches.screens = DataLoader(self._load_screens)
        return caches.screens

    async def event_screen(self, ticket_id: int) -> Screen:
        """The screen an event's data goes through: of the ticket as read after its events.

        A row read earlier (a notification's ticket, before a forward committed) may be at a
        step that showed what the step the forward moved it to hides, while the events, read
        later, include that forward. So this reads the ticket again, in one batch for every
        event being resolved, and keeps nothing for later batches."""
        return await self.event_screens.load(ticket_id)

    @property
    def event_screens(self) -> DataLoader[int, Screen]:
        caches = self._caches()
        if caches.event_screens is None:
            caches.event_screens = DataLoader(self._load_event_screens, cache=False)
        return caches.event_screens

    async def _load_event_screens(self, ids: Sequence[int]) -> list[Screen]:
        actor = self.require_actor()
        if actor.is_admin:
            return [OPEN for _ in ids]
        rows = {t.id: t for t in await Ticket.filter(tenant_id=actor.tenant_id, id__in=ids)}
        return await self._screens_of([rows.get(i) for i in ids])

    async def _load_screens(self, ids: Sequence[int]) -> list[Screen]:
        if self.require_actor().is_admin:
            return [OPEN for _ in ids]
        return await self._screens_of(await self.tickets.ticket.load_many(ids))

    async def _screens_of(self, tickets: Sequence[Ticket | None]) -> list[Screen]:
        actor = self.require_actor()
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


# Set by `Context.fresh` in a subscription's own task (see there); requests use `Context._own`.
_event_caches: ContextVar[tuple[Context, _Caches] | None] = ContextVar(
    "workorder_event_caches", default=None
)

Info: TypeAlias = strawberry.Info[Context, None]
