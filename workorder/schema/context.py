"""The typed GraphQL context: who is calling and the per-request loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from workorder.auth.actor import Actor
from workorder.dataloaders import OrgLoaders, TemplateLoaders
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

    def authenticate(self, actor: Actor) -> None:
        self.actor = actor
        self.auth_error = None
        self._org = None
        self._templates = None

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

    def require_actor(self) -> Actor:
        """Fields that reach here are guarded by IsAuthenticated; this is the type-level proof."""
        if self.actor is None:
            raise PermissionError("not authenticated")
        return self.actor


Info: TypeAlias = strawberry.Info[Context, None]
