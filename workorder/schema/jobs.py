"""The GraphQL types of long jobs (batch actions, exports, imports): the job, its list,
and the inputs and payloads of starting and cancelling one."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from workorder.flows.batch import BatchKind
from workorder.flows.ticket_views import View
from workorder.models import Job, JobStatus
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection
from workorder.schema.ticket_views import TicketFilterInput, TicketViewEnum

JobStatusEnum = strawberry.enum(JobStatus, name="JobStatus")


@strawberry.type(name="Job", description="A long job and how far it has come.")
class JobType(Node):
    model: strawberry.Private[Job]
    kind: str
    status: JobStatusEnum  # type: ignore[valid-type]
    total: int
    done: int
    failed: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobType:
        return cls(
            id=to_global_id("Job", job.id),
            model=job,
            kind=job.kind,
            status=job.status,
            total=job.total,
            done=job.done,
            failed=job.failed,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )

    @strawberry.field(description="Per-item failures: what went wrong where.")
    def errors(self) -> JSON:
        return self.model.errors  # type: ignore[return-value]

    @strawberry.field
    def result(self) -> JSON:
        return self.model.result  # type: ignore[return-value]


@strawberry.type
class JobConnection(Connection[JobType]):
    pass


BatchJobActionEnum = strawberry.enum(
    BatchKind, name="BatchJobAction", description="The batch action a job applies to each ticket."
)


@strawberry.input(
    description=(
        "A batch action on every ticket a list query matches (a preset or saved view, a "
        "filter, a search), each as the single action would do it. The tickets are fixed "
        "when the job starts; follow it with jobProgress."
    )
)
class StartBatchJobInput:
    action: BatchJobActionEnum  # type: ignore[valid-type]
    view: TicketViewEnum = View.ALL  # type: ignore[valid-type]
    saved_view_id: strawberry.ID | None = strawberry.field(
        default=None, description="Use a saved view's view and filter (then give no filter)."
    )
    filter: TicketFilterInput | None = None
    search: str | None = None
    user_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="TRANSFER: to these users."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="TRANSFER: to this group."
    )
    step_key: str | None = strawberry.field(default=None, description="TRANSFER: at this step.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="ASSIGN (required): to this user."
    )
    comment: str = strawberry.field(default="", description="TRANSFER, CLOSE, ASSIGN, URGE.")
    create_follow_up: bool | None = strawberry.field(
        default=None, description="CLOSE, end action AGENT_DECIDES: open a follow-up ticket."
    )


@strawberry.type
class StartBatchJobPayload:
    job: JobType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelJobInput:
    id: strawberry.ID


@strawberry.type
class CancelJobPayload:
    job: JobType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
