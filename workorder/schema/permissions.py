"""Field guards. Every root field but login, refreshToken and submitSurvey requires a caller; every
mutation and subscription also requires a token scope (the table below), and users' private
details have their own guard."""

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
from workorder.auth.scopes import Scope, covers, refusal, require_scope
from workorder.errors import ErrorCode, FlowError
from workorder.schema.context import Info
from workorder.schema.errors import refused

UNAUTHENTICATED = {"code": str(ErrorCode.UNAUTHENTICATED)}
FORBIDDEN = {"code": str(ErrorCode.FORBIDDEN)}

# Mutations that act on credentials in their input, not as the caller: no scope.
ANONYMOUS = {
    "login": "it acts on the credentials in its input",
    "refreshToken": "it acts on the refresh token in its input",
    "submitSurvey": "the customer's survey token in the input decides",
}

# The scope each domain's root fields need, by the package of their resolver
# (workorder/resolvers/<domain>/): (mutations, subscriptions). A new mutation or
# subscription gets its domain's scope without anyone remembering; a new domain fails the
# schema build until it is named here.
DOMAIN_SCOPES: dict[str, tuple[Scope, Scope]] = {
    "tickets": (Scope.TICKETS_WRITE, Scope.TICKETS_READ),
    "views": (Scope.TICKETS_WRITE, Scope.TICKETS_READ),
    "batch": (Scope.TICKETS_WRITE, Scope.TICKETS_READ),
    "customers": (Scope.CUSTOMERS_WRITE, Scope.TICKETS_READ),
    "org": (Scope.ORG_WRITE, Scope.READ),
    "templates": (Scope.ORG_WRITE, Scope.READ),
    "sla": (Scope.ORG_WRITE, Scope.READ),
    "webhooks": (Scope.WEBHOOKS, Scope.WEBHOOKS),
    "reports": (Scope.ORG_WRITE, Scope.READ),
    "mail": (Scope.ORG_WRITE, Scope.READ),  # mail templates: tenant settings
    "reminders": (Scope.TICKETS_WRITE, Scope.TICKETS_READ),  # one's own, on tickets
}

# Root fields whose scope is not their domain's, each for a reason.
OVERRIDES: dict[str, Scope] = {
    "startExport": Scope.EXPORT,  # a partner that only pulls data never changes tickets
    "startReportExport": Scope.EXPORT,  # a report read into a file: no administration
    "createApiToken": Scope.ADMIN,  # a token never mints one wider than a full admin's
    "revokeApiToken": Scope.ADMIN,
    "logout": Scope.READ,  # ends one's own login session: the narrowest broad scope
    # Sharing rules decide who sees what across the tenant: administration, not a view.
    "createSharingRule": Scope.ORG_WRITE,
    "updateSharingRule": Scope.ORG_WRITE,
    "deleteSharingRule": Scope.ORG_WRITE,
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


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def field_name(field: StrawberryField) -> str:
    return field.graphql_name or _camel(field.python_name)


def required_scope(field: StrawberryField, subscription: bool = False) -> Scope | None:
    """The scope a Mutation or Subscription root field needs (None: an anonymous one)."""
    name = field_name(field)
    if name in ANONYMOUS:
        return None
    if name in OVERRIDES:
        return OVERRIDES[name]
    resolver = field.base_resolver
    module = resolver.wrapped_func.__module__ if resolver is not None else ""
    parts = module.split(".")
    if len(parts) < 4 or parts[:2] != ["workorder", "resolvers"] or parts[2] not in DOMAIN_SCOPES:
        raise TypeError(f"{name}: no scope for its resolver's module {module!r}")
    mutation_scope, subscription_scope = DOMAIN_SCOPES[parts[2]]
    return subscription_scope if subscription else mutation_scope


class RequiresScope(FieldExtension):
    """Refuses a caller whose token's scopes do not cover the mutation's, with FORBIDDEN
    naming the scope in the mutation's payload (the shape every refusal of a mutation
    has), before the resolver runs. What a scope covers is auth.scopes' rule.

    Anonymous callers pass through: the field's own authentication guard answers them.
    """

    def __init__(self, required: Scope) -> None:
        self.required = required
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
            require_scope(actor.scopes, self.required)
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


class HasScope(BasePermission):
    """A subscription's scope guard: refused before it starts, with FORBIDDEN naming the
    scope (the top-level error every refused subscription gets)."""

    error_extensions = FORBIDDEN

    def __init__(self, required: Scope) -> None:
        self.required = required
        self.message = refusal(required)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        actor = info.context.actor
        return actor is None or covers(actor.scopes, self.required)


def _guarded(field: StrawberryField) -> bool:
    if any(isinstance(e, RequiresScope) for e in field.extensions):
        return True
    return any(
        isinstance(e, PermissionExtension) and any(isinstance(p, HasScope) for p in e.permissions)
        for e in field.extensions
    )


def require_scopes(root: type[Any]) -> type[Any]:
    """Put the scope guard on every field of the Mutation or Subscription root (the one
    place scopes are checked; see `required_scope` for which).

    Innermost, so authentication is checked first. Idempotent (the fields are shared with
    the domain classes the root is made of).
    """
    definition = get_object_definition(root, strict=True)
    subscription = definition.name == "Subscription"
    names = {field_name(f) for f in definition.fields}
    if not subscription:
        unknown = (set(ANONYMOUS) | set(OVERRIDES)) - names
        if unknown:
            raise TypeError(f"ANONYMOUS/OVERRIDES name no mutation: {sorted(unknown)}")
    for field in definition.fields:
        required = required_scope(field, subscription)
        if required is None or _guarded(field):
            continue
        note = f"Token scope: `{required}`."
        if field.description and note not in field.description:
            # Said where a partner reads about the field (fields without a description are
            # left for the description-coverage test to find).
            field.description = f"{field.description} {note}"
        if subscription:
            field.extensions.append(
                PermissionExtension(permissions=[HasScope(required)], use_directives=False)
            )
        else:
            field.extensions.insert(0, RequiresScope(required))
    return root


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
