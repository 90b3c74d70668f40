"""login, refreshToken, logout and partner API tokens."""

from __future__ import annotations

from typing import Annotated

import strawberry
from starlette.responses import Response

from workorder.auth import sessions
from workorder.auth.actor import Actor
from workorder.auth.sessions import TokenSettings
from workorder.auth.throttle import LoginThrottle, LoginThrottled
from workorder.errors import FlowError, forbidden, invalid
from workorder.flows.org import credentials
from workorder.models import ApiToken, Tenant, User
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.org.inputs import (
    CreateApiTokenInput,
    LoginInput,
    LogoutInput,
    RefreshTokenInput,
    RevokeApiTokenInput,
)
from workorder.schema.org.payloads import (
    CreateApiTokenPayload,
    LoginPayload,
    LogoutPayload,
    RefreshTokenPayload,
    RevokeApiTokenPayload,
)
from workorder.schema.org.types import ApiTokenConnection, ApiTokenType, UserType
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate


def _session_fields(info: Info, session: sessions.Session) -> dict[str, object]:
    """The new session's tokens and its user, whom the rest of the answer is read as: the
    request came in anonymous, and the user's own details are theirs to see."""
    info.context.authenticate(Actor.of(session.user))
    return {
        "access_token": session.access_token,
        "access_token_expires_at": session.access_expires_at,
        "refresh_token": session.refresh_token,
        "refresh_token_expires_at": session.refresh_expires_at,
        "user": UserType.of(session.user),
    }


def token_settings(info: Info) -> TokenSettings:
    settings = info.context.settings
    return TokenSettings(
        key=settings.signing_key,
        access_ttl=settings.access_token_ttl,
        refresh_ttl=settings.refresh_token_ttl,
    )


def _fits(value: str, column: object, field: str) -> str:
    """A name longer than its column belongs to nobody, and the ORM refuses to look it up."""
    limit = getattr(column, "max_length", None)
    if limit is not None and len(value) > limit:
        raise invalid(f"At most {limit} characters", [field])
    return value


async def login(
    info: Info,
    input: Annotated[LoginInput, strawberry.argument(description="Tenant, username and password.")],
) -> LoginPayload:
    request = info.context.request
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else None

    async def action() -> sessions.Session:
        return await sessions.login(
            _fits(input.tenant, Tenant._meta.fields_map["slug"], "tenant"),
            _fits(input.username, User._meta.fields_map["username"], "username"),
            input.password,
            token_settings(info),
            throttle,
            address,
        )

    def throttled(error: FlowError) -> dict[str, object]:
        """A throttled login says when to try again, in the payload and as Retry-After."""
        if not isinstance(error, LoginThrottled):
            return {}
        if isinstance(info.context.response, Response):
            info.context.response.headers["Retry-After"] = str(error.retry_after)
        return {"retry_after_seconds": error.retry_after}

    return await mutate(
        LoginPayload,
        action,
        lambda s: LoginPayload(**_session_fields(info, s)),  # type: ignore[arg-type]
        refusal=throttled,
    )


async def refresh_token(
    info: Info,
    input: Annotated[
        RefreshTokenInput, strawberry.argument(description="The refresh token to spend.")
    ],
) -> RefreshTokenPayload:
    return await mutate(
        RefreshTokenPayload,
        lambda: credentials.refresh(input.refresh_token, token_settings(info)),
        lambda s: RefreshTokenPayload(**_session_fields(info, s)),  # type: ignore[arg-type]
    )


async def logout(
    info: Info,
    input: Annotated[LogoutInput, strawberry.argument(description="The session's refresh token.")],
) -> LogoutPayload:
    actor = info.context.require_actor()
    return await mutate(
        LogoutPayload,
        lambda: credentials.logout(input.refresh_token, actor),
        lambda _: LogoutPayload(ok=True),
    )


async def create_api_token(
    info: Info,
    input: Annotated[
        CreateApiTokenInput,
        strawberry.argument(description="The token's name, scopes, expiry and who it acts as."),
    ],
) -> CreateApiTokenPayload:
    actor = info.context.require_actor()
    return await mutate(
        CreateApiTokenPayload,
        lambda: credentials.create_api_token(
            actor,
            credentials.NewApiToken(
                name=input.name,
                scopes=input.scopes,
                expires_at=input.expires_at,
                integration_name=input.integration_name,
                integration_roles=input.integration_roles,
            ),
        ),
        lambda made: CreateApiTokenPayload(api_token=ApiTokenType.of(made[0]), secret=made[1]),
    )


async def revoke_api_token(
    info: Info,
    input: Annotated[RevokeApiTokenInput, strawberry.argument(description="The token to end.")],
) -> RevokeApiTokenPayload:
    actor = info.context.require_actor()

    async def action() -> ApiToken:
        return await credentials.revoke_api_token(actor, decode_id(input.id, "ApiToken", ["id"]))

    return await mutate(
        RevokeApiTokenPayload,
        action,
        lambda token: RevokeApiTokenPayload(api_token=ApiTokenType.of(token)),
    )


async def api_tokens(
    info: Info,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> ApiTokenConnection:
    actor = info.context.require_actor()
    if not actor.is_admin:
        raise forbidden("Only administrators may list API tokens")
    return await paginate(
        ApiToken.filter(tenant_id=actor.tenant_id),
        ApiTokenType.of,
        ApiTokenConnection,
        first=first,
        after=after,
        last=last,
        before=before,
    )
