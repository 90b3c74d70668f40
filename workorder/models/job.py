from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(Model):
    """A long-running batch action, export or import, and how far it has come."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    kind = fields.CharField(max_length=50)
    status = fields.CharEnumField(JobStatus, default=JobStatus.QUEUED)
    params: dict[str, Any] = fields.JSONField(default=dict)
    total = fields.IntField(default=0)
    done = fields.IntField(default=0)
    failed = fields.IntField(default=0)
    result: dict[str, Any] = fields.JSONField(default=dict)
    errors: list[Any] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Who runs it (after the end: who ran it last) and until when. `lease_until` is when a
    # runner may take the job: now for a new one, the lease's end while one runs (renewed by
    # every committed item), NULL for rows no runner should take. See workorder/jobs/leases.py.
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
