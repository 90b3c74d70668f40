"""Mail templates: a thin translation to workorder.flows.mailing.templates."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.mailing import templates as flows
from workorder.flows.mailing.templates import EffectiveTemplate
from workorder.mail.templates import SAMPLE, VARIABLES, Wording
from workorder.models import MailEvent, MailLanguage
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.mail.types import (
    MailEventEnum,
    MailLanguageEnum,
    MailPreviewType,
    MailTemplateType,
    MailTemplateVariableType,
    ResetMailTemplateInput,
    ResetMailTemplatePayload,
    SetMailLanguageInput,
    SetMailLanguagePayload,
    UpdateMailTemplateInput,
    UpdateMailTemplatePayload,
)


def _type(found: EffectiveTemplate) -> MailTemplateType:
    return MailTemplateType(
        event=MailEventEnum(str(found.event)),
        language=MailLanguageEnum(str(found.language)),
        subject=found.wording.subject,
        text=found.wording.text,
        html=found.wording.html,
        customized=found.customized,
        updated_at=found.updated_at,
    )


async def mail_templates_query(info: Info) -> list[MailTemplateType]:
    actor = info.context.require_actor()
    return [_type(t) for t in await flows.mail_templates(actor)]


def mail_template_variables_query() -> list[MailTemplateVariableType]:
    return [
        MailTemplateVariableType(name=name, description=text, sample=SAMPLE[name])
        for name, text in VARIABLES.items()
    ]


async def mail_language_query(info: Info) -> MailLanguageEnum:
    actor = info.context.require_actor()
    return MailLanguageEnum(str(await flows.mail_language(actor.tenant_id)))


def preview_mail_template_query(
    info: Info,
    event: Annotated[MailEventEnum, strawberry.argument(description="What the mail tells of.")],
    language: Annotated[MailLanguageEnum, strawberry.argument(description="Its language.")],
    subject: Annotated[str, strawberry.argument(description="The subject line's template.")],
    text: Annotated[str, strawberry.argument(description="The plain-text body's template.")],
    html: Annotated[str, strawberry.argument(description="The HTML body's template.")],
) -> MailPreviewType:
    actor = info.context.require_actor()
    return MailPreviewType.of(flows.preview(actor, Wording(subject, text, html)))


async def update_mail_template(
    info: Info,
    input: Annotated[UpdateMailTemplateInput, strawberry.argument(description="The wording.")],
) -> UpdateMailTemplatePayload:
    actor = info.context.require_actor()

    async def action() -> EffectiveTemplate:
        return await flows.update_mail_template(
            actor,
            MailEvent[input.event.name],
            MailLanguage[input.language.name],
            Wording(input.subject, input.text, input.html),
        )

    return await mutate(
        UpdateMailTemplatePayload, action, lambda t: UpdateMailTemplatePayload(template=_type(t))
    )


async def reset_mail_template(
    info: Info,
    input: Annotated[ResetMailTemplateInput, strawberry.argument(description="The template.")],
) -> ResetMailTemplatePayload:
    actor = info.context.require_actor()

    async def action() -> EffectiveTemplate:
        return await flows.reset_mail_template(
            actor, MailEvent[input.event.name], MailLanguage[input.language.name]
        )

    return await mutate(
        ResetMailTemplatePayload, action, lambda t: ResetMailTemplatePayload(template=_type(t))
    )


async def set_mail_language(
    info: Info,
    input: Annotated[SetMailLanguageInput, strawberry.argument(description="The language.")],
) -> SetMailLanguagePayload:
    actor = info.context.require_actor()

    async def action() -> MailLanguage:
        return await flows.set_mail_language(actor, MailLanguage[input.language.name])

    return await mutate(
        SetMailLanguagePayload,
        action,
        lambda lang: SetMailLanguagePayload(language=MailLanguageEnum(str(lang))),
    )
