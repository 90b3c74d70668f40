"""An event's data as the outside world reads it: `TicketEvent.changes` and webhook payloads.

The trace stores what `record()` was given: database ids under the model's snake_case names.
Outside, a row is named by its global id (what `node(id:)` takes) and a name is the API's
camelCase one. This module is the one translation, for every path that shows an event's data;
each key some `record()` call writes is named in KEYS. A key not named there is left out rather
than shown as stored, so a key added later cannot leak a database id; the test that produces
every EventKind (tests/schema/tickets/test_event_changes.py) fails until the new key is named.
Hidden custom fields are screened first (`Screen.data`), as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from workorder.flows.tickets.screens import FIELDS, Screen
from workorder.ids import to_global_id

Public = Callable[[Any], Any]
"""A stored value as the outside world reads it."""


def _as_stored(value: Any) -> Any:
    """Values that name no row (text, enum values, numbers, flags), and custom field values:
    those that name rows (ATTACHMENT fields) already hold global ids."""
    return value


def _reference(type_name: str) -> Public:
    """Database ids of `type_name` as global ids, alone, in a list, or in a before/after pair;
    null stays null. Anything else is not an id of ours and is left out (null)."""

    def public(value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int):
            return to_global_id(type_name, value)
        if isinstance(value, list):
            return [public(item) for item in value]
        if isinstance(value, dict):
            return {side: public(value.get(side)) for side in ("before", "after")}
        return None

    return public


@dataclass(frozen=True, slots=True)
class Key:
    """One stored key: its name in the API and how its value reads there."""

    name: str
    public: Public


KEYS: Final[Mapping[str, Key]] = MappingProxyType(
    {
        # CREATED: the values; SAVED, FORWARDED: {key: {before, after}} (screened first).
        FIELDS: Key("fields", _as_stored),
        # SAVED: {before, after} of the ticket's own attributes (handling.save_ticket).
        "title": Key("title", _as_stored),
        "description": Key("description", _as_stored),
        "priority": Key("priority", _as_stored),  # URGED too
        "cc": Key("cc", _as_stored),
        # TRANSFERRED: the people and the group it went to (moves.transfer_ticket).
        "users": Key("users", _reference("User")),
        "group": Key("group", _reference("Group")),
        "department": Key("department", _reference("Department")),  # when given
        "role": Key("role", _as_stored),  # when given
        # TEAM_MEMBER_ADDED / _REMOVED (team.py).
        "user": Key("user", _reference("User")),
        "access": Key("access", _as_stored),
        # INTERACTION_LOGGED (interactions.py).
        "interaction": Key("interaction", _reference("Interaction")),
        "channel": Key("channel", _as_stored),
        "direction": Key("direction", _as_stored),
        # SURVEY_ANSWERED; CLOSED/FORWARDED to the end: a survey was sent (finish.py).
        "score": Key("score", _as_stored),
        "survey": Key("survey", _as_stored),
    }
)


def public_changes(data: Mapping[str, Any], screen: Screen) -> dict[str, Any]:
    """What an event changed, for a caller this screen belongs to: global ids, API names,
    without the fields the ticket's current step hides from them, without unknown keys."""
    shown = screen.data(data)
    return {KEYS[k].name: KEYS[k].public(v) for k, v in shown.items() if k in KEYS}
