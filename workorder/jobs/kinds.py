"""The two shapes a kind of job takes, as the executor runs them.

A kind is domain code (a batch action, an export, an import, in `workorder.flows`); it meets
these protocols structurally, so the domain never imports the engine. The values the two
exchange — `JobEnv`, `Checked`, `Progress` — are the domain's (`flows.batch.jobs`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from workorder.auth.actor import Actor
from workorder.flows.batch.jobs import Checked, JobEnv, Progress
from workorder.models import Job


class ItemJobKind(Protocol):
    """A job of items that each change something (batch actions, import rows): each item
    is one transaction with the job's marker, so a resumed job applies nothing twice."""

    @property
    def item_key(self) -> str:
        """What an item is called in the job's errors ("ticketId", "row")."""

    def check(self, actor: Actor) -> None:
        """May this actor start (and keep running) it? Raises a FlowError if not."""

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        """Refuse parameters the job could not run with, before anything is stored."""

    async def select(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> list[int]:
        """The items, resolved once at the first start, in the order they are worked."""

    async def prepare(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Any:
        """Whatever every item needs, made once per run (the action, the parsed file);
        `params` carry the frozen item list too, under `flows.batch.jobs.SELECTION`."""

    async def run_item(self, actor: Actor, prepared: Any, item: int, env: JobEnv) -> None:
        """One item, inside the item's transaction; a FlowError is that item's failure."""


@runtime_checkable
class WholeJobKind(Protocol):
    """A job that changes nothing and produces one result (an export): run from the start
    again after a crash or a hand-back, which is safe because it has no side effects until
    its result is recorded, once, by the lease holder."""

    def check(self, actor: Actor) -> None: ...

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked: ...

    async def run(
        self,
        actor: Actor,
        job: Job,
        env: JobEnv,
        progress: Progress,
        stopping: Callable[[], bool],
    ) -> dict[str, Any] | None:
        """The job's result (merged into `Job.result`), or None when `stopping()` cut it off."""


JobKind = ItemJobKind | WholeJobKind
