"""The outbox: written in the caller's transaction, readable by the tenant's admins only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from tests.support import Api, OrgBuilder, gid
from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError
from workorder.flows.org.outbox import outbox_of
from workorder.mail import enqueue
from workorder.models import MailOutbox, MailStatus


class Boom(Exception):
    pass


async def test_a_rolled_back_transaction_leaves_no_mail() -> None:
    async def change_that_fails() -> None:
        async with in_transaction():
            mail = await enqueue(["a@example.com"], "s", "b", tenant_id=None)
            assert mail is not None
            assert await MailOutbox.filter(id=mail.id).exists()  # visible inside
            raise Boom

    with pytest.raises(Boom):
        await change_that_fails()
    assert await MailOutbox.all().count() == 0


async def test_a_committed_transaction_keeps_the_mail_pending_and_due() -> None:
    async with in_transaction():
        mail = await enqueue(["a@example.com"], "Subject", "Body", tenant_id=None)
    assert mail is not None
    stored = await MailOutbox.get(id=mail.id)
    assert stored.status == MailStatus.PENDING
    assert stored.attempts == 0
    assert stored.next_attempt_at <= datetime.now(UTC)  # due at once
    assert abs(stored.next_attempt_at - stored.created_at) < timedelta(seconds=1)
    assert re.fullmatch(r"<[0-9a-f]{32}@workorder\.local>", stored.message_id)


async def test_message_ids_are_unique() -> None:
    ids = set()
    for _ in range(20):
        mail = await enqueue(["a@example.com"], "s", "b", tenant_id=None)
        assert mail is not None
        ids.add(mail.message_id)
    assert len(ids) == 20


async def test_recipients_are_cleaned_and_deduplicated() -> None:
    mail = await enqueue(
        ["  A@Example.COM ", "a@example.com", "", "   ", "not an address", "b@example.org"],
        "s",
        "b",
        tenant_id=None,
    )
    assert mail is not None
    assert (await MailOutbox.get(id=mail.id)).recipients == ["A@example.com", "b@example.org"]


async def test_no_usable_recipient_means_no_mail() -> None:
    assert await enqueue(["", "  ", "nope"], "s", "b", tenant_id=None) is None
    assert await enqueue([], "s", "b", tenant_id=None) is None
    assert await MailOutbox.all().count() == 0


async def test_the_subject_is_one_bounded_line() -> None:
    mail = await enqueue(
        ["a@example.com"], "Hello\r\nBcc: victim@example.com\n" + "x" * 400, "b", tenant_id=None
    )
    assert mail is not None
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject.startswith("Hello Bcc: victim@example.com x")
    assert len(mail.subject) == 300


async def test_mail_keeps_its_tenant_and_ticket(org: OrgBuilder) -> None:
    mail = await enqueue(["a@example.com"], "s", "b", tenant_id=org.tenant.id)
    assert mail is not None
    stored = await MailOutbox.get(id=mail.id)
    assert stored.tenant_id == org.tenant.id
    assert stored.ticket_id is None


# --- reading the outbox ---------------------------------------------------------------------


async def test_outbox_of_is_for_the_tenants_admins_only(org: OrgBuilder, api: Api) -> None:
    other = await OrgBuilder.create(api, "globex")
    ours = await enqueue(["a@example.com"], "ours", "b", tenant_id=org.tenant.id)
    await enqueue(["a@example.com"], "theirs", "b", tenant_id=other.tenant.id)
    await enqueue(["a@example.com"], "nobody's", "b", tenant_id=None)
    assert ours is not None

    assert [m.id for m in await outbox_of(org.admin_actor)] == [ours.id]
    assert await outbox_of(org.admin_actor, MailStatus.SENT) == []

    agent = await org.user("agent")
    with pytest.raises(FlowError) as refused:
        outbox_of(Actor.of(agent))
    assert refused.value.code == ErrorCode.FORBIDDEN


# --- GraphQL: needs MailQuery in the root schema (workorder/resolvers/root.py) ------------------

OUTBOX = """query($status: MailStatus, $first: Int, $after: String) {
  mailOutbox(status: $status, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id recipients subject body messageId status attempts lastError
                   createdAt sentAt nextAttemptAt } }
  }
}"""


async def test_admins_see_their_tenants_outbox(org: OrgBuilder, api: Api) -> None:
    other = await OrgBuilder.create(api, "globex")
    first = await enqueue(
        ["a@example.com", "b@example.com"], "One", "Body 1", tenant_id=org.tenant.id
    )
    second = await enqueue(["c@example.com"], "Two", "Body 2", tenant_id=org.tenant.id)
    await enqueue(["x@example.com"], "Theirs", "secret", tenant_id=other.tenant.id)
    assert first is not None and second is not None
    await MailOutbox.filter(id=second.id).update(
        status=MailStatus.FAILED, attempts=8, last_error="550 no such user"
    )

    page = (await org.as_admin(OUTBOX, {"first": 1}))["mailOutbox"]
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    [edge] = page["edges"]
    node = edge["node"]
    assert node["id"] == gid("Mail", first.id)
    assert node["recipients"] == ["a@example.com", "b@example.com"]
    assert (node["subject"], node["body"], node["status"]) == ("One", "Body 1", "PENDING")
    assert (node["attempts"], node["lastError"], node["sentAt"]) == (0, None, None)
    assert node["messageId"] == first.message_id
    assert node["createdAt"] and node["nextAttemptAt"]

    rest = (await org.as_admin(OUTBOX, {"after": page["pageInfo"]["endCursor"]}))["mailOutbox"]
    assert [e["node"]["subject"] for e in rest["edges"]] == ["Two"]
    assert rest["edges"][0]["node"]["lastError"] == "550 no such user"

    failed = (await org.as_admin(OUTBOX, {"status": "FAILED"}))["mailOutbox"]
    assert [e["node"]["id"] for e in failed["edges"]] == [gid("Mail", second.id)]

    theirs = (await other.as_admin(OUTBOX))["mailOutbox"]
    assert [e["node"]["subject"] for e in theirs["edges"]] == ["Theirs"]


async def test_agents_are_refused_the_outbox(org: OrgBuilder, api: Api) -> None:
    await enqueue(["a@example.com"], "One", "Body", tenant_id=org.tenant.id)
    await org.user("agent")
    body = await api.raw(OUTBOX, token=await org.token("agent"))
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["mailOutbox"]


async def test_anonymous_callers_are_refused_the_outbox(api: Api) -> None:
    body = await api.raw(OUTBOX)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
