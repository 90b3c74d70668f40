"""GraphQL types of sharing rules: the rule, its parties, and the admin mutations' inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeAlias

import strawberry

from workorder.errors import not_found
from workorder.models import SharingRule
from workorder.schema.context import Info
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.org.types import DepartmentType, GroupType, UserType
from workorder.schema.tickets.enums import TeamAccessEnum

SharingOwner: TypeAlias = Annotated[
    UserType | DepartmentType,
    strawberry.union(
        "SharingOwner",
        description="Whose tickets are shared: a user's, or a department's and those below it.",
    ),
]
SharingTarget: TypeAlias = Annotated[
    UserType | DepartmentType | GroupType,
    strawberry.union(
        "SharingTarget",
        description="Who sees them: a user, a department and those below it, or a group.",
    ),
]


async def _party(
    info: Info, user_id: int | None, department_id: int | None, group_id: int | None
) -> UserType | DepartmentType | GroupType | None:
    """The one party a rule names (a user, a department or a group), batch-loaded."""
    org = info.context.org
    if user_id is not None:
        user = await org.user.load(user_id)
        return UserType.of(user) if user else None
    if department_id is not None:
        department = await org.department.load(department_id)
        return DepartmentType.of(department) if department else None
    if group_id is not None:
        group = await org.group.load(group_id)
        return GroupType.of(group) if group else None
    return None


@strawberry.type(
    name="SharingRule",
    description="Shares the tickets in the charge of an owner with a target, to read or to "
    "read and write. Administrators only.",
)
class SharingRuleType(Node):
    model: strawberry.Private[SharingRule]
    access: TeamAccessEnum = strawberry.field(  # type: ignore[valid-type]
        description="READ: the target sees the tickets; READ_WRITE: may also edit their content."
    )
    created_at: datetime = strawberry.field(description="When the rule was made.")

    @classmethod
    def of(cls, rule: SharingRule) -> SharingRuleType:
        return cls(
            model=rule,
            id=to_global_id("SharingRule", rule.id),
            access=rule.access,
            created_at=rule.created_at,
        )

    @strawberry.field(
        description="Whose tickets are shared: those assigned to this user, or to anyone in "
        "this department or one below it."
    )
    async def owner(self, info: Info) -> SharingOwner:
        rule = self.model
        found = await _party(info, rule.owner_user_id, rule.owner_department_id, None)
        if found is None or isinstance(found, GroupType):
            raise not_found("Owner")  # deleted meanwhile: its rules go with it
        return found

    @strawberry.field(
        description="Who sees them: this user, everyone in this department or one below it, "
        "or every member of this group."
    )
    async def target(self, info: Info) -> SharingTarget:
        rule = self.model
        found = await _party(
            info, rule.target_user_id, rule.target_department_id, rule.target_group_id
        )
        if found is None:
            raise not_found("Target")  # deleted meanwhile: its rules go with it
        return found

    @strawberry.field(description="The administrator who made the rule.")
    async def created_by(self, info: Info) -> UserType | None:
        if self.model.created_by_id is None:
            return None
        user = await info.context.org.user.load(self.model.created_by_id)
        return UserType.of(user) if user else None


@strawberry.input(description="Exactly one of the two.")
class SharingOwnerInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user whose assigned tickets are shared."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department's tickets and those of the ones below it."
    )


@strawberry.input(description="Exactly one of the three.")
class SharingTargetInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="One user: they see the shared tickets."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department's people and those of the ones below it."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Every member of the group."
    )


@strawberry.input(description="A new sharing rule. Administrators only.")
class CreateSharingRuleInput:
    owner: SharingOwnerInput = strawberry.field(description="Whose tickets to share.")
    target: SharingTargetInput = strawberry.field(description="Who is to see them.")
    access: TeamAccessEnum = strawberry.field(  # type: ignore[valid-type]
        default=TeamAccessEnum.READ,
        description="READ (the default): see them; READ_WRITE: also edit their content.",
    )


@strawberry.input(description="Only the access changes; owner and target stay.")
class UpdateSharingRuleInput:
    id: strawberry.ID = strawberry.field(description="The sharing rule.")
    access: TeamAccessEnum = strawberry.field(  # type: ignore[valid-type]
        description="The new access: READ or READ_WRITE."
    )


@strawberry.input(description="Which sharing rule to delete. Administrators only.")
class DeleteSharingRuleInput:
    id: strawberry.ID = strawberry.field(description="The sharing rule.")


@strawberry.type
class SharingRulePayload:
    sharing_rule: SharingRuleType | None = strawberry.field(
        default=None, description="The rule as stored; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The result of createSharingRule.")
class CreateSharingRulePayload(SharingRulePayload):
    pass


@strawberry.type(description="The result of updateSharingRule.")
class UpdateSharingRulePayload(SharingRulePayload):
    pass


@strawberry.type(description="The result of deleteSharingRule.")
class DeleteSharingRulePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The global id of the rule that is gone."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )
