"""What an operation costs, and the budget it is spent from: refused before it runs when it
costs too much or the caller's budget is out (429 with Retry-After and RateLimit-* headers),
on HTTP and over the WebSocket, with `extensions.cost` in every answer."""

from __future__ import annotations

from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError
from graphql import GraphQLSchema, parse
from starlette.applications import Starlette

from tests import services
from tests.flows.live.test_streams import live, request
from tests.support import OrgBuilder, app_with
from workorder.media import GRAPHQL_RESPONSE
from workorder.resolvers.root import build_schema
from workorder.schema.cost import operation_cost
from workorder.server import create_app
from workorder.settings import Settings

TICKETS = "{ tickets(first: 50) { edges { node { id title } } } }"  # 1 + 50 * (1 + 1 + 2)
ME = "{ me { id username } }"  # 1 + 2


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema


@pytest.mark.parametrize(
    ("document", "variables", "cost"),
    [
        (ME, None, 3),
        (TICKETS, None, 201),
        ("{ __typename me { __typename id } }", None, 2),
        # A page size given as a variable counts with the value sent, else its default.
        ("query($n: Int) { tickets(first: $n) { edges { node { id } } } }", {"n": 5}, 16),
        ("query($n: Int = 7) { tickets(first: $n) { edges { node { id } } } }", {}, 22),
        # A connection without `first` gives its default page (20).
        ("{ tickets { edges { node { id } } } }", None, 61),
        # Fragments count where they are spread.
        (
            "{ tickets(first: 2) { edges { node { ...T } } } } fragment T on Ticket { id title }",
            None,
            9,
        ),
        ('{ node(id: "x") { ... on Ticket { id title } } }', None, 3),
        # Pages in pages multiply.
        (
            "{ tickets(first: 10) { edges { node { timeline(first: 10) { edges { node { id } } }"
            " } } } }",
            None,
            1 + 10 * (1 + 1 + (1 + 10 * 3)),
        ),
    ],
    ids=[
        "plain",
        "page",
        "typename",
        "variable",
        "default",
        "connection",
        "fragment",
        "inline",
        "nested",
    ],
)
def test_the_cost_of_a_document(
    schema: GraphQLSchema, document: str, variables: dict[str, Any] | None, cost: int
) -> None:
    assert operation_cost(schema, parse(document), None, variables) == cost


async def test_every_answer_says_what_it_cost(api: Any, org: OrgBuilder) -> None:
    body = await api.raw(TICKETS, token=await org.token())
    assert body["extensions"]["cost"] == {"requested": 201}


async def test_an_operation_over_the_most_one_may_cost_is_refused_and_changes_nothing(
    app: Starlette, settings: Settings, org: OrgBuilder
) -> None:
    headers = {"authorization": f"Bearer {await org.token()}"}
    create = 'mutation { createGroup(input: {name: "Night shift"}) { group { id name } } }'
    async with app_with(app, settings.model_copy(update={"max_query_cost": 3})) as http:
        refused = await http.post("/graphql", json={"query": create}, headers=headers)
        body = refused.json()
        assert body["data"] is None
        error = body["errors"][0]
        assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 4}
        assert "costs 4; at most 3" in error["message"]
        within = await http.post("/graphql", json={"query": ME}, headers=headers)
        assert within.json()["data"]["me"]["username"] == "admin"
    groups = await org.as_admin("{ groups { edges { node { name } } } }")
    assert groups["groups"]["edges"] == []


async def test_a_spent_budget_is_a_429_with_retry_after_and_ratelimit_headers(
    app: Starlette, settings: Settings, org: OrgBuilder
) -> None:
    budget = settings.model_copy(update={"rate_limit_points": 450})
    agent = await org.user("agent")
    admin = {"authorization": f"Bearer {await org.token()}"}
    async with app_with(app, budget) as http:
        first = await http.post("/graphql", json={"query": TICKETS}, headers=admin)
        assert first.status_code == 200
        assert first.headers["RateLimit-Limit"] == "450"
        assert first.headers["RateLimit-Remaining"] == "249"
        assert first.headers["RateLimit-Policy"] == "450;w=60"
        cost = first.json()["extensions"]["cost"]
        assert cost["requested"] == 201 and cost["remaining"] == 249 and cost["limit"] == 450
        assert (await http.post("/graphql", json={"query": TICKETS}, headers=admin)).is_success
        out = await http.post(
            "/graphql", json={"query": TICKETS}, headers=admin | {"accept": GRAPHQL_RESPONSE}
        )
        assert out.status_code == 429
        assert int(out.headers["Retry-After"]) >= 1
        assert out.headers["RateLimit-Remaining"] == "48"
        error = out.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["cost"] == 201
        assert "costs 201 and 48 of 450 points are left" in error["message"]
        assert "data" not in out.json()
        # What is left still buys a cheaper question; another caller has a budget of its own.
        assert (await http.post("/graphql", json={"query": ME}, headers=admin)).is_success
        other = {"authorization": f"Bearer {await org.token(agent.username)}"}
        assert (await http.post("/graphql", json={"query": TICKETS}, headers=other)).is_success


async def test_the_budget_holds_over_the_websocket(
    app: Starlette, settings: Settings, org: OrgBuilder
) -> None:
    served = create_app(settings.model_copy(update={"rate_limit_points": 300}))
    served.state.broker = app.state.broker
    async with services.serving(served) as url, live(url, await org.token()) as session:
        await session.execute(request(TICKETS))
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(request(TICKETS))
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "RATE_LIMITED"


async def test_every_process_spends_from_one_budget_through_redis(
    app: Starlette, settings: Settings, org: OrgBuilder
) -> None:
    if settings.redis_url is None:
        pytest.skip("needs the full backend set (WORKORDER_TEST_BACKEND=full)")
    budget = settings.model_copy(update={"rate_limit_points": 300})
    headers = {"authorization": f"Bearer {await org.token()}"}
    async with app_with(app, budget) as one, app_with(app, budget) as two:
        assert (await one.post("/graphql", json={"query": TICKETS}, headers=headers)).is_success
        second = await two.post("/graphql", json={"query": TICKETS}, headers=headers)
    assert second.status_code == 429
