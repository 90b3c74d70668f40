"""Tortoise models, one module per aggregate. Every row carries its tenant."""

from workorder.models.attachment import Attachment
from workorder.models.department import Department
from workorder.models.dictionary import Dictionary, DictionaryItem
from workorder.models.group import Group
from workorder.models.template import Template, TemplateVersion
from workorder.models.tenant import Tenant
from workorder.models.token import ApiToken, RefreshToken
from workorder.models.user import Role, User

__all__ = [
    "ApiToken",
    "Attachment",
    "Department",
    "Dictionary",
    "DictionaryItem",
    "Group",
    "RefreshToken",
    "Role",
    "Template",
    "TemplateVersion",
    "Tenant",
    "User",
]
