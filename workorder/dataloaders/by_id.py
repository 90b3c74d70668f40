"""A tenant's rows by id, for the loaders a list page reads on every request (the assignees,
the templates and their versions): one statement per batch, built once per model and batch
size (`sql.shapes`) rather than from Q objects each time."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from workorder.sql.shapes import Shapes, dialect_of, rows_of

M = TypeVar("M", bound=Model)

_TENANT = -1
# By model, dialect and number of ids; the batches a process sees have few sizes.
_BUILT: Shapes[Hashable, Any] = Shapes(512)


async def rows_by_id(model: type[M], tenant_id: int, ids: Sequence[int]) -> dict[int, M]:
    """The rows of `model` with these ids in the tenant, by id (those not found left out)."""
    wanted = list(dict.fromkeys(ids))
    standins = [-2 - n for n in range(len(wanted))]
    values: dict[Any, Any] = dict(zip(standins, wanted, strict=True))
    values[_TENANT] = tenant_id
    key = (model, dialect_of(model), len(wanted))

    def build(value: Callable[[Any], Any]) -> QuerySet[M]:
        return model.filter(tenant_id=value(_TENANT), id__in=[value(s) for s in standins])

    rows = await rows_of(_BUILT, key, build, values)
    return {row.pk: row for row in rows}
