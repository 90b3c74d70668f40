"""A ticket's hot fields (the ones every list shows: assignee, currentStep, template and the
custom fields) as plain values of `TicketType`, not resolvers.

Strawberry sends a field with a resolver through its generic path (an Info object, the
arguments parsed, the extensions chained) but reads a field without one with a getattr; on a
list page the four hot fields are 200 resolver calls, about a sixth of the request. So
`TicketType` holds their values: a list page that loaded their rows up front (`prefetch`)
gets the finished objects, and everyone else a `Later`, which graphql-core awaits only when
the query asks for the field (it awaits whatever a field's value is when it is awaitable).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Hashable, Sequence, Set
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar, cast

from workorder.dataloaders.cached import NotLoaded, cached
from workorder.flows.templates.branches import form_of
from workorder.flows.templates.config import TemplateConfig
from workorder.flows.tickets.rules import may_edit_fields_at_once
from workorder.flows.tickets.screens import (
    OPEN,
    Screen,
    hidden_fields,
    hides_files,
    screen_of,
    shown_by_values,
)
from workorder.models import Ticket
from workorder.schema.context import Context
from workorder.schema.org.types import UserType
from workorder.schema.templates.types import StepType, TemplateType
from workorder.schema.tickets.field_values import FieldValue, MayEdit, editable_value

T = TypeVar("T")

# The hot fields, by their GraphQL names (what `prefetch` is told the query wants).
HOT = frozenset({"assignee", "currentStep", "template", "fields"})


class Later(Generic[T]):
    """A field's value worked out when graphql-core awaits it: each await starts afresh, so
    a field asked for twice (aliases) is served twice, and one never asked for costs
    nothing but this object."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Awaitable[T]]) -> None:
        self.make = make

    def __await__(self) -> Generator[Any, None, T]:
        return self.make().__await__()


def _later(make: Callable[[], Awaitable[T]]) -> T:
    """A `Later` typed as the value it stands for: what the dataclass field is declared as."""
    return cast(T, Later(make))


@dataclass
class Loaded:
    """What a list page loaded for its hot fields (`prefetch`), and the values made of it,
    which the page's rows share: its tickets mostly have one template, a few steps and
    assignees, and the same option values (these objects are never changed once made)."""

    wanted: frozenset[str]
    made: dict[Hashable, Any] = field(default_factory=dict)
    # False for NOTHING_LOADED, which lives as long as the process: what a request made
    # (labels in its caller's language, loaders bound to it) must never serve another one.
    keeps: bool = True

    def share(self, key: Hashable, make: Callable[[], T]) -> T:
        if not self.keeps:
            return make()
        if key not in self.made:
            self.made[key] = make()
        return cast(T, self.made[key])


NOTHING_LOADED = Loaded(frozenset(), keeps=False)


def hot_values(context: Context, ticket: Ticket, loaded: Loaded) -> dict[str, Any]:
    """The hot fields' values: those `loaded` wants (their rows are in the request's
    loaders) now when they are there, the others later."""
    wanted = loaded.wanted
    return {
        "assignee": assignee(context, ticket, loaded)
        if "assignee" in wanted
        else _later(partial(_assignee, context, ticket)),
        "current_step": current_step(context, ticket, loaded)
        if "currentStep" in wanted
        else _later(partial(_current_step, context, ticket)),
        "template": template(context, ticket, loaded)
        if "template" in wanted
        else _later(partial(_template, context, ticket)),
        "fields": fields(context, ticket, loaded)
        if "fields" in wanted
        else _later(partial(_fields, context, ticket)),
    }


def assignee(context: Context, ticket: Ticket, loaded: Loaded) -> UserType | None:
    if ticket.assignee_id is None:
        return None
    user = cached(context.org.user, ticket.assignee_id)
    if isinstance(user, NotLoaded):
        return _later(partial(_assignee, context, ticket))
    if user is None:
        return None
    return loaded.share(("user", user.id), lambda: UserType.of(user))


async def _assignee(context: Context, ticket: Ticket) -> UserType | None:
    if ticket.assignee_id is None:
        return None
    user = await context.org.user.load(ticket.assignee_id)
    return UserType.of(user) if user else None


def current_step(context: Context, ticket: Ticket, loaded: Loaded) -> StepType | None:
    key = ticket.current_step
    if key is None:
        return None
    config = cached(context.templates.config, ticket.template_version_id)
    if not isinstance(config, TemplateConfig):
        return _later(partial(_current_step, context, ticket))

    def make() -> StepType | None:
        step = config.step(key)
        return StepType.of(step, config) if step else None

    return loaded.share(("step", ticket.template_version_id, key), make)


async def _config(context: Context, version_id: int) -> TemplateConfig:
    config = await context.templates.config.load(version_id)
    assert config is not None
    return config


async def _current_step(context: Context, ticket: Ticket) -> StepType | None:
    if ticket.current_step is None:
        return None
    config = await _config(context, ticket.template_version_id)
    step = config.step(ticket.current_step)
    return StepType.of(step, config) if step else None


def template(context: Context, ticket: Ticket, loaded: Loaded) -> TemplateType | None:
    found = cached(context.templates.template, ticket.template_id)
    if found is None:
        return None
    if not isinstance(found, NotLoaded) and found.current_version_id is not None:
        config = cached(context.templates.config, found.current_version_id)
        if isinstance(config, TemplateConfig):
            key = ("template", found.id)
            return loaded.share(key, lambda: TemplateType.of(found, config))
    return _later(partial(_template, context, ticket))


async def _template(context: Context, ticket: Ticket) -> TemplateType | None:
    found = await context.templates.template.load(ticket.template_id)
    if found is None:
        return None
    assert found.current_version_id is not None
    return TemplateType.of(found, await _config(context, found.current_version_id))


def fields(context: Context, ticket: Ticket, loaded: Loaded) -> list[FieldValue]:
    config = cached(context.templates.config, ticket.template_version_id)
    screen = cached(context.screens, ticket.id)
    if isinstance(config, TemplateConfig) and isinstance(screen, Screen):
        return field_values(context, ticket, config, screen.keys, loaded)
    return _later(partial(_fields, context, ticket))


async def _fields(context: Context, ticket: Ticket) -> list[FieldValue]:
    config = await _config(context, ticket.template_version_id)
    hidden = (await context.screen(ticket)).keys
    return field_values(context, ticket, config, hidden)


def field_values(
    context: Context,
    ticket: Ticket,
    config: TemplateConfig,
    hidden: frozenset[str],
    loaded: Loaded = NOTHING_LOADED,
) -> list[FieldValue]:
    """The values `config` defines, in form order, less the keys the caller's screen hides.
    A value of a plain type is made once per page and field (`loaded`)."""
    actor = context.actor
    locale = actor.locale if actor else None
    children = context.templates.children
    values = ticket.field_values
    version = ticket.template_version_id
    ordered = loaded.share(
        ("form", version), lambda: sorted(config.fields, key=lambda f: f.position)
    )
    step = config.step(ticket.current_step) if ticket.current_step else None
    form = form_of(config, step, values)
    may: bool | MayEdit = False
    if actor is not None:
        at_once = may_edit_fields_at_once(actor, ticket, config.edit_limit)
        may = MayEdit(actor, ticket, config.edit_limit) if at_once is None else at_once
    result = []
    for definition in ordered:
        key = definition.key
        if (definition.removed and key not in values) or key in hidden:
            continue
        raw = values.get(key)
        editable = editable_value(key, form, may)
        required = key in form.required
        # Not floats: -0.0 == 0.0, and their displays differ.
        if (
            loaded.keeps
            and isinstance(editable, bool)
            and (raw is None or isinstance(raw, str | int))  # bools: by type
        ):
            shared = ("value", version, key, type(raw), raw, editable, required)
            made = loaded.made.get(shared)
            if made is None:
                made = loaded.made[shared] = FieldValue.of(
                    definition, raw, locale, children, editable=editable, required=required
                )
            result.append(made)
        else:
            result.append(
                FieldValue.of(
                    definition, raw, locale, children, editable=editable, required=required
                )
            )
    return result


async def prefetch(context: Context, tickets: Sequence[Ticket], wanted: Set[str]) -> Loaded:
    """Load what the hot fields in `wanted` (Ticket field names, camelCase) read for these
    tickets into the request's loaders, one batch each, so that they answer synchronously:
    the assignees, the templates and their current configs, the tickets' version configs
    and the caller's screen of each ticket (custom field values still go through it)."""
    for ticket in tickets:
        context.tickets.ticket.prime(ticket.id, ticket)
    # The creators with the assignees: the `creator` field would read its users apart.
    users = {t.assignee_id for t in tickets if t.assignee_id} if "assignee" in wanted else set()
    if users and "creator" in wanted:
        users |= {t.creator_id for t in tickets if t.creator_id}
    if users:
        await context.org.user.load_many(users)
    versions = set()
    if "template" in wanted:
        templates = await context.templates.template.load_many({t.template_id for t in tickets})
        versions |= {t.current_version_id for t in templates if t and t.current_version_id}
    if wanted & {"currentStep", "fields"}:
        versions |= {t.template_version_id for t in tickets}
    if versions:
        await context.templates.config.load_many(versions)
    if "fields" in wanted:
        ready = _step_screens(context, tickets)
        context.screens.prime_many(ready)
        rest = [t.id for t in tickets if t.id not in ready]
        if rest:
            await context.screens.load_many(rest)
    return Loaded(frozenset(wanted))


def _step_screens(context: Context, tickets: Sequence[Ticket]) -> dict[int, Screen]:
    """The caller's screens of the tickets whose screen follows from their template version
    and step alone (no hidden field can name a file, so the trace need not be read): worked
    out once per (version, step) of the page rather than once per ticket through a loader."""
    actor = context.require_actor()
    if actor.is_admin:
        return {t.id: OPEN for t in tickets}
    configs = context.templates.config
    by_step: dict[tuple[int, str | None, int | None], Screen | None] = {}
    found: dict[int, Screen] = {}
    for ticket in tickets:
        config = cached(configs, ticket.template_version_id)
        if not isinstance(config, TemplateConfig):
            continue
        # A step whose field rules show or hide on values screens each ticket apart.
        own = ticket.id if shown_by_values(config, ticket.current_step) else None
        step = (ticket.template_version_id, ticket.current_step, own)
        if step not in by_step:
            keys = hidden_fields(actor, config, ticket.current_step, ticket.field_values)
            by_step[step] = None if hides_files(config, keys) else screen_of(actor, ticket, config)
        if (screen := by_step[step]) is not None:
            found[ticket.id] = screen
    return found
