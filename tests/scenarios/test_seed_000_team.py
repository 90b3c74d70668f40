"""Seed 000 "Team Name": a template names the group (team) that owns it, and ticket lists
filter on it. Seed 004 常用筛选: a saved view keeps the filters its screen offers as quick
filters, in order, and refuses names no filter has.

The admin gives the Order template to the Finance team; Fay, who supervises Finance, lists
the tickets of her team's templates; a team of another company is unknown, and an agent may
not name a template's team.
"""

from typing import Any

from tests.scenarios.test_ticket_actions import group_id, order
from tests.shop import Shop
from tests.support import OrgBuilder, gid

TEAM = "template { team { name } } errors { code field }"
SET_TEAM = (
    f"mutation($input: SetTemplateTeamInput!) {{ setTemplateTeam(input: $input) {{ {TEAM} }} }}"
)


async def set_team(shop: Shop, user: str, group: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await shop.gql(
            user,
            SET_TEAM,
            {"input": {"id": gid("Template", shop.order.id), "groupId": group}},
        )
    )["setTemplateTeam"]
    return payload


async def listed(shop: Shop, user: str, *teams: str) -> set[str] | list[dict[str, Any]]:
    """The tickets of templates owned by these groups, as `user` lists them (or the errors)."""
    data = await shop.org.api.raw(
        "query($t: [ID!]) { tickets(view: ALL, filter: {templateTeamId: $t}) "
        "{ edges { node { id } } } }",
        {"t": list(teams)},
        await shop.token(user),
    )
    if data.get("errors"):
        errors: list[dict[str, Any]] = data["errors"]
        return errors
    return {edge["node"]["id"] for edge in data["data"]["tickets"]["edges"]}


async def test_a_template_names_its_team_and_lists_filter_on_it(shop: Shop):
    mine = (await order(shop))["id"]
    returns = await shop.gql(
        "admin",
        "query($id: ID!) { node(id: $id) { ... on Template { team { name } } } }",
        {"id": gid("Template", shop.returns.id)},
    )
    assert returns["node"]["team"] is None
    payload = await set_team(shop, "admin", group_id(shop, "Finance"))
    assert payload == {"template": {"team": {"name": "Finance"}}, "errors": []}
    assert await listed(shop, "admin", group_id(shop, "Finance")) == {mine}
    assert await listed(shop, "admin", group_id(shop, "Sales")) == set()
    # The filter is cut by the visibility rule like every other: Ann sees her order.
    assert await listed(shop, "ann", group_id(shop, "Finance"), group_id(shop, "Sales")) == {mine}
    # No team any more: the order is no longer listed under Finance.
    assert (await set_team(shop, "admin", None))["template"] == {"team": None}
    assert await listed(shop, "admin", group_id(shop, "Finance")) == set()


async def test_naming_a_team_is_for_administrators_and_groups_of_the_tenant(
    shop: Shop, org: OrgBuilder
):
    refused = await set_team(shop, "sam", group_id(shop, "Sales"))
    assert refused["template"] is None
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    other = await OrgBuilder.create(org.api, "elsewhere")
    stranger = await other.group("Strangers", [], [])
    refused = await set_team(shop, "admin", gid("Group", stranger.id))
    assert refused["errors"] == [{"code": "NOT_FOUND", "field": ["groupId"]}]
    shown = await shop.gql(
        "admin",
        "query($id: ID!) { node(id: $id) { ... on Template { team { name } } } }",
        {"id": gid("Template", shop.order.id)},
    )
    assert shown["node"]["team"] is None  # nothing changed
    # A list filtered by another company's team is refused too, not answered empty.
    errors = await listed(shop, "admin", gid("Group", stranger.id))
    assert isinstance(errors, list), errors
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("NOT_FOUND", ["filter", "templateTeamId", "0"])
    ]


QUICK = "savedView { quickFilters } errors { code field }"


async def save_view(shop: Shop, user: str, **input: Any) -> dict[str, Any]:
    data = await shop.gql(
        user,
        f"mutation($input: CreateSavedViewInput!) {{ createSavedView(input: $input) {{ {QUICK} }} }}",
        {"input": {"name": "My orders", **input}},
    )
    payload: dict[str, Any] = data["createSavedView"]
    return payload


async def test_a_saved_view_keeps_its_quick_filters_in_order(shop: Shop):
    chosen = ["templateTeamId", "status", "field:order_no", "created"]
    payload = await save_view(
        shop, "ann", templateId=gid("Template", shop.order.id), quickFilters=chosen
    )
    assert payload == {"savedView": {"quickFilters": chosen}, "errors": []}
    views = await shop.gql("ann", "{ savedViews { name quickFilters } }")
    assert views["savedViews"] == [{"name": "My orders", "quickFilters": chosen}]


async def test_unknown_quick_filters_are_refused_and_nothing_is_saved(shop: Shop):
    for given, bad in [
        (["status", "colour"], 1),
        (["field:no_such_field"], 0),
        (["status", "status"], 1),
    ]:
        payload = await save_view(shop, "ann", quickFilters=given)
        assert payload["savedView"] is None
        assert payload["errors"] == [{"code": "INVALID", "field": ["quickFilters", str(bad)]}]
    views = await shop.gql("ann", "{ savedViews { name } }")
    assert views["savedViews"] == []
