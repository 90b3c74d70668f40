"""The assembled schema: each domain contributes its own Query and Mutation fields."""

from __future__ import annotations

import strawberry

from workorder.schema.attachment_api import AttachmentMutation
from workorder.schema.attachments import AttachmentType
from workorder.schema.batch_api import BatchMutation, BatchQuery
from workorder.schema.customer_api import CustomerMutation, CustomerQuery
from workorder.schema.customers import ContactType, CustomerType
from workorder.schema.extensions import extensions
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


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
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
