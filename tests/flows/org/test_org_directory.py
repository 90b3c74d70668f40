"""Administering the org directory through the API: the happy paths and the bad input."""

from tests.support import gid
from workorder.models import Department, Group, User

CREATE_USER = """mutation($input: CreateUserInput!) { createUser(input: $input) {
  user { id username displayName roles permissions superior { username } department { name } }
  errors { code message field } } }"""


async def test_admin_creates_and_updates_a_user(org):
    dept = (
        await org.as_admin(
            'mutation { createDepartment(input: {name: "Sales"}) { department { id name } errors { code } } }'
        )
    )["createDepartment"]["department"]
    made = (
        await org.as_admin(
            CREATE_USER,
            {
                "input": {
                    "username": "ann",
                    "password": "long-enough-1",
                    "displayName": "Ann",
                    "roles": ["AGENT"],
                    "permissions": ["ticket.transfer"],
                    "departmentId": dept["id"],
                    "superiorId": gid("User", org.admin.id),
                }
            },
        )
    )["createUser"]
    assert made["errors"] == []
    assert made["user"]["superior"] == {"username": "admin"}
    assert made["user"]["department"] == {"name": "Sales"}

    updated = (
        await org.as_admin(
            """mutation($input: UpdateUserInput!) { updateUser(input: $input) {
           user { displayName roles locale email department { name } } errors { code field } } }""",
            {
                "input": {
                    "id": made["user"]["id"],
                    "displayName": "Ann B.",
                    "roles": ["SUPERVISOR"],
                    "locale": "zh-CN",
                    "email": "ann@example.com",
                    "departmentId": None,
                }
            },
        )
    )["updateUser"]
    assert updated == {
        "user": {
            "displayName": "Ann B.",
            "roles": ["SUPERVISOR"],
            "locale": "zh-CN",
            "email": "ann@example.com",
            "department": None,
        },
        "errors": [],
    }


async def test_duplicate_username_is_a_conflict_and_changes_nothing(org):
    await org.user("bob")
    before = await User.all().count()
    result = await org.as_admin(
        CREATE_USER, {"input": {"username": "bob", "password": "long-enough-1"}}
    )
    assert result["createUser"] == {
        "user": None,
        "errors": [
            {
                "code": "CONFLICT",
                "message": "A user with this username already exists",
                "field": ["username"],
            }
        ],
    }
    assert await User.all().count() == before


async def test_invalid_user_input_names_the_field(org):
    cases = [
        ({"username": "", "password": "long-enough-1"}, ["username"]),
        ({"username": "x y", "password": "long-enough-1"}, ["username"]),
        ({"username": "short", "password": "short"}, ["password"]),
        ({"username": "mail", "password": "long-enough-1", "email": "not-mail"}, ["email"]),
        (
            {"username": "perm", "password": "long-enough-1", "permissions": ["root"]},
            ["permissions"],
        ),
        (  # reports need no grant (they narrow to the reader's line): no such grant to give
            {"username": "rep", "password": "long-enough-1", "permissions": ["report.view"]},
            ["permissions"],
        ),
        ({"username": "sup", "password": "long-enough-1", "superiorId": "garbage"}, ["superiorId"]),
    ]
    for given, field in cases:
        result = (await org.as_admin(CREATE_USER, {"input": given}))["createUser"]
        assert result["user"] is None
        assert result["errors"][0]["field"] == field, (given, result)
    assert await User.all().count() == 1


SET_SUPERIOR = """mutation($u: ID!, $s: ID) { setUserSuperior(input: {userId: $u, superiorId: $s}) {
  user { superior { username } } errors { code message field } } }"""


async def test_a_cycle_in_the_superior_line_is_refused(org):
    top = await org.user("top")
    mid = await org.user("mid", superior=top)
    low = await org.user("low", superior=mid)
    result = (
        await org.as_admin(SET_SUPERIOR, {"u": gid("User", top.id), "s": gid("User", low.id)})
    )["setUserSuperior"]
    assert result["errors"][0]["code"] == "INVALID"
    assert result["errors"][0]["field"] == ["superiorId"]
    assert (await User.get(id=top.id)).superior_id is None
    self_loop = await org.as_admin(
        SET_SUPERIOR, {"u": gid("User", top.id), "s": gid("User", top.id)}
    )
    assert self_loop["setUserSuperior"]["errors"][0]["code"] == "INVALID"
    ok = await org.as_admin(SET_SUPERIOR, {"u": gid("User", low.id), "s": None})
    assert ok["setUserSuperior"] == {"user": {"superior": None}, "errors": []}


DEPT = """mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) {
  department { id } errors { code } } }"""
MOVE = """mutation($input: UpdateDepartmentInput!) { updateDepartment(input: $input) {
  department { parent { name } head { username } } errors { code field } } }"""


async def test_department_tree_refuses_cycles(org):
    root = (await org.as_admin(DEPT, {"input": {"name": "Root"}}))["createDepartment"]
    child = await org.as_admin(
        DEPT, {"input": {"name": "Child", "parentId": root["department"]["id"]}}
    )
    grandchild = await org.as_admin(
        DEPT,
        {
            "input": {
                "name": "Grandchild",
                "parentId": child["createDepartment"]["department"]["id"],
            }
        },
    )
    result = (
        await org.as_admin(
            MOVE,
            {
                "input": {
                    "id": root["department"]["id"],
                    "parentId": grandchild["createDepartment"]["department"]["id"],
                }
            },
        )
    )["updateDepartment"]
    assert result == {"department": None, "errors": [{"code": "INVALID", "field": ["parentId"]}]}
    assert (await Department.get(name="Root")).parent_id is None

    head = await org.user("boss")
    ok = await org.as_admin(
        MOVE, {"input": {"id": root["department"]["id"], "headId": gid("User", head.id)}}
    )
    assert ok["updateDepartment"] == {
        "department": {"parent": None, "head": {"username": "boss"}},
        "errors": [],
    }


GROUP = """mutation($input: CreateGroupInput!) { createGroup(input: $input) {
  group { id name members { username } supervisors { username } } errors { code field } } }"""


async def test_groups_with_members_and_supervisors(org):
    lead = await org.user("lead")
    agent = await org.user("agent")
    made = (
        await org.as_admin(
            GROUP,
            {
                "input": {
                    "name": "Sales",
                    "memberIds": [gid("User", agent.id), gid("User", lead.id)],
                    "supervisorIds": [gid("User", lead.id)],
                }
            },
        )
    )["createGroup"]
    assert made["errors"] == []
    assert made["group"]["members"] == [{"username": "agent"}, {"username": "lead"}]
    assert made["group"]["supervisors"] == [{"username": "lead"}]

    updated = (
        await org.as_admin(
            """mutation($input: UpdateGroupInput!) { updateGroup(input: $input) {
           group { name members { username } supervisors { username } } errors { code } } }""",
            {"input": {"id": made["group"]["id"], "memberIds": [gid("User", agent.id)]}},
        )
    )["updateGroup"]
    assert updated["group"] == {
        "name": "Sales",
        "members": [{"username": "agent"}],
        "supervisors": [{"username": "lead"}],
    }
    me = await org.api.ok("{ me { groups { name } } }", token=await org.token("agent"))
    assert me["me"]["groups"] == [{"name": "Sales"}]

    duplicate = (await org.as_admin(GROUP, {"input": {"name": "Sales"}}))["createGroup"]
    assert duplicate["errors"] == [{"code": "CONFLICT", "field": ["name"]}]


async def test_a_supervisor_from_another_tenant_is_refused(org, api):
    from tests.support import OrgBuilder

    other = await OrgBuilder.create(api, "globex")
    stranger = await other.user("stranger")
    result = (
        await org.as_admin(
            GROUP, {"input": {"name": "Sales", "supervisorIds": [gid("User", stranger.id)]}}
        )
    )["createGroup"]
    assert result == {"group": None, "errors": [{"code": "NOT_FOUND", "field": ["supervisorIds"]}]}
    assert await Group.all().count() == 0


async def test_non_admins_may_not_administer(org, api):
    await org.user("agent")
    token = await org.token("agent")
    for mutation in [
        'createGroup(input: {name: "X"}) { errors { code } }',
        'createDepartment(input: {name: "X"}) { errors { code } }',
        'createUser(input: {username: "x", password: "long-enough-1"}) { errors { code } }',
    ]:
        data = await api.ok(f"mutation {{ {mutation} }}", token=token)
        assert next(iter(data.values())) == {"errors": [{"code": "FORBIDDEN"}]}


async def test_users_connection_pages_by_keyset_and_filters(org, api):
    for name in ["carol", "dave", "erin", "frank"]:
        await org.user(name)
    query = """query($after: String, $filter: UserFilter) {
      users(first: 2, after: $after, filter: $filter) {
        totalCount edges { node { username } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = (await org.as_admin(query, {"after": after}))["users"]
        assert page["totalCount"] == 5
        seen += [e["node"]["username"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["admin", "carol", "dave", "erin", "frank"]
    found = (await org.as_admin(query, {"filter": {"search": "RI"}}))["users"]
    assert [e["node"]["username"] for e in found["edges"]] == ["erin"]
    bad = await api.raw(query, {"after": "%%%"}, token=await org.token())
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"
