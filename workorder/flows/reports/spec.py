"""What a ticket report asks for (range, time basis, grouping, filter) and what it answers
(figures per row, and their totals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from workorder.models import Role


class TimeBasis(StrEnum):
    CREATED = "CREATED"
    DONE = "DONE"


class GroupBy(StrEnum):
    AGENT = "AGENT"
    GROUP = "GROUP"
    TEMPLATE = "TEMPLATE"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"

    @property
    def is_period(self) -> bool:
        return self in (GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH)


@dataclass(frozen=True)
class ReportFilter:
    role: Role | None = None
    agent_ids: tuple[int, ...] = ()
    template_ids: tuple[int, ...] = ()
    group_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReportSpec:
    start: datetime
    end: datetime
    basis: TimeBasis = TimeBasis.CREATED
    group_by: GroupBy = GroupBy.AGENT
    filter: ReportFilter = field(default_factory=ReportFilter)


@dataclass
class Figures:
    """One row's counts, and the sums behind its means (so totals weigh rows correctly)."""

    created: int = 0
    claimed: int = 0
    forwarded: int = 0
    returned: int = 0
    transferred: int = 0
    urged: int = 0
    done: int = 0
    open_at_end: int = 0
    first_response_sum: float = 0.0
    first_response_count: int = 0
    handling_sum: float = 0.0
    handling_count: int = 0
    survey_sum: float = 0.0
    survey_count: int = 0
    sla_tracked: int = 0  # tickets with a resolution target whose outcome is known at `to`
    sla_met: int = 0  # of them, done by their target

    @property
    def mean_first_response_seconds(self) -> float | None:
        return _mean(self.first_response_sum, self.first_response_count)

    @property
    def mean_handling_seconds(self) -> float | None:
        return _mean(self.handling_sum, self.handling_count)

    @property
    def mean_survey_score(self) -> float | None:
        return _mean(self.survey_sum, self.survey_count)

    @property
    def sla_attainment(self) -> float | None:
        """The share of tracked tickets that met their target (0 to 1)."""
        return _mean(self.sla_met, self.sla_tracked)

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 3) if count else None


@dataclass(frozen=True)
class ReportRow:
    """`key`: the agent, group or template id (None: the row without one), or the period's
    first day."""

    key: int | date | None
    figures: Figures


@dataclass(frozen=True)
class Report:
    spec: ReportSpec
    rows: list[ReportRow]
    totals: Figures
