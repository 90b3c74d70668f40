"""Who reads a colleague's private details.

Everyone signed in sees a colleague's names, groups and department: they are what picking an
assignee or reading a ticket's history needs. The rest of a user (e-mail, roles, grants,
active flag, superior, locale, when the account was made) is for those responsible for the
user: administrators, supervisors of one of the user's groups, anyone above the user in the
reporting line (at any depth), and the user themself.

The rule is computed from the caller's side, once per request: the set of users the caller
has insight into. So any number of users on a page costs the same few queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from tortoise.expressions import Q

from workorder.auth.actor import Actor
from workorder.auth.hierarchy import subordinates
from workorder.models import User

PRIVATE_NOTE = (
    "Null unless you are an administrator, a supervisor of one of the user's groups, "
    "above the user in the reporting line, or the user."
)


@dataclass(frozen=True, slots=True)
class Insight:
    """The users whose private details the caller may read."""

    everyone: bool
    user_ids: frozenset[int]

    def covers(self, user_id: int) -> bool:
        return self.everyone or user_id in self.user_ids

    def q(self) -> Q:
        """Users covered. A filter on a private detail (roles, active) applies it too, so the
        filter cannot reveal what the field hides."""
        return Q() if self.everyone else Q(id__in=sorted(self.user_ids))


async def insight_of(actor: Actor) -> Insight:
    """The one rule: whose private details `actor` may read."""
    if actor.is_admin:
        return Insight(everyone=True, user_ids=frozenset())
    below = await subordinates(actor.tenant_id, actor.user_id)
    supervised = cast(
        list[int],
        await User.filter(
            tenant_id=actor.tenant_id, member_of__supervisors__id=actor.user_id
        ).values_list("id", flat=True),
    )
    return Insight(everyone=False, user_ids=frozenset({actor.user_id, *below, *supervised}))
