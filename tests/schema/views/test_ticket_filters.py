"""Filters on system and custom fields, search, sort and keyset pages of `tickets`."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import OrgBuilder, gid
from workorder.flows.templates.dictionaries import ItemDraft, create_dictionary
from workorder.flows.templates.versions import create_template
from workorder.models import Customer, Priority, Status, Template, Ticket

LIST = """query($filter: TicketFilterInput, $search: String, $order: TicketOrderInput,
  $first: Int, $after: String) {
  tickets(filter: $filter, search: $search, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }"""

VALUES = {
    "A": {
        "note": "Broken kettle lid",
        "amount": 120,
        "day": "2026-03-01",
        "at": "2026-03-01T10:00:00+08:00",
        "color": "red",
        "tags": ["gift", "fragile"],
        "paid": True,
        "region": ["cn", "bj"],
    },
    "B": {
        "note": "late parcel",
        "amount": 80.5,
        "day": "2026-04-15",
        "at": "2026-03-01T03:00:00+00:00",
        "color": "blue",
        "tags": ["fragile"],
        "paid": False,
        "region": ["cn", "sh"],
    },
    "C": {"amount": 300, "color": "red", "tags": [], "region": ["us"]},
    "D": {},
}


@dataclass
class Catalog:
    org: OrgBuilder
    template: Template
    token: str

    async def titles(self, **variables: Any) -> list[str]:
        data = await self.org.api.ok(LIST, variables, self.token)
        return [e["node"]["title"] for e in data["tickets"]["edges"]]

    async def error(self, **variables: Any) -> dict[str, Any]:
        body = await self.org.api.raw(LIST, variables, self.token)
        assert body.get("data") is None or body["data"].get("tickets") is None, body
        error: dict[str, Any] = body["errors"][0]
        return error


@pytest.fixture
async def catalog(org: OrgBuilder) -> Catalog:
    admin = org.admin_actor
    regions = await create_dictionary(
        admin,
        "Regions",
        items=[
            ItemDraft("cn", children=[ItemDraft("bj"), ItemDraft("sh")]),
            ItemDraft("us"),
        ],
    )
    options = [{"value": v, "label": v.title()} for v in ("red", "blue", "green")]
    tags = [{"value": v, "label": v.title()} for v in ("gift", "fragile", "other")]
    template = await create_template(
        admin,
        {
            "name": "Everything",
            "fields": [
                {"key": "note", "label": "Note", "type": "TEXT"},
                {"key": "amount", "label": "Amount", "type": "NUMBER"},
                {"key": "day", "label": "Day", "type": "DATE"},
                {"key": "at", "label": "At", "type": "DATETIME"},
                {"key": "color", "label": "Colour", "type": "SELECT", "options": options},
                {"key": "tags", "label": "Tags", "type": "MULTI_SELECT", "options": tags},
                {"key": "paid", "label": "Paid", "type": "CHECKBOX"},
                {
                    "key": "region",
                    "label": "Region",
                    "type": "CASCADE",
                    "dictionary_id": regions.id,
                },
                {"key": "files", "label": "Files", "type": "ATTACHMENT"},
            ],
        },
    )
    acme = await Customer.create(tenant_id=org.tenant.id, name="Acme Kettles Ltd")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n, (title, values) in enumerate(VALUES.items(), start=1):
        await Ticket.create(
            tenant_id=org.tenant.id,
            number=n,
            template_id=template.id,
            template_version_id=template.current_version_id,
            title=title,
            description="about a refund" if title == "C" else "",
            status=Status.DONE if title == "D" else Status.IN_PROGRESS,
            priority=[Priority.LOW, Priority.URGENT, Priority.NORMAL, Priority.HIGH][n - 1],
            creator_id=org.admin.id,
            assignee_id=org.admin.id,
            customer_id=acme.id if title == "B" else None,
            field_values=values,
            due_at=None if title in ("B", "D") else start + timedelta(days=10 - n),
        )
    return Catalog(org, template, await org.token())


CASES = [
    ("note", "CONTAINS", "KETTLE", {"A"}),
    ("note", "EQ", "late parcel", {"B"}),
    ("note", "IS_EMPTY", None, {"C", "D"}),
    ("note", "IS_EMPTY", False, {"A", "B"}),
    ("amount", "GT", 100, {"A", "C"}),
    ("amount", "GTE", 120, {"A", "C"}),
    ("amount", "LT", 100, {"B"}),
    ("amount", "EQ", 80.5, {"B"}),
    ("amount", "IN", [120, 300], {"A", "C"}),
    ("amount", "NE", 120, {"B", "C", "D"}),
    ("day", "LT", "2026-04-01", {"A"}),
    ("day", "GTE", "2026-04-15", {"B"}),
    ("at", "LT", "2026-03-01T03:00:00Z", {"A"}),
    ("at", "GT", "2026-03-01T10:30:00+08:00", {"B"}),
    ("at", "EQ", "2026-03-01T11:00:00+08:00", {"B"}),
    ("color", "EQ", "red", {"A", "C"}),
    ("color", "NE", "red", {"B", "D"}),
    ("color", "IN", ["blue", "green"], {"B"}),
    ("tags", "CONTAINS", "fragile", {"A", "B"}),
    ("tags", "IN", ["gift", "other"], {"A"}),
    ("tags", "NE", "gift", {"B", "C", "D"}),
    ("tags", "IS_EMPTY", True, {"C", "D"}),
    ("paid", "EQ", True, {"A"}),
    ("paid", "EQ", False, {"B"}),
    ("paid", "NE", True, {"B", "C", "D"}),
    ("region", "EQ", ["cn", "bj"], {"A"}),
    ("region", "CONTAINS", "cn", {"A", "B"}),
    ("region", "NE", ["cn", "bj"], {"B", "C", "D"}),
]


@pytest.mark.parametrize(("key", "op", "value", "expected"), CASES)
async def test_custom_field_conditions(
    catalog: Catalog, key: str, op: str, value: Any, expected: set[str]
):
    condition = {"key": key, "op": op, "value": value}
    titles = await catalog.titles(filter={"fields": [condition]}, first=50)
    assert set(titles) == expected


async def test_conditions_and_system_filters_combine(catalog: Catalog):
    titles = await catalog.titles(
        filter={
            "status": ["IN_PROGRESS"],
            "priority": ["LOW", "NORMAL", "URGENT"],
            "templateId": [gid("Template", catalog.template.id)],
            "fields": [
                {"key": "color", "op": "EQ", "value": "red"},
                {"key": "amount", "op": "GT", "value": 200},
            ],
        }
    )
    assert titles == ["C"]


async def test_search_matches_number_title_description_and_customer_name(catalog: Catalog):
    assert await catalog.titles(search="#2") == ["B"]
    assert await catalog.titles(search="refund") == ["C"]
    assert await catalog.titles(search="kettles") == ["B"]  # the customer's name
    assert await catalog.titles(search="4") == ["D"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ({"field": "PRIORITY", "descending": True}, ["B", "D", "C", "A"]),
        ({"field": "PRIORITY", "descending": False}, ["A", "C", "D", "B"]),
        ({"field": "NUMBER", "descending": False}, ["A", "B", "C", "D"]),
        ({"field": "DUE_AT", "descending": False}, ["C", "A", "B", "D"]),  # no due date: last
        ({"field": "DUE_AT", "descending": True}, ["A", "C", "D", "B"]),
        ({"field": "STATUS", "descending": True}, ["D", "C", "B", "A"]),
    ],
)
async def test_keyset_pages_follow_any_order_without_gaps_or_repeats(
    catalog: Catalog, order: dict[str, Any], expected: list[str]
):
    seen: list[str] = []
    after = None
    for _ in range(10):
        data = await catalog.org.api.ok(
            LIST, {"order": order, "first": 1, "after": after}, catalog.token
        )
        page = data["tickets"]
        seen += [e["node"]["title"] for e in page["edges"]]
        assert page["totalCount"] == 4
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected


async def test_bad_filters_are_refused_with_the_offending_part(catalog: Catalog):
    def field(key: str, op: str, value: Any = None) -> dict[str, Any]:
        return {"fields": [{"key": key, "op": op, "value": value}]}

    unknown = await catalog.error(filter=field("colour", "EQ", "red"))
    assert unknown["extensions"]["code"] == "INVALID"
    assert "Unknown field key 'colour'" in unknown["message"]
    assert unknown["extensions"]["field"] == ["filter", "fields", "0", "key"]

    misfit = await catalog.error(filter=field("color", "GT", "red"))
    assert "GT does not fit a SELECT field" in misfit["message"]
    assert (await catalog.error(filter=field("files", "EQ", "x")))["extensions"]["field"][-1] == (
        "op"
    )
    wrong = await catalog.error(filter=field("amount", "EQ", "lots"))
    assert wrong["message"] == "Expected a number, got text"

    backwards = await catalog.error(
        filter={"created": {"start": "2026-05-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}}
    )
    assert backwards["message"] == "The range ends before it starts"

    assert (await catalog.error(first=101))["extensions"]["code"] == "INVALID"
    assert (await catalog.error(after="not-a-cursor"))["message"] == "Malformed cursor"
    data = await catalog.org.api.ok(LIST, {"first": 1}, catalog.token)
    cursor = data["tickets"]["pageInfo"]["endCursor"]
    other = await catalog.error(after=cursor, order={"field": "NUMBER"})
    assert "belongs to another query" in other["message"]
    forged = base64.urlsafe_b64encode(json.dumps(["x", 1, "y"]).encode()).decode()
    assert (await catalog.error(after=forged))["message"] == "Malformed cursor"

    view = await catalog.org.api.raw("{ tickets(view: EVERYTHING) { totalCount } }", None)
    assert view["errors"]


async def test_a_filter_never_widens_what_the_caller_may_see(catalog: Catalog):
    agent = await catalog.org.user("agent")
    token = await catalog.org.token(agent.username)
    data = await catalog.org.api.ok(
        LIST, {"filter": {"fields": [{"key": "color", "op": "EQ", "value": "red"}]}}, token
    )
    assert data["tickets"]["totalCount"] == 0
    data = await catalog.org.api.ok(LIST, {"search": "kettle"}, token)
    assert data["tickets"]["totalCount"] == 0
