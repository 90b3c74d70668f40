"""Broker channel names, built here and nowhere else."""

from __future__ import annotations


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def ticket_channel(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def group_channel(group_id: int) -> str:
    return f"group:{group_id}"


def job_channel(job_id: int) -> str:
    return f"job:{job_id}"


def credentials_channel(user_id: int) -> str:
    """Every open stream of the user listens here, whatever else it follows: a credential
    that ended (logout, a revoked session or API token, a deactivated user) is told here."""
    return f"credentials:{user_id}"


def tenant_tickets_channel(tenant_id: int) -> str:
    """Every ticket change of the tenant, for live lists and their counts."""
    return f"tickets:{tenant_id}"


def reach_channel(tenant_id: int) -> str:
    """Changes to who reaches what in the tenant: the live reaches kept in memory go."""
    return f"reach:{tenant_id}"


# Every broker listens here: a resync published on it makes every process's subscribers
# catch up from the database (after pushes were dropped anywhere).
RESYNC_CHANNEL = "broker:resync"


def presence_channel(ticket_id: int) -> str:
    """Who has the ticket open: every process with a viewer of it listens here (see
    `workorder.flows.live.presence`)."""
    return f"presence:{ticket_id}"
