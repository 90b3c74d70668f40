"""`me` and `node(id:)`: global ids resolved within the caller's tenant only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from workorder.auth.visibility import visible_part_of_ticket, visible_tickets
from workorder.errors import FlowError
from workorder.flows.batch.jobs import visible_job
from workorder.flows.customers.accounts import seen_contact, seen_customer
from workorder.flows.views.saved_views import visible_views
from workorder.flows.views.sharing import readable_rule
from workorder.models import (
    ApiToken,
    Interaction,
    MailOutbox,
    Notification,
    Reminder,
    SavedView,
    TicketEvent,
)
from workorder.schema.batch.jobs import JobType
from workorder.schema.context import Context, Info
from workorder.schema.customers.types import ContactType, CustomerType
from workorder.schema.node import Node, from_global_id
from workorder.schema.org.types import ApiTokenType, DepartmentType, GroupType, UserType
from workorder.schema.reminders.types import ReminderType
from workorder.schema.templates.types import (
    DictionaryItemType,
    DictionaryType,
    TemplateType,
    TemplateVersionType,
)
from workorder.schema.tickets.attachments import attachment_node
from workorder.schema.tickets.mail import MailType
from workorder.schema.tickets.related import InteractionType
from workorder.schema.tickets.types import NotificationType, TicketEventType, TicketType
from workorder.schema.views.sharing import SharingRuleType
from workorder.schema.views.types import SavedViewType


async def _user(context: Context, pk: int) -> Node | None:
    user = await context.org.user.load(pk)
    return UserType.of(user) if user else None


async def _department(context: Context, pk: int) -> Node | None:
    department = await context.org.department.load(pk)
    return DepartmentType.of(department) if department else None


async def _group(context: Context, pk: int) -> Node | None:
    group = await context.org.group.load(pk)
    return GroupType.of(group) if group else None


async def _api_token(context: Context, pk: int) -> Node | None:
    actor = context.require_actor()
    if not actor.is_admin:
        return None
    token = await ApiToken.filter(tenant_id=actor.tenant_id, id=pk).first()
    return ApiTokenType.of(token) if token else None


async def _template(context: Context, pk: int) -> Node | None:
    template = await context.templates.template.load(pk)
    if template is None:
        return None
    assert template.current_version_id is not None
    config = await context.templates.config.load(template.current_version_id)
    return TemplateType.of(template, config) if config else None


async def _template_version(context: Context, pk: int) -> Node | None:
    version = await context.templates.version.load(pk)
    return TemplateVersionType.of(version) if version else None


async def _dictionary(context: Context, pk: int) -> Node | None:
    found = await context.templates.dictionary.load(pk)
    return DictionaryType.of(found) if found else None


async def _dictionary_item(context: Context, pk: int) -> Node | None:
    found = await context.templates.item.load(pk)
    return DictionaryItemType.of(found) if found else None


async def _ticket(context: Context, pk: int) -> Node | None:
    actor = context.require_actor()
    found = await (await visible_tickets(actor, await context.reach())).filter(id=pk).first()
    return TicketType.of(found, context) if found else None


async def _notification(context: Context, pk: int) -> Node | None:
    actor = context.require_actor()
    found = await Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, id=pk
    ).first()
    return NotificationType.of(found) if found else None


async def _reminder(context: Context, pk: int) -> Node | None:
    """One's own reminders only."""
    actor = context.require_actor()
    found = await Reminder.filter(tenant_id=actor.tenant_id, user_id=actor.user_id, id=pk).first()
    return ReminderType.of(found) if found else None


async def _mail(context: Context, pk: int) -> Node | None:
    actor = context.require_actor()
    if not actor.is_admin:
        return None
    mail = await MailOutbox.filter(tenant_id=actor.tenant_id, id=pk).first()
    return MailType.of(mail) if mail else None


async def _sharing_rule(context: Context, pk: int) -> Node | None:
    rule = await readable_rule(context.require_actor(), pk)
    return SharingRuleType.of(rule) if rule else None


async def _customer(context: Context, pk: int) -> Node | None:
    """Only a customer the caller sees without a lookup (auth/customers.py)."""
    customer = await seen_customer(context.require_actor(), pk, await context.reach())
    return CustomerType.of(customer) if customer else None


async def _contact(context: Context, pk: int) -> Node | None:
    contact = await seen_contact(context.require_actor(), pk, await context.reach())
    return ContactType.of(contact) if contact else None


async def _saved_view(context: Context, pk: int) -> Node | None:
    found = await SavedView.filter(visible_views(context.require_actor()), id=pk).first()
    return SavedViewType.from_model(found) if found else None


async def _job(context: Context, pk: int) -> Node | None:
    try:
        return JobType.of(await visible_job(context.require_actor(), pk))
    except FlowError:
        return None


async def _ticket_event(context: Context, pk: int) -> Node | None:
    """An event of a ticket the caller sees (its data through their screen, as anywhere)."""
    actor, reach = context.require_actor(), await context.reach()
    event = await visible_part_of_ticket(actor, reach, TicketEvent, pk)
    return TicketEventType.of(event) if event else None


async def _interaction(context: Context, pk: int) -> Node | None:
    actor, reach = context.require_actor(), await context.reach()
    found = await visible_part_of_ticket(actor, reach, Interaction, pk)
    return InteractionType.of(found) if found else None


NODE_LOADERS: dict[str, Callable[[Context, int], Awaitable[Node | None]]] = {
    "User": _user,
    "Department": _department,
    "Group": _group,
    "ApiToken": _api_token,
    "Template": _template,
    "TemplateVersion": _template_version,
    "Dictionary": _dictionary,
    "DictionaryItem": _dictionary_item,
    "Ticket": _ticket,
    "Notification": _notification,
    "Reminder": _reminder,
    "Mail": _mail,
    "Customer": _customer,
    "Contact": _contact,
    "Attachment": attachment_node,
    "SharingRule": _sharing_rule,
    "SavedView": _saved_view,
    "Job": _job,
    "TicketEvent": _ticket_event,
    "Interaction": _interaction,
}


async def node(
    info: Info,
    id: Annotated[
        strawberry.ID, strawberry.argument(description="A global id, as any object's id field.")
    ],
) -> Node | None:
    """Null for a malformed id, an unknown type, or an object of another tenant."""
    decoded = from_global_id(id)
    if decoded is None or decoded[0] not in NODE_LOADERS:
        return None
    type_name, pk = decoded
    return await NODE_LOADERS[type_name](info.context, pk)


async def me(info: Info) -> UserType:
    actor = info.context.require_actor()
    user = await info.context.org.user.load(actor.user_id)
    if user is None:  # deleted between authentication and now
        raise PermissionError("not authenticated")
    return UserType.of(user)
