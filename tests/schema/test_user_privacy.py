"""A colleague's private details: names, groups and department for everyone;
the rest only for admins, supervisors of one of the user's groups, the user's superiors (at
any depth) and the user. Every path that returns a User obeys it: the fields guard
themselves. The private fields are read from the schema, so one added later is covered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from tests.schema.views.test_ticket_list_statements import counting
from tests.shop import Shop
from tests.support import PASSWORD, gid
from workorder.auth.directory import PRIVATE_NOTE
from workorder.models import User
from workorder.resolvers.root import build_schema

PUBLIC = {"id", "username", "displayName", "department", "groups"}


def _user_type(settings: Any) -> GraphQLObjectType:
    found = build_schema(settings)._schema.type_map["User"]
    assert isinstance(found, GraphQLObjectType)
    return found


def _private(settings: Any) -> list[str]:
    return [n for n in _user_type(settings).fields if n not in PUBLIC]


def _selection(settings: Any) -> str:
    """Every field of User; relations by their id."""
    parts = []
    for name, field in _user_type(settings).fields.items():
        inner = field.type
        while isinstance(inner, (GraphQLNonNull, GraphQLList)):
            inner = inner.of_type
        parts.append(f"{name} {{ id }}" if isinstance(inner, GraphQLObjectType) else name)
    return " ".join(parts)


def test_every_private_field_is_nullable_and_says_who_sees_it(settings):
    private = _private(settings)
    assert {"email", "roles", "permissions", "active", "superior"} <= set(private)
    for name in private:
        field = _user_type(settings).fields[name]
        assert not isinstance(field.type, GraphQLNonNull), name
        assert PRIVATE_NOTE in (field.description or ""), name


async def _reporting_line(shop: Shop) -> None:
    """chief → mid → ann: neither shares a group with Ann."""
    chief = await shop.org.user("chief")
    mid = await shop.org.user("mid", superior=chief)
    await User.filter(id=shop.users["ann"].id).update(superior_id=mid.id, email="ann@shop.test")
    await User.filter(id=shop.users["cal"].id).update(email="cal@shop.test")


def _hidden(user: dict[str, Any], private: list[str]) -> bool:
    return all(user[name] is None for name in private)


def _shown(user: dict[str, Any]) -> bool:
    return user["roles"] is not None and user["active"] is not None and user["email"]


async def _paths(shop: Shop, viewer: str, target: str, settings: Any) -> list[dict[str, Any]]:
    """The target user as the viewer reads it through users, quotaCandidates, node and a
    group's members."""
    fields = _selection(settings)
    data = await shop.gql(
        viewer,
        f"""query($id: ID!, $name: String!) {{
          users(first: 100) {{ edges {{ node {{ {fields} }} }} }}
          quotaCandidates(name: $name) {{ {fields} }}
          node(id: $id) {{ ... on User {{ {fields} }} }}
          groups {{ edges {{ node {{ members {{ {fields} }} }} }} }}
        }}""",
        {"id": gid("User", shop.users[target].id), "name": target},
    )
    listed = [e["node"] for e in data["users"]["edges"] if e["node"]["username"] == target]
    members = [
        m for g in data["groups"]["edges"] for m in g["node"]["members"] if m["username"] == target
    ]
    found = [*listed, *data["quotaCandidates"], data["node"], *members]
    assert len(found) == 4, found
    return found


async def test_an_agent_sees_only_names_groups_and_department_of_colleagues(shop: Shop, settings):
    await _reporting_line(shop)
    private = _private(settings)
    for seen in await _paths(shop, "cal", "ann", settings):
        assert seen["username"] == "ann" and seen["displayName"] is not None
        assert [g["id"] for g in seen["groups"]] == [gid("Group", shop.groups["Sales"].id)]
        assert _hidden(seen, private), seen
    # A whole page: nobody but cal himself shows anything private.
    everyone = await shop.gql(
        "cal", f"{{ users(first: 100) {{ edges {{ node {{ {_selection(settings)} }} }} }} }}"
    )
    for edge in everyone["users"]["edges"]:
        user = edge["node"]
        if user["username"] == "cal":
            assert _shown(user), user
        else:
            assert _hidden(user, private), user


async def test_self_supervisor_superiors_and_admin_see_private_details(shop: Shop, settings):
    await _reporting_line(shop)
    private = _private(settings)
    # Ann herself, the admin, her superior and his superior; Sam supervises Sales.
    for viewer in ("ann", "admin", "mid", "chief", "sam"):
        for seen in await _paths(shop, viewer, "ann", settings):
            assert _shown(seen), (viewer, seen)
            assert seen["email"] == "ann@shop.test"
            assert seen["superior"] == {"id": gid("User", (await User.get(username="mid")).id)}
    # Fay supervises Finance, not Sales: Ann's details stay hidden from her, Cal's do not.
    for seen in await _paths(shop, "fay", "ann", settings):
        assert _hidden(seen, private), seen
    for seen in await _paths(shop, "fay", "cal", settings):
        assert _shown(seen) and seen["email"] == "cal@shop.test", seen


async def test_filters_on_private_details_do_not_reveal_them(shop: Shop):
    await User.filter(id=shop.users["eve"].id).update(active=False)
    query = "{ users(filter: {active: false}) { edges { node { username } } } }"
    assert (await shop.gql("admin", query))["users"]["edges"] == [{"node": {"username": "eve"}}]
    assert (await shop.gql("cal", query))["users"]["edges"] == []
    # Liv supervises Logistics, where Eve is.
    assert (await shop.gql("liv", query))["users"]["edges"] == [{"node": {"username": "eve"}}]
    roles = "{ quotaCandidates(role: ADMIN) { username } }"
    assert (await shop.gql("admin", roles))["quotaCandidates"] == [{"username": "admin"}]
    assert (await shop.gql("cal", roles))["quotaCandidates"] == []


async def test_the_rule_costs_the_same_for_a_dozen_users_as_for_thirty(
    shop: Shop, settings, app: Any, monkeypatch: pytest.MonkeyPatch
):
    # The server's job runner polls in the background: its statements are not the page's.
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    await asyncio.sleep(0.5)  # a round already under way finishes
    query = f"{{ users(first: 100) {{ edges {{ node {{ {_selection(settings)} }} }} }} }}"
    token = await shop.token("fay")
    await shop.org.api.ok(query, token=token)  # warm: the same work each time after
    with counting() as few:
        await shop.org.api.ok(query, token=token)
    for n in range(20):
        await shop.org.user(f"extra{n}")
    with counting() as many:
        await shop.org.api.ok(query, token=token)
    assert len(many) == len(few), "\n".join(["-- few:", *few, "-- many:", *many])


async def test_a_login_payload_shows_the_user_their_own_details(shop: Shop):
    """The request came in anonymous; the user it logs in sees their own details in it, as
    in `me`."""
    data = await shop.org.api.ok(
        """mutation($input: LoginInput!) { login(input: $input) {
          user { username roles } errors { code } } }""",
        {"input": {"tenant": "acme", "username": "cal", "password": PASSWORD}},
    )
    assert data["login"] == {"user": {"username": "cal", "roles": ["AGENT"]}, "errors": []}
    me = await shop.gql("cal", "{ me { username roles } }")
    assert me["me"] == {"username": "cal", "roles": ["AGENT"]}
