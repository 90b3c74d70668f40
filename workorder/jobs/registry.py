"""The kinds of job a process knows, by the name a `Job` row stores.

Built once, by `job_kinds`, where the server (`server.create_app`) and the worker
(`jobs.queue.run_worker`) are built, and handed to what starts and runs jobs: nothing
registers itself when imported, and no process-wide table exists to change behind a test's
back. A test that needs kinds builds them the same way (or a `JobKinds` of its own).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from types import MappingProxyType

from workorder.errors import invalid
from workorder.flows.batch.batch import BatchKind
from workorder.flows.batch.jobs import BatchJob, batch_kind_name
from workorder.flows.exports import exports, imports
from workorder.flows.reports import download as report_files
from workorder.flows.webhooks import outbox as webhook_outbox
from workorder.flows.webhooks.sending import DeliveryJob, SendPolicy
from workorder.jobs.kinds import JobKind
from workorder.settings import Settings


class JobKinds(Mapping[str, JobKind]):
    """Kinds of job by name; read-only once built."""

    def __init__(self, kinds: Mapping[str, JobKind]) -> None:
        self._kinds = MappingProxyType(dict(kinds))

    def __getitem__(self, name: str) -> JobKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def require(self, name: str) -> JobKind:
        """The kind a caller asked for; INVALID (on "kind") when there is none of that name."""
        found = self._kinds.get(name)
        if found is None:
            raise invalid(f"Unknown kind of job: {name}", ["kind"])
        return found


def job_kinds(settings: Settings) -> JobKinds:
    """Every kind of job the service runs: the batch actions, ticket exports and imports,
    report files, webhook deliveries."""
    kinds: dict[str, JobKind] = {batch_kind_name(k): BatchJob(k) for k in BatchKind}
    kinds[exports.KIND] = exports.ExportJob()
    kinds[imports.KIND] = imports.ImportJob(max_rows=settings.import_max_rows)
    kinds[report_files.KIND] = report_files.ReportFileJob()
    kinds[webhook_outbox.KIND] = DeliveryJob(
        SendPolicy(
            allow_private=settings.webhooks_allow_private,
            retry_base=timedelta(seconds=settings.webhook_retry_base_seconds),
            max_attempts=settings.webhook_max_attempts,
            disable_after=settings.webhook_disable_after_failures,
            timeout=settings.webhook_timeout_seconds,
        )
    )
    return JobKinds(kinds)
