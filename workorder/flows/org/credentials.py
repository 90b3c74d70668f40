"""Ending a credential: logout, a replayed refresh token, a revoked API token.

The rules are `workorder.auth.sessions`'; what is added here is telling the user's open
streams. They do not poll (an idle socket costs no query), so a `CredentialsEnded` is how a
quiet one learns at once that it must check its credential again and end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from workorder.auth import sessions
from workorder.auth.actor import Actor
from workorder.auth.sessions import RefreshReplayed, Session, TokenSettings
from workorder.flows.unit_of_work import bound_bus
from workorder.models import ApiToken
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


async def revoke_api_token(actor: Actor, token_id: int) -> ApiToken:
    token = await sessions.revoke_api_token(actor, token_id)
    await tell_streams([token.created_by_id])
    return token
