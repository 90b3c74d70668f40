"""GraphQL types of the org directory: users, departments, groups, API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.auth.scopes import DESCRIPTIONS as SCOPE_DESCRIPTIONS
from workorder.auth.scopes import stored as stored_scopes
from workorder.models import ApiToken, Department, Group, Role, User
from workorder.schema.context import Info
from workorder.schema.describe import described_enum
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection
from workorder.schema.permissions import private

RoleEnum = strawberry.enum(
    Role, name="Role", description="What a user does; a user may hold several roles."
)
# The domain's enum cannot carry GraphQL descriptions (workorder.models knows no strawberry).
described_enum(
    RoleEnum,
    {
        Role.ADMIN: (
            "Administrator: manages users, groups, templates, settings, tokens and webhooks, "
            "and sees every ticket of the tenant."
        ),
        Role.SUPERVISOR: (
            "Supervisor: a team lead; may also create missed-call tickets. What they see "
            "and steer comes from the groups they supervise and the people reporting to them."
        ),
        Role.AGENT: "Agent: creates and handles tickets in their groups.",
    },
)

SCOPE_LIST = "".join(f"\n- `{scope}`: {text}" for scope, text in SCOPE_DESCRIPTIONS.items())


@strawberry.type(
    name="User",
    description=(
        "An agent, supervisor or administrator. Everyone sees a colleague's names, groups "
        "and department; the other fields are private to those responsible for the user."
    ),
)
class UserType(Node):
    model: strawberry.Private[User]
    username: str = strawberry.field(description="Sign-in name, unique in the tenant.")
    display_name: str = strawberry.field(
        description="Name shown to colleagues; may be empty (show the username then)."
    )
    email: str | None = strawberry.field(
        extensions=private(), description="Where mail for the user goes."
    )
    roles: list[RoleEnum] | None = strawberry.field(  # type: ignore[valid-type]
        extensions=private(), description="Agent, supervisor, administrator."
    )
    permissions: list[str] | None = strawberry.field(
        extensions=private(), description="Extra grants on top of the roles."
    )
    active: bool | None = strawberry.field(
        extensions=private(), description="False once deactivated: may not sign in."
    )
    locale: str | None = strawberry.field(
        extensions=private(), description="Language of the user's screens and mail."
    )
    created_at: datetime | None = strawberry.field(
        extensions=private(), description="When the account was made."
    )

    @strawberry.field(
        extensions=private(),
        description=(
            "True for an integration's service account: API tokens act as it "
            "(createApiToken's integrationName); it has no password and cannot sign in."
        ),
    )
    def is_integration(self) -> bool | None:
        return self.model.is_integration

    @classmethod
    def of(cls, user: User) -> UserType:
        return cls(
            model=user,
            id=to_global_id("User", user.id),
            username=user.username,
            display_name=user.display_name,
            email=user.email,
            roles=[Role(r) for r in user.roles],
            permissions=list(user.permissions),
            active=user.active,
            locale=user.locale,
            created_at=user.created_at,
        )

    @strawberry.field(description="Next up in the reporting line.", extensions=private())
    async def superior(self, info: Info) -> UserType | None:
        if self.model.superior_id is None:
            return None
        user = await info.context.org.user.load(self.model.superior_id)
        return UserType.of(user) if user else None

    @strawberry.field(description="The user's main department.")
    async def department(self, info: Info) -> DepartmentType | None:
        if self.model.department_id is None:
            return None
        department = await info.context.org.department.load(self.model.department_id)
        return DepartmentType.of(department) if department else None

    @strawberry.field(description="Groups the user is a member of.")
    async def groups(self, info: Info) -> list[GroupType]:
        return [GroupType.of(g) for g in await info.context.org.groups_of_user.load(self.model.id)]


@strawberry.type(name="Department", description="A node of the department tree.")
class DepartmentType(Node):
    model: strawberry.Private[Department]
    name: str = strawberry.field(description="The department's name.")

    @classmethod
    def of(cls, department: Department) -> DepartmentType:
        return cls(
            model=department, id=to_global_id("Department", department.id), name=department.name
        )

    @strawberry.field(description="The department above this one; null at the top.")
    async def parent(self, info: Info) -> DepartmentType | None:
        if self.model.parent_id is None:
            return None
        parent = await info.context.org.department.load(self.model.parent_id)
        return DepartmentType.of(parent) if parent else None

    @strawberry.field(description="The user who heads the department; null: nobody.")
    async def head(self, info: Info) -> UserType | None:
        if self.model.head_id is None:
            return None
        head = await info.context.org.user.load(self.model.head_id)
        return UserType.of(head) if head else None


@strawberry.type(name="Group", description="An agent group (skill group, team).")
class GroupType(Node):
    model: strawberry.Private[Group]
    name: str = strawberry.field(description="The group's name, unique in the tenant.")
    description: str = strawberry.field(description="What the group handles; may be empty.")
    active: bool = strawberry.field(
        description="False once an administrator marked it no longer in use."
    )

    @classmethod
    def of(cls, group: Group) -> GroupType:
        return cls(
            model=group,
            id=to_global_id("Group", group.id),
            name=group.name,
            description=group.description,
            active=group.active,
        )

    @strawberry.field(description="The agents of the group; tickets waiting in it are theirs.")
    async def members(self, info: Info) -> list[UserType]:
        return [UserType.of(u) for u in await info.context.org.group_members.load(self.model.id)]

    @strawberry.field(description="Group admins: they assign the tickets waiting in the group.")
    async def supervisors(self, info: Info) -> list[UserType]:
        users = await info.context.org.group_supervisors.load(self.model.id)
        return [UserType.of(u) for u in users]


@strawberry.type(
    name="ApiToken",
    description=(
        "A partner API token (administrators create, list and revoke them). Its secret is "
        "shown once, at creation. It acts as `actsAs`, within its `scopes`, until it is "
        "revoked or expires."
    ),
)
class ApiTokenType(Node):
    model: strawberry.Private[ApiToken]
    name: str = strawberry.field(description="What the token is for, e.g. the partner's name.")
    prefix: str = strawberry.field(
        description="The secret's first characters: tells tokens apart without the secret."
    )
    scopes: list[str] = strawberry.field(
        description=f"The scope names the token holds. The scopes: {SCOPE_LIST}"
    )
    created_at: datetime = strawberry.field(description="When the token was made.")
    expires_at: datetime | None = strawberry.field(
        description="After this moment the token is refused (UNAUTHENTICATED); null: never."
    )
    last_used_at: datetime | None = strawberry.field(
        description="When the token last authenticated a request; null: never used."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (refused ever since); null: not revoked."
    )

    @classmethod
    def of(cls, token: ApiToken) -> ApiTokenType:
        return cls(
            model=token,
            id=to_global_id("ApiToken", token.id),
            name=token.name,
            prefix=token.prefix,
            scopes=[str(s) for s in sorted(stored_scopes(token.scopes))],
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )

    @strawberry.field(
        description=(
            "The user the token acts as, shown as the actor of what it changes: the "
            "integration's service account (isIntegration), or else the admin who made it."
        )
    )
    async def acts_as(self, info: Info) -> UserType | None:
        user = await info.context.org.user.load(self.model.acts_as_id)
        return UserType.of(user) if user else None


@strawberry.type(name="UserConnection", description="A page of users, by username.")
class UserConnection(Connection[UserType]):
    pass


@strawberry.type(name="GroupConnection", description="A page of groups, by name.")
class GroupConnection(Connection[GroupType]):
    pass


@strawberry.type(name="DepartmentConnection", description="A page of departments, oldest first.")
class DepartmentConnection(Connection[DepartmentType]):
    pass


@strawberry.type(name="ApiTokenConnection", description="A page of the tenant's API tokens.")
class ApiTokenConnection(Connection[ApiTokenType]):
    pass
