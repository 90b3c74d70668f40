"""Terms written for the connection's SQL dialect, resolved when Tortoise builds the query.

Tortoise picks the dialect only at query time (the same code runs on SQLite and PostgreSQL),
so a term that differs between them is an `Expression` that asks the connection which one
it talks to and builds its pypika term then.
"""

from __future__ import annotations

from collections.abc import Callable

from pypika_tortoise.functions import Cast
from pypika_tortoise.terms import Field, Term
from tortoise.expressions import Expression, ResolveContext, ResolveResult

Column = Callable[[str], Field]  # a model field name → its column in the query


class Dialected(Expression):
    """A term over the queried model's columns, written for the connection's dialect."""

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        dialect = resolve_context.model._meta.db.capabilities.dialect
        projection = resolve_context.model._meta.fields_db_projection

        def column(name: str) -> Field:
            return resolve_context.table[projection[name]]

        return ResolveResult(term=self.build(column, dialect))

    def build(self, column: Column, dialect: str) -> Term:
        raise NotImplementedError


class AsText(Dialected):
    """A column as text (a JSON column's document, e.g. '["AGENT", "SUPERVISOR"]')."""

    def __init__(self, name: str) -> None:
        self.name = name

    def build(self, column: Column, dialect: str) -> Term:
        return Cast(column(self.name), "TEXT")
