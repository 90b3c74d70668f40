"""TicketFilterInput → the flows' TicketFilter, shared by the ticket lists and batch jobs."""

from __future__ import annotations

from collections.abc import Sequence

from workorder.errors import not_found
from workorder.flows.templates.field_kinds.filtering import Operator
from workorder.flows.views.filters import FieldCondition, Range, TicketFilter
from workorder.models import Priority, Source, Status
from workorder.schema.node import pk_of
from workorder.schema.views.types import ID_LISTS, DateTimeRangeInput, TicketFilterInput


def _range(value: DateTimeRangeInput | None) -> Range | None:
    return None if value is None else Range(value.start, value.end)


def _ids(values: Sequence[str], type_name: str, field: Sequence[str]) -> tuple[int, ...]:
    found = []
    for value in values:
        pk = pk_of(value, type_name)
        if pk is None:
            raise not_found(type_name, field)
        found.append(pk)
    return tuple(found)


def to_filter(given: TicketFilterInput | None) -> TicketFilter:
    if given is None:
        return TicketFilter()
    ids: dict[str, tuple[int, ...]] = {}
    for name, (attribute, type_name) in ID_LISTS.items():
        values = getattr(given, name)
        if values:
            ids[attribute] = _ids(values, type_name, ["filter", name])
    return TicketFilter(
        statuses=tuple(Status(s) for s in given.status or ()),
        priorities=tuple(Priority(p) for p in given.priority or ()),
        sources=tuple(Source(s) for s in given.source or ()),
        steps=tuple(given.step or ()),
        unassigned=given.unassigned,
        created=_range(given.created),
        updated=_range(given.updated),
        done=_range(given.done),
        due=_range(given.due),
        fields=tuple(FieldCondition(c.key, Operator(c.op), c.value) for c in given.fields or ()),
        **ids,
    )
