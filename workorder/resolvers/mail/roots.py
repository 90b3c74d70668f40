"""Root fields of mail templates (administrators only, but the variables' list)."""

from __future__ import annotations

import strawberry

from workorder.resolvers.mail import templates as resolvers
from workorder.schema.mail.types import (
    MailLanguageEnum,
    MailPreviewType,
    MailTemplateType,
    MailTemplateVariableType,
    ResetMailTemplatePayload,
    SetMailLanguagePayload,
    UpdateMailTemplatePayload,
)
from workorder.schema.permissions import authenticated


@strawberry.type
class MailTemplateQuery:
    mail_templates: list[MailTemplateType] = strawberry.field(
        resolver=resolvers.mail_templates_query,
        extensions=authenticated(),
        description="The wording of every mail event in every language (the tenant's own, "
        "else the shipped one). Administrators only.",
    )
    mail_template_variables: list[MailTemplateVariableType] = strawberry.field(
        resolver=resolvers.mail_template_variables_query,
        extensions=authenticated(),
        description="The variables mail templates may use; any other is refused on save.",
    )
    mail_language: MailLanguageEnum = strawberry.field(
        resolver=resolvers.mail_language_query,
        extensions=authenticated(),
        description="The language the tenant's mail to a ticket's CC is written in.",
    )
    preview_mail_template: MailPreviewType = strawberry.field(
        resolver=resolvers.preview_mail_template_query,
        extensions=authenticated(),
        description="A wording rendered with sample values, checked as a save would check "
        "it (an unknown variable: INVALID naming it). Administrators only.",
    )


@strawberry.type
class MailTemplateMutation:
    update_mail_template: UpdateMailTemplatePayload = strawberry.mutation(
        resolver=resolvers.update_mail_template,
        extensions=authenticated(),
        description="Save the tenant's wording of one event's mail in one language. "
        "Administrators only.",
    )
    reset_mail_template: ResetMailTemplatePayload = strawberry.mutation(
        resolver=resolvers.reset_mail_template,
        extensions=authenticated(),
        description="Go back to the shipped wording. Administrators only.",
    )
    set_mail_language: SetMailLanguagePayload = strawberry.mutation(
        resolver=resolvers.set_mail_language,
        extensions=authenticated(),
        description="Choose the language of mail to outsiders. Administrators only.",
    )
