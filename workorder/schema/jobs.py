"""The GraphQL type of a long job (batch action, export, import)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from workorder.models import Job, JobStatus
from workorder.schema.node import Node, to_global_id

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
