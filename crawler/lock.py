"""One writer per database: `govaudit run`, `crawl` and `audit` take an exclusive lock.

The lock is an ``flock`` on ``<db>.lock``; the kernel releases it when the process
ends, however it ends, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


_HELD: set[int] = set()  # the lock files this process holds


def forked_worker(parent: int) -> None:
    """Initializer of a worker process forked while a lock is held (the audit's pools).

    A forked child shares the lock's open file, and the kernel releases an ``flock`` only when its
    last copy is closed: a worker still busy after its parent was killed kept the database locked.
    The child closes its copies (closing is not unlocking: the parent keeps the lock) and, on Linux,
    asks to be killed when its parent dies.
    """
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


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
        _HELD.add(fd)
        return self

    def release(self) -> None:
        if self.fd is not None:
            _HELD.discard(self.fd)
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> DbLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
