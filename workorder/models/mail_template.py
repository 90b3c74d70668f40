from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant


class MailEvent(StrEnum):
    """What a mail to a ticket's CC tells of: each has its own template."""

    CREATED = "CREATED"
    MOVED = "MOVED"
    UPDATED = "UPDATED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"


class MailLanguage(StrEnum):
    EN = "en"
    ZH_CN = "zh-CN"


class MailTemplate(Model):
    """An administrator's wording of one mail event in one language (else the shipped one)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    event = fields.CharEnumField(MailEvent)
    language = fields.CharEnumField(MailLanguage)
    subject = fields.TextField()
    text = fields.TextField()
    html = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mail_template"
        unique_together = (("tenant_id", "event", "language"),)


class MailSettings(Model):
    """The language a tenant writes to outsiders in (CC addresses have no account)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.OneToOneRelation[Tenant] = fields.OneToOneField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    language = fields.CharEnumField(MailLanguage, default=MailLanguage.EN)

    class Meta:
        table = "mail_settings"
