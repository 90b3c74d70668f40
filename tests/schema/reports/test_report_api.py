"""ticketReport over GraphQL: arguments, row keys as objects, totals, scope and errors.
The figures themselves are worked out in tests/flows/reports/test_reports.py, on the same org."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.reports.test_reports import ReportOrg, build_report_org, with_targets
from tests.support import OrgBuilder, gid

REPORT = """
query($from: DateTime!, $to: DateTime!, $basis: ReportTimeBasis, $by: ReportGroupBy,
      $filter: TicketReportFilterInput) {
  ticketReport(from: $from, to: $to, timeBasis: $basis, groupBy: $by, filter: $filter) {
    from to timeBasis groupBy
    rows {
      agent { username } group { name } template { name } period
      created claimed forwarded returned transferred urged done openAtEnd
      meanFirstResponseSeconds meanHandlingSeconds meanSurveyScore
      slaTracked slaMet slaAttainment
    }
    totals {
      agent { username } group { name } template { name } period
      created claimed forwarded returned transferred urged done openAtEnd
      meanFirstResponseSeconds meanHandlingSeconds meanSurveyScore
      slaTracked slaMet slaAttainment
    }
  }
}"""

MARCH = {"from": "2025-03-01T00:00:00+00:00", "to": "2025-04-01T00:00:00Z"}
COUNTS = (
    "created",
    "claimed",
    "forwarded",
    "returned",
    "transferred",
    "urged",
    "done",
    "openAtEnd",
)
MEANS = ("meanFirstResponseSeconds", "meanHandlingSeconds", "meanSurveyScore")


@pytest.fixture
async def world(org: OrgBuilder) -> ReportOrg:
    return await build_report_org(org)


async def report(world: ReportOrg, who: str, **variables: Any) -> dict[str, Any]:
    token = await world.org.token(who)
    data = await world.org.api.ok(REPORT, {**MARCH, **variables}, token)
    found: dict[str, Any] = data["ticketReport"]
    return found


def figures(row: dict[str, Any]) -> str:
    return " ".join(str(row[name]) for name in COUNTS)


def means(row: dict[str, Any]) -> tuple[float | None, ...]:
    return tuple(row[name] for name in MEANS)


async def test_by_agent(world: ReportOrg):
    found = await report(world, "admin")
    assert (found["from"], found["to"]) == (
        "2025-03-01T00:00:00+00:00",
        "2025-04-01T00:00:00+00:00",
    )
    assert (found["timeBasis"], found["groupBy"]) == ("CREATED", "AGENT")
    rows = {(r["agent"] or {}).get("username"): r for r in found["rows"]}
    assert list(rows) == ["sam", "ann", "bob", "fay", "cal", None]
    assert figures(rows["ann"]) == "2 2 1 0 0 0 2 1"  # T9 is hers, but bob created it
    assert figures(rows["bob"]) == "1 1 0 1 1 0 0 0"
    assert means(rows["ann"]) == (1200.0, 129600.0, 5.0)
    assert figures(rows[None]) == "0 0 0 0 0 0 0 1"
    assert all(r["group"] is None and r["template"] is None for r in found["rows"])
    totals = found["totals"]
    assert (totals["agent"], totals["group"], totals["template"], totals["period"]) == (
        None,
        None,
        None,
        None,
    )
    assert figures(totals) == "5 3 2 1 2 2 2 4"
    assert means(totals) == (1800.0, 129600.0, 4.5)


async def test_by_group_template_and_period(world: ReportOrg):
    by_group = await report(world, "admin", by="GROUP", basis="DONE")
    # DONE basis: T1, T3, T9 (Sales); Finance still has a backlog and actions.
    assert [(r["group"]["name"], r["done"]) for r in by_group["rows"]] == [
        ("Sales", 3),
        ("Finance", 0),
    ]
    by_template = await report(world, "admin", by="TEMPLATE")
    assert [(r["template"]["name"], r["created"]) for r in by_template["rows"]] == [
        ("Order", 4),
        ("Returns", 1),
    ]
    by_day = await report(
        world, "admin", by="DAY", **{"from": "2025-03-03T00:00:00Z", "to": "2025-03-06T00:00:00Z"}
    )
    assert [(r["period"], figures(r)) for r in by_day["rows"]] == [
        ("2025-03-03", "2 2 0 0 0 0 1 4"),
        ("2025-03-04", "0 0 1 0 0 0 0 4"),
        ("2025-03-05", "0 0 0 0 0 1 0 3"),
    ]
    assert by_day["totals"]["period"] is None


async def test_filter(world: ReportOrg):
    found = await report(
        world,
        "admin",
        by="GROUP",
        filter={"agentIds": [gid("User", world.users["ann"].id)], "role": "AGENT"},
    )
    assert [(r["group"]["name"], figures(r)) for r in found["rows"]] == [
        ("Sales", "2 2 1 0 0 0 2 1")  # created: by ann (T9 is hers, but bob created it)
    ]
    nobody = await report(world, "admin", filter={"role": "SUPERVISOR", "templateIds": []})
    assert [r["agent"]["username"] for r in nobody["rows"]] == ["sam", "fay"]


async def test_scope_narrows(world: ReportOrg):
    ann = await report(world, "ann")
    assert [r["agent"]["username"] for r in ann["rows"]] == ["ann"]
    fay = await report(world, "fay", by="GROUP")
    assert [(r["group"]["name"], figures(r)) for r in fay["rows"]] == [
        ("Finance", "1 0 1 0 1 0 0 2")
    ]
    other = await OrgBuilder.create(world.org.api, "globex")
    token = await other.token()
    data = await other.api.ok(REPORT, MARCH, token)
    assert data["ticketReport"]["rows"] == []
    assert figures(data["ticketReport"]["totals"]) == "0 0 0 0 0 0 0 0"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"to": "2025-02-01T00:00:00Z"}, "The range ends before it starts"),
        ({"by": "DAY", "to": "2026-03-03T00:00:00Z"}, "at most 366 days"),
    ],
)
async def test_bad_ranges_are_invalid(world: ReportOrg, variables: dict[str, Any], message: str):
    body = await world.org.api.raw(REPORT, {**MARCH, **variables}, await world.org.token("admin"))
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"] == {"code": "INVALID", "field": ["to"]}
    assert message in error["message"]


async def test_anonymous_is_unauthenticated(api):
    body = await api.raw(REPORT, MARCH)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_sla_attainment_by_template(world: ReportOrg):
    await with_targets(world)
    found = await report(world, "admin", by="TEMPLATE")
    sla = ("slaTracked", "slaMet", "slaAttainment")
    rows = [(r["template"]["name"], *(r[k] for k in sla)) for r in found["rows"]]
    assert rows == [("Order", 3, 1, 0.333), ("Returns", 1, 0, 0.0)]
    assert [found["totals"][k] for k in sla] == [4, 1, 0.25]
