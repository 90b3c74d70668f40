"""Each push on the bus: its channel and its wire form, which clients of the raw channels
and the Redis broker (JSON) read, and back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from workorder.subscriptions.messages import (
    JobUpdated,
    NotificationCreated,
    NotificationsRead,
    QueueChanged,
    Resync,
    TicketChanged,
)


def _wire(data: dict[str, Any]) -> dict[str, Any]:
    """Through JSON, as the Redis broker sends it."""
    decoded: dict[str, Any] = json.loads(json.dumps(data))
    return decoded


def test_a_ticket_change_goes_to_the_tickets_watchers() -> None:
    push = TicketChanged(ticket_id=7, event_id=3, kind="CLAIMED")
    assert (push.channel, push.to_dict()) == (
        "ticket:7",
        {"ticketId": 7, "eventId": 3, "kind": "CLAIMED"},
    )
    assert TicketChanged.from_dict(_wire(push.to_dict())) == push


def test_a_queue_change_goes_to_the_group() -> None:
    push = QueueChanged(group_id=2, ticket_id=7)
    assert (push.channel, push.to_dict()) == ("group:2", {"groupId": 2, "ticketId": 7})
    assert QueueChanged.from_dict(_wire(push.to_dict())) == push


def test_a_notification_goes_to_its_recipient_with_its_details() -> None:
    push = NotificationCreated(5, 11, "SLA_BREACHED", 7, {"deadline": "RESOLUTION"})
    assert (push.channel, push.to_dict()) == (
        "user:5",
        {"notificationId": 11, "kind": "SLA_BREACHED", "ticketId": 7, "deadline": "RESOLUTION"},
    )
    assert NotificationCreated.from_dict(5, _wire(push.to_dict())) == push


def test_marking_read_tells_the_users_other_sockets() -> None:
    push = NotificationsRead(user_id=5, count=3)
    assert (push.channel, push.to_dict()) == ("user:5", {"kind": "READ", "count": 3})
    assert NotificationsRead.from_dict(5, _wire(push.to_dict())) == push


def test_a_jobs_progress_goes_to_the_job() -> None:
    push = JobUpdated(job_id=4, status="RUNNING", total=10, done=2, failed=1)
    assert (push.channel, push.to_dict()) == (
        "job:4",
        {"jobId": 4, "status": "RUNNING", "total": 10, "done": 2, "failed": 1},
    )
    assert JobUpdated.from_dict(_wire(push.to_dict())) == push


def test_a_resync_is_recognised_and_nothing_else_is() -> None:
    assert (Resync().channel, Resync().to_dict()) == ("broker:resync", {"type": "resync"})
    assert Resync.from_dict(_wire(Resync().to_dict())) == Resync()
    with pytest.raises(ValueError):
        Resync.from_dict({"n": 1})
