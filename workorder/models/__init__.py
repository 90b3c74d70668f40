"""Tortoise models, one module per aggregate. Every row carries its tenant.

Model docstrings become SQL comments: keep semicolons and quotes out of their first line.
"""

from workorder.models.attachment import Attachment
from workorder.models.customer import Contact, Customer, CustomerGrant, CustomerKind, digits_of
from workorder.models.department import Department
from workorder.models.dictionary import Dictionary, DictionaryItem
from workorder.models.event import EventKind, TicketEvent
from workorder.models.group import Group
from workorder.models.interaction import Channel, Direction, Interaction
from workorder.models.job import FINISHED as JOB_FINISHED
from workorder.models.job import Job, JobStatus
from workorder.models.mail import MailOutbox, MailStatus
from workorder.models.mail_template import MailEvent, MailLanguage, MailSettings, MailTemplate
from workorder.models.notification import Notification, NotificationKind
from workorder.models.reminder import Reminder, ReminderState
from workorder.models.saved_view import SavedView
from workorder.models.sharing import SharingRule
from workorder.models.sla import SlaPolicy
from workorder.models.survey import SurveyInvitation
from workorder.models.template import Template, TemplateVersion
from workorder.models.tenant import CustomerLookupMode, Tenant
from workorder.models.ticket import (
    PRIORITY_ORDER,
    AssignmentCursor,
    ClaimMode,
    Priority,
    Source,
    Status,
    TeamAccess,
    Ticket,
    TicketAttachment,
    TicketCandidate,
    TicketCounter,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
)
from workorder.models.token import ApiToken, RefreshToken
from workorder.models.user import Role, User
from workorder.models.webhook import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)

__all__ = [
    "JOB_FINISHED",
    "PRIORITY_ORDER",
    "ApiToken",
    "AssignmentCursor",
    "Attachment",
    "Channel",
    "ClaimMode",
    "Contact",
    "Customer",
    "CustomerGrant",
    "CustomerKind",
    "CustomerLookupMode",
    "DeliveryStatus",
    "Department",
    "Dictionary",
    "DictionaryItem",
    "Direction",
    "EventKind",
    "Group",
    "Interaction",
    "Job",
    "JobStatus",
    "MailEvent",
    "MailLanguage",
    "MailOutbox",
    "MailSettings",
    "MailStatus",
    "MailTemplate",
    "Notification",
    "NotificationKind",
    "Priority",
    "RefreshToken",
    "Reminder",
    "ReminderState",
    "Role",
    "SavedView",
    "SharingRule",
    "SlaPolicy",
    "Source",
    "Status",
    "SurveyInvitation",
    "TeamAccess",
    "Template",
    "TemplateVersion",
    "Tenant",
    "Ticket",
    "TicketAttachment",
    "TicketCandidate",
    "TicketCounter",
    "TicketEvent",
    "TicketFollower",
    "TicketParticipant",
    "TicketTeamMember",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEventType",
    "digits_of",
]
