"""The file an export (of tickets, or of a report) leaves: its record on the job, and who may
download it."""

from __future__ import annotations

from dataclasses import dataclass

from workorder.auth.actor import Actor
from workorder.errors import not_found
from workorder.flows.batch.jobs import visible_job
from workorder.flows.exports.columns import require_export
from workorder.flows.exports.exports import KIND
from workorder.flows.reports.download import KIND as REPORT
from workorder.models import Job, JobStatus


@dataclass(frozen=True, slots=True)
class ExportFile:
    sha256: str
    size: int
    filename: str
    content_type: str


def export_file_of(job: Job) -> ExportFile | None:
    found = (job.result or {}).get("file") if job.kind in (KIND, REPORT) else None
    if not isinstance(found, dict) or job.status != JobStatus.DONE:
        return None
    return ExportFile(found["sha256"], found["size"], found["filename"], found["contentType"])


async def export_file(actor: Actor, job_id: int) -> ExportFile:
    """The finished export's file, for whoever may follow the job and still holds
    ticket.export (a report's: no grant, its figures were scoped to the starter); NOT_FOUND
    for anything else (no file, not yours), like a missing job."""
    job = await visible_job(actor, job_id)
    if job.kind == KIND:
        require_export(actor)
    found = export_file_of(job)
    if found is None:
        raise not_found("Export file")
    return found
