"""What happens with the customer around a ticket: a call or chat logged on it, and the
survey the customer answers after it closed."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.tickets import interactions, surveys
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.tickets.inputs import LogInteractionInput, SubmitSurveyInput
from workorder.schema.tickets.payloads import LogInteractionPayload, SubmitSurveyPayload
from workorder.schema.tickets.related import InteractionType


async def log_interaction(
    info: Info,
    input: Annotated[
        LogInteractionInput,
        strawberry.argument(description="The ticket and the interaction's details."),
    ],
) -> LogInteractionPayload:
    actor = info.context.require_actor()
    return await mutate(
        LogInteractionPayload,
        lambda: interactions.log_interaction(
            actor,
            decode_id(input.ticket_id, "Ticket", ["ticketId"]),
            channel=input.channel,
            direction=input.direction,
            started_at=input.started_at,
            number=input.number,
            duration_seconds=input.duration_seconds,
            recording_url=input.recording_url,
            external_id=input.external_id,
        ),
        lambda row: LogInteractionPayload(interaction=InteractionType.of(row)),
    )


async def submit_survey(
    info: Info,
    input: Annotated[
        SubmitSurveyInput,
        strawberry.argument(description="The token from the survey link, the score and a comment."),
    ],
) -> SubmitSurveyPayload:
    """Public: the customer has a link, not a login."""
    return await mutate(
        SubmitSurveyPayload,
        lambda: surveys.submit_survey(input.token, input.score, input.comment),
        lambda _: SubmitSurveyPayload(ok=True),
    )
