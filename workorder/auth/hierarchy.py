"""The reporting line and the department tree: transitive look-ups and cycle guards.

Walked level by level with one query per level, so it behaves the same on SQLite and
PostgreSQL and stays cheap for real org charts (a handful of levels).
"""

from __future__ import annotations

from typing import cast

from workorder.models import Department, User


async def subordinates(tenant_id: int, user_id: int, *, direct: set[int] | None = None) -> set[int]:
    """Everyone below the user in the reporting line, at any depth (the user excluded).

    `direct`: the user's direct reports when already known (the walk starts below them)."""
    found: set[int] = set(direct or ())
    frontier = set(found) if direct is not None else {user_id}
    while frontier:
        below = cast(
            list[int],
            await User.filter(tenant_id=tenant_id, superior_id__in=frontier).values_list(
                "id", flat=True
            ),
        )
        frontier = set(below) - found - {user_id}
        found |= frontier
    return found


async def superior_would_cycle(tenant_id: int, user_id: int, superior_id: int) -> bool:
    """True when making `superior_id` the user's superior would close a loop."""
    return superior_id == user_id or superior_id in await subordinates(tenant_id, user_id)


async def descendant_departments(tenant_id: int, *department_ids: int) -> set[int]:
    """Every department below any of these, at any depth (these excluded)."""
    found: set[int] = set()
    frontier = set(department_ids)
    while frontier:
        below = cast(
            list[int],
            await Department.filter(tenant_id=tenant_id, parent_id__in=frontier).values_list(
                "id", flat=True
            ),
        )
        frontier = set(below) - found - set(department_ids)
        found |= frontier
    return found


async def parent_would_cycle(tenant_id: int, department_id: int, parent_id: int) -> bool:
    return parent_id == department_id or parent_id in await descendant_departments(
        tenant_id, department_id
    )


async def ancestor_departments(tenant_id: int, department_id: int) -> list[int]:
    """The department and every department above it, nearest first."""
    found: list[int] = []
    current: int | None = department_id
    while current is not None and current not in found:
        found.append(current)
        parent = await Department.filter(tenant_id=tenant_id, id=current).values_list(
            "parent_id", flat=True
        )
        current = cast(list[int | None], parent)[0] if parent else None
    return found
