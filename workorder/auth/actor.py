"""The Actor: who is calling, in which tenant, with which roles, grants and token scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from workorder.auth import scopes as scope_rules
from workorder.auth.scopes import ALL_SCOPES as ALL_SCOPES
from workorder.auth.scopes import Scope as Scope
from workorder.models import Role, User

if TYPE_CHECKING:
    from workorder.auth.permissions import Permission
    from workorder.auth.visibility import Reach


class Memo:
    """What one request (or one job run) learns about its caller once and reads many times.

    An Actor is built per request, so its memo lives as long as the request; whatever
    outlives one (a subscription's stream, a WebSocket's context) looks things up again
    or takes a fresh copy of the actor (`dataclasses.replace` gives it an empty memo)."""

    __slots__ = ("reach",)

    def __init__(self) -> None:
        self.reach: Reach | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    tenant_id: int
    username: str
    roles: frozenset[Role]
    permissions: frozenset[str]
    department_id: int | None
    locale: str = "en"
    scopes: frozenset[Scope] = ALL_SCOPES
    api_token_id: int | None = None
    # When the credential stops being valid (None: a partner token without an expiry).
    expires_at: datetime | None = None
    # The login session the access token belongs to (None: a partner token); logout ends it.
    session_id: str | None = None
    memo: Memo = field(default_factory=Memo, init=False, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        user: User,
        scopes: frozenset[Scope] = ALL_SCOPES,
        api_token_id: int | None = None,
        expires_at: datetime | None = None,
        session_id: str | None = None,
    ) -> Actor:
        return cls(
            user_id=user.id,
            tenant_id=user.tenant_id,
            username=user.username,
            roles=frozenset(Role(r) for r in user.roles if r in Role.__members__),
            permissions=frozenset(user.permissions),
            department_id=user.department_id,
            locale=user.locale,
            scopes=scopes,
            api_token_id=api_token_id,
            expires_at=expires_at,
            session_id=session_id,
        )

    @property
    def is_admin(self) -> bool:
        """An administrator, through a credential that may use the role (a login, or a
        token with an administrative scope: which fields it reaches the guard decides)."""
        return Role.ADMIN in self.roles and scope_rules.administrative(self.scopes)

    @property
    def can_write(self) -> bool:
        return scope_rules.writes(self.scopes)

    def has_permission(self, permission: Permission) -> bool:
        return self.is_admin or permission in self.permissions
