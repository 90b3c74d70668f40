"""The assembled schema: each domain contributes its own Query, Mutation and Subscription fields.

The order of the bases is the order of the fields in schema.graphql; keep it."""

from __future__ import annotations

import strawberry
from graphql.error import GraphQLError
from strawberry.types import ExecutionContext

from workorder.resolvers.batch.roots import (
    BatchMutation,
    BatchQuery,
    JobMutation,
    JobQuery,
    JobSubscription,
)
from workorder.resolvers.customers.roots import CustomerMutation, CustomerQuery
from workorder.resolvers.mail.roots import MailTemplateMutation, MailTemplateQuery
from workorder.resolvers.org.roots import OrgMutation, OrgQuery
from workorder.resolvers.reminders.roots import ReminderMutation, ReminderQuery
from workorder.resolvers.reports.roots import ReportMutation, ReportQuery
from workorder.resolvers.sla.roots import SlaMutation, SlaQuery
from workorder.resolvers.templates.roots import TemplateMutation, TemplateQuery
from workorder.resolvers.tickets.roots import (
    AttachmentMutation,
    MailQuery,
    TicketMutation,
    TicketQuery,
    TicketSubscription,
)
from workorder.resolvers.views.roots import (
    SharingMutation,
    SharingQuery,
    TicketViewMutation,
    TicketViewQuery,
    TicketViewSubscription,
)
from workorder.resolvers.webhooks.roots import WebhookMutation, WebhookQuery
from workorder.schema.customers.types import ContactType, CustomerType
from workorder.schema.extensions import expected, extensions
from workorder.schema.org.types import DepartmentType, GroupType, UserType
from workorder.schema.permissions import require_scopes
from workorder.schema.templates.types import (
    DictionaryItemType,
    DictionaryType,
    TemplateType,
    TemplateVersionType,
)
from workorder.schema.tickets.attachments import AttachmentType
from workorder.schema.tickets.mail import MailType
from workorder.schema.tickets.types import NotificationType, TicketEventType, TicketType
from workorder.schema.views.types import SavedViewType
from workorder.settings import Settings


@strawberry.type(
    description="Everything you can read, within your tenant and as far as you may see it."
)
class Query(
    OrgQuery,
    TemplateQuery,
    TicketQuery,
    TicketViewQuery,
    CustomerQuery,
    MailQuery,
    SharingQuery,
    SlaQuery,
    BatchQuery,
    ReportQuery,
    JobQuery,
    WebhookQuery,
    MailTemplateQuery,
    ReminderQuery,
):
    pass


@require_scopes
@strawberry.type(
    description="Everything you can change. Each answers a payload whose `errors` say why "
    "nothing changed; an API token needs a scope that allows the mutation."
)
class Mutation(
    OrgMutation,
    TemplateMutation,
    TicketMutation,
    TicketViewMutation,
    CustomerMutation,
    AttachmentMutation,
    SharingMutation,
    SlaMutation,
    BatchMutation,
    JobMutation,
    WebhookMutation,
    MailTemplateMutation,
    ReminderMutation,
    ReportMutation,
):
    pass


@require_scopes
@strawberry.type(
    description="Live streams over a WebSocket speaking graphql-transport-ws, each showing "
    "only what the caller may see; an API token needs the stream's read scope."
)
class Subscription(TicketSubscription, JobSubscription, TicketViewSubscription):
    pass


class WorkorderSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only the unexpected: a refused input is the client's business, and during a
        database outage a traceback per request would bury the one warning that says so."""
        super().process_errors([e for e in errors if not expected(e)], execution_context)


def build_schema(settings: Settings) -> strawberry.Schema:
    return WorkorderSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            UserType,
            GroupType,
            DepartmentType,
            TemplateType,
            TemplateVersionType,
            DictionaryType,
            DictionaryItemType,
            TicketType,
            TicketEventType,
            NotificationType,
            MailType,
            CustomerType,
            ContactType,
            AttachmentType,
            SavedViewType,
        ],
        extensions=extensions(settings),
    )
