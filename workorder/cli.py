"""`workorder serve | migrate | worker | create-tenant | demo | export-schema`."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import sys
from pathlib import Path

import uvicorn

from workorder import db
from workorder.auth import passwords
from workorder.auth.passwords import HashCost
from workorder.errors import FlowError
from workorder.logs import configure_logging
from workorder.mail.links import use_public_url
from workorder.settings import Settings, SettingsError, load_settings


def tune_gc(settings: Settings) -> None:
    """Fewer garbage collections for a long-lived process with a large heap (GC_THRESHOLD),
    and what start-up built (modules, the schema) left out of them for good."""
    if settings.gc_threshold:
        gc.collect()
        gc.freeze()
        gc.set_threshold(settings.gc_threshold, 20, 100)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    from workorder.server import create_app

    app = create_app(settings)
    tune_gc(settings)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        ws="websockets-sansio",
        # A WebSocket message is parsed on the event loop like a JSON body: the same limit.
        ws_max_size=settings.max_body_bytes,
        ws_per_message_deflate=settings.ws_per_message_deflate,
        timeout_graceful_shutdown=10,
    )


async def _migrate(settings: Settings) -> list[str]:
    async with db.open_database(settings.database):
        return await db.migrate()


def _worker(settings: Settings) -> None:
    from workorder.jobs.queue import run_worker

    if settings.redis_url is None:
        raise SettingsError(
            "REDIS_URL must be set for `workorder worker`: without Redis, each server "
            "runs jobs itself (JOB_POLL_SECONDS)"
        )
    tune_gc(settings)
    asyncio.run(run_worker(settings))


async def _create_tenant(settings: Settings, args: argparse.Namespace) -> None:
    from workorder.flows.org.tenants import create_tenant

    password = args.admin_password or getpass.getpass("Password of the first admin: ")
    async with db.open_database(settings.database):
        tenant, admin = await create_tenant(args.slug, args.name, args.admin, password)
    print(f"tenant {tenant.slug} created (id {tenant.id}); admin login: {admin.username}")


async def _load_demo(settings: Settings) -> None:
    from workorder.demo import PASSWORD, TENANT, load_demo

    async with db.open_database(settings.database):
        applied = await db.migrate()
        logins = await load_demo()
    base = f"http://{settings.host}:{settings.port}"
    print(f"database: {settings.database} ({len(applied)} migration(s) applied)")
    print(f"GraphiQL: {base}/graphql")
    print(f"tenant: {TENANT}   password for every login: {PASSWORD}")
    for login in logins:
        print(f"  {login.username:<16} {login.role:<11} {login.note}")


def export_schema_text(settings: Settings) -> str:
    from workorder.resolvers.root import build_schema

    return build_schema(settings).as_str() + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="workorder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP/WebSocket server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    commands.add_parser("migrate", help="apply pending database migrations (idempotent)")
    commands.add_parser("worker", help="run background jobs from the Redis queue (REDIS_URL)")
    tenant = commands.add_parser("create-tenant", help="create a tenant and its first admin")
    tenant.add_argument("slug")
    tenant.add_argument("--name", required=True)
    tenant.add_argument("--admin", required=True, help="username of the first admin")
    tenant.add_argument("--admin-password", help="prompted for when left out")
    demo = commands.add_parser("demo", help="migrate, load the demo tenant and serve")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data only")
    demo.add_argument("--port", type=int)
    export = commands.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", "-o", default="-", help="file, or - for stdout")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command == "demo" and args.port:
            settings = settings.model_copy(update={"port": args.port})
        configure_logging(settings.log_level, settings.log_json)
        passwords.use_cost(HashCost(settings.password_hashing))
        use_public_url(settings.public_url)  # links in mail
        if args.command == "serve":
            _serve(settings, args.host, args.port)
        elif args.command == "migrate":
            applied = asyncio.run(_migrate(settings))
            print("\n".join(applied) if applied else "database is up to date")
        elif args.command == "worker":
            _worker(settings)
        elif args.command == "create-tenant":
            asyncio.run(_create_tenant(settings, args))
        elif args.command == "demo":
            asyncio.run(_load_demo(settings))
            if not args.no_serve:
                _serve(settings, None, None)
        elif args.command == "export-schema":
            text = export_schema_text(settings)
            if args.output == "-":
                sys.stdout.write(text)
            else:
                Path(args.output).write_text(text)
    except (FlowError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
