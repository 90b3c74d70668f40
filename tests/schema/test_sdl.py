"""schema.graphql in the repo is the exported SDL, so clients can diff what changed."""

from pathlib import Path

from workorder.cli import export_schema_text

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_current(settings):
    assert SDL.exists(), "run `make schema` to write schema.graphql"
    assert SDL.read_text() == export_schema_text(settings), (
        "schema.graphql is stale: run `make schema` and commit it"
    )
