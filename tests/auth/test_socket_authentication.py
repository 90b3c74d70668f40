"""A socket's connection_init is authenticated by a statement built once (`Prepared`): it
must say what `authenticate` says, for every way a credential ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import OrgBuilder, session_token
from workorder.auth.sessions import authenticate, authenticate_socket, revoke_sessions_of
from workorder.auth.tokens import TokenError
from workorder.models import Tenant, User
from workorder.settings import Settings


async def test_a_socket_gets_the_same_actor_as_a_request(org: OrgBuilder, settings: Settings):
    user = await org.user("obrien", permissions=["ticket.export"])
    token = await session_token(user, settings, timedelta(minutes=5))
    key = settings.signing_key
    # Twice: the first call builds the statement, the second only runs it.
    for _ in range(2):
        assert await authenticate_socket(token, key) == await authenticate(token, key)
    assert (await authenticate_socket(token, key)).username == "obrien"


@pytest.mark.parametrize("end", ["logout", "deactivated", "tenant closed"])
async def test_an_ended_credential_is_refused_as_by_a_request(
    org: OrgBuilder, settings: Settings, end: str
):
    user = await org.user("cal")
    token = await session_token(user, settings, timedelta(minutes=5))
    await authenticate_socket(token, settings.signing_key)  # valid first, statement built
    if end == "logout":
        await revoke_sessions_of(user.id)
    elif end == "deactivated":
        await User.filter(id=user.id).update(active=False)
    else:
        await Tenant.filter(id=user.tenant_id).update(active=False)
    with pytest.raises(TokenError, match="Session ended"):
        await authenticate_socket(token, settings.signing_key)
    with pytest.raises(TokenError, match="Session ended"):
        await authenticate(token, settings.signing_key)
