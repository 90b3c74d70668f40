"""Saved views (custom menus): personal or shared, opened as a list, counted for the badges."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import OrgBuilder, gid
from tests.views_org import ViewsOrg, build_views_org

CREATE = """mutation($i: CreateSavedViewInput!) { createSavedView(input: $i) {
  savedView { id name base columns shared filter order { field descending } template { name } }
  errors { code message field } } }"""
UPDATE = """mutation($i: UpdateSavedViewInput!) { updateSavedView(input: $i) {
  savedView { name base } errors { code message field } } }"""
DELETE = """mutation($i: DeleteSavedViewInput!) { deleteSavedView(input: $i) {
  deletedId errors { code } } }"""
OPEN = """query($id: ID!, $after: String) { tickets(savedViewId: $id, first: 1, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }"""


@pytest.fixture
async def views_org(org: OrgBuilder) -> ViewsOrg:
    return await build_views_org(org)


async def as_(views_org: ViewsOrg, person: str, query: str, **variables: Any) -> dict[str, Any]:
    return await views_org.org.api.ok(query, variables, await views_org.org.token(person))


async def test_a_personal_view_opens_as_a_list_in_its_own_order(views_org: ViewsOrg):
    made = await as_(
        views_org,
        "hank",
        CREATE,
        i={
            "name": "Team's open work",
            "base": "MY_SUBORDINATES",
            "templateId": gid("Template", views_org.template.id),
            "filter": {"status": ["IN_PROGRESS"]},
            "columns": ["number", "title", "assignee", "priority"],
            "order": {"field": "PRIORITY", "descending": True},
        },
    )
    view = made["createSavedView"]["savedView"]
    assert made["createSavedView"]["errors"] == []
    assert view["filter"] == {"status": ["IN_PROGRESS"]}
    assert view["template"] == {"name": "Case"}
    assert (view["base"], view["shared"]) == ("MY_SUBORDINATES", False)

    titles, after = [], None
    while True:
        page = (await as_(views_org, "hank", OPEN, id=view["id"], after=after))["tickets"]
        titles += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == ["mia's urgent", "oli's"]  # URGENT before HIGH; ned's is DONE

    counts = await as_(views_org, "hank", "{ viewCounts { view count savedView { name } } }")
    mine = [c for c in counts["viewCounts"] if c["savedView"]]
    assert mine == [{"view": None, "count": 2, "savedView": {"name": "Team's open work"}}]

    # Nobody else can open, see or change it.
    body = await views_org.org.api.raw(OPEN, {"id": view["id"]}, await views_org.org.token("oli"))
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    changed = await as_(views_org, "oli", UPDATE, i={"id": view["id"], "name": "Mine now"})
    assert changed["updateSavedView"]["errors"][0]["code"] == "NOT_FOUND"


async def test_shared_views_are_made_and_changed_by_admins_only(views_org: ViewsOrg):
    refused = await as_(views_org, "oli", CREATE, i={"name": "For all", "shared": True})
    assert refused["createSavedView"]["errors"][0]["code"] == "FORBIDDEN"
    made = await as_(
        views_org, "admin", CREATE, i={"name": "Urgent for all", "base": "URGENT", "shared": True}
    )
    view_id = made["createSavedView"]["savedView"]["id"]
    listed = await as_(views_org, "mia", "{ savedViews { name shared } }")
    assert listed["savedViews"] == [{"name": "Urgent for all", "shared": True}]
    opened = await as_(views_org, "mia", OPEN, id=view_id)
    assert opened["tickets"]["totalCount"] == 1  # mia's own urgent ticket, not everyone's
    changed = await as_(views_org, "mia", UPDATE, i={"id": view_id, "name": "Hijacked"})
    assert changed["updateSavedView"]["errors"][0]["code"] == "FORBIDDEN"
    gone = await as_(views_org, "mia", DELETE, i={"id": view_id})
    assert gone["deleteSavedView"]["errors"][0]["code"] == "FORBIDDEN"
    renamed = await as_(views_org, "admin", UPDATE, i={"id": view_id, "base": "DONE"})
    assert renamed["updateSavedView"]["savedView"] == {"name": "Urgent for all", "base": "DONE"}
    gone = await as_(views_org, "admin", DELETE, i={"id": view_id})
    assert gone["deleteSavedView"] == {"deletedId": view_id, "errors": []}
    assert (await as_(views_org, "mia", "{ savedViews { name } }"))["savedViews"] == []


async def test_a_view_that_could_not_open_is_not_saved(views_org: ViewsOrg):
    bad_field = await as_(
        views_org,
        "oli",
        CREATE,
        i={"name": "Odd", "filter": {"fields": [{"key": "nope", "op": "EQ", "value": 1}]}},
    )
    error = bad_field["createSavedView"]["errors"][0]
    assert (error["code"], error["field"]) == ("INVALID", ["filter", "fields", "0", "key"])
    bad_column = await as_(views_org, "oli", CREATE, i={"name": "Odd", "columns": ["salary"]})
    assert bad_column["createSavedView"]["errors"][0]["field"] == ["columns", "0"]
    assert (await as_(views_org, "oli", "{ savedViews { name } }"))["savedViews"] == []
