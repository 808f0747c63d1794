"""Run the real `govaudit` command in a subprocess (Twisted's reactor cannot restart in one process)."""

from __future__ import annotations

import os
import subprocess
import sys

GOVAUDIT = [sys.executable, "-m", "crawler.cli"]


def govaudit(*args: str, check: bool = False, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`govaudit ARGS…`; with `check`, a non-zero exit fails the test with the command's output."""
    proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env} if env else None)
    if check and proc.returncode != 0:
        raise AssertionError(f"govaudit {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc
