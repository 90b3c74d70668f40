"""The one mapping from a flow's outcome to a mutation's payload (resolvers/payloads.py)."""

from __future__ import annotations

import pytest

from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.resolvers.payloads import mutate
from workorder.schema.errors import UserError
from workorder.schema.org.payloads import LoginPayload
from workorder.schema.tickets.payloads import SubmitSurveyPayload


async def test_a_result_fills_the_payload_through_done() -> None:
    async def action() -> int:
        return 3

    got = await mutate(SubmitSurveyPayload, action, lambda n: SubmitSurveyPayload(ok=n == 3))

    assert got.ok is True
    assert got.errors == []


async def test_done_may_be_async() -> None:
    async def action() -> str:
        return "x"

    async def done(value: str) -> SubmitSurveyPayload:
        return SubmitSurveyPayload(ok=value == "x")

    assert (await mutate(SubmitSurveyPayload, action, done)).ok is True


async def test_a_refusal_becomes_the_payloads_errors_and_done_is_not_called() -> None:
    called: list[int] = []

    async def action() -> int:
        raise invalid("At most 5", ["input", "score"])

    def done(n: int) -> SubmitSurveyPayload:
        called.append(n)
        return SubmitSurveyPayload(ok=True)

    got = await mutate(SubmitSurveyPayload, action, done)

    assert called == []
    assert got.ok is False
    assert got.errors == [
        UserError(code=ErrorCode.INVALID, message="At most 5", field=["input", "score"])
    ]


async def test_the_refusal_hook_adds_fields_for_that_error() -> None:
    async def action() -> int:
        raise not_found("User", ["username"])

    def refusal(error: FlowError) -> dict[str, object]:
        return {"retry_after_seconds": 7} if error.code == ErrorCode.NOT_FOUND else {}

    got = await mutate(LoginPayload, action, lambda _: LoginPayload(), refusal=refusal)

    assert got.retry_after_seconds == 7
    assert [e.code for e in got.errors] == [ErrorCode.NOT_FOUND]


async def test_anything_but_a_flow_error_is_not_swallowed() -> None:
    async def action() -> int:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await mutate(SubmitSurveyPayload, action, lambda _: SubmitSurveyPayload(ok=True))
