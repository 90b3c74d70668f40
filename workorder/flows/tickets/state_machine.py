"""The ticket state machine as data: for each action, the statuses it may start from and
the status it leads to. Every action and `availableActions` read this one table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workorder.errors import ErrorCode, FlowError
from workorder.models import Status


class Action(StrEnum):
    SUBMIT = "SUBMIT"
    SAVE = "SAVE"
    CLAIM = "CLAIM"
    ASSIGN = "ASSIGN"
    FORWARD = "FORWARD"
    RETURN = "RETURN"
    TRANSFER = "TRANSFER"
    URGE = "URGE"
    NOTE = "NOTE"
    CLOSE = "CLOSE"
    REOPEN = "REOPEN"
    VOID = "VOID"
    DELETE = "DELETE"
    CHANGE_OWNER = "CHANGE_OWNER"
    ADD_TEAM_MEMBER = "ADD_TEAM_MEMBER"
    REMOVE_TEAM_MEMBER = "REMOVE_TEAM_MEMBER"
    FOLLOW = "FOLLOW"
    UNFOLLOW = "UNFOLLOW"
    LOG_INTERACTION = "LOG_INTERACTION"
    LOCK = "LOCK"
    UNLOCK = "UNLOCK"


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    # None: the status stays, or the action decides it (a forward may finish the ticket).
    target: Status | None


_OPEN = frozenset({Status.NEW, Status.PENDING, Status.IN_PROGRESS})
_WORKING = frozenset({Status.PENDING, Status.IN_PROGRESS})
_LIVE = _OPEN | {Status.DONE}

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.SUBMIT, frozenset({Status.NEW}), None),
        Transition(Action.SAVE, _OPEN, None),
        Transition(Action.CLAIM, frozenset({Status.PENDING}), Status.IN_PROGRESS),
        Transition(Action.ASSIGN, _WORKING, Status.IN_PROGRESS),
        Transition(Action.FORWARD, frozenset({Status.IN_PROGRESS}), None),
        Transition(Action.RETURN, frozenset({Status.IN_PROGRESS}), None),
        Transition(Action.TRANSFER, _WORKING, None),
        Transition(Action.URGE, _WORKING, None),
        Transition(Action.NOTE, _LIVE, None),
        Transition(Action.CLOSE, _OPEN, Status.DONE),
        Transition(Action.REOPEN, frozenset({Status.DONE}), None),
        Transition(Action.VOID, _LIVE, Status.VOID),
        Transition(Action.DELETE, _LIVE | {Status.VOID}, None),
        Transition(Action.CHANGE_OWNER, _OPEN, None),
        Transition(Action.ADD_TEAM_MEMBER, _LIVE, None),
        Transition(Action.REMOVE_TEAM_MEMBER, _LIVE, None),
        Transition(Action.FOLLOW, _LIVE, None),
        Transition(Action.UNFOLLOW, _LIVE, None),
        Transition(Action.LOG_INTERACTION, _LIVE, None),
        Transition(Action.LOCK, _LIVE, None),
        Transition(Action.UNLOCK, _LIVE, None),
    )
}


def allowed_in(action: Action, status: Status) -> bool:
    return status in TRANSITIONS[action].sources


def check_status(action: Action, status: Status) -> None:
    if not allowed_in(action, status):
        raise FlowError(
            ErrorCode.WRONG_STATUS,
            f"Cannot {action.lower().replace('_', ' ')} a ticket that is {status}",
        )
