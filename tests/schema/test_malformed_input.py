"""Input no row can match, or no column can hold, is a typed INVALID (or not found), never a
driver error surfacing as a masked internal error."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.shop import Shop
from tests.support import Api, OrgBuilder
from workorder.flows.tickets.create import NewTicket, create_ticket

LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken errors { code message field } } }"""
TICKETS = """query($filter: TicketFilterInput, $after: String) {
  tickets(filter: $filter, after: $after) { totalCount } }"""


@pytest.mark.parametrize(
    ("tenant", "username", "field", "limit"),
    [("t" * 65, "admin", "tenant", 64), ("acme", "u" * 151, "username", 150)],
)
async def test_login_with_a_name_longer_than_its_column_is_invalid(
    org: OrgBuilder, api: Api, tenant: str, username: str, field: str, limit: int
):
    body = await api.raw(
        LOGIN, {"input": {"tenant": tenant, "username": username, "password": "x"}}
    )
    assert "errors" not in body
    assert body["data"] == {
        "login": {
            "accessToken": None,
            "errors": [
                {"code": "INVALID", "message": f"At most {limit} characters", "field": [field]}
            ],
        }
    }


async def _tickets(api: Api, token: str, **variables: Any) -> dict[str, Any]:
    return await api.raw(TICKETS, variables, token=token)


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**63])
async def test_a_number_filter_beyond_any_number_is_invalid(shop: Shop, api: Api, value: int):
    condition = {"key": "amount", "op": "GT", "value": value}
    body = await _tickets(api, await shop.token("ann"), filter={"fields": [condition]})
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == ["filter", "fields", "0", "value"]


def _decoded(cursor: str) -> list[Any]:
    parts: list[Any] = json.loads(base64.urlsafe_b64decode(cursor))
    return parts


def _encoded(parts: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


PAGE = """query($order: TicketOrderInput, $after: String) {
  tickets(orderBy: $order, first: 1, after: $after) { pageInfo { endCursor } } }"""


@pytest.mark.parametrize(
    ("order", "index"),
    [(None, 2), ({"field": "NUMBER"}, 1)],
    ids=["ticket-id", "ticket-number"],
)
async def test_a_ticket_list_cursor_forged_beyond_any_key_is_invalid(
    shop: Shop, api: Api, order: dict[str, str] | None, index: int
):
    """The cursor is the server's own (its query fingerprint matches); only a number in it
    is one no row can have."""
    ann = shop.actor("ann")
    await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="T", fields={"order_no": "1"})
    )
    token = await shop.token("ann")
    page = await api.ok(PAGE, {"order": order}, token=token)
    parts = _decoded(page["tickets"]["pageInfo"]["endCursor"])
    parts[index] = 2**63
    body = await api.raw(PAGE, {"order": order, "after": _encoded(parts)}, token=token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["after"]}


async def test_a_list_cursor_forged_beyond_any_id_is_invalid(org: OrgBuilder, api: Api):
    query = "query($after: String) { users(first: 1, after: $after) { pageInfo { endCursor } } }"
    page = await org.as_admin(query)
    parts = _decoded(page["users"]["pageInfo"]["endCursor"])
    for forged in ([parts[0], 2**63], [2**63, parts[1]]):
        body = await api.raw(query, {"after": _encoded(forged)}, token=await org.token())
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["after"]}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (LOGIN, {"input": {"tenant": "acme", "username": "adm\u0000in", "password": "x"}}),
        (LOGIN, {"input": {"tenant": "ac\u0000me", "username": "admin", "password": "x"}}),
        (
            TICKETS.replace("$after: String", "$s: String").replace("after: $after", "search: $s"),
            {"s": "ab\u0000c"},
        ),
    ],
)
async def test_a_nul_character_is_a_typed_answer_never_an_internal_error(
    org: OrgBuilder, api: Api, query: str, variables: dict[str, Any]
):
    """PostgreSQL cannot hold NUL in text (SQLite can, and simply finds nothing)."""
    body = await api.raw(query, variables, await org.token())
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
    assert codes <= {"INVALID"}, body
