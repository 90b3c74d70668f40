"""The `may()` table, row by row, without a database: who may take each action, given how
they stand to the ticket (the status half is the state machine's)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workorder.flows.templates.config import EditLimit
from workorder.flows.tickets.rules import Standing, may
from workorder.flows.tickets.state_machine import Action
from workorder.models import TeamAccess

NOBODY = Standing(
    admin=False,
    assignee=False,
    creator=False,
    candidate=False,
    supervisor=False,
    superior=False,
    team=None,
    shared_write=False,
    follower=False,
    edit_limit=EditLimit.OWNER,
    may_transfer=False,
    may_reopen=False,
)
PERSONAS: dict[str, Standing] = {
    "outsider": NOBODY,
    "admin": replace(NOBODY, admin=True),
    "assignee": replace(NOBODY, assignee=True),
    "creator": replace(NOBODY, creator=True),
    "candidate": replace(NOBODY, candidate=True),
    "supervisor": replace(NOBODY, supervisor=True),
    "superior": replace(NOBODY, superior=True),
    "team_read": replace(NOBODY, team=TeamAccess.READ),
    "team_write": replace(NOBODY, team=TeamAccess.READ_WRITE),
    "shared_write": replace(NOBODY, shared_write=True),
    "follower": replace(NOBODY, follower=True),
    "transferer": replace(NOBODY, may_transfer=True),
    "reopener": replace(NOBODY, may_reopen=True),
}
EVERYONE = set(PERSONAS)
IN_CHARGE = {"admin", "assignee", "supervisor"}
WRITERS = IN_CHARGE | {"team_write", "shared_write"}  # content and notes, edit limit OWNER

# action: who may, when the template's edit limit is OWNER
EXPECTED: dict[Action, set[str]] = {
    Action.SUBMIT: {"creator", "admin"},
    Action.SAVE: WRITERS,
    Action.CLAIM: {"candidate"},
    Action.ASSIGN: {"supervisor", "admin"},
    Action.FORWARD: {"assignee"},
    Action.RETURN: {"assignee"},
    Action.TRANSFER: {"transferer"},
    Action.URGE: EVERYONE,
    Action.NOTE: WRITERS,
    Action.CLOSE: IN_CHARGE,
    Action.REOPEN: {"supervisor", "admin", "reopener"},
    Action.VOID: {"supervisor", "admin"},
    Action.DELETE: {"supervisor", "admin"},
    Action.CHANGE_OWNER: {
        "assignee",
        "superior",
        "supervisor",
        "admin",
        "team_write",
        "shared_write",
    },
    Action.ADD_TEAM_MEMBER: IN_CHARGE,
    Action.REMOVE_TEAM_MEMBER: IN_CHARGE,
    Action.FOLLOW: EVERYONE - {"follower"},
    Action.UNFOLLOW: {"follower"},
    Action.LOG_INTERACTION: WRITERS,
    Action.LOCK: {"assignee", "admin"},
    Action.UNLOCK: set(),  # the ticket is not locked
}


def test_every_action_has_a_rule():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_who_may_under_the_owner_edit_limit(action: Action):
    allowed = {name for name, who in PERSONAS.items() if may(action, who)}
    assert allowed == EXPECTED[action]


@pytest.mark.parametrize("action", [Action.SAVE, Action.NOTE, Action.LOG_INTERACTION])
def test_the_everyone_edit_limit_lets_whoever_sees_it_change_content(action: Action):
    open_to_all = {
        name: replace(who, edit_limit=EditLimit.EVERYONE) for name, who in PERSONAS.items()
    }
    assert {name for name, who in open_to_all.items() if may(action, who)} == EVERYONE


@pytest.mark.parametrize(
    "action", [a for a in Action if a not in (Action.SAVE, Action.NOTE, Action.LOG_INTERACTION)]
)
def test_the_edit_limit_changes_nothing_else(action: Action):
    for who in PERSONAS.values():
        assert may(action, replace(who, edit_limit=EditLimit.EVERYONE)) == may(action, who)


def test_a_locked_ticket_allows_only_its_unlocking_by_its_owner_or_an_admin():
    """Seed 003: the lock is a row of the one table, so no action slips by it."""
    for action in Action:
        allowed = {name for name, who in PERSONAS.items() if may(action, replace(who, locked=True))}
        assert allowed == ({"assignee", "admin"} if action == Action.UNLOCK else set()), action
