"""Assigning waiting tickets by quota (工单分配 · 分配额度).

Step 1 picks the agents (by department, group, role or name: `quota_candidates`). Step 2
gives each a quota — typed in, or the total split evenly — out of what is left to assign:
the selected tickets minus those already claimed or assigned, i.e. the ones still PENDING
without an assignee. The quotas may leave some of it unassigned, never ask for more.

Each assignment is the single assign action (same rules, event and notification), in its own
transaction, at the version the ticket was seen at: a ticket someone claimed meanwhile is
left to its new owner.

The arithmetic (`even_split`, `plan_shares`, `pair`) is pure; the rest reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tortoise.expressions import Q

from workorder.auth.actor import Actor
from workorder.auth.directory import insight_of
from workorder.auth.hierarchy import descendant_departments
from workorder.auth.visibility import reach_of, visible_tickets
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.flows.batch.batch import BatchKind, Outcome, attempt, require_batch, selection
from workorder.flows.tickets.handling import assign_ticket
from workorder.flows.views.lists import ListSpec, matching
from workorder.models import Role, Status, Ticket, User

DEFAULT_CANDIDATES = 100
MAX_CANDIDATES = 500
NOT_WAITING = "Not waiting for an assignee: claimed, assigned or finished"


@dataclass(frozen=True, slots=True)
class Quota:
    """One agent's share as typed in; None is an empty box (nothing, or: split evenly)."""

    user_id: int
    amount: int | None = None


def even_split(total: int, agents: Sequence[int]) -> dict[int, int]:
    """`total` divided as evenly as possible; the remainder goes one each to the first
    agents by user id, so the same request always gives the same split."""
    ordered = sorted(set(agents))
    if total < 0:
        raise ValueError("total must not be negative")
    if not ordered:
        if total:
            raise ValueError("nobody to split among")
        return {}
    base, extra = divmod(total, len(ordered))
    return {agent: base + (1 if n < extra else 0) for n, agent in enumerate(ordered)}


def plan_shares(
    quotas: Sequence[Quota], *, split_evenly: bool, total: int | None, left: int
) -> dict[int, int]:
    """Check the quotas against what is left and return {agent: amount}, by user id.

    Typed: no amount below zero, their sum equal to `total` when one is given, and not
    above `left`. Even split: amounts left out; `total` (all that is left by default) must
    not exceed `left`.
    """
    if not quotas:
        raise invalid("Pick at least one agent", ["quotas"])
    agents = [q.user_id for q in quotas]
    if len(set(agents)) != len(agents):
        raise invalid("Each agent may appear once", ["quotas"])
    if total is not None and total < 0:
        raise invalid("The total cannot be negative", ["total"])
    if split_evenly:
        for n, quota in enumerate(quotas):
            if quota.amount is not None:
                raise invalid(
                    "Leave the amounts out when splitting evenly", ["quotas", str(n), "amount"]
                )
        wanted = left if total is None else total
        if wanted > left:
            raise invalid(f"Only {left} tickets are left to assign, not {wanted}", ["total"])
        return even_split(wanted, agents)
    amounts = {}
    for n, quota in enumerate(quotas):
        amount = quota.amount or 0
        if amount < 0:
            raise invalid("A quota cannot be negative", ["quotas", str(n), "amount"])
        amounts[quota.user_id] = amount
    given = sum(amounts.values())
    if total is not None and given != total:
        raise invalid(f"The quotas add up to {given}, not to the total {total}", ["quotas"])
    if given > left:
        raise invalid(
            f"The quotas add up to {given}, but only {left} tickets are left to assign",
            ["quotas"],
        )
    return dict(sorted(amounts.items()))


def pair(ticket_ids: Sequence[int], shares: Mapping[int, int]) -> list[tuple[int, int]]:
    """(ticket, agent) pairs: oldest tickets first, dealt round the agents (by user id) like
    cards, each agent until their share is full; what no share asks for stays out."""
    remaining = dict(sorted((a, n) for a, n in shares.items() if n > 0))
    tickets = iter(sorted(ticket_ids))
    pairs: list[tuple[int, int]] = []
    while remaining:
        for agent in list(remaining):
            ticket = next(tickets, None)
            if ticket is None:
                return pairs
            pairs.append((ticket, agent))
            remaining[agent] -= 1
            if not remaining[agent]:
                del remaining[agent]
    return pairs


async def quota_candidates(
    actor: Actor,
    *,
    department_id: int | None = None,
    group_id: int | None = None,
    role: Role | None = None,
    name: str | None = None,
    limit: int = DEFAULT_CANDIDATES,
) -> list[User]:
    """Active users of the tenant to give quotas to, by user id: in the department (or one
    below it), in the group, with the role, whose username or display name contains `name`;
    the conditions given all hold. The role only matches users whose roles the caller may
    read."""
    if not 1 <= limit <= MAX_CANDIDATES:
        raise invalid(f"first must be between 1 and {MAX_CANDIDATES}", ["first"])
    query = User.filter(tenant_id=actor.tenant_id, active=True)
    if department_id is not None:
        below = {department_id} | await descendant_departments(actor.tenant_id, department_id)
        query = query.filter(department_id__in=sorted(below))
    if group_id is not None:
        query = query.filter(member_of__id=group_id)
    if name is not None and name.strip():
        text = name.strip()
        query = query.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
    query = query.order_by("id")
    if role is None:
        return list(await query.limit(limit))
    # Roles are private (auth/directory.py): only users whose roles the caller sees match.
    query = query.filter((await insight_of(actor)).q())
    # Roles are a JSON list, which SQLite cannot filter on: sieve them here.
    return [u for u in await query if str(role) in u.roles][:limit]


@dataclass(slots=True)
class Share:
    user: User
    quota: int
    assigned: int = 0


@dataclass(slots=True)
class QuotaResult:
    selected: int  # tickets selected (ids you may see or not) or matching the filter
    available: int  # of them, still waiting for an assignee: what was left to assign
    shares: list[Share]
    # Every assignment tried, and each selected ticket that could not be taken.
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        return sum(s.assigned for s in self.shares)

    @property
    def unassigned(self) -> int:
        return self.available - self.assigned


def _plan(
    quotas: Sequence[Quota], split_evenly: bool, total: int | None, left: int, dry_run: bool
) -> dict[int, int]:
    """A dry run without agents only counts what is left; anything else needs a plan."""
    if dry_run and not quotas:
        return {}
    return plan_shares(quotas, split_evenly=split_evenly, total=total, left=left)


async def _agents(actor: Actor, quotas: Sequence[Quota]) -> dict[int, User]:
    found = {
        u.id: u
        for u in await User.filter(
            tenant_id=actor.tenant_id, id__in=[q.user_id for q in quotas], active=True
        )
    }
    for n, quota in enumerate(quotas):
        if quota.user_id not in found:
            raise not_found("User", ["quotas", str(n), "userId"])
    return found


async def _selected(
    actor: Actor, ticket_ids: Sequence[int], limit: int
) -> tuple[int, list[Ticket], list[Outcome]]:
    """How many were selected, those of them still waiting for an assignee, and an outcome
    for each that is not: NOT_FOUND when the caller may not see it, as if it did not exist."""
    chosen = selection(ticket_ids, limit)
    seen = {t.id: t for t in await (await visible_tickets(actor)).filter(id__in=chosen)}
    waiting: list[Ticket] = []
    untaken: list[Outcome] = []
    for pk in chosen:
        ticket = seen.get(pk)
        if ticket is None:
            untaken.append(Outcome(pk, error=not_found("Ticket", ["id"])))
        elif ticket.status != Status.PENDING or ticket.assignee_id is not None:
            error = FlowError(ErrorCode.WRONG_STATUS, NOT_WAITING)
            untaken.append(Outcome(pk, error=error))
        else:
            waiting.append(ticket)
    return len(chosen), waiting, untaken


async def assign_with_quota(
    actor: Actor,
    *,
    ticket_ids: Sequence[int] | None = None,
    spec: ListSpec | None = None,
    quotas: Sequence[Quota],
    split_evenly: bool = False,
    total: int | None = None,
    comment: str = "",
    limit: int,
    dry_run: bool = False,
) -> QuotaResult:
    """Distribute the waiting tickets among the selected ones (`ticket_ids`) or those
    matching a list `spec`, by quota. `dry_run` checks and plans, and assigns nothing."""
    require_batch(actor)
    if (ticket_ids is None) == (spec is None):
        raise invalid("Select tickets by ids or by a filter, one of the two", ["ids"])
    agents = await _agents(actor, quotas)
    outcomes: list[Outcome] = []
    waiting: list[Ticket]
    if ticket_ids is not None:
        selected, waiting, outcomes = await _selected(actor, ticket_ids, limit)
        available = len(waiting)
        shares = _plan(quotas, split_evenly, total, available, dry_run)
    else:
        assert spec is not None
        where = await matching(actor, await reach_of(actor), spec)
        pending = Ticket.filter(where, status=Status.PENDING, assignee_id=None)
        selected, available = await Ticket.filter(where).count(), await pending.count()
        shares = _plan(quotas, split_evenly, total, available, dry_run)
        planned = sum(shares.values())
        if planned > limit:
            raise invalid(
                f"{planned} tickets to assign; at most {limit} at once: "
                "use a filter-based batch job for more",
                ["total"],
            )
        waiting = list(await pending.order_by("id").limit(planned))
    result = QuotaResult(
        selected=selected,
        available=available,
        shares=[Share(agents[a], quota) for a, quota in shares.items()],
        outcomes=outcomes,
    )
    if dry_run:
        return result
    by_id = {t.id: t for t in waiting}
    share_of = {s.user.id: s for s in result.shares}
    for ticket_id, agent in pair(list(by_id), shares):
        ticket = by_id[ticket_id]
        outcome = await attempt(
            ticket_id,
            assign_ticket(
                actor,
                ticket_id,
                agent,
                expected_version=ticket.version,
                comment=comment,
            ),
        )
        if outcome.error is not None and outcome.error.code == ErrorCode.STALE:
            # Claimed (or changed) since it was counted: it is not ours to hand out now.
            outcome = Outcome(
                ticket_id, error=FlowError(ErrorCode.CONFLICT, "Someone else took it meanwhile")
            )
        if outcome.ok:
            share_of[agent].assigned += 1
        outcomes.append(outcome)
    return result


# --- assigning by quota as a job (startBatchJob ASSIGN with quotas) ------------------------
#
# The job freezes, at its first start, the matching tickets still waiting for an assignee:
# that is "what is left", counted when the job runs, not when it was asked for. The plan —
# which agent gets which ticket — is a pure function of that frozen list and the quotas, so
# a resumed job (or anyone reading its outcome) finds the very same plan again. A quota that
# what is left cannot fill is reported per agent (`AgentPlan.short`), never refused whole.


@dataclass(frozen=True, slots=True)
class AssignByQuota:
    """The ASSIGN job's arguments with quotas: (agent, amount) pairs, an even split, or one
    agent (`rest_user_id`) who takes what the typed quotas leave."""

    quotas: tuple[tuple[int, int | None], ...]
    split_evenly: bool = False
    total: int | None = None
    rest_user_id: int | None = None
    comment: str = ""

    @property
    def kind(self) -> BatchKind:
        return BatchKind.ASSIGN

    def wanted(self) -> list[Quota]:
        return [Quota(agent, amount) for agent, amount in self.quotas]

    def agents(self) -> list[int]:
        return [agent for agent, _ in self.quotas]

    def check(self) -> None:
        """What can be refused before the job runs: everything but what is left."""
        wanted = self.wanted()
        if self.rest_user_id is not None:
            if self.split_evenly:
                raise invalid("Give the rest to one agent or split evenly, not both", ["quotas"])
            if self.rest_user_id not in self.agents():
                raise invalid("The agent taking the rest must be one of the quotas", ["quotas"])
            for n, quota in enumerate(wanted):
                if quota.user_id == self.rest_user_id and quota.amount is not None:
                    raise invalid(
                        "Leave the amount out for the agent taking the rest",
                        ["quotas", str(n), "amount"],
                    )
        # The structural checks of the synchronous path, against a left that cannot bind.
        plan_shares(wanted, split_evenly=self.split_evenly, total=self.total, left=2**62)

    def asked(self, left: int) -> dict[int, int]:
        """Each agent's quota once `left` tickets are known to be waiting, by user id."""
        if self.split_evenly:
            return even_split(left if self.total is None else self.total, self.agents())
        asked = {agent: amount or 0 for agent, amount in self.quotas}
        if self.rest_user_id is not None:
            typed = sum(n for agent, n in asked.items() if agent != self.rest_user_id)
            asked[self.rest_user_id] = max(left - typed, 0)
        return dict(sorted(asked.items()))

    def to_take(self, waiting: Sequence[int]) -> list[int]:
        """Of the tickets waiting when the job first runs, those the quotas ask for: the
        oldest, as many as the quotas add up to (all of them at most)."""
        ordered = sorted(waiting)
        return ordered[: sum(self.asked(len(ordered)).values())]

    def plan(self, frozen: Sequence[int]) -> dict[int, int]:
        """{ticket: agent} over the frozen list (`to_take`'s answer): the same every time."""
        return dict(pair(frozen, self.asked(len(frozen))))


@dataclass(frozen=True, slots=True)
class AgentPlan:
    """One agent's part of an assignment job: asked for, dealt from what was left, done."""

    user_id: int
    quota: int
    dealt: int
    assigned: int

    @property
    def short(self) -> int:
        """How many the quota asked for beyond what was left when the job ran."""
        return max(self.quota - self.dealt, 0)


def agent_plans(
    action: AssignByQuota, frozen: Sequence[int], worked: int, failed: Sequence[int]
) -> list[AgentPlan]:
    """Per agent, for a job whose first `worked` items are through, `failed` among them."""
    plan = action.plan(frozen)
    through = set(frozen[:worked]) - set(failed)
    dealt: dict[int, int] = {}
    assigned: dict[int, int] = {}
    for ticket, agent in plan.items():
        dealt[agent] = dealt.get(agent, 0) + 1
        if ticket in through:
            assigned[agent] = assigned.get(agent, 0) + 1
    return [
        AgentPlan(agent, quota, dealt.get(agent, 0), assigned.get(agent, 0))
        for agent, quota in action.asked(len(frozen)).items()
    ]


async def check_agents(actor: Actor, action: AssignByQuota) -> None:
    """Every agent an active user of the tenant (NOT_FOUND on the quota naming one not)."""
    await _agents(actor, action.wanted())


async def assign_planned(
    actor: Actor, plan: Mapping[int, int], ticket_id: int, comment: str
) -> Ticket:
    """One ticket of the job to its planned agent, if it still waits for one: a ticket
    claimed or assigned since the job froze its list is left to its new holder."""
    ticket = await Ticket.filter(id=ticket_id, deleted_at=None).first()
    agent = plan.get(ticket_id)
    if ticket is None or agent is None:
        raise not_found("Ticket", ["id"])
    if ticket.status != Status.PENDING or ticket.assignee_id is not None:
        raise FlowError(ErrorCode.CONFLICT, "Someone else took it meanwhile")
    return await assign_ticket(
        actor, ticket_id, agent, expected_version=ticket.version, comment=comment
    )
