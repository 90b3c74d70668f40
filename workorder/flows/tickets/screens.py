"""The custom fields a ticket's current step keeps from a caller, and everything that would
carry their values or their existence.

A step may show only some of a template's fields (the seeds' per-step visible fields). What it
hides must stay hidden on every path, not only in `Ticket.fields`: the trace's field changes,
live payloads, the files a hidden ATTACHMENT field refers to and their download, and filters
(a hidden field must not match, or a count becomes an oracle for its value). This module is
that one rule; every path asks it rather than deciding for itself. Administrators see all.
A path added later that carries field values (full-text search over custom fields, webhook
payloads, a sort on a custom field) goes through `Screen` / `shown_where` too.

It lives with the tickets, not the templates: a screen is of one ticket (its current step, its
values, its trace and the files they name); the template only says which fields a step shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from workorder.auth.actor import Actor
from workorder.flows.templates.branches import form_of
from workorder.flows.templates.config import FieldType, TemplateConfig
from workorder.flows.templates.field_kinds.table import KINDS, Refers
from workorder.ids import pk_of
from workorder.models import TemplateVersion, Ticket, TicketEvent

FIELDS = "fields"
"""The key under which an event's data carries field values (CREATED) or their
before/after changes (SAVED, FORWARDED…)."""


def hidden_fields(
    actor: Actor,
    config: TemplateConfig,
    step_key: str | None,
    values: Mapping[str, Any] | None = None,
) -> frozenset[str]:
    """The live custom fields the step `step_key` keeps from this caller; administrators and
    tickets outside any step (no workflow) see them all. A field rule of the step may show or
    hide a field on the ticket's `values`; without them (a filter over many tickets), a field
    any such rule touches counts as hidden, so it can never match where it might be hidden."""
    step = config.step(step_key) if step_key else None
    if actor.is_admin or step is None:
        return frozenset()
    if values is not None:
        shown = set(form_of(config, step, values).visible)
    else:
        shown = set(config.visible_fields(step)) - shown_by_values(config, step_key)
    return frozenset(f.key for f in config.live_fields() if f.key not in shown)


def shown_by_values(config: TemplateConfig, step_key: str | None) -> frozenset[str]:
    """Fields whose visibility at this step depends on the ticket's values (its screen then
    cannot be shared with the other tickets at the step)."""
    step = config.step(step_key) if step_key else None
    if step is None:
        return frozenset()
    return frozenset(r.field for r in step.field_rules if r.visible is not None)


def _names_files(kind: FieldType) -> bool:
    """Whether a value of this kind names files (the field-kind table says which do)."""
    return KINDS[kind].refers == Refers.ATTACHMENTS


def _refs(value: Any) -> set[int]:
    """Attachment ids in one stored value of a kind that names files (a list of global ids)."""
    if not isinstance(value, list):
        return set()
    return {pk for ref in value if isinstance(ref, str) and (pk := pk_of(ref, "Attachment"))}


def _values_in(change: Any) -> list[Any]:
    """A CREATED event holds a field's value; a change holds {before, after}."""
    if isinstance(change, dict) and change and set(change) <= {"before", "after"}:
        return [change.get("before"), change.get("after")]
    return [change]


@dataclass(frozen=True, slots=True)
class Screen:
    """What of one ticket a caller may not see: field keys, and the files only they name."""

    keys: frozenset[str] = frozenset()
    files: frozenset[int] = frozenset()

    def data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """An event's data without the hidden fields' values or changes."""
        found = data.get(FIELDS)
        if not self.keys or not isinstance(found, Mapping):
            return dict(data)
        return {**data, FIELDS: {k: v for k, v in found.items() if k not in self.keys}}

    def shows_file(self, attachment_id: int) -> bool:
        return attachment_id not in self.files


OPEN = Screen()
"""Nothing hidden: administrators, and tickets whose step shows every field."""


def hides_files(config: TemplateConfig, keys: frozenset[str]) -> bool:
    """Whether any hidden field can name a file (only then does the trace need reading)."""
    return any(f.key in keys and _names_files(f.type) for f in config.fields)


def screen_of(
    actor: Actor, ticket: Ticket, config: TemplateConfig, events: Iterable[TicketEvent] = ()
) -> Screen:
    """The screen of one ticket for this caller.

    A file is hidden when a hidden ATTACHMENT field names it, now or in the trace, and
    nothing the caller sees does (a visible field, or a note, which is never hidden).
    `events` are the ticket's trace; they are only read when a hidden field can name a file
    (see `hides_files`).
    """
    keys = hidden_fields(actor, config, ticket.current_step, ticket.field_values)
    if not keys:
        return OPEN
    if not hides_files(config, keys):
        return Screen(keys=keys)
    naming = {f.key for f in config.fields if _names_files(f.type)}
    hidden: set[int] = set()
    shown: set[int] = set()

    def take(key: str, value: Any) -> None:
        if key in naming:
            (hidden if key in keys else shown).update(_refs(value))

    for key, value in ticket.field_values.items():
        take(key, value)
    for event in events:
        shown.update(event.attachments)
        changes = event.data.get(FIELDS) if isinstance(event.data, dict) else None
        if isinstance(changes, dict):
            for key, change in changes.items():
                for value in _values_in(change):
                    take(key, value)
    return Screen(keys=keys, files=frozenset(hidden - shown))


async def load_screen(actor: Actor, ticket: Ticket) -> Screen:
    """The screen of one ticket, reading its configuration, and its trace only when a hidden
    field could name a file. (GraphQL batches the same reads in its per-request loader.)"""
    if actor.is_admin:
        return OPEN
    version = await TemplateVersion.get_or_none(id=ticket.template_version_id)
    if version is None:
        return OPEN
    config = TemplateConfig.from_json(version.config)
    if not hides_files(
        config, hidden_fields(actor, config, ticket.current_step, ticket.field_values)
    ):
        return screen_of(actor, ticket, config)
    events = await TicketEvent.filter(ticket_id=ticket.id).order_by("id")
    return screen_of(actor, ticket, config, events)


def shown_where(actor: Actor, key: str, configs: Mapping[int, TemplateConfig]) -> Q:
    """Tickets whose current step shows field `key` to this caller, given the configs of the
    template versions concerned (by version id): a filter on the field ANDs this, so that a
    hidden field neither matches nor counts."""
    if actor.is_admin:
        return Q()
    hiding: dict[int, list[str]] = {}
    for version_id, config in configs.items():
        if config.field(key) is None:
            continue
        steps = [s.key for s in config.steps if key in hidden_fields(actor, config, s.key)]
        if steps:
            hiding[version_id] = sorted(steps)
    if not hiding:
        return Q()
    return Q(
        Q(current_step__isnull=True),
        Q(template_version_id__not_in=sorted(hiding)),
        *(
            Q(template_version_id=version_id, current_step__not_in=steps)
            for version_id, steps in sorted(hiding.items())
        ),
        join_type="OR",
    )
