"""The assembled schema: each domain contributes its own Query and Mutation fields."""

from __future__ import annotations

import strawberry
from graphql.error import GraphQLError
from strawberry.types import ExecutionContext

from workorder.schema.attachment_api import AttachmentMutation
from workorder.schema.attachments import AttachmentType
from workorder.schema.batch_api import BatchMutation, BatchQuery
from workorder.schema.customer_api import CustomerMutation, CustomerQuery
from workorder.schema.customers import ContactType, CustomerType
from workorder.schema.extensions import expected, extensions
from workorder.schema.job_api import JobMutation, JobQuery
from workorder.schema.mail import MailType
from workorder.schema.mail_api import MailQuery
from workorder.schema.org import DepartmentType, GroupType, UserType
from workorder.schema.org_api import OrgMutation, OrgQuery
from workorder.schema.permissions import require_write_scope
from workorder.schema.report_api import ReportQuery
from workorder.schema.sharing_api import SharingMutation, SharingQuery
from workorder.schema.sla_api import SlaMutation, SlaQuery
from workorder.schema.subscription_api import Subscription
from workorder.schema.template_api import TemplateMutation, TemplateQuery
from workorder.schema.templates import (
    DictionaryItemType,
    DictionaryType,
    TemplateType,
    TemplateVersionType,
)
from workorder.schema.ticket_api import TicketMutation, TicketQuery
from workorder.schema.ticket_view_api import TicketViewMutation, TicketViewQuery
from workorder.schema.ticket_views import SavedViewType
from workorder.schema.tickets import NotificationType, TicketEventType, TicketType
from workorder.settings import Settings


@strawberry.type
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
):
    pass


@require_write_scope
@strawberry.type
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
):
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
