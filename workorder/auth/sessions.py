"""Login, refresh-token rotation, logout, partner API tokens, and turning a bearer into an Actor."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
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
from workorder.sql.shapes import Shapes, dialect_of, rows_of

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

# Stand-ins for the caller's values in the statements below, each built once per dialect
# (`sql.shapes`): every request and every socket that opens asks them.
_USER, _TENANT, _SESSION = -1, -2, "\x00session"
_SESSION_USERS: Shapes[str, User] = Shapes(4)
_READINGS: Shapes[tuple[str, str, Reading, bool], User] = Shapes(16)


async def still_valid_reading(actor: Actor, column: str, read: Reading) -> tuple[bool, Any]:
    """`still_valid`, and the value of `read(tenant id, user id)` in the same statement: a
    stream that opens checks its credential and reads where it starts in one round trip,
    not two (a contact center opens thousands of sockets at once). (False, None) when it
    has ended."""
    if actor.api_token_id is not None:
        token = _live_tokens().filter(id=actor.api_token_id)
        if not await token.exists():
            return False, None
    session = actor.session_id if actor.api_token_id is None else None
    values: dict[Any, Any] = {_USER: actor.user_id, _TENANT: actor.tenant_id}
    if session is not None:
        values[_SESSION] = session

    def build(value: Callable[[Any], Any]) -> QuerySet[User]:
        users = _valid_users_of(value(_USER), None if session is None else value(_SESSION))
        return users.annotate(**{column: read(value(_TENANT), value(_USER))}).limit(1)

    key = (dialect_of(User), column, read, session is not None)
    rows = await rows_of(_READINGS, key, build, values)
    return (True, getattr(rows[0], column)) if rows else (False, None)


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
    user = await _session_user(claims.user_id, claims.tenant_id, claims.session_id)
    if user is None:
        raise TokenError("Session ended or invalid access token")
    return Actor.of(
        user, scopes=ALL_SCOPES, expires_at=claims.expires_at, session_id=claims.session_id
    )


async def _session_user(user_id: int, tenant_id: int, session_id: str) -> User | None:
    """The user of an access token, when they and their tenant are active and the login
    session has not ended.

    The session is checked in the same query that loads the user (a join on the session's
    refresh tokens, by the indexed family): no extra round trip and no cache, so a logout
    in any process ends the token at once everywhere."""
    values: dict[Any, Any] = {_USER: user_id, _TENANT: tenant_id, _SESSION: session_id}

    def build(value: Callable[[Any], Any]) -> QuerySet[User]:
        users = _valid_users_of(value(_USER), value(_SESSION))
        return users.filter(tenant_id=value(_TENANT)).limit(1)

    rows = await rows_of(_SESSION_USERS, dialect_of(User), build, values)
    return rows[0] if rows else None
