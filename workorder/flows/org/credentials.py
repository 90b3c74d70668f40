"""Partner API tokens made (with their integration users), and credentials ended: logout,
a replayed refresh token, a revoked API token.

The token rules are `workorder.auth.sessions`'; what is added here is the service account
an integration's tokens act as, and telling the user's open streams when one ends. They do
not poll (an idle socket costs no query), so a `CredentialsEnded` is how a quiet one learns
at once that it must check its credential again and end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from workorder.auth import scopes, sessions
from workorder.auth.actor import Actor
from workorder.auth.permissions import require_admin
from workorder.auth.sessions import RefreshReplayed, Session, TokenSettings
from workorder.errors import FlowError, conflict, invalid
from workorder.flows.org.users import _clean_username
from workorder.flows.unit_of_work import bound_bus
from workorder.models import ApiToken, Role, User
from workorder.subscriptions.messages import CredentialsEnded

log = logging.getLogger(__name__)


async def tell_streams(user_ids: Iterable[int]) -> None:
    """Published at once (each caller has committed what ended), to the bus bound for the
    request; best effort like every push: a lost one is healed by the resync that follows
    Redis trouble, when every stream checks its credential again."""
    bus = bound_bus()
    if bus is None:
        return
    for user_id in sorted(set(user_ids)):
        push = CredentialsEnded(user_id)
        try:
            await bus.publish(push.channel, push.to_dict())
        except Exception:  # a push is best effort: the revocation is stored
            log.exception("publish to %s failed", push.channel)


async def refresh(refresh_token: str, tokens: TokenSettings) -> Session:
    try:
        return await sessions.refresh(refresh_token, tokens)
    except RefreshReplayed as replay:
        await tell_streams([replay.user_id])
        raise


async def logout(refresh_token: str, actor: Actor) -> None:
    await sessions.logout(refresh_token, actor)
    await tell_streams([actor.user_id])


@dataclass(frozen=True, slots=True)
class NewApiToken:
    name: str
    scopes: Sequence[str]
    expires_at: datetime | None = None
    # The service account the token acts as (made on first use); None: the creator.
    integration_name: str | None = None
    # A new integration user's roles (at most the creator's; AGENT when left out).
    integration_roles: Sequence[Role] | None = None


async def create_api_token(actor: Actor, new: NewApiToken) -> tuple[ApiToken, str]:
    """One transaction: a refused token leaves no integration user behind either."""
    require_admin(actor)
    chosen = scopes.parse(new.scopes, ["scopes"])
    roles = _integration_roles(actor, new.integration_roles)
    try:
        async with in_transaction():
            user_id = None
            if new.integration_name is not None:
                user = await _integration_user(actor, new.integration_name, roles)
                user_id = user.id
            return await sessions.create_api_token(actor, new.name, chosen, new.expires_at, user_id)
    except IntegrityError as exc:  # a concurrent call made the same user first
        raise conflict("The integration name was taken meanwhile; try again", FIELD) from exc


FIELD = ["integrationName"]


def _integration_roles(actor: Actor, roles: Sequence[Role] | None) -> list[str] | None:
    """Never more than the creator may give: an administrator gives any role (as with
    createUser), anyone else at most their own."""
    if roles is None:
        return None
    if not roles:
        raise invalid("Give the integration at least one role", ["integrationRoles"])
    grantable = set(Role) if Role.ADMIN in actor.roles else set(actor.roles)
    beyond = sorted({str(r) for r in roles} - {str(r) for r in grantable})
    if beyond:
        raise invalid(f"Roles you may not give: {', '.join(beyond)}", ["integrationRoles"])
    return sorted({str(r) for r in roles})


async def _integration_user(actor: Actor, name: str, roles: list[str] | None) -> User:
    try:
        username = _clean_username(name)
    except FlowError as error:
        raise invalid(error.message, FIELD) from error
    user = await User.filter(tenant_id=actor.tenant_id, username=username).first()
    if user is None:
        return await User.create(
            tenant_id=actor.tenant_id,
            username=username,
            display_name=username,
            password_hash="!",  # matches no password; login skips integrations anyway
            roles=roles or [str(Role.AGENT)],
            is_integration=True,
        )
    if not user.is_integration:
        raise conflict("This name belongs to a person, not an integration", FIELD)
    if not user.active:
        raise invalid("This integration is deactivated: reactivate its user first", FIELD)
    if roles is not None:  # one place changes a user's roles (and tells its streams)
        raise invalid(
            "This integration exists: change its roles with updateUser", ["integrationRoles"]
        )
    return user


async def revoke_api_token(actor: Actor, token_id: int) -> ApiToken:
    token = await sessions.revoke_api_token(actor, token_id)
    await tell_streams([token.acts_as_id])
    return token
