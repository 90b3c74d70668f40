"""Login, refresh-token rotation, logout, partner API tokens, and turning a bearer into an Actor."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet, ValuesQuery
from tortoise.transactions import in_transaction

from workorder.auth import passwords
from workorder.auth import scopes as scope_rules
from workorder.auth.actor import ALL_SCOPES, Actor, Scope
from workorder.auth.permissions import require_admin
from workorder.auth.throttle import LoginThrottle
from workorder.auth.tokens import (
    API_PREFIX,
    REFRESH_PREFIX,
    TokenError,
    decode_access_token,
    issue_access_token,
    new_secret,
    secret_hash,
)
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.models import ApiToken, RefreshToken, User
from workorder.sql.prepared import Prepared

BAD_CREDENTIALS = "Unknown tenant, username or password"


@dataclass(frozen=True, slots=True)
class TokenSettings:
    key: str
    access_ttl: timedelta
    refresh_ttl: timedelta


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


class RefreshReplayed(FlowError):
    """A spent refresh token came back: it leaked, and its whole session was revoked (the
    caller tells the user's open streams)."""

    def __init__(self, user_id: int) -> None:
        super().__init__(ErrorCode.UNAUTHENTICATED, "Invalid or expired refresh token")
        self.user_id = user_id


def _now() -> datetime:
    return datetime.now(UTC)


async def _issue(user: User, family: str, tokens: TokenSettings) -> Session:
    """The family is the login session: every access token carries it as its session id."""
    now = _now()
    access, access_exp = issue_access_token(
        user.id, user.tenant_id, family, tokens.key, tokens.access_ttl
    )
    refresh = new_secret(REFRESH_PREFIX)
    refresh_exp = now + tokens.refresh_ttl
    await RefreshToken.create(
        tenant_id=user.tenant_id,
        user_id=user.id,
        token_hash=secret_hash(refresh),
        family=family,
        expires_at=refresh_exp,
    )
    return Session(user, access, access_exp, refresh, refresh_exp)


async def login(
    tenant_slug: str,
    username: str,
    password: str,
    tokens: TokenSettings,
    throttle: LoginThrottle,
    address: str | None,
) -> Session:
    """Unknown tenant, unknown user, inactive user and wrong password fail alike: the same
    error, the same argon2 work (a dummy hash when there is no user) and the same count
    against the throttle, so no answer tells whether an account exists."""
    attempt = throttle.attempt(tenant_slug, username, address)
    await throttle.check(attempt)  # a locked account is refused without spending argon2
    user = await User.filter(
        tenant__slug=tenant_slug,
        tenant__active=True,
        username=username,
        active=True,
        is_integration=False,  # a service account has no password: only its tokens act
    ).first()
    async with passwords.turn() as turn:
        # Checked again inside the turn, and the failure counted before it ends: a burst of
        # concurrent guesses gets past the limit by at most the hashing slots, not by all.
        await throttle.check(attempt)
        valid = await turn.verify(user.password_hash if user else None, password)
        if not valid:
            await throttle.failed(attempt)
    if not valid or user is None:
        raise FlowError(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
    await throttle.succeeded(attempt)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
        await user.save(update_fields=["password_hash"])
    return await start_session(user, tokens)


async def start_session(user: User, tokens: TokenSettings) -> Session:
    """A new login session for a user who has proved who they are (login; tools and tests
    that want a token of their own lifetime without an argon2 round)."""
    return await _issue(user, secrets.token_hex(16), tokens)


async def refresh(refresh_token: str, tokens: TokenSettings) -> Session:
    """Rotate: the presented token is spent and a new one of the same family is issued.

    A token presented twice means it leaked, so its whole family is revoked.
    """
    bad = FlowError(ErrorCode.UNAUTHENTICATED, "Invalid or expired refresh token")
    row = await RefreshToken.filter(token_hash=secret_hash(refresh_token)).first()
    now = _now()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise bad
    async with in_transaction():
        spent = await RefreshToken.filter(id=row.id, used_at=None, revoked_at=None).update(
            used_at=now
        )
        replayed = spent != 1
        if replayed:
            await RefreshToken.filter(family=row.family, revoked_at=None).update(revoked_at=now)
        else:
            user = await User.filter(id=row.user_id, active=True, tenant__active=True).first()
            if user is not None:
                return await _issue(user, row.family, tokens)
    if replayed:  # raised once the revocation has committed
        raise RefreshReplayed(row.user_id)
    raise bad


async def logout(refresh_token: str, actor: Actor) -> None:
    """End the caller's session at once: its refresh tokens stop refreshing and its access
    tokens stop authenticating (they carry the session id, checked on every request).

    The session of the presented refresh token ends too when it is the caller's; another
    user's token is ignored."""
    now = _now()
    families = {actor.session_id} if actor.session_id else set()
    row = await RefreshToken.filter(
        token_hash=secret_hash(refresh_token), user_id=actor.user_id
    ).first()
    if row is not None:
        families.add(row.family)
    if families:
        await RefreshToken.filter(
            family__in=sorted(families), user_id=actor.user_id, revoked_at=None
        ).update(revoked_at=now)


async def revoke_sessions_of(user_id: int) -> None:
    await RefreshToken.filter(user_id=user_id, revoked_at=None).update(revoked_at=_now())


async def create_api_token(
    actor: Actor,
    name: str,
    scopes: Iterable[Scope],
    expires_at: datetime | None = None,
    integration_user_id: int | None = None,
) -> tuple[ApiToken, str]:
    """Returns the row and the secret; the secret is never retrievable again. The token
    acts as `integration_user_id` when given (flows.org.credentials makes that user),
    otherwise as its creator."""
    require_admin(actor)
    name = name.strip()
    if not name or len(name) > 200:
        raise invalid("Name must be 1 to 200 characters", ["name"])
    chosen = sorted(set(scopes))
    if not chosen:
        raise invalid("Choose at least one scope", ["scopes"])
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise invalid("Give the expiry with a time zone offset", ["expiresAt"])
        if expires_at <= _now():
            raise invalid("The expiry must be in the future", ["expiresAt"])
    secret = new_secret(API_PREFIX)
    token = await ApiToken.create(
        tenant_id=actor.tenant_id,
        created_by_id=actor.user_id,
        integration_user_id=integration_user_id,
        name=name,
        prefix=secret[:10],
        token_hash=secret_hash(secret),
        scopes=[str(s) for s in chosen],
        expires_at=expires_at,
    )
    return token, secret


async def revoke_api_token(actor: Actor, token_id: int) -> ApiToken:
    require_admin(actor)
    token = await ApiToken.filter(id=token_id, tenant_id=actor.tenant_id).first()
    if token is None:
        raise not_found("API token", ["id"])
    if token.revoked_at is None:
        token.revoked_at = _now()
        await token.save(update_fields=["revoked_at"])
    return token


def _live_tokens() -> QuerySet[ApiToken]:
    """API tokens neither revoked nor past their expiry."""
    return ApiToken.filter(Q(expires_at=None) | Q(expires_at__gt=_now()), revoked_at=None)


def _valid_users(actor: Actor) -> QuerySet[User]:
    """The actor's user row, when the user and tenant are active and the login session has
    not ended (an API token's own state is checked apart)."""
    session = actor.session_id if actor.api_token_id is None else None
    return _valid_users_of(actor.user_id, session)


def _valid_users_of(user_id: int, session_id: str | None) -> QuerySet[User]:
    users = User.filter(id=user_id, active=True, tenant__active=True)
    if session_id is not None:
        users = users.filter(refresh_tokens__family=session_id, refresh_tokens__revoked_at=None)
    return users


async def still_valid(actor: Actor) -> bool:
    """Whether the credential the actor came with still holds: the user and tenant active,
    and the login session (logout, refresh replay) or the API token not ended. A socket is
    authenticated once, so its streams ask this at every wake-up (see flows.live.socket)."""
    if actor.api_token_id is not None:
        token = _live_tokens().filter(id=actor.api_token_id)
        if not await token.exists():
            return False
    return await _valid_users(actor).exists()


Reading = Callable[[int, int], Subquery]  # (tenant id, user id) → a one-value subquery


async def still_valid_reading(actor: Actor, column: str, read: Reading) -> tuple[bool, Any]:
    """`still_valid`, and the value of `read(tenant id, user id)` in the same statement: a
    stream that opens checks its credential and reads where it starts in one round trip,
    not two, and the statement is built once (a contact center opens thousands of sockets
    at once). (False, None) when it has ended."""
    if actor.api_token_id is not None:
        token = _live_tokens().filter(id=actor.api_token_id)
        if not await token.exists():
            return False, None
    session = actor.session_id if actor.api_token_id is None else None
    arguments: dict[str, int | str] = {"tenant": actor.tenant_id, "user": actor.user_id}
    if session is not None:
        arguments["session"] = session
    key = (column, read, session is not None)
    prepared = _readings.get(key)
    if prepared is None:

        def build(tenant: int, user: int, session: str | None = None) -> ValuesQuery[Any]:
            users = _valid_users_of(user, session)
            return users.annotate(**{column: read(tenant, user)}).limit(1).values(column)

        examples = {name: "" if name == "session" else 0 for name in arguments}
        prepared = _readings[key] = Prepared(User, build, **examples)
    rows = await prepared.fetch(**arguments)
    return (True, rows[0][column]) if rows else (False, None)


_readings: dict[tuple[str, Reading, bool], Prepared] = {}
# What an Actor is made of (Actor.of), read by a socket's authentication.
_ACTOR_COLUMNS = ("id", "tenant_id", "username", "roles", "permissions", "department_id", "locale")
_SESSION_USER = Prepared(
    User,
    lambda tenant, user, session: (
        _valid_users_of(user, session).filter(tenant_id=tenant).limit(1).values(*_ACTOR_COLUMNS)
    ),
    tenant=0,
    user=0,
    session="",
)


async def authenticate_socket(bearer: str, key: str) -> Actor:
    """`authenticate` for a WebSocket's connection_init, with the session's check built
    once (`Prepared`): a shift of agents connects within seconds. The same rule: the user
    and tenant active, the login session not ended."""
    if bearer.startswith(API_PREFIX):
        return await authenticate(bearer, key)
    claims = decode_access_token(bearer, key)
    rows = await _SESSION_USER.fetch(
        tenant=claims.tenant_id, user=claims.user_id, session=claims.session_id
    )
    if not rows:
        raise TokenError("Session ended or invalid access token")
    user = User._init_from_db(**rows[0])
    return Actor.of(
        user, scopes=ALL_SCOPES, expires_at=claims.expires_at, session_id=claims.session_id
    )


async def authenticate(bearer: str, key: str) -> Actor:
    """Resolve an Authorization bearer (access JWT or partner token) to an Actor."""
    if bearer.startswith(API_PREFIX):
        token = await ApiToken.filter(token_hash=secret_hash(bearer), revoked_at=None).first()
        if token is None:
            raise TokenError("Invalid API token")
        if token.expires_at is not None and token.expires_at <= _now():
            raise TokenError("API token expired")
        user = await User.filter(id=token.acts_as_id, active=True, tenant__active=True).first()
        if user is None:
            raise TokenError("Invalid API token")
        await ApiToken.filter(id=token.id).update(last_used_at=_now())
        return Actor.of(
            user,
            scopes=scope_rules.stored(token.scopes),
            api_token_id=token.id,
            expires_at=token.expires_at,
        )
    claims = decode_access_token(bearer, key)
    # The session is checked in the same query that loads the user (a join on the session's
    # refresh tokens, by the indexed family): no extra round trip and no cache, so a logout
    # in any process ends the token at once everywhere.
    user = await User.filter(
        id=claims.user_id,
        tenant_id=claims.tenant_id,
        active=True,
        tenant__active=True,
        refresh_tokens__family=claims.session_id,
        refresh_tokens__revoked_at=None,
    ).first()
    if user is None:
        raise TokenError("Session ended or invalid access token")
    return Actor.of(
        user, scopes=ALL_SCOPES, expires_at=claims.expires_at, session_id=claims.session_id
    )
