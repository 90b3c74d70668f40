"""The house rules of the package, as a newcomer would check them: small modules, and the
domain kept in one folder per domain (docs/architecture.md, "Layout and the layering rule").
The import order itself is checked by `lint-imports` in `make lint`."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workorder"
MAX_LINES = 500


@pytest.fixture(autouse=True)
def _clean_database() -> None:
    """Only files are read here: no database to start or empty."""


def test_no_module_is_over_five_hundred_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_domain_has_a_folder_per_domain() -> None:
    loose = sorted(p.name for p in (PACKAGE / "flows").glob("*.py"))
    assert loose == ["__init__.py", "unit_of_work.py"]
    domains = [p for p in (PACKAGE / "flows").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert all((d / "__init__.py").is_file() for d in domains)
    assert {"tickets", "templates", "views", "org", "customers", "batch"} <= {
        d.name for d in domains
    }
