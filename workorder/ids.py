"""Global ids ("Type:pk", base64url) — shared by the GraphQL layer and by field values
(attachment references inside a ticket's JSON travel as global ids)."""

from __future__ import annotations

import base64
import binascii
from typing import Final

# Primary keys are PostgreSQL `integer`s: a larger number names no row, and sending it would
# make the driver fail the whole query (on SQLite, beyond 2**63 - 1, too).
MAX_PK: Final = 2**31 - 1


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """Decode; anything malformed, or a key no row can have, is None, never an exception."""
    if not isinstance(global_id, str):
        return None
    try:
        raw = base64.urlsafe_b64decode(global_id.encode() + b"=" * (-len(global_id) % 4))
        type_name, _, pk = raw.decode().partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if not type_name or not 0 < value <= MAX_PK:
        return None
    return type_name, value


def pk_of(global_id: str, type_name: str) -> int | None:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        return None
    return decoded[1]
