"""Input checks shared by the flows: the keep-as-is sentinel, names, emails, locales."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import Final

from email_validator import EmailNotValidError, validate_email

from workorder.errors import invalid


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
