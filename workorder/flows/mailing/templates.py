"""The tenant's mail templates: administrators word each event's mail per language.

A stored row overrides the shipped wording (`workorder.mail.templates.DEFAULTS`); resetting
deletes the row. Every wording is checked when it is saved or previewed, never at send time:
an unknown variable is refused (INVALID, on the part that names it) and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Subquery

from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError, forbidden, invalid
from workorder.flows.unit_of_work import unit_of_work
from workorder.mail.templates import DEFAULTS, SAMPLE, Wording, problems, render
from workorder.models import MailEvent, MailLanguage, MailSettings, MailTemplate, Tenant

PART_MAX = 20_000  # characters in one part of a template


@dataclass(frozen=True, slots=True)
class EffectiveTemplate:
    """What a mail of `event` in `language` is written from now."""

    event: MailEvent
    language: MailLanguage
    wording: Wording
    customized: bool
    updated_at: datetime | None


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise forbidden("Only administrators may manage mail templates")


def _effective(
    event: MailEvent, language: MailLanguage, row: MailTemplate | None
) -> EffectiveTemplate:
    if row is None:
        return EffectiveTemplate(event, language, DEFAULTS[event, language], False, None)
    return EffectiveTemplate(
        event, language, Wording(row.subject, row.text, row.html), True, row.updated_at
    )


async def wording_for(tenant_id: int, event: MailEvent, language: MailLanguage) -> Wording:
    row = await MailTemplate.filter(tenant_id=tenant_id, event=event, language=language).first()
    return _effective(event, language, row).wording


async def mail_templates(actor: Actor) -> list[EffectiveTemplate]:
    """Every event in every language, stored or shipped."""
    require_admin(actor)
    rows = {
        (MailEvent(r.event), MailLanguage(r.language)): r
        for r in await MailTemplate.filter(tenant_id=actor.tenant_id)
    }
    return [
        _effective(event, language, rows.get((event, language)))
        for event in MailEvent
        for language in MailLanguage
    ]


def check(wording: Wording) -> None:
    """INVALID, one part per faulty part of the template, naming what is wrong."""
    refusals = [
        invalid(f"The {part} is longer than {PART_MAX} characters", [part])
        for part in ("subject", "text", "html")
        if len(getattr(wording, part)) > PART_MAX
    ] or [invalid(f"The {part}: {why}", [part]) for part, why in problems(wording).items()]
    if not wording.subject.strip():
        refusals.append(invalid("The subject must not be empty", ["subject"]))
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        message = "; ".join(r.message for r in refusals)
        raise FlowError(ErrorCode.INVALID, message, parts=refusals)


async def update_mail_template(
    actor: Actor, event: MailEvent, language: MailLanguage, wording: Wording
) -> EffectiveTemplate:
    require_admin(actor)
    check(wording)
    async with unit_of_work():
        row, made = await MailTemplate.get_or_create(
            tenant_id=actor.tenant_id,
            event=event,
            language=language,
            defaults={"subject": wording.subject, "text": wording.text, "html": wording.html},
        )
        if not made:
            row.subject, row.text, row.html = wording.subject, wording.text, wording.html
            await row.save()
    return _effective(event, language, row)


async def reset_mail_template(
    actor: Actor, event: MailEvent, language: MailLanguage
) -> EffectiveTemplate:
    """Back to the shipped wording."""
    require_admin(actor)
    await MailTemplate.filter(tenant_id=actor.tenant_id, event=event, language=language).delete()
    return _effective(event, language, None)


def preview(actor: Actor, wording: Wording) -> Wording:
    """The wording rendered with sample values, checked as a save would check it."""
    require_admin(actor)
    check(wording)
    return render(wording, SAMPLE)


async def mail_language(tenant_id: int) -> MailLanguage:
    row = await MailSettings.filter(tenant_id=tenant_id).first()
    return MailLanguage(row.language) if row else MailLanguage.EN


async def tenant_voice(tenant_id: int) -> tuple[str, MailLanguage]:
    """The tenant's name and the language it mails outsiders in, in one statement (a CC'd
    ticket pays it on every change)."""
    language = MailSettings.filter(tenant_id=tenant_id).limit(1).values("language")
    row = (
        await Tenant.filter(id=tenant_id)
        .annotate(mail_language=Subquery(language))
        .first()
        .values("name", "mail_language")
    )
    if row is None:
        return "", MailLanguage.EN
    return str(row["name"]), MailLanguage(row["mail_language"] or MailLanguage.EN)


async def set_mail_language(actor: Actor, language: MailLanguage) -> MailLanguage:
    require_admin(actor)
    await MailSettings.update_or_create(tenant_id=actor.tenant_id, defaults={"language": language})
    return language
