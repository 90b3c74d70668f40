"""The customer's answer to the satisfaction survey: once per ticket, by its token."""

from __future__ import annotations

from workorder.auth.tokens import secret_hash
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, invalid
from workorder.flows.tickets.opening import apply, record
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import EventKind, SurveyInvitation, Ticket


async def submit_survey(token: str, score: int, comment: str = "") -> SurveyInvitation:
    """Public: the token is the credential. A used token is refused and changes nothing."""
    if not 1 <= score <= 5:
        raise invalid("Score from 1 to 5", ["score"])
    if len(comment) > 5000:
        raise invalid("At most 5000 characters", ["comment"])
    invitation = await SurveyInvitation.filter(token_hash=secret_hash(token)).first()
    if invitation is None:
        raise FlowError(ErrorCode.NOT_FOUND, "Unknown survey link", ["token"])
    async with unit_of_work() as uow:
        answered = await SurveyInvitation.filter(id=invitation.id, answered_at=None).update(
            answered_at=now(), score=score, comment=comment.strip()
        )
        if answered != 1:
            raise FlowError(ErrorCode.CONFLICT, "This survey was already answered", ["token"])
        ticket = await Ticket.get(id=invitation.ticket_id)
        after = await apply(ticket, {"survey_score": score})
        await record(
            uow,
            None,
            EventKind.SURVEY_ANSWERED,
            ticket,
            after,
            comment=comment.strip(),
            data={"score": score},
        )
    return await SurveyInvitation.get(id=invitation.id)
