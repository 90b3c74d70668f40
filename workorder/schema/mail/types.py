"""GraphQL types of mail templates: one per event and language, with their variables."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from workorder.mail.templates import Wording
from workorder.schema.errors import UserError


@strawberry.enum(
    name="MailEvent",
    description="What a mail to a ticket's CC (and its template's default CC) tells of.",
)
class MailEventEnum(Enum):  # the model's MailEvent, member for member
    CREATED = strawberry.enum_value("CREATED", description="The ticket was created.")
    MOVED = strawberry.enum_value(
        "MOVED",
        description="It moved or changed hands: submitted, claimed, assigned, forwarded, "
        "returned, transferred, or given a new owner (steps inside IN_PROGRESS too).",
    )
    UPDATED = strawberry.enum_value(
        "UPDATED", description="Its values were saved, or it was urged."
    )
    CLOSED = strawberry.enum_value(
        "CLOSED", description="It was closed (or forwarded from its last step) or voided."
    )
    REOPENED = strawberry.enum_value("REOPENED", description="It was reopened.")


@strawberry.enum(name="MailLanguage", description="A language mail templates are kept in.")
class MailLanguageEnum(Enum):  # the model's MailLanguage, member for member
    EN = strawberry.enum_value("en", description="English.")
    ZH_CN = strawberry.enum_value("zh-CN", description="Simplified Chinese.")


@strawberry.type(
    name="MailTemplateVariable",
    description="A variable templates may use, as {{ name }}. Custom field values are never "
    "available: CC addresses are outsiders.",
)
class MailTemplateVariableType:
    name: str = strawberry.field(description="Its name in a template.")
    description: str = strawberry.field(description="What it holds.")
    sample: str = strawberry.field(description="The value a preview shows.")


@strawberry.type(
    name="MailTemplate",
    description="The wording of one mail event in one language: the tenant's own, or the "
    "shipped one. Jinja syntax, rendered in a sandbox; the HTML part is autoescaped.",
)
class MailTemplateType:
    event: MailEventEnum = strawberry.field(description="What the mail tells of.")
    language: MailLanguageEnum = strawberry.field(description="Its language.")
    subject: str = strawberry.field(description="The subject line's template.")
    text: str = strawberry.field(description="The plain-text body's template.")
    html: str = strawberry.field(description="The HTML body's template (autoescaped).")
    customized: bool = strawberry.field(
        description="True: the tenant's own wording; false: the shipped one."
    )
    updated_at: datetime | None = strawberry.field(
        description="When an administrator last saved it; null for the shipped wording."
    )


@strawberry.type(
    name="MailPreview",
    description="A template rendered with the sample values of its variables.",
)
class MailPreviewType:
    subject: str = strawberry.field(description="The subject line as sent.")
    text: str = strawberry.field(description="The plain-text body as sent.")
    html: str = strawberry.field(description="The HTML body as sent.")

    @classmethod
    def of(cls, rendered: Wording) -> MailPreviewType:
        return cls(subject=rendered.subject, text=rendered.text, html=rendered.html)


_SUBJECT = "The subject line's template (one line once rendered)."
_TEXT = "The plain-text body's template."
_HTML = "The HTML body's template; values are escaped."


@strawberry.input(description="The new wording of one event's mail in one language.")
class UpdateMailTemplateInput:
    event: MailEventEnum = strawberry.field(description="What the mail tells of.")
    language: MailLanguageEnum = strawberry.field(description="Its language.")
    subject: str = strawberry.field(description=_SUBJECT)
    text: str = strawberry.field(description=_TEXT)
    html: str = strawberry.field(description=_HTML)


@strawberry.input(description="A template to go back to its shipped wording.")
class ResetMailTemplateInput:
    event: MailEventEnum = strawberry.field(description="What the mail tells of.")
    language: MailLanguageEnum = strawberry.field(description="Its language.")


@strawberry.input(description="The language the tenant's mail to outsiders is written in.")
class SetMailLanguageInput:
    language: MailLanguageEnum = strawberry.field(description="The language from now on.")


@strawberry.type(description="The template as saved.")
class UpdateMailTemplatePayload:
    template: MailTemplateType | None = strawberry.field(default=None, description="The template.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was saved (an unknown variable: INVALID naming it).",
    )


@strawberry.type(description="The template back at its shipped wording.")
class ResetMailTemplatePayload:
    template: MailTemplateType | None = strawberry.field(default=None, description="The template.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )


@strawberry.type(description="The tenant's mail language as set.")
class SetMailLanguagePayload:
    language: MailLanguageEnum | None = strawberry.field(default=None, description="The language.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )
