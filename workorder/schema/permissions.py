"""Field guards. Every root field but login, refreshToken and submitSurvey requires a caller; every
mutation also requires a write scope, and users' private details have their own guard."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField

from workorder.auth.directory import PRIVATE_NOTE
from workorder.auth.permissions import require_write
from workorder.errors import ErrorCode, FlowError
from workorder.schema.context import Info
from workorder.schema.errors import refused

UNAUTHENTICATED = {"code": str(ErrorCode.UNAUTHENTICATED)}

# Mutations a read-only token may call, each for a reason. Every other mutation needs the
# WRITE scope: the guard is put on every field of the Mutation root when the schema is built,
# so a new mutation is guarded without anyone remembering to.
READ_SCOPE_MUTATIONS = {
    "login": "anonymous: it acts on the credentials in its input, not as the caller",
    "refreshToken": "anonymous: it acts on the refresh token in its input",
    "submitSurvey": "anonymous: the customer's survey token in the input decides",
    "logout": "ending one's own session must never need more than being signed in",
}


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


class RequiresWriteScope(FieldExtension):
    """Refuses a caller whose token lacks the WRITE scope with FORBIDDEN in the mutation's
    payload (the shape every refusal of a mutation has), before the resolver runs.

    Anonymous callers pass through: the field's own authentication guard answers them.
    """

    def __init__(self) -> None:
        self.payload: type[Any] | None = None

    def apply(self, field: StrawberryField) -> None:
        payload: Any = field.type
        definition = get_object_definition(payload)
        names = {f.python_name for f in definition.fields} if definition else set()
        # A refusal is a payload with only its errors: every payload must allow that.
        if not isinstance(payload, type) or "errors" not in names:
            raise TypeError(f"Mutation {field.python_name} must return a payload with errors")
        required = [
            f.name
            for f in dataclasses.fields(payload)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        if required:
            raise TypeError(f"{payload.__name__} needs defaults for {required}")
        self.payload = payload

    def _refusal(self, info: Info) -> Any | None:
        actor = info.context.actor
        if actor is None:
            return None
        try:
            require_write(actor)
        except FlowError as error:
            assert self.payload is not None
            return refused(self.payload, error)
        return None

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        refused = self._refusal(info)
        return refused if refused is not None else next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        refused = self._refusal(info)
        if refused is not None:
            return refused
        return await next_(source, info, **kwargs)


def require_write_scope(mutation: type[Any]) -> type[Any]:
    """Put the write-scope guard on every field of the Mutation root but the declared ones.

    Innermost, so authentication is checked first. Idempotent (the fields are shared with
    the domain classes the root is made of).
    """
    definition = get_object_definition(mutation, strict=True)
    names = {f.graphql_name or _camel(f.python_name) for f in definition.fields}
    unknown = set(READ_SCOPE_MUTATIONS) - names
    if unknown:
        raise TypeError(f"READ_SCOPE_MUTATIONS names no mutation: {sorted(unknown)}")
    for field in definition.fields:
        name = field.graphql_name or _camel(field.python_name)
        if name in READ_SCOPE_MUTATIONS:
            continue
        if not any(isinstance(e, RequiresWriteScope) for e in field.extensions):
            field.extensions.insert(0, RequiresWriteScope())
    return mutation


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class PrivateToColleagues(FieldExtension):
    """A user's detail that only those with insight into the user read (see
    auth/directory.py); null for everyone else. The rule is looked up once per request."""

    def apply(self, field: StrawberryField) -> None:
        # Runs at every schema build: add the note once.
        if PRIVATE_NOTE not in (field.description or ""):
            field.description = f"{field.description or ''} {PRIVATE_NOTE}".strip()

    async def resolve_async(
        self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        actor = info.context.actor
        if actor is None:  # a login's payload: the request itself is still anonymous
            return None
        insight = await info.context.org.insight.load(actor)
        if not insight.covers(source.model.id):
            return None
        result = next_(source, info, **kwargs)
        return await result if isinstance(result, Awaitable) else result


def private() -> list[FieldExtension]:
    """The guard for one of a user's private fields."""
    return [PrivateToColleagues()]
