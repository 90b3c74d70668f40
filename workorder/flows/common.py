"""Small helpers every flow module uses: the keep-as-is sentinel and input checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Final, TypeVar

from email_validator import EmailNotValidError, validate_email

from workorder.errors import invalid, not_found
from workorder.models import User

T = TypeVar("T")


class Keep(Enum):
    """Marks an update argument the caller left out: keep the stored value."""

    KEEP = "KEEP"


KEEP: Final = Keep.KEEP


def clean_name(value: str, field: Sequence[str], *, max_length: int = 200) -> str:
    value = value.strip()
    if not value or len(value) > max_length:
        raise invalid(f"Must be 1 to {max_length} characters", field)
    return value


def clean_email(value: str | None, field: Sequence[str]) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise invalid(f"Not a valid e-mail address: {exc}", field) from exc


_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def clean_locale(value: str, field: Sequence[str]) -> str:
    if not _LOCALE.match(value):
        raise invalid("Not a locale such as 'en' or 'zh-CN'", field)
    return value


async def users_of_tenant(tenant_id: int, ids: Iterable[int], field: Sequence[str]) -> list[User]:
    """Load users by id, all of them in the tenant, or fail naming the input."""
    wanted = list(dict.fromkeys(ids))
    users = await User.filter(tenant_id=tenant_id, id__in=wanted) if wanted else []
    if len(users) != len(wanted):
        raise not_found("User", field)
    order = {uid: i for i, uid in enumerate(wanted)}
    return sorted(users, key=lambda u: order[u.id])


async def user_of_tenant(tenant_id: int, user_id: int, field: Sequence[str]) -> User:
    user = await User.filter(tenant_id=tenant_id, id=user_id).first()
    if user is None:
        raise not_found("User", field)
    return user
