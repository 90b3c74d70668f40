"""Registering endpoints: bad input is refused with a typed error and stores nothing."""

import base64

import pytest

from tests.support import OrgBuilder
from workorder.errors import ErrorCode, FlowError
from workorder.flows.webhooks.endpoints import register
from workorder.models import Role, WebhookEndpoint

GOOD_SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize(
    ("url", "types", "secret", "field"),
    [
        ("ftp://example.com/hook", ["ticket.event"], None, "url"),
        ("javascript:alert(1)", ["ticket.event"], None, "url"),
        ("http://127.0.0.1:8000/hook", ["ticket.event"], None, "url"),
        ("http://localhost/hook", ["ticket.event"], None, "url"),
        ("http://10.1.2.3/hook", ["ticket.event"], None, "url"),
        ("http://169.254.169.254/latest/meta-data", ["ticket.event"], None, "url"),
        ("http://[::1]/hook", ["ticket.event"], None, "url"),
        ("http://0.0.0.0/hook", ["ticket.event"], None, "url"),
        ("https://example.com/hook", ["ticket.eaten"], None, "eventTypes"),
        ("https://example.com/hook", [], None, "eventTypes"),
        (
            "https://example.com/hook",
            ["ticket.event"],
            "whsec_" + base64.b64encode(b"short").decode(),
            "secret",
        ),
        ("https://example.com/hook", ["ticket.event"], "not base64 at all!", "secret"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    org: OrgBuilder, url, types, secret, field
):
    with pytest.raises(FlowError) as refused:
        await register(org.admin_actor, url, types, allow_private=False, secret=secret)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, [field])
    assert await WebhookEndpoint.all().count() == 0


async def test_an_unreachable_url_is_accepted_and_a_secret_generated(org: OrgBuilder):
    made = await register(
        org.admin_actor, "https://nowhere.invalid/hook", ["sla.breached"], allow_private=False
    )
    assert made.secret.startswith("whsec_") and len(base64.b64decode(made.secret[6:])) == 32
    stored = await WebhookEndpoint.get(id=made.endpoint.id)
    assert (stored.url, stored.event_types, stored.owner_id) == (
        "https://nowhere.invalid/hook",
        ["sla.breached"],
        org.admin.id,
    )


async def test_a_chosen_secret_is_kept(org: OrgBuilder):
    made = await register(
        org.admin_actor,
        "https://example.com/h",
        ["ticket.event"],
        allow_private=False,
        secret=GOOD_SECRET,
    )
    assert made.secret == GOOD_SECRET


async def test_only_administrators_register(org: OrgBuilder):
    from workorder.auth.actor import Actor

    agent = await org.user("agent", Role.AGENT)
    with pytest.raises(FlowError) as refused:
        await register(
            Actor.of(agent), "https://example.com/h", ["ticket.event"], allow_private=True
        )
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert await WebhookEndpoint.all().count() == 0
