"""A field the ticket's current step hides stays hidden on every path.

The story: Ann (Sales) files a vetting request whose intake shows every field; at Finance's
review step only `public` and `memo` show, at the archive only `public`. Fin, a Finance agent
who may export, claims it; the admin edits `public` and urges it; live, Fin then forwards it
to the archive with a memo, which the archive hides. Every query root and every subscription
of the schema is walked with a selection generated from the schema itself (every field of
every type to a depth, tests/schema_walk.py), then `node` with every id the admin's sweep
found; Fin's answers must carry none of the hidden values, files or their ids, while the
admin's same sweep finds every one of them (so the walk does reach them). Downloads, filters
and the export are checked beside it.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import GraphQLArgument, GraphQLEnumType, GraphQLSchema, get_nullable_type

from tests.flows.live.test_streams import live, request
from tests.schema.batch.test_export_api import fetch, finished
from tests.schema_walk import Node, Walker, queries, split
from tests.shop import Shop
from tests.support import gid
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets import handling, moves, notes
from workorder.flows.tickets.attachments import store_upload
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.models import Role, Template, Ticket, User
from workorder.resolvers.root import build_schema
from workorder.settings import Settings
from workorder.storage import LocalStorage

SECRET = "HIDDENV"  # every hidden text value and the hidden file's name carry it
SCORE = 987654321  # the hidden NUMBER
SHOWN = "shown-value"


@dataclass
class Vetting:
    template: Template
    ticket: Ticket
    hidden_file: str  # global id of the file only the hidden field names
    hidden_sha: str
    note_file: str  # global id of a file a note carries (never hidden)

    @property
    def markers(self) -> list[str]:
        return [SECRET, str(SCORE), self.hidden_file, self.hidden_sha]


async def _upload(actor: Any, store: LocalStorage, name: str, data: bytes) -> Any:
    async def chunks() -> AsyncIterator[bytes]:
        yield data

    return await store_upload(actor, name, "application/pdf", chunks(), store, 1 << 20)


@pytest.fixture
async def vetting(shop: Shop, file_store: LocalStorage, app: Any) -> Vetting:
    org, g = shop.org, shop.groups
    fin: User = await org.user("fin", Role.AGENT, permissions=["ticket.export"])
    await g["Finance"].members.add(fin)
    shop.users["fin"] = fin
    template = await create_template(
        org.admin_actor,
        {
            "name": "Vetting",
            "fields": [
                {"key": "public", "label": "Public", "type": "TEXT", "position": 0},
                {"key": "secret", "label": "Secret", "type": "TEXT", "position": 1},
                {"key": "score", "label": "Score", "type": "NUMBER", "position": 2},
                {"key": "dossier", "label": "Dossier", "type": "ATTACHMENT", "position": 3},
                {"key": "memo", "label": "Memo", "type": "TEXT", "position": 4},
            ],
            "steps": [
                {"key": "intake", "name": "Intake", "group_id": g["Sales"].id, "position": 0},
                {
                    "key": "review",
                    "name": "Review",
                    "group_id": g["Finance"].id,
                    "position": 1,
                    "visible_fields": ["public", "memo"],
                },
                {
                    "key": "archive",
                    "name": "Archive",
                    "group_id": g["Logistics"].id,
                    "position": 2,
                    "visible_fields": ["public"],
                },
            ],
        },
    )
    ann, bus = shop.actor("ann"), app.state.broker
    dossier = await _upload(ann, file_store, f"dossier-{SECRET}.pdf", f"{SECRET} bytes".encode())
    note_file = await _upload(ann, file_store, "note.pdf", b"a note's file")
    ticket = await create_ticket(
        ann,
        NewTicket(
            template_id=template.id,
            title="Vetting V-1",
            fields={
                "public": SHOWN,
                "secret": f"{SECRET}-first",
                "score": SCORE,
                "dossier": [gid("Attachment", dossier.id)],
            },
        ),
    )
    with bind_bus(bus):
        await handling.save_ticket(ann, ticket.id, fields={"secret": f"{SECRET}-second"})
        await notes.note_ticket(ann, ticket.id, "see the file", [note_file.id])
        await moves.forward_ticket(ann, ticket.id)
    await shop.gql(
        "fin",
        "mutation($id: ID!) { claimTicket(input: {id: $id}) { errors { code } } }",
        {"id": gid("Ticket", ticket.id)},
    )
    return Vetting(
        template=template,
        ticket=await Ticket.get(id=ticket.id),
        hidden_file=gid("Attachment", dossier.id),
        hidden_sha=dossier.sha256,
        note_file=gid("Attachment", note_file.id),
    )


async def _admin_edits_and_urges(shop: Shop, vetting: Vetting, round: int = 1) -> None:
    """Changes that reach Fin live: a SAVED event with a shown change, and an urge (a URGED
    event, and a notification for Fin, who holds the ticket)."""
    tid = gid("Ticket", vetting.ticket.id)
    saved = await shop.gql(
        "admin",
        """mutation($id: ID!, $f: JSON!) { saveTicket(input: {id: $id, fields: $f}) {
        errors { code message } } }""",
        {"id": tid, "f": {"public": f"shown-later{round}"}},
    )
    assert saved["saveTicket"]["errors"] == []
    urged = await shop.gql(
        "admin",
        "mutation($id: ID!) { urgeTicket(input: {id: $id}) { errors { code } } }",
        {"id": tid},
    )
    assert urged["urgeTicket"]["errors"] == []


def _schema() -> GraphQLSchema:
    return build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema


def _recipe(vetting: Vetting, shop: Shop) -> Any:
    """How to fill an argument the schema says is required: ids by the name of the root
    field or of the argument (`ticket(id:)` → the ticket, `templateId` → the template)."""
    ids = {
        "ticket": gid("Ticket", vetting.ticket.id),
        "node": gid("Ticket", vetting.ticket.id),
        "ticketChanged": gid("Ticket", vetting.ticket.id),
        "template": gid("Template", vetting.template.id),
        "templateVersion": gid("TemplateVersion", vetting.ticket.template_version_id),
        "group": gid("Group", shop.groups["Finance"].id),
        "job": None,  # set once the export has run
    }

    def recipe(owner: str, name: str, arg_name: str, arg: GraphQLArgument) -> Any:
        wanted = str(arg.type)
        if wanted == "DateTime!":
            return datetime(2000, 1, 1, tzinfo=UTC) if arg_name == "from" else datetime.now(UTC)
        if wanted == "ID!":
            key = arg_name[:-2] if arg_name.endswith("Id") else name
            found = ids.get(key) or ids.get(name)
            # Anything else (a dictionary…) holds no ticket here: its first row, if any.
            return found or gid(key[0].upper() + key[1:], 1)
        named = get_nullable_type(arg.type)
        if isinstance(named, GraphQLEnumType):  # any value: it names no ticket
            return next(iter(named.values.values())).value
        if wanted == "String!":  # text to render (a mail template's preview): no ticket
            return "x"
        raise KeyError(arg_name)

    recipe.ids = ids  # type: ignore[attr-defined]
    return recipe


def _ids_in(value: Any) -> Iterator[str]:
    """Every global id in an answer (the values of `id` keys)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "id" and isinstance(inner, str):
                yield inner
            else:
                yield from _ids_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _ids_in(inner)


def _type_of(global_id: str) -> str | None:
    try:
        return base64.b64decode(global_id).decode().split(":")[0]
    except (ValueError, UnicodeDecodeError):
        return None


async def _sweep(shop: Shop, username: str, walker: Walker, schema: GraphQLSchema) -> str:
    """Every query root with everything under it, as one caller: all answers as text."""
    token = await shop.token(username)
    answers = []
    assert schema.query_type is not None
    for _, document in queries(walker, schema.query_type, "query"):
        answers.append(await shop.org.api.raw(document, token=token))
    ids = sorted({i for a in answers for i in _ids_in(a)})
    for global_id in ids:  # node(id:) for everything the sweep met, with all of its type
        type_name = _type_of(global_id)
        named = schema.get_type(type_name) if type_name else None
        if named is None:
            continue
        # The node's own fields and one level below: deeper, the root sweep has been.
        near = Walker(schema, walker.recipe, depth=3)
        selection = near.selection(named, ("Query",))
        top = Node(f"node(id: {json.dumps(global_id)})", [Node(f"... on {type_name}", selection)])
        for part in split(top, 3000):
            answers.append(await shop.org.api.raw(f"query {{ {part.render()} }}", token=token))
    return json.dumps(answers)


async def _export(shop: Shop, username: str) -> tuple[str, str]:
    """Fin's export of every ticket (CSV, every record sheet): job id and the files' text."""
    started = await shop.gql(
        username,
        """mutation { startExport(input: {format: CSV}) { job { id } errors { code message } } }""",
    )
    assert started["startExport"]["errors"] == [], started
    job_id = started["startExport"]["job"]["id"]
    job = await finished(shop, username, job_id)
    assert job["status"] == "DONE", job
    response = await fetch(shop, job["file"]["downloadUrl"], await shop.token(username))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "\n".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    return job_id, text


async def test_no_path_shows_a_field_the_step_hides(shop: Shop, vetting: Vetting):
    await _admin_edits_and_urges(shop, vetting)
    schema = _schema()
    recipe = _recipe(vetting, shop)
    job_id, exported = await _export(shop, "fin")
    recipe.ids["job"] = recipe.ids["jobProgress"] = job_id
    walker = Walker(schema, recipe)

    seen_by_fin = await _sweep(shop, "fin", walker, schema)
    seen_by_admin = await _sweep(shop, "admin", walker, schema)

    leaked = [m for m in vetting.markers if m in seen_by_fin]
    assert leaked == [], f"hidden values reached Fin: {leaked}"
    assert SHOWN in seen_by_fin and "shown-later1" in seen_by_fin
    assert vetting.note_file in seen_by_fin
    missed = [m for m in vetting.markers if m not in seen_by_admin]
    assert missed == [], f"the sweep never reached {missed}: it proves nothing"
    assert "Vetting V-1" in exported and "shown-later1" in exported
    assert [m for m in vetting.markers if m in exported] == []


async def test_the_file_of_a_hidden_field_is_neither_listed_nor_downloadable(
    shop: Shop, vetting: Vetting
):
    query = """query($id: ID!, $f: ID!) { ticket(id: $id) { attachmentCount attachments { id } }
      node(id: $f) { id } }"""
    variables = {"id": gid("Ticket", vetting.ticket.id), "f": vetting.hidden_file}
    fin = await shop.gql("fin", query, variables)
    admin = await shop.gql("admin", query, variables)

    assert fin["ticket"] == {"attachmentCount": 1, "attachments": [{"id": vetting.note_file}]}
    assert fin["node"] is None
    assert admin["ticket"]["attachmentCount"] == 2 and admin["node"] is not None

    async def download(username: str, file: str) -> int:
        response = await shop.org.api.client.get(
            f"/files/{file}", headers={"authorization": f"Bearer {await shop.token(username)}"}
        )
        return response.status_code

    assert await download("fin", vetting.hidden_file) == 404
    assert await download("fin", vetting.note_file) == 200
    assert await download("admin", vetting.hidden_file) == 200


async def test_a_hidden_field_neither_matches_nor_counts(shop: Shop, vetting: Vetting):
    """Each condition matches the ticket for the admin; for Fin none does (no count is an
    oracle for a hidden value), while a condition on a shown field still matches."""
    query = """query($f: TicketFilterInput) { tickets(filter: $f) { totalCount } }"""

    async def count(username: str, condition: dict[str, Any]) -> int:
        found = await shop.gql(username, query, {"f": {"fields": [condition]}})
        return int(found["tickets"]["totalCount"])

    conditions: list[dict[str, Any]] = [
        {"key": "secret", "op": "CONTAINS", "value": SECRET},
        {"key": "secret", "op": "IS_EMPTY", "value": False},
        {"key": "secret", "op": "NE", "value": "anything"},
        {"key": "score", "op": "GT", "value": 0},
        {"key": "score", "op": "EQ", "value": SCORE},
    ]
    for condition in conditions:
        assert (await count("admin", condition), await count("fin", condition)) == (1, 0)
    assert await count("fin", {"key": "public", "op": "EQ", "value": SHOWN}) == 1


async def test_live_payloads_leave_hidden_fields_out(
    shop: Shop, vetting: Vetting, server_url: str, app: Any
):
    """Every subscription, with everything under it, as Fin and as the admin at once."""
    schema = _schema()
    walker = Walker(schema, _recipe(vetting, shop))
    assert schema.subscription_type is not None
    documents = [
        # A large selection comes in parts: each part of an event also asks for its `kind`,
        # which tells when to stop listening.
        (root, re.sub(r"(ticketChanged\([^)]*\) \{ )", r"\1kind ", doc, count=1))
        for root, doc in queries(walker, schema.subscription_type, "subscription")
        if root in ("ticketChanged", "notifications")
    ]
    assert {r for r, _ in documents} == {"ticketChanged", "notifications"}
    got: dict[str, list[Any]] = {"fin": [], "admin": []}

    async def listen(username: str, ready: asyncio.Event, done: asyncio.Event) -> None:
        async with live(server_url, await shop.token(username)) as session:

            async def collect(document: str, root: str) -> None:
                async for item in session.subscribe(request(document)):
                    got[username].append(item)
                    if root == "notifications" or item[root]["kind"] == "FORWARDED":
                        return

            tasks = [
                asyncio.ensure_future(asyncio.wait_for(collect(d, r), 20))
                for r, d in documents
                if username == "fin" or r == "ticketChanged"
            ]
            await asyncio.sleep(0.5)
            ready.set()
            await asyncio.gather(*tasks)
            await done.wait()

    ready = [asyncio.Event(), asyncio.Event()]
    done = asyncio.Event()
    listeners = [
        asyncio.ensure_future(listen(u, r, done))
        for u, r in zip(["fin", "admin"], ready, strict=True)
    ]
    await asyncio.gather(*(r.wait() for r in ready))
    await _admin_edits_and_urges(shop, vetting)
    with bind_bus(app.state.broker):
        await moves.forward_ticket(
            shop.actor("fin"), vetting.ticket.id, fields={"memo": f"{SECRET}-memo"}
        )
    done.set()
    await asyncio.gather(*listeners)

    fin = json.dumps(got["fin"])
    assert all(k in fin for k in ("SAVED", "URGED", "FORWARDED", "shown-later1"))
    assert [m for m in vetting.markers if m in fin] == []
    assert f"{SECRET}-memo" in json.dumps(got["admin"])
