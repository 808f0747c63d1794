from __future__ import annotations

import os
from pathlib import Path

import pytest

REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages" / "pages"


@pytest.fixture(scope="session")
def realpage():
    def load(name: str) -> str:
        path = REALPAGES / name
        if not path.exists():
            raise FileNotFoundError(f"real page {path} missing: the repo must sit next to shared/")
        return path.read_text(encoding="utf-8")

    return load

# No test may send traffic off this machine: the crawler refuses any
# non-loopback request (subprocesses inherit the variable).
os.environ["GOVAUDIT_LOOPBACK_ONLY"] = "1"


# The slowest test files first (`make test` runs with --no-loadscope-reorder): with one file per
# xdist worker, a long file scheduled last runs alone at the end on a 2-core machine. Rough
# order of their total time (pytest --durations); every other file keeps its place after these.
SLOW_FIRST = (
    "test_incremental.py", "test_crash_audit.py", "test_resume.py", "test_cli_errors.py",
    "test_nightly.py", "test_distributed.py", "test_crash.py", "test_end_to_end.py",
    "test_interaction_e2e.py", "test_disclosure_e2e.py", "test_hostile.py", "test_reports_e2e.py",
    "test_links_e2e.py", "test_facts.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))
