"""Field guards. Every root field but login and refreshToken requires a caller."""

from __future__ import annotations

from typing import Any

from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from workorder.schema.context import Info

UNAUTHENTICATED = {"code": "UNAUTHENTICATED"}


class IsAuthenticated(BasePermission):
    message = "Authentication required"
    error_extensions = UNAUTHENTICATED

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.actor is not None:
            return True
        if info.context.auth_error:
            # Say why the token was refused (expired, tampered) rather than only "required".
            raise StrawberryGraphQLError(info.context.auth_error, extensions=UNAUTHENTICATED)
        return False


def authenticated() -> list[FieldExtension]:
    """A fresh guard for one field (extensions are per field, never shared)."""
    return [PermissionExtension(permissions=[IsAuthenticated()])]
