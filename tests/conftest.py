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
