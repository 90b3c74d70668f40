"""What a ticket list is narrowed by: system fields, ranges, text search and custom fields.

The filter is plain data (saved views store it as JSON); `filter_q` checks it against the
tenant's templates and turns it into one Q, so it runs inside the same SQL as the visibility
rule. A bad filter fails as a whole with the path of the offending part.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, cast

from tortoise.expressions import Q, Subquery

from workorder.auth.actor import Actor
from workorder.auth.customers import nameable_customers
from workorder.errors import invalid, not_found
from workorder.flows.templates.config import FieldType, TemplateConfig
from workorder.flows.templates.field_kinds.filtering import MAX_LISTED, Operator
from workorder.flows.templates.field_kinds.table import KINDS
from workorder.flows.tickets.screens import shown_where
from workorder.models import (
    Customer,
    Group,
    Priority,
    Source,
    Status,
    Template,
    TemplateVersion,
    User,
)

MAX_CONDITIONS = 20
MAX_SEARCH = 200


@dataclass(frozen=True)
class Range:
    """From (inclusive) and to (exclusive); either end may be open."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class FieldCondition:
    key: str
    op: Operator
    value: Any = None


@dataclass(frozen=True)
class TicketFilter:
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    sources: tuple[Source, ...] = ()
    template_ids: tuple[int, ...] = ()
    steps: tuple[str, ...] = ()
    group_ids: tuple[int, ...] = ()
    assignee_ids: tuple[int, ...] = ()
    unassigned: bool | None = None
    creator_ids: tuple[int, ...] = ()
    customer_ids: tuple[int, ...] = ()
    template_team_ids: tuple[int, ...] = ()  # groups owning the ticket's template
    created: Range | None = None
    updated: Range | None = None
    done: Range | None = None
    due: Range | None = None
    fields: tuple[FieldCondition, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The stored form (saved views): JSON types only, empty parts left out."""
        data: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if value in ((), None):
                continue
            if isinstance(value, dict):  # a Range
                value = {k: v.isoformat() if v else None for k, v in value.items()}
            elif name == "fields":
                value = [{"key": c["key"], "op": str(c["op"]), "value": c["value"]} for c in value]
            elif isinstance(value, tuple):
                value = [str(v) if isinstance(v, str) else v for v in value]
            data[name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TicketFilter:
        def moment(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        def span(name: str) -> Range | None:
            found = data.get(name)
            return Range(moment(found.get("start")), moment(found.get("end"))) if found else None

        return cls(
            statuses=tuple(Status(s) for s in data.get("statuses", ())),
            priorities=tuple(Priority(p) for p in data.get("priorities", ())),
            sources=tuple(Source(s) for s in data.get("sources", ())),
            template_ids=tuple(data.get("template_ids", ())),
            steps=tuple(data.get("steps", ())),
            group_ids=tuple(data.get("group_ids", ())),
            assignee_ids=tuple(data.get("assignee_ids", ())),
            unassigned=data.get("unassigned"),
            creator_ids=tuple(data.get("creator_ids", ())),
            customer_ids=tuple(data.get("customer_ids", ())),
            template_team_ids=tuple(data.get("template_team_ids", ())),
            created=span("created"),
            updated=span("updated"),
            done=span("done"),
            due=span("due"),
            fields=tuple(
                FieldCondition(c["key"], Operator(c["op"]), c.get("value"))
                for c in data.get("fields", ())
            ),
        )


def _range(column: str, span: Range | None, path: str) -> Q:
    if span is None:
        return Q()
    if span.start and span.end and span.end <= span.start:
        raise invalid("The range ends before it starts", ["filter", path])
    found = Q()
    if span.start:
        found &= Q(**{f"{column}__gte": span.start})  # type: ignore[arg-type]
    if span.end:
        found &= Q(**{f"{column}__lt": span.end})  # type: ignore[arg-type]
    return found


def _listed(name: str, values: tuple[Any, ...]) -> None:
    if len(values) > MAX_LISTED:
        raise invalid(f"At most {MAX_LISTED} values", ["filter", name])


FieldTypes = dict[str, FieldType | None]


@dataclass(frozen=True)
class TemplateFields:
    """The custom fields of a set of templates: each key's type (None where templates
    disagree), and each version's configuration, for the steps that hide a field."""

    types: FieldTypes
    configs: dict[int, TemplateConfig]


async def filter_q(
    actor: Actor,
    spec: TicketFilter,
    known: dict[tuple[int, ...], TemplateFields] | None = None,
) -> Q:
    """The Q of a whole filter; raises INVALID with the path of the first bad part."""
    found = Q()
    for name, column in [
        ("statuses", "status__in"),
        ("priorities", "priority__in"),
        ("sources", "source__in"),
        ("template_ids", "template_id__in"),
        ("steps", "current_step__in"),
        ("group_ids", "current_group_id__in"),
        ("assignee_ids", "assignee_id__in"),
        ("creator_ids", "creator_id__in"),
        ("customer_ids", "customer_id__in"),
    ]:
        values: tuple[Any, ...] = getattr(spec, name)
        _listed(name, values)
        if values:
            found &= Q(**{column: list(values)})  # type: ignore[arg-type]
    _listed("template_team_ids", spec.template_team_ids)
    if spec.template_team_ids:
        owned = Template.filter(
            tenant_id=actor.tenant_id, team_id__in=list(spec.template_team_ids)
        ).values("id")
        found &= Q(template_id__in=Subquery(owned))
    if spec.unassigned is not None:
        found &= Q(assignee_id__isnull=spec.unassigned)
    found &= _range("created_at", spec.created, "created")
    found &= _range("updated_at", spec.updated, "updated")
    found &= _range("done_at", spec.done, "done")
    found &= _range("due_at", spec.due, "due")
    if spec.fields:
        found &= await _fields_q(actor, spec, {} if known is None else known)
    return found


async def template_fields(actor: Actor, template_ids: tuple[int, ...] = ()) -> TemplateFields:
    """The fields of these templates (all the tenant's when none), every version."""
    versions = TemplateVersion.filter(tenant_id=actor.tenant_id)
    if template_ids:
        versions = versions.filter(template_id__in=list(template_ids))
    types: FieldTypes = {}
    configs: dict[int, TemplateConfig] = {}
    for version_id, stored in await versions.values_list("id", "config"):
        config = configs[version_id] = TemplateConfig.from_json(stored)
        for definition in config.fields:
            if types.setdefault(definition.key, definition.type) != definition.type:
                types[definition.key] = None
    return TemplateFields(types, configs)


async def field_types(
    actor: Actor, template_ids: tuple[int, ...] = ()
) -> dict[str, FieldType | None]:
    """The type of every custom field key in these templates (all the tenant's when none);
    None for a key whose type differs between templates."""
    return (await template_fields(actor, template_ids)).types


async def _fields_q(
    actor: Actor, spec: TicketFilter, known: dict[tuple[int, ...], TemplateFields]
) -> Q:
    """`known` keeps the fields already read for a set of templates: counting many menu
    entries reads each set once. A condition matches only tickets whose current step shows
    the caller its field: a hidden field must not be an oracle for its value."""
    if len(spec.fields) > MAX_CONDITIONS:
        raise invalid(f"At most {MAX_CONDITIONS} field conditions", ["filter", "fields"])
    if spec.template_ids not in known:
        known[spec.template_ids] = await template_fields(actor, spec.template_ids)
    fields = known[spec.template_ids]
    types = fields.types
    found = Q()
    for n, cond in enumerate(spec.fields):
        path = ["filter", "fields", str(n)]
        if cond.key not in types:
            raise invalid(f"Unknown field key {cond.key!r}", [*path, "key"])
        kind = types[cond.key]
        if kind is None:
            raise invalid(
                f"Field {cond.key!r} has different types in different templates: "
                "filter by one template",
                [*path, "key"],
            )
        filtering = KINDS[kind].filtering
        if cond.op not in filtering.operators:
            fits = ", ".join(filtering.operators) or "none"
            raise invalid(
                f"{cond.op} does not fit a {kind} field (operators that do: {fits})",
                [*path, "op"],
            )
        problem = filtering.problem(cond.op, cond.value)
        if problem:
            raise invalid(problem, [*path, "value"])
        found &= filtering.where(cond.key, cond.op, cond.value)
        found &= shown_where(actor, cond.key, fields.configs)
    return found


# The filter's id lists: what they name, and the name of the input field they came in.
_ID_LISTS: tuple[tuple[str, type[Template | Group | User | Customer], str], ...] = (
    ("template_ids", Template, "templateId"),
    ("group_ids", Group, "groupId"),
    ("assignee_ids", User, "assigneeId"),
    ("creator_ids", User, "creatorId"),
    ("customer_ids", Customer, "customerId"),
    ("template_team_ids", Group, "templateTeamId"),
)


async def check_filter_ids(actor: Actor, spec: TicketFilter) -> None:
    """Every id the filter names exists in the caller's tenant, else NOT_FOUND with the path
    of the first one that does not (["filter", "groupId", "2"]).

    Checked where a filter is accepted (a list query, a saved view, a batch job, an export),
    so a saved view or a job never carries another tenant's ids to fail on later. One query
    per kind of id given; an id of another tenant is as unknown as one that never existed.
    """
    for attribute, model, name in _ID_LISTS:
        ids: tuple[int, ...] = getattr(spec, attribute)
        _listed(attribute, ids)
        if not ids:
            continue
        known = model.filter(tenant_id=actor.tenant_id, id__in=sorted(set(ids)))
        if model is Customer:  # a customer one may not name is as unknown (auth/customers.py)
            known = known.filter(await nameable_customers(actor))
        found = set(cast(list[int], await known.values_list("id", flat=True)))
        for n, pk in enumerate(ids):
            if pk not in found:
                raise not_found(model.__name__, ["filter", name, str(n)])


def search_q(actor: Actor, text: str | None) -> Q:
    """Number (exact, with or without #), title, description or customer name."""
    if text is None or not text.strip():
        return Q()
    words = text.strip()
    if len(words) > MAX_SEARCH:
        raise invalid(f"At most {MAX_SEARCH} characters", ["search"])
    customers = Subquery(
        Customer.filter(tenant_id=actor.tenant_id, name__icontains=words).values("id")
    )
    found = (
        Q(title__icontains=words) | Q(description__icontains=words) | Q(customer_id__in=customers)
    )
    digits = words.lstrip("#")
    if digits.isdigit() and len(digits) < 10:
        found |= Q(number=int(digits))
    return found
