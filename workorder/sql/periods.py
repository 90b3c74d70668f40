"""Time terms for grouped reports: the calendar period a timestamp falls in, and the seconds
between two timestamps — SQLite `date(…)` modifiers and `julianday` differences, PostgreSQL
`date_trunc` and `EXTRACT(EPOCH …)`.
"""

from __future__ import annotations

from enum import StrEnum

from pypika_tortoise.functions import Cast, Extract
from pypika_tortoise.terms import AtTimezone, Function, LiteralValue, Term

from workorder.sql.dialect import Column, Dialected


class Period(StrEnum):
    """A UTC calendar period; weeks are ISO weeks, from Monday."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


# SQLite date() modifiers and PostgreSQL date_trunc units, per period.
_SQLITE_PERIOD = {
    Period.DAY: (),
    Period.WEEK: ("'weekday 0'", "'-6 days'"),  # the Sunday ending the week, back to Monday
    Period.MONTH: ("'start of month'",),
}
_POSTGRES_PERIOD = {Period.DAY: "'day'", Period.WEEK: "'week'", Period.MONTH: "'month'"}


class Seconds(Dialected):
    """`later - earlier` in seconds (null when either is null)."""

    def __init__(self, later: str, earlier: str = "created_at") -> None:
        self.later, self.earlier = later, earlier

    def build(self, column: Column, dialect: str) -> Term:
        later, earlier = column(self.later), column(self.earlier)
        if dialect == "postgres":
            return Extract(LiteralValue("EPOCH"), later - earlier)
        return (Function("julianday", later) - Function("julianday", earlier)) * 86400


class PeriodStart(Dialected):
    """The first day (UTC) of the period holding a timestamp column, as a date."""

    def __init__(self, column: str, period: Period) -> None:
        self.column, self.period = column, Period(period)

    def build(self, column: Column, dialect: str) -> Term:
        moment = column(self.column)
        if dialect == "postgres":
            unit = LiteralValue(_POSTGRES_PERIOD[self.period])
            return Cast(Function("date_trunc", unit, AtTimezone(moment, "UTC")), "DATE")
        modifiers = [LiteralValue(m) for m in _SQLITE_PERIOD[self.period]]
        return Function("date", moment, *modifiers)
