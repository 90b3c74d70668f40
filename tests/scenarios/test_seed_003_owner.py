"""Seed 003, 2.2.2 更改负责人 (change of the person in charge), told through the API.

Ann's order waits at Finance with Cal. Cal hands it to a colleague; Tia, whom Cal reports
to, hands it on too; Bob, on the ticket's team with write access, does it for them; Dan, on
the team to read only, may not. A deactivated colleague or one of another company cannot
take it, and nothing changes. A supervisor with the batch grant changes the owner of
selected tickets, and of every ticket of a view as a job, each ticket under the same rule.
"""

from typing import Any

from tests.flows.batch.test_batch import granted
from tests.jobs.test_executor import claimed, pause_runner
from tests.scenarios.test_seed_004_transfer import admin
from tests.scenarios.test_ticket_actions import act, at_finance, refused, see, user_id
from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.auth.permissions import Permission
from workorder.jobs import executor
from workorder.jobs.registry import JobKinds
from workorder.models import Job
from workorder.schema.node import pk_of

HOLDER = "status assignee { username }"


async def holder(shop: Shop, tid: str) -> str:
    found = await see(shop, "admin", tid, HOLDER)
    assert found is not None
    name: str = found["assignee"]["username"]
    return name


async def hand_over(shop: Shop, user: str, tid: str, to: str) -> dict[str, Any]:
    return await act(shop, user, "changeTicketOwner", id=tid, userId=user_id(shop, to))


async def tia_leads_cal(shop: Shop) -> None:
    """Tia, a plain agent in no group, is Cal's superior in the reporting line."""
    shop.users["tia"] = await shop.org.user("tia")
    await admin(
        shop, "setUserSuperior", userId=user_id(shop, "cal"), superiorId=user_id(shop, "tia")
    )


async def test_the_person_in_charge_hands_over_to_a_colleague(shop: Shop):
    tid = await at_finance(shop)
    ticket = await hand_over(shop, "cal", tid, "max")
    assert (ticket["status"], ticket["assignee"]["username"]) == ("IN_PROGRESS", "max")
    # Cal is not in charge any more: handing it on again is Max's (or those above him).
    error = await refused(shop, "cal", "changeTicketOwner", id=tid, userId=user_id(shop, "cal"))
    assert error["code"] in ("FORBIDDEN", "NOT_FOUND")
    await hand_over(shop, "max", tid, "cal")
    assert await holder(shop, tid) == "cal"


async def test_her_superior_hands_the_ticket_on(shop: Shop):
    tid = await at_finance(shop)
    await tia_leads_cal(shop)
    await hand_over(shop, "tia", tid, "max")
    assert await holder(shop, tid) == "max"
    # Max does not report to Tia: the ticket is out of her line now.
    error = await refused(shop, "tia", "changeTicketOwner", id=tid, userId=user_id(shop, "cal"))
    assert error["code"] in ("FORBIDDEN", "NOT_FOUND")


async def test_a_write_team_member_may_and_a_read_one_may_not(shop: Shop):
    tid = await at_finance(shop)
    await act(
        shop, "cal", "addTicketTeamMember", id=tid, userId=user_id(shop, "bob"), access="READ_WRITE"
    )
    await act(shop, "cal", "addTicketTeamMember", id=tid, userId=user_id(shop, "dan"))
    error = await refused(shop, "dan", "changeTicketOwner", id=tid, userId=user_id(shop, "max"))
    assert error["code"] == "FORBIDDEN"
    offered = await see(shop, "dan", tid, "availableActions { action }")
    assert offered is not None
    assert "CHANGE_OWNER" not in {a["action"] for a in offered["availableActions"]}
    await hand_over(shop, "bob", tid, "max")
    assert await holder(shop, tid) == "max"


async def test_a_deactivated_or_foreign_target_is_refused_and_nothing_changes(shop: Shop, api: Any):
    tid = await at_finance(shop)
    await admin(shop, "updateUser", id=user_id(shop, "max"), active=False)
    gone = await refused(shop, "cal", "changeTicketOwner", id=tid, userId=user_id(shop, "max"))
    assert (gone["code"], gone["field"]) == ("INVALID", ["userId"])
    assert "deactivated" in gone["message"]
    other = await OrgBuilder.create(api, "elsewhere")
    stranger = await other.user("zed")
    foreign = await refused(
        shop, "cal", "changeTicketOwner", id=tid, userId=gid("User", stranger.id)
    )
    assert (foreign["code"], foreign["field"]) == ("NOT_FOUND", ["userId"])
    assert await holder(shop, tid) == "cal"


BATCH = """mutation($input: BatchChangeTicketOwnerInput!) { batchChangeTicketOwner(input: $input) {
  succeeded failed results { id ok error { code } ticket { assignee { username } } }
  errors { code } } }"""


async def test_batch_change_of_owner_by_ids_is_per_ticket(shop: Shop):
    mine = await at_finance(shop)
    theirs = await at_finance(shop)
    await hand_over(shop, "cal", theirs, "walt")  # Walt's now: not Cal's to hand on
    await granted(shop, "cal", Permission.TICKET_BATCH)
    data = await shop.gql(
        "cal", BATCH, {"input": {"ids": [mine, theirs], "userId": user_id(shop, "max")}}
    )
    payload = data["batchChangeTicketOwner"]
    assert (payload["succeeded"], payload["failed"], payload["errors"]) == (1, 1, [])
    by_id = {r["id"]: r for r in payload["results"]}
    assert by_id[mine]["ticket"]["assignee"]["username"] == "max"
    assert by_id[theirs]["ok"] is False
    assert by_id[theirs]["error"]["code"] in ("FORBIDDEN", "NOT_FOUND")
    assert (await holder(shop, mine), await holder(shop, theirs)) == ("max", "walt")


JOB = """mutation($input: StartBatchJobInput!) { startBatchJob(input: $input) {
  job { id type total } errors { code message field } } }"""
OUTCOME = """query($id: ID!) { job(id: $id) { status type
  outcome { ... on BatchJobResult { succeeded failed perAgent { quota } } }
  failures { edges { node { code ticket { id } } } } } }"""


async def test_change_of_owner_over_a_view_runs_as_a_job(
    shop: Shop, app: Any, kinds: JobKinds, monkeypatch: Any
):
    pause_runner(app, monkeypatch)
    await tia_leads_cal(shop)
    first, second = await at_finance(shop), await at_finance(shop)
    await act(shop, "cal", "addTicketTeamMember", id=second, userId=user_id(shop, "tia"))
    await hand_over(shop, "cal", second, "fay")  # Fay does not report to Tia
    await granted(shop, "tia", Permission.TICKET_BATCH)
    started = await shop.gql(
        "tia",
        JOB,
        {"input": {"action": "CHANGE_OWNER", "view": "ALL", "userId": user_id(shop, "max")}},
    )
    assert started["startBatchJob"]["errors"] == []
    job = started["startBatchJob"]["job"]
    assert job["type"] == "BATCH_CHANGE_OWNER"
    stored = await Job.get(id=pk_of(job["id"], "Job"))
    await executor.execute(await claimed(stored), "test-runner", kinds=kinds)
    done = (await shop.gql("tia", OUTCOME, {"id": job["id"]}))["job"]
    assert done["status"] == "DONE"
    assert done["outcome"] == {"succeeded": 1, "failed": 1, "perAgent": None}
    failures = [e["node"] for e in done["failures"]["edges"]]
    assert [(f["code"], f["ticket"]["id"]) for f in failures] == [("FORBIDDEN", second)]
    assert (await holder(shop, first), await holder(shop, second)) == ("max", "fay")
