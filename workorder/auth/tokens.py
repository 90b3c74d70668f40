"""Token formats: signed JWT access tokens, and opaque secrets kept only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
ISSUER = "workorder"
REFRESH_PREFIX = "wr_"
API_PREFIX = "wo_"


class TokenError(Exception):
    """The token cannot be used; the message is safe to show to the caller."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    tenant_id: int
    # The login session (its refresh-token family): logout ends it, and with it the token.
    session_id: str
    expires_at: datetime


def issue_access_token(
    user_id: int,
    tenant_id: int,
    session_id: str,
    key: str,
    ttl: timedelta,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    issued = now or datetime.now(UTC)
    expires = issued + ttl
    claims = {
        "sub": str(user_id),
        "tid": tenant_id,
        "sid": session_id,
        "typ": "access",
        "iss": ISSUER,
        "iat": issued,
        "exp": expires,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM), expires


def decode_access_token(token: str, key: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "sid"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("Access token expired") from exc
    except jwt.PyJWTError as exc:
        raise TokenError("Invalid access token") from exc
    if (
        claims.get("typ") != "access"
        or not isinstance(claims.get("tid"), int)
        or not isinstance(claims.get("sid"), str)
        or not claims["sid"]
    ):
        raise TokenError("Invalid access token")
    try:
        return AccessClaims(
            user_id=int(claims["sub"]),
            tenant_id=claims["tid"],
            session_id=claims["sid"],
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except ValueError as exc:
        raise TokenError("Invalid access token") from exc


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """Secrets are random and long, so a plain SHA-256 is the right hash (no salt needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()
