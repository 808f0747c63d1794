"""One writer per database: `govaudit run`, `crawl` and `audit` take an exclusive lock.

The lock is an ``flock`` on ``<db>.lock``; the kernel releases it when the process
ends, however it ends, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class LockedError(RuntimeError):
    """Another govaudit process holds the database."""


class DbLock:
    def __init__(self, db_path: str | os.PathLike[str], what: str) -> None:
        self.path = Path(f"{os.fspath(db_path)}.lock")
        self.what = what
        self.fd: int | None = None

    def acquire(self) -> DbLock:
        if self.fd is not None:
            return self  # already held by this object (flock is per open file, not per process)
        if not self.path.parent.exists():
            return self  # the database cannot be created either; open_db reports that
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise LockedError(
                f"{os.fspath(self.path)[:-5]} is in use by {holder}; "
                "wait for it to finish (two runs must not write one database at once)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"govaudit {self.what} (pid {os.getpid()})".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> DbLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
