"""What the bus carries: one dataclass per kind of push, each knowing its channel (named in
`channels`) and its JSON form on the wire.

A push carries what its listeners send on (the notification row, the ticket event as
committed, with who may see the ticket), so a push costs the database once, where it is
published, and not once per open socket (see `workorder.flows.live`). The database stays the
source of truth: a listener that missed a push (the broker numbers each channel's pushes, so a
gap shows) reads it back from there. The wire form (camelCase keys) is what the Redis broker
serialises and what clients of the raw channels see; `to_dict`/`from_dict` keep it in one
place. The broker adds the channel's sequence number as `seq`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Protocol, TypeVar

from tortoise.models import Model

from workorder.models import Job, Notification, TicketEvent
from workorder.subscriptions.channels import (
    RESYNC_CHANNEL,
    credentials_channel,
    group_channel,
    job_channel,
    presence_channel,
    reach_channel,
    tenant_tickets_channel,
    ticket_channel,
    user_channel,
)

M = TypeVar("M", bound=Model)
# Keys the broker adds to every message on the wire; not part of any push.
BROKER_KEYS = frozenset({"seq"})


def row_wire(row: Model) -> dict[str, Any]:
    """A stored row as JSON, column by column (datetimes in ISO 8601, enums by value)."""
    wire: dict[str, Any] = {}
    for name, column in row._meta.fields_db_projection.items():
        value = getattr(row, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Enum):
            value = value.value
        wire[column] = value
    return wire


def row_of(model: type[M], wire: dict[str, Any]) -> M:
    """The row back from `row_wire`, as if read from the database (nothing is read)."""
    fields = model._meta.fields_map
    values = {
        column: fields[name].to_python_value(wire.get(column))
        for name, column in model._meta.fields_db_projection.items()
    }
    return model._init_from_db(**values)


class Push(Protocol):
    """A message the unit of work publishes after its transaction commits."""

    @property
    def channel(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class TicketChanged:
    """An action left an event on the ticket: the event as committed, and who may see the
    ticket after it (the facts the visibility rule looks at, `auth.audience` in wire form),
    read once after the commit by the publisher."""

    ticket_id: int
    event_id: int
    kind: str
    event: dict[str, Any] | None = None  # row_wire of the TicketEvent
    audience: dict[str, Any] | None = None

    @property
    def channel(self) -> str:
        return ticket_channel(self.ticket_id)

    def to_dict(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "ticketId": self.ticket_id,
            "eventId": self.event_id,
            "kind": self.kind,
        }
        if self.event is not None:
            wire["event"] = self.event
        if self.audience is not None:
            wire["audience"] = self.audience
        return wire

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TicketChanged:
        return cls(
            int(data["ticketId"]),
            int(data["eventId"]),
            str(data["kind"]),
            data.get("event"),
            data.get("audience"),
        )

    def row(self) -> TicketEvent | None:
        return None if self.event is None else row_of(TicketEvent, self.event)


@dataclass(frozen=True, slots=True)
class TicketTouched:
    """A ticket of the tenant changed: live lists check whether it entered, changed in or
    left them, and menu badges count again. Carries who may see the ticket, like
    TicketChanged, so most sockets decide without a query."""

    tenant_id: int
    ticket_id: int
    kind: str
    audience: dict[str, Any] | None = None

    @property
    def channel(self) -> str:
        return tenant_tickets_channel(self.tenant_id)

    def to_dict(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"ticketId": self.ticket_id, "kind": self.kind}
        if self.audience is not None:
            wire["audience"] = self.audience
        return wire

    @classmethod
    def from_dict(cls, tenant_id: int, data: dict[str, Any]) -> TicketTouched:
        """The tenant is the channel's, not the message's."""
        return cls(tenant_id, int(data["ticketId"]), str(data["kind"]), data.get("audience"))


@dataclass(frozen=True, slots=True)
class QueueChanged:
    """A ticket entered or left a group's queue of waiting tickets."""

    group_id: int
    ticket_id: int

    @property
    def channel(self) -> str:
        return group_channel(self.group_id)

    def to_dict(self) -> dict[str, Any]:
        return {"groupId": self.group_id, "ticketId": self.ticket_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QueueChanged:
        return cls(int(data["groupId"]), int(data["ticketId"]))


@dataclass(frozen=True, slots=True)
class NotificationCreated:
    """A notification was stored for the user; `details` are extra hints (an SLA breach's)."""

    user_id: int
    notification_id: int
    kind: str
    ticket_id: int
    details: dict[str, str] = field(default_factory=dict)
    notification: dict[str, Any] | None = None  # row_wire of the Notification as stored

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"notificationId", "kind", "ticketId", "notification", *BROKER_KEYS}
    )

    @classmethod
    def of(cls, row: Notification, details: dict[str, str] | None = None) -> NotificationCreated:
        assert row.ticket_id is not None
        return cls(
            row.recipient_id,
            row.id,
            str(row.kind),
            row.ticket_id,
            dict(details or {}),
            row_wire(row),
        )

    @property
    def channel(self) -> str:
        return user_channel(self.user_id)

    def to_dict(self) -> dict[str, Any]:
        base = {"notificationId": self.notification_id, "kind": self.kind}
        wire = {**base, "ticketId": self.ticket_id, **self.details}
        if self.notification is not None:
            wire["notification"] = self.notification
        return wire

    @classmethod
    def from_dict(cls, user_id: int, data: dict[str, Any]) -> NotificationCreated:
        """The user is the channel's, not the message's."""
        details = {k: str(v) for k, v in data.items() if k not in cls._KEYS}
        return cls(
            user_id,
            int(data["notificationId"]),
            str(data["kind"]),
            int(data["ticketId"]),
            details,
            data.get("notification"),
        )

    def row(self) -> Notification | None:
        return None if self.notification is None else row_of(Notification, self.notification)


@dataclass(frozen=True, slots=True)
class NotificationsRead:
    """The user marked notifications read: their other sockets update the unread badge."""

    user_id: int
    count: int

    @property
    def channel(self) -> str:
        return user_channel(self.user_id)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "READ", "count": self.count}

    @classmethod
    def from_dict(cls, user_id: int, data: dict[str, Any]) -> NotificationsRead:
        return cls(user_id, int(data["count"]))


@dataclass(frozen=True, slots=True)
class JobUpdated:
    """A job's progress or status changed."""

    job_id: int
    status: str
    total: int
    done: int
    failed: int

    @classmethod
    def of(cls, job: Job) -> JobUpdated:
        return cls(job.id, str(job.status), job.total, job.done, job.failed)

    @property
    def channel(self) -> str:
        return job_channel(self.job_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "jobId": self.job_id,
            "status": self.status,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobUpdated:
        return cls(
            int(data["jobId"]),
            str(data["status"]),
            int(data["total"]),
            int(data["done"]),
            int(data["failed"]),
        )


@dataclass(frozen=True, slots=True)
class CredentialsEnded:
    """One of the user's credentials may have ended (a session logged out or revoked, an API
    token revoked, the user deactivated): the user's open streams check theirs again and end
    if it no longer holds. Streams do not poll, so this is how an idle one learns of it."""

    user_id: int

    @property
    def channel(self) -> str:
        return credentials_channel(self.user_id)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "credentials"}

    @classmethod
    def from_dict(cls, user_id: int, data: dict[str, Any]) -> CredentialsEnded:
        """The user is the channel's, not the message's."""
        if data.get("type") != "credentials":
            raise ValueError(f"not a credentials message: {data!r}")
        return cls(user_id)


@dataclass(frozen=True, slots=True)
class Resync:
    """Pushes were lost somewhere: every subscriber catches up from the database. Brokers
    send it on `RESYNC_CHANNEL` and hand it to their own subscribers as a message."""

    @property
    def channel(self) -> str:
        return RESYNC_CHANNEL

    def to_dict(self) -> dict[str, Any]:
        return {"type": "resync"}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Resync:
        if data.get("type") != "resync":
            raise ValueError(f"not a resync: {data!r}")
        return cls()


@dataclass(frozen=True, slots=True)
class ReachChanged:
    """Someone's place in the tenant changed (group members or supervisors, departments and
    their heads, reporting lines, sharing rules, roles, the active flag): every process
    forgets the reaches it keeps in memory for the tenant's open sockets."""

    tenant_id: int

    @property
    def channel(self) -> str:
        return reach_channel(self.tenant_id)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "reach", "tenantId": self.tenant_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReachChanged:
        if data.get("type") != "reach":
            raise ValueError(f"not a reach message: {data!r}")
        return cls(int(data["tenantId"]))


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone with a ticket open, as one process counts them: however many of their sockets
    there hold it, once; editing when any of them is. Carries all a subscriber shows, so a
    push needs no database read."""

    user_id: int
    name: str
    editing: bool
    since: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "userId": self.user_id,
            "name": self.name,
            "editing": self.editing,
            "since": self.since.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Viewer:
        return cls(
            int(data["userId"]),
            str(data["name"]),
            bool(data["editing"]),
            datetime.fromisoformat(str(data["since"])),
        )


@dataclass(frozen=True, slots=True)
class ViewersAnnounced:
    """A process's whole set of viewers of a ticket (empty: it has none left), sent when it
    changes, when another process asks, and again now and then so that a crashed process's
    viewers fade on the others."""

    ticket_id: int
    origin: str
    viewers: tuple[Viewer, ...]

    @property
    def channel(self) -> str:
        return presence_channel(self.ticket_id)

    def to_dict(self) -> dict[str, Any]:
        viewers = [v.to_dict() for v in self.viewers]
        return {"type": "viewers", "origin": self.origin, "viewers": viewers}

    @classmethod
    def from_dict(cls, ticket_id: int, data: dict[str, Any]) -> ViewersAnnounced:
        """The ticket is the channel's, not the message's."""
        viewers = tuple(Viewer.from_dict(v) for v in data["viewers"])
        return cls(ticket_id, str(data["origin"]), viewers)


@dataclass(frozen=True, slots=True)
class ViewersAsked:
    """A process got its first viewer of a ticket (or resynced): every other process with
    viewers of it answers with a `ViewersAnnounced`, once per `ask`."""

    ticket_id: int
    origin: str
    ask: str

    @property
    def channel(self) -> str:
        return presence_channel(self.ticket_id)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "who", "origin": self.origin, "ask": self.ask}

    @classmethod
    def from_dict(cls, ticket_id: int, data: dict[str, Any]) -> ViewersAsked:
        return cls(ticket_id, str(data["origin"]), str(data["ask"]))


@dataclass(frozen=True, slots=True)
class EditingSet:
    """A user says they are (or stopped) editing a ticket: whichever process holds their
    sockets on it applies it (the request may have reached another process)."""

    ticket_id: int
    user_id: int
    editing: bool

    @property
    def channel(self) -> str:
        return presence_channel(self.ticket_id)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "editing", "userId": self.user_id, "editing": self.editing}

    @classmethod
    def from_dict(cls, ticket_id: int, data: dict[str, Any]) -> EditingSet:
        return cls(ticket_id, int(data["userId"]), bool(data["editing"]))
