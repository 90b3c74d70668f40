"""API token scopes and the one rule of what a scope allows.

A token holds a few scope names; each root field of the API needs one scope (see
schema/permissions.py for which). Broad scopes imply narrow ones, so a partner asks for
what it does, and a token made before a scope existed keeps working when one is added
under a broad one it holds. A login session holds every scope: only partner tokens are
narrowed."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from workorder.errors import ErrorCode, FlowError, invalid


class Scope(StrEnum):
    """What a partner API token may do. The value is the scope's name in the API."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"
    CUSTOMERS_WRITE = "customers:write"
    EXPORT = "export"
    WEBHOOKS = "webhooks"
    ORG_WRITE = "org:write"

    @classmethod
    def _missing_(cls, value: object) -> Scope | None:
        """Names are case-insensitive: tokens stored before scopes had lower-case names
        say READ, WRITE, ADMIN."""
        if isinstance(value, str):
            lowered = value.strip().lower()
            for member in cls:
                if member.value == lowered:
                    return member
        return None

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self]


DESCRIPTIONS: dict[Scope, str] = {
    Scope.READ: "Reads, and every per-area read scope (tickets:read).",
    Scope.WRITE: (
        "Changes tickets, customers and one's own views, and exports: implies read, "
        "tickets:write, customers:write and export. Not org:write nor webhooks."
    ),
    Scope.ADMIN: "Everything the token's user may do: implies every other scope.",
    Scope.TICKETS_READ: "Reads tickets and follows them live (subscriptions).",
    Scope.TICKETS_WRITE: (
        "Creates and changes tickets, attachments, batches, saved views and notifications' "
        "read marks: implies tickets:read."
    ),
    Scope.CUSTOMERS_WRITE: "Creates and changes customers and their contacts.",
    Scope.EXPORT: "Starts exports of tickets.",
    Scope.WEBHOOKS: "Manages webhook endpoints and their deliveries (administrators).",
    Scope.ORG_WRITE: (
        "Administers users, groups, departments, templates, dictionaries, SLA policies, "
        "sharing rules and tenant settings (administrators)."
    ),
}

# What each scope directly implies; `expand` follows the chain.
IMPLIES: dict[Scope, frozenset[Scope]] = {
    Scope.ADMIN: frozenset(Scope) - {Scope.ADMIN},
    Scope.WRITE: frozenset({Scope.READ, Scope.TICKETS_WRITE, Scope.CUSTOMERS_WRITE, Scope.EXPORT}),
    Scope.READ: frozenset({Scope.TICKETS_READ}),
    Scope.TICKETS_WRITE: frozenset({Scope.TICKETS_READ}),
}

ALL_SCOPES = frozenset(Scope)

# Scopes that let a token use its user's administrator role (each only for the root
# fields that need it: the field guard decides which fields a token reaches at all).
_ADMINISTRATIVE = frozenset({Scope.ADMIN, Scope.ORG_WRITE, Scope.WEBHOOKS})
_READ_ONLY = frozenset({Scope.READ, Scope.TICKETS_READ})


def expand(held: Iterable[Scope]) -> frozenset[Scope]:
    """The held scopes and all they imply."""
    seen: set[Scope] = set()
    todo = list(held)
    while todo:
        scope = todo.pop()
        if scope not in seen:
            seen.add(scope)
            todo.extend(IMPLIES.get(scope, ()))
    return frozenset(seen)


def covers(held: Iterable[Scope], required: Scope) -> bool:
    return required in expand(held)


def refusal(required: Scope) -> str:
    """The message of a scope refusal: it names the scope the token lacks."""
    return f"This token lacks the {required} scope"


def require_scope(held: Iterable[Scope], required: Scope) -> None:
    if not covers(held, required):
        raise FlowError(ErrorCode.FORBIDDEN, refusal(required))


def administrative(held: Iterable[Scope]) -> bool:
    """Whether the token may use its user's administrator role."""
    return not _ADMINISTRATIVE.isdisjoint(held)


def writes(held: Iterable[Scope]) -> bool:
    """Whether the token may change anything at all (not only read)."""
    return not expand(held) <= _READ_ONLY


def parse(names: Iterable[str], field: list[str]) -> frozenset[Scope]:
    """Scope names a client sent: an unknown one is refused, naming it."""
    chosen: set[Scope] = set()
    unknown: list[str] = []
    for name in names:
        try:
            chosen.add(Scope(name))
        except ValueError:
            unknown.append(name)
    if unknown:
        known = ", ".join(s.value for s in Scope)
        raise invalid(f"Unknown scope(s): {', '.join(unknown)} (known: {known})", field)
    return frozenset(chosen)


def stored(names: Iterable[str]) -> frozenset[Scope]:
    """A stored token's scopes; a name no longer known grants nothing."""
    found: set[Scope] = set()
    for name in names:
        try:
            found.add(Scope(name))
        except ValueError:
            continue
    return frozenset(found)
