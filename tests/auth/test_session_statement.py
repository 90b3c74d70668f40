"""Every request and every socket's connection_init is authenticated by a statement built
once (`sql.shapes`): after it is built it must still end a credential every way one ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import OrgBuilder, session_token
from workorder.auth.actor import Actor
from workorder.auth.sessions import authenticate, revoke_sessions_of
from workorder.auth.tokens import TokenError
from workorder.models import Tenant, User
from workorder.settings import Settings


async def test_each_token_gets_its_own_user(org: OrgBuilder, settings: Settings):
    obrien = await org.user("obrien", permissions=["ticket.export"])
    cal = await org.user("cal")
    key = settings.signing_key
    for user in (obrien, cal, obrien):  # the first call builds the statement
        actor = await authenticate(await session_token(user, settings, timedelta(minutes=5)), key)
        assert actor == Actor.of(
            user, scopes=actor.scopes, expires_at=actor.expires_at, session_id=actor.session_id
        )


@pytest.mark.parametrize("end", ["logout", "deactivated", "tenant closed"])
async def test_an_ended_credential_is_refused_once_the_statement_is_built(
    org: OrgBuilder, settings: Settings, end: str
):
    user = await org.user("cal")
    token = await session_token(user, settings, timedelta(minutes=5))
    await authenticate(token, settings.signing_key)  # valid first, statement built
    if end == "logout":
        await revoke_sessions_of(user.id)
    elif end == "deactivated":
        await User.filter(id=user.id).update(active=False)
    else:
        await Tenant.filter(id=user.tenant_id).update(active=False)
    with pytest.raises(TokenError, match="Session ended"):
        await authenticate(token, settings.signing_key)
