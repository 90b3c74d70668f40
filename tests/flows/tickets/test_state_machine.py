"""The transition table, row by row, without a database: each action starts from the
statuses the seeds allow and leads where they say."""

from __future__ import annotations

import pytest

from workorder.errors import ErrorCode, FlowError
from workorder.flows.tickets.state_machine import TRANSITIONS, Action, allowed_in, check_status
from workorder.models import Status

# W: being worked on (IN_PROGRESS)
N, P, W, D, V = Status.NEW, Status.PENDING, Status.IN_PROGRESS, Status.DONE, Status.VOID

# action: (the statuses it may start from, the status it leads to; None = kept or decided)
EXPECTED: dict[Action, tuple[set[Status], Status | None]] = {
    Action.SUBMIT: ({N}, None),  # into the first step (PENDING) or at once to its owner
    Action.SAVE: ({N, P, W}, None),
    Action.CLAIM: ({P}, W),
    Action.ASSIGN: ({P, W}, W),
    Action.FORWARD: ({W}, None),  # the next step, or DONE from the last
    Action.RETURN: ({W}, None),
    Action.TRANSFER: ({P, W}, None),
    Action.URGE: ({P, W}, None),
    Action.NOTE: ({N, P, W, D}, None),
    Action.CLOSE: ({N, P, W}, D),
    Action.REOPEN: ({D}, None),
    Action.VOID: ({N, P, W, D}, V),
    Action.DELETE: ({N, P, W, D, V}, None),
    Action.CHANGE_OWNER: ({N, P, W}, None),
    Action.ADD_TEAM_MEMBER: ({N, P, W, D}, None),
    Action.REMOVE_TEAM_MEMBER: ({N, P, W, D}, None),
    Action.FOLLOW: ({N, P, W, D}, None),
    Action.UNFOLLOW: ({N, P, W, D}, None),
    Action.LOG_INTERACTION: ({N, P, W, D}, None),
    Action.LOCK: ({N, P, W, D}, None),
    Action.UNLOCK: ({N, P, W, D}, None),
}


def test_every_action_has_one_row():
    assert set(TRANSITIONS) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("action", list(Action))
def test_each_row_starts_where_it_should_and_leads_where_it_should(action: Action):
    sources, target = EXPECTED[action]
    assert TRANSITIONS[action].target == target
    for status in Status:
        assert allowed_in(action, status) == (status in sources), status


def test_a_wrong_status_is_a_typed_error_that_names_the_action_and_the_status():
    with pytest.raises(FlowError) as refused:
        check_status(Action.CHANGE_OWNER, Status.DONE)
    assert refused.value.code == ErrorCode.WRONG_STATUS
    assert refused.value.message == "Cannot change owner a ticket that is DONE"
    check_status(Action.CLAIM, Status.PENDING)  # allowed: no error


def test_nothing_but_delete_starts_from_void():
    assert {a for a in Action if allowed_in(a, V)} == {Action.DELETE}
