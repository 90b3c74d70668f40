"""Access tokens: signed, short-lived, and refused when expired or tampered with."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from workorder.auth.tokens import TokenError, decode_access_token, issue_access_token, secret_hash

KEY = "k" * 48


def test_round_trip():
    token, expires = issue_access_token(7, 3, "s1", KEY, timedelta(minutes=5))
    claims = decode_access_token(token, KEY)
    assert (claims.user_id, claims.tenant_id, claims.session_id) == (7, 3, "s1")
    assert expires > datetime.now(UTC)


def test_expired_token_is_refused_with_its_reason():
    past = datetime.now(UTC) - timedelta(hours=1)
    token, _ = issue_access_token(7, 3, "s1", KEY, timedelta(minutes=5), now=past)
    with pytest.raises(TokenError, match="expired"):
        decode_access_token(token, KEY)


def test_tampered_token_is_refused():
    token, _ = issue_access_token(7, 3, "s1", KEY, timedelta(minutes=5))
    header, _payload, signature = token.split(".")
    forged = jwt.encode(
        {
            "sub": "1",
            "tid": 3,
            "typ": "access",
            "iss": "workorder",
            "iat": datetime.now(UTC),
            "exp": datetime.now(UTC) + timedelta(hours=1),
        },
        "another-key-another-key-another-key!!",
        algorithm="HS256",
    )
    with pytest.raises(TokenError, match="Invalid"):
        decode_access_token(forged, KEY)
    with pytest.raises(TokenError, match="Invalid"):
        decode_access_token(f"{header}.{forged.split('.')[1]}.{signature}", KEY)
    with pytest.raises(TokenError, match="Invalid"):
        decode_access_token("not-a-token", KEY)


def test_token_without_a_session_is_refused():
    """Logout can only end a token that names its session: one that names none is refused."""
    bare = jwt.encode(
        {
            "sub": "1",
            "tid": 3,
            "typ": "access",
            "iss": "workorder",
            "iat": datetime.now(UTC),
            "exp": datetime.now(UTC) + timedelta(hours=1),
        },
        KEY,
        algorithm="HS256",
    )
    with pytest.raises(TokenError, match="Invalid"):
        decode_access_token(bare, KEY)


def test_unsigned_token_is_refused():
    unsigned = jwt.encode(
        {
            "sub": "1",
            "tid": 3,
            "typ": "access",
            "iss": "workorder",
            "iat": datetime.now(UTC),
            "exp": datetime.now(UTC) + timedelta(hours=1),
        },
        None,
        algorithm="none",
    )
    with pytest.raises(TokenError):
        decode_access_token(unsigned, KEY)


def test_secret_hash_is_stable_and_not_the_secret():
    assert secret_hash("wo_abc") == secret_hash("wo_abc")
    assert secret_hash("wo_abc") != secret_hash("wo_abd")
    assert "wo_abc" not in secret_hash("wo_abc")
