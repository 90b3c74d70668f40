"""Creating a ticket: numbered, pinned to its template version, validated, and routed into
its first step (or kept as NEW by its creator until submitted)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import F

from workorder.auth.actor import Actor
from workorder.auth.customers import named_contact, named_customer
from workorder.auth.permissions import require_write
from workorder.clock import now
from workorder.errors import forbidden, invalid, not_found
from workorder.flows.org.cleaning import clean_email, clean_name
from workorder.flows.sla.sla import apply_sla
from workorder.flows.templates.config import Step, TemplateConfig
from workorder.flows.templates.field_values import (
    Mode,
    errors_to_flow_error,
    load_lookups,
    validate_values,
)
from workorder.flows.tickets.downloads import may_link
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import add_participant, apply, open_ticket, record
from workorder.flows.tickets.routing import Route, enter_step
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import UnitOfWork, unit_of_work
from workorder.ids import pk_of
from workorder.models import (
    Attachment,
    EventKind,
    Group,
    Priority,
    Role,
    Source,
    Status,
    Template,
    TemplateVersion,
    Ticket,
    TicketAttachment,
    TicketCounter,
    TicketFollower,
    User,
)


@dataclass(slots=True)
class NewTicket:
    template_id: int
    title: str
    description: str = ""
    priority: Priority = Priority.NORMAL
    source: Source = Source.PHONE
    customer_id: int | None = None
    contact_id: int | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    cc: Sequence[str] = ()
    follower_ids: Sequence[int] = ()
    # Without a workflow: the group chosen from the template's range.
    group_id: int | None = None
    # The group the creator acts for (a supervisor of several groups chooses).
    creator_group_id: int | None = None
    # Optional next handler, a member of the first step's group.
    assignee_id: int | None = None
    # False: keep it as NEW, the creator's draft.
    submit: bool = True
    follow_up_of_id: int | None = None


async def next_number(tenant_id: int) -> int:
    """Bumped in the creating transaction: the row lock (PostgreSQL) or the single writer
    (SQLite) makes concurrent creations take distinct numbers."""
    counter, _ = await TicketCounter.get_or_create(tenant_id=tenant_id)
    await TicketCounter.filter(id=counter.id).update(value=F("value") + 1)
    return (await TicketCounter.get(id=counter.id)).value


def clean_cc(cc: Sequence[str]) -> list[str]:
    cleaned = [clean_email(a, ["cc", str(i)]) for i, a in enumerate(cc)]
    return list(dict.fromkeys(a for a in cleaned if a))


async def check_values(
    tenant_id: int,
    config: TemplateConfig,
    step: Step | None,
    values: Mapping[str, Any],
    mode: Mode,
    existing: Mapping[str, Any] | None = None,
    *,
    actor: Actor | None = None,
) -> None:
    """Every field error at once (INVALID); with an actor, also refuse files they may not
    link (NOT_FOUND, like a file that does not exist)."""
    lookups = await load_lookups(tenant_id, config, values)
    errors = validate_values(config, step, values, mode, lookups, existing)
    if errors:
        raise errors_to_flow_error(errors)
    if actor is not None:
        for key, refs in attachment_refs(config, values).items():
            already = set(attachment_refs(config, existing or {}).get(key, []))
            if not await may_link(actor, [r for r in refs if r not in already]):
                raise not_found("Attachment", ["fields", key])


def attachment_refs(config: TemplateConfig, values: Mapping[str, Any]) -> dict[str, list[int]]:
    """Attachment ids by field key, for the ATTACHMENT fields in `values`."""
    found: dict[str, list[int]] = {}
    for item in config.live_fields():
        refs = values.get(item.key)
        if item.type == "ATTACHMENT" and isinstance(refs, list):
            found[item.key] = [
                pk for ref in refs if isinstance(ref, str) and (pk := pk_of(ref, "Attachment"))
            ]
    return found


async def link_attachments(
    ticket: Ticket, config: TemplateConfig, values: Mapping[str, Any]
) -> None:
    """Whoever may see the ticket may download the files its fields refer to (check_values
    made sure the writer was allowed to link them)."""
    for refs in attachment_refs(config, values).values():
        for pk in refs:
            if await Attachment.filter(id=pk, tenant_id=ticket.tenant_id).exists():
                await TicketAttachment.get_or_create(ticket_id=ticket.id, attachment_id=pk)


async def _check_links(actor: Actor, new: NewTicket) -> None:
    tenant = actor.tenant_id
    # Filing a ticket under a customer shows it on the ticket: the rule of naming one by id.
    if new.customer_id is not None:
        await named_customer(actor, new.customer_id, ["customerId"])
    if new.contact_id is not None:
        contact = await named_contact(actor, new.contact_id, ["contactId"])
        if new.customer_id and contact.customer_id not in (None, new.customer_id):
            raise invalid("This contact belongs to another customer", ["contactId"])
    if (
        new.creator_group_id is not None
        and not await Group.filter(tenant_id=tenant, id=new.creator_group_id).exists()
    ):
        raise not_found("Group", ["creatorGroupId"])
    followers = list(dict.fromkeys(new.follower_ids))
    if followers and await User.filter(
        tenant_id=tenant, id__in=followers, active=True
    ).count() != len(followers):
        raise not_found("User", ["followerIds"])


def _entry_group(config: TemplateConfig, new: NewTicket) -> int | None:
    """The first step's group; without a workflow, the group chosen from the range."""
    first = config.first_step()
    if first is not None:
        return first.group_id
    if config.range_group_ids:
        if new.group_id is None:
            raise invalid("Choose the group that handles it", ["groupId"])
        if new.group_id not in config.range_group_ids:
            raise invalid("This group is not in the template's range", ["groupId"])
    elif new.group_id is not None:
        raise invalid("This template has no groups to choose from", ["groupId"])
    return new.group_id


async def route_in(
    uow: UnitOfWork, actor: Actor, ticket: Ticket, config: TemplateConfig, route: Route
) -> Ticket:
    """Shared by create and submit: the route's changes, participants and first response."""
    changes: dict[str, Any] = route.changes()
    if route.status == Status.IN_PROGRESS and ticket.first_response_at is None:
        changes["first_response_at"] = now()
    ticket = await apply(ticket, changes)
    if route.assignee_id is not None:
        await add_participant(ticket.id, route.assignee_id)
    return ticket


async def create_ticket(actor: Actor, new: NewTicket) -> Ticket:
    require_write(actor)
    template = await Template.filter(tenant_id=actor.tenant_id, id=new.template_id).first()
    if template is None:
        raise not_found("Template", ["templateId"])
    if not template.active:
        raise invalid("This template is archived: it takes no new tickets", ["templateId"])
    if new.source == Source.MISSED_CALL and not (actor.is_admin or Role.SUPERVISOR in actor.roles):
        raise forbidden("Only supervisors create missed-call tickets")
    version = await TemplateVersion.get(id=template.current_version_id)
    config = TemplateConfig.from_json(version.config)
    title = clean_name(new.title, ["title"], max_length=300)
    cc = clean_cc(new.cc)
    await _check_links(actor, new)
    group_id = _entry_group(config, new)
    first = config.first_step()
    defaults = {f.key: f.default for f in config.live_fields() if f.default is not None}
    values = {
        **{k: v for k, v in defaults.items() if k in config.editable_fields(first)},
        **new.fields,
    }
    # A draft (kept as NEW) need not be complete: its required fields are demanded at submit.
    await check_values(
        actor.tenant_id,
        config,
        first,
        values,
        Mode.CREATE if new.submit else Mode.SAVE,
        actor=actor,
    )

    async with unit_of_work() as uow:
        if not version.in_use:
            await TemplateVersion.filter(id=version.id).update(in_use=True)
        ticket = await Ticket.create(
            tenant_id=actor.tenant_id,
            number=await next_number(actor.tenant_id),
            template_id=template.id,
            template_version_id=version.id,
            title=title,
            description=new.description.strip(),
            status=Status.NEW,
            priority=new.priority if config.priority_enabled else Priority.NORMAL,
            source=new.source,
            customer_id=new.customer_id,
            contact_id=new.contact_id,
            creator_id=actor.user_id,
            creator_group_id=new.creator_group_id,
            current_step=first.key if first else None,
            current_group_id=group_id,
            assignee_id=actor.user_id,
            field_values=dict(values),
            cc=cc,
            follow_up_of_id=new.follow_up_of_id,
        )
        created = ticket
        await add_participant(ticket.id, actor.user_id)
        for follower in dict.fromkeys(new.follower_ids):
            await TicketFollower.get_or_create(ticket_id=ticket.id, user_id=follower)
        await link_attachments(ticket, config, values)
        route = None
        if new.submit:
            route = await enter_step(
                config,
                first,
                group_id,
                creator_id=actor.user_id,
                previous_assignee_id=None,
                chosen_assignee_id=new.assignee_id,
                initial=True,
            )
            ticket = await route_in(uow, actor, ticket, config, route)
        ticket = await apply_sla(ticket)
        event = await record(
            uow, actor, EventKind.CREATED, created, ticket, data={"fields": dict(values)}
        )
        # The trace shows where it went; a ticket kept as NEW has gone nowhere yet.
        if route is not None:
            for kind, recipients in route.notify:
                await notify(
                    uow,
                    ticket,
                    event,
                    kind,
                    recipients,
                    f"New: {label(ticket)}",
                    skip=actor.user_id,
                )
    return ticket


async def submit_ticket(
    actor: Actor,
    ticket_id: int,
    *,
    expected_version: int | None = None,
    assignee_id: int | None = None,
) -> Ticket:
    """A NEW ticket (the creator's draft) enters its first step."""
    opened = await open_ticket(actor, ticket_id, Action.SUBMIT, expected_version)
    ticket, config = opened.ticket, opened.config
    await check_values(actor.tenant_id, config, opened.step, ticket.field_values, Mode.CREATE)
    async with unit_of_work() as uow:
        route = await enter_step(
            config,
            opened.step,
            ticket.current_group_id,
            creator_id=ticket.creator_id,
            previous_assignee_id=None,
            chosen_assignee_id=assignee_id,
            initial=True,
        )
        after = await route_in(uow, actor, ticket, config, route)
        event = await record(uow, actor, EventKind.SUBMITTED, ticket, after)
        for kind, recipients in route.notify:
            await notify(
                uow, after, event, kind, recipients, f"New: {label(after)}", skip=actor.user_id
            )
    return after
