"""A list page serves its rows' hot fields from what it loaded with the page: the same
values as a ticket read on its own, a cascade's path included, and an administrator's list
needs nothing of their reach."""

from __future__ import annotations

from typing import Any

from tests.schema.views import test_ticket_filters
from tests.schema.views.test_ticket_filters import Catalog
from tests.schema.views.test_ticket_list_statements import counting

catalog = test_ticket_filters.catalog  # the fixture: a ticket of every field kind

ROW = """id number title status priority updatedAt assignee { username }
  template { name } currentStep { key } fields { key label value display }"""
LIST = f"query {{ tickets(first: 10) {{ edges {{ node {{ {ROW} }} }} }} }}"
ONE = f"query($id: ID!) {{ ticket(id: $id) {{ {ROW} }} }}"


async def _rows(catalog: Catalog) -> list[dict[str, Any]]:
    data = await catalog.org.api.ok(LIST, {}, catalog.token)
    return [e["node"] for e in data["tickets"]["edges"]]


async def test_a_list_row_shows_what_the_ticket_read_alone_shows(catalog: Catalog) -> None:
    rows = await _rows(catalog)
    assert len(rows) == 4
    for row in rows:
        alone = await catalog.org.api.ok(ONE, {"id": row["id"]}, catalog.token)
        assert row == alone["ticket"]
    first = next(r for r in rows if r["title"] == "A")
    shown = {f["key"]: f["display"] for f in first["fields"]}
    assert shown["color"] == "Red"
    assert shown["tags"] == "Gift, Fragile"
    assert shown["paid"] == "Yes"
    assert shown["region"] == "cn / bj"  # read from the dictionary, level by level
    assert first["assignee"] == {"username": "admin"}
    assert first["template"] == {"name": "Everything"}


async def test_an_administrators_list_reads_no_reach(catalog: Catalog) -> None:
    await _rows(catalog)  # warm
    with counting() as statements:
        await _rows(catalog)
    read = "\n".join(statements)
    for table in ("group_member", "group_supervisor", "sharing_rule", '"department"'):
        assert table not in read, read
