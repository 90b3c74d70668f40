"""The kinds of job are built, not registered: `job_kinds` knows every kind the service
starts, an unknown name is refused, and each build is its own (nothing shared between
processes or tests)."""

from __future__ import annotations

import pytest

from workorder.errors import ErrorCode, FlowError
from workorder.flows.batch.batch import BatchKind
from workorder.flows.exports import exports, imports
from workorder.flows.reports import download as report_files
from workorder.flows.webhooks import outbox as webhook_outbox
from workorder.jobs.kinds import WholeJobKind
from workorder.jobs.registry import job_kinds
from workorder.settings import Settings


def test_the_service_knows_every_batch_action_the_export_and_the_import(settings: Settings):
    kinds = job_kinds(settings)
    assert sorted(kinds) == sorted(
        [f"batch.{k.lower()}" for k in BatchKind]
        + [exports.KIND, imports.KIND, report_files.KIND, webhook_outbox.KIND]
    )
    assert isinstance(kinds.require(exports.KIND), WholeJobKind)
    assert isinstance(kinds.require(report_files.KIND), WholeJobKind)
    assert not isinstance(kinds.require("batch.close"), WholeJobKind)  # one item per ticket


def test_an_unknown_kind_is_invalid_on_kind(settings: Settings):
    with pytest.raises(FlowError) as unknown:
        job_kinds(settings).require("batch.explode")
    assert (unknown.value.code, unknown.value.field) == (ErrorCode.INVALID, ["kind"])


def test_each_build_has_kinds_of_its_own(settings: Settings):
    first, second = job_kinds(settings), job_kinds(settings)
    assert first.require(imports.KIND) is not second.require(imports.KIND)
    assert first.require(imports.KIND) == imports.ImportJob(max_rows=settings.import_max_rows)
    with pytest.raises(TypeError):
        first["x"] = first.require(exports.KIND)  # type: ignore[index]
