"""Sharing rules through GraphQL: the admin's create, list, update and delete; everyone else is
refused; ids of another tenant are not found."""

from typing import Any

from tests.support import Api, OrgBuilder, gid
from workorder.models import SharingRule, TeamAccess

RULE_FIELDS = """id access createdAt createdBy { username }
  owner { __typename ... on User { username } ... on Department { name } }
  target { __typename ... on User { username } ... on Department { name } ... on Group { name } }"""
CREATE = f"""mutation($input: CreateSharingRuleInput!) {{ createSharingRule(input: $input) {{
  sharingRule {{ {RULE_FIELDS} }} errors {{ code message field }} }} }}"""
UPDATE = f"""mutation($input: UpdateSharingRuleInput!) {{ updateSharingRule(input: $input) {{
  sharingRule {{ {RULE_FIELDS} }} errors {{ code message field }} }} }}"""
DELETE = """mutation($input: DeleteSharingRuleInput!) { deleteSharingRule(input: $input) {
  deletedId errors { code message field } } }"""
RULES = f"query {{ sharingRules {{ {RULE_FIELDS} }} }}"
NODE = "query($id: ID!) { node(id: $id) { __typename ... on SharingRule { access } } }"


async def create(org: OrgBuilder, **input: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await org.as_admin(CREATE, {"input": input}))["createSharingRule"]
    return result


def brief(rule: dict[str, Any]) -> tuple[Any, ...]:
    return (rule["owner"], rule["target"], rule["access"])


async def test_an_admin_creates_lists_updates_and_deletes_rules(org: OrgBuilder):
    ann, bob = await org.user("ann"), await org.user("bob")
    desk = await org.group("Desk", members=[bob])
    sales = (
        await org.as_admin(
            'mutation { createDepartment(input: {name: "Sales"}) { department { id } } }'
        )
    )["createDepartment"]["department"]

    made = await create(
        org,
        owner={"userId": gid("User", ann.id)},
        target={"userId": gid("User", bob.id)},
        access="READ_WRITE",
    )
    assert made["errors"] == []
    rule = made["sharingRule"]
    stored = await SharingRule.get()
    assert rule["id"] == gid("SharingRule", stored.id)
    assert rule["createdBy"] == {"username": "admin"}
    assert rule["createdAt"]
    assert brief(rule) == (
        {"__typename": "User", "username": "ann"},
        {"__typename": "User", "username": "bob"},
        "READ_WRITE",
    )
    second = await create(
        org, owner={"departmentId": sales["id"]}, target={"groupId": gid("Group", desk.id)}
    )
    assert second["errors"] == []
    assert brief(second["sharingRule"]) == (
        {"__typename": "Department", "name": "Sales"},
        {"__typename": "Group", "name": "Desk"},
        "READ",
    )
    third = await create(
        org, owner={"userId": gid("User", bob.id)}, target={"departmentId": sales["id"]}
    )
    assert third["errors"] == []

    listed = (await org.as_admin(RULES))["sharingRules"]
    assert [r["id"] for r in listed] == [
        rule["id"],
        second["sharingRule"]["id"],
        third["sharingRule"]["id"],
    ]
    assert brief(listed[2]) == (
        {"__typename": "User", "username": "bob"},
        {"__typename": "Department", "name": "Sales"},
        "READ",
    )
    assert (await org.as_admin(NODE, {"id": rule["id"]}))["node"] == {
        "__typename": "SharingRule",
        "access": "READ_WRITE",
    }

    updated = (await org.as_admin(UPDATE, {"input": {"id": rule["id"], "access": "READ"}}))[
        "updateSharingRule"
    ]
    assert updated["errors"] == []
    assert brief(updated["sharingRule"]) == brief({**rule, "access": "READ"})
    assert (await SharingRule.get(id=stored.id)).access == TeamAccess.READ

    deleted = (await org.as_admin(DELETE, {"input": {"id": rule["id"]}}))["deleteSharingRule"]
    assert deleted == {"deletedId": rule["id"], "errors": []}
    assert [r["id"] for r in (await org.as_admin(RULES))["sharingRules"]] == [
        second["sharingRule"]["id"],
        third["sharingRule"]["id"],
    ]
    again = (await org.as_admin(DELETE, {"input": {"id": rule["id"]}}))["deleteSharingRule"]
    assert again == {
        "deletedId": None,
        "errors": [{"code": "NOT_FOUND", "message": "Sharing rule not found", "field": ["id"]}],
    }


async def test_bad_input_comes_back_in_the_payload(org: OrgBuilder):
    ann, bob = await org.user("ann"), await org.user("bob")
    desk = await org.group("Desk")
    cases: list[tuple[dict[str, Any], tuple[str, list[str]]]] = [
        ({"owner": {}, "target": {"userId": gid("User", bob.id)}}, ("INVALID", ["owner"])),
        (
            {
                "owner": {"userId": gid("User", ann.id)},
                "target": {"userId": gid("User", bob.id), "groupId": gid("Group", desk.id)},
            },
            ("INVALID", ["target"]),
        ),
        (
            {"owner": {"userId": gid("User", ann.id)}, "target": {"userId": gid("User", ann.id)}},
            ("INVALID", ["target", "userId"]),
        ),
        (  # a group's id where a user's is wanted
            {"owner": {"userId": gid("Group", desk.id)}, "target": {"userId": gid("User", bob.id)}},
            ("NOT_FOUND", ["owner", "userId"]),
        ),
        (
            {"owner": {"userId": "not an id"}, "target": {"userId": gid("User", bob.id)}},
            ("NOT_FOUND", ["owner", "userId"]),
        ),
    ]
    for input, (code, field) in cases:
        result = await create(org, **input)
        assert result["sharingRule"] is None
        assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)], input

    ok = {"owner": {"userId": gid("User", ann.id)}, "target": {"userId": gid("User", bob.id)}}
    assert (await create(org, **ok))["errors"] == []
    twin = await create(org, **ok, access="READ_WRITE")
    assert [(e["code"], e["field"]) for e in twin["errors"]] == [("CONFLICT", ["target"])]
    assert await SharingRule.all().count() == 1


async def test_only_administrators_see_or_change_rules(org: OrgBuilder, api: Api):
    ann, bob = await org.user("ann"), await org.user("bob")
    rule = (
        await create(
            org, owner={"userId": gid("User", ann.id)}, target={"userId": gid("User", bob.id)}
        )
    )["sharingRule"]
    token = await org.token("bob")

    body = await api.raw(RULES, token=token)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["sharingRules"]
    assert (await api.ok(NODE, {"id": rule["id"]}, token=token))["node"] is None

    attempts: list[tuple[str, str, dict[str, Any]]] = [
        (
            CREATE,
            "createSharingRule",
            {"owner": {"userId": gid("User", bob.id)}, "target": {"userId": gid("User", ann.id)}},
        ),
        (UPDATE, "updateSharingRule", {"id": rule["id"], "access": "READ_WRITE"}),
        (DELETE, "deleteSharingRule", {"id": rule["id"]}),
    ]
    for mutation, name, input in attempts:
        result = (await api.ok(mutation, {"input": input}, token=token))[name]
        assert [e["code"] for e in result["errors"]] == ["FORBIDDEN"], name
    stored = await SharingRule.all()
    assert [(s.owner_user_id, s.access) for s in stored] == [(ann.id, TeamAccess.READ)]


async def test_anonymous_callers_are_refused(api: Api):
    body = await api.raw(RULES)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_ids_of_another_tenant_are_not_found(org: OrgBuilder, api: Api):
    ann = await org.user("ann")
    other = await OrgBuilder.create(api, "globex")
    stranger = await other.user("stranger")
    their_group = await other.group("Theirs")
    theirs = (
        await other.as_admin(
            'mutation { createDepartment(input: {name: "Theirs"}) { department { id } } }'
        )
    )["createDepartment"]["department"]["id"]

    cases: list[tuple[dict[str, Any], list[str]]] = [
        (
            {
                "owner": {"userId": gid("User", stranger.id)},
                "target": {"userId": gid("User", ann.id)},
            },
            ["owner", "userId"],
        ),
        (
            {"owner": {"departmentId": theirs}, "target": {"userId": gid("User", ann.id)}},
            ["owner", "departmentId"],
        ),
        (
            {
                "owner": {"userId": gid("User", ann.id)},
                "target": {"userId": gid("User", stranger.id)},
            },
            ["target", "userId"],
        ),
        (
            {"owner": {"userId": gid("User", ann.id)}, "target": {"departmentId": theirs}},
            ["target", "departmentId"],
        ),
        (
            {
                "owner": {"userId": gid("User", ann.id)},
                "target": {"groupId": gid("Group", their_group.id)},
            },
            ["target", "groupId"],
        ),
    ]
    for input, field in cases:
        result = await create(org, **input)
        assert result == {
            "sharingRule": None,
            "errors": [
                {"code": "NOT_FOUND", "message": result["errors"][0]["message"], "field": field}
            ],
        }, input
        assert "Theirs" not in result["errors"][0]["message"]

    # Their admin cannot see, change or delete our rule.
    mine = (
        await create(
            org, owner={"userId": gid("User", ann.id)}, target={"userId": gid("User", org.admin.id)}
        )
    )["sharingRule"]
    assert (await other.as_admin(RULES))["sharingRules"] == []
    assert (await other.as_admin(NODE, {"id": mine["id"]}))["node"] is None
    changed = (await other.as_admin(UPDATE, {"input": {"id": mine["id"], "access": "READ_WRITE"}}))[
        "updateSharingRule"
    ]
    assert [(e["code"], e["field"]) for e in changed["errors"]] == [("NOT_FOUND", ["id"])]
    gone = (await other.as_admin(DELETE, {"input": {"id": mine["id"]}}))["deleteSharingRule"]
    assert [(e["code"], e["field"]) for e in gone["errors"]] == [("NOT_FOUND", ["id"])]
    assert [r["access"] for r in (await org.as_admin(RULES))["sharingRules"]] == ["READ"]
