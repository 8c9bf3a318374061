"""SQLite whose writers take turns (ARCHITECTURE.md §5).

Every transaction starts ``BEGIN IMMEDIATE`` (settings), so a writer never has to upgrade a
read lock. But SQLite's busy handler *polls*: a waiting writer sleeps 1, 2, 5 … then 100 ms
between tries and nothing keeps a queue, so under contention it can lose every race to
writers that arrive later until its busy timeout ends in "database is locked" — the
200-client sales test and the sales benchmark did, with a median wait of 90 ms and a worst
one past 30 s. Here a writer first waits its turn, then sends ``BEGIN IMMEDIATE`` to a
database nobody else that takes turns is writing: a lock per database in the process
(waiting threads block and the next one wakes as soon as it is released) and an advisory
lock on a file beside the database for the other processes (tried every few milliseconds).
The turn ends with the transaction (COMMIT, ROLLBACK, close). Whoever takes no turn — the
sqlite3 shell, a backup — still meets the busy timeout; so does a writer whose turn did not
come within it. The threads of a process queue in the order they came (``_Fifo``); the
processes race for the file lock.

Background writes (``background_writes``: the import worker's chunks) go after the users: a
writer that has to wait marks itself waiting — a shared lock on a second file beside the
database, held while it waits, by every process that has a writer waiting — and a background
writer, before it queues for its turn, waits for as long as that file is locked, up to its
``patience``; then it queues like anyone (so it is never starved). Without this, the worker,
back 5 ms after its chunk, took about every other turn from 20 users posting, and each of
their transactions could wait for a whole chunk."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db.backends.sqlite3 import base

from jxc.core.db.sqlite3 import checkpoints

# Parameters the sqlite3 module does not take as they are (anything but exact int, float,
# str, bytearray — None and booleans too) go through its adapter lookup: with no adapter
# registered for the type, it raises and clears two AttributeErrors per value (``__adapt__``,
# ``__conform__``), some 2,500 CPU instructions — about 45 NULLs and flags per posted
# document. Registered, the lookup finds them at once; what is bound does not change (NULL;
# 0 / 1, as the module binds an int subclass).
sqlite3.register_adapter(type(None), cast(Any, {}.get))  # a C call returning None
sqlite3.register_adapter(bool, int)


class _Fifo:
    """A lock that the threads waiting for it get in the order they came: ``release`` hands
    it to the first one waiting, so a thread that comes back for it at once (a user posting
    in a loop) cannot overtake the ones already waiting, as it can with ``threading.Lock``
    (whose waiters, once woken, race anyone arriving: a writer could wait the whole 30 s)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._queue: deque[threading.Lock] = deque()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        with self._guard:
            if not self._held and not self._queue:
                self._held = True
                return True
            if not blocking:
                return False
            waiter = threading.Lock()
            waiter.acquire()
            self._queue.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by release
        with self._guard:
            try:
                self._queue.remove(waiter)
                return False
            except ValueError:
                return True  # handed over just as the wait ended

    def release(self) -> None:
        with self._guard:
            if self._queue:
                self._queue.popleft().release()  # still held: now by the first waiting
            else:
                self._held = False


class _Turn:
    """The writers' turn on one database file, in this process."""

    def __init__(self, path: str):
        self.db_path = path
        self.path = path + "-writers.lock"
        self.waiting_path = path + "-waiting.lock"
        self.lock = _Fifo()
        self.fd: int | None = None
        self.pid = os.getpid()
        # writers of this process waiting for the turn; while there are any, this process
        # holds a shared lock on ``waiting_fd`` (``probe_fd``: a background writer's look)
        self.waiters = 0
        self.waiters_guard = threading.Lock()
        self.waiting_fd: int | None = None
        self.probe_fd: int | None = None

    def _open(self, path: str) -> int | None:
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return None

    def _waiting(self, delta: int) -> None:
        """One more (+1) or one fewer (-1) writer of this process waiting for the turn."""
        with self.waiters_guard:
            if self.waiting_fd is None:
                self.waiting_fd = self._open(self.waiting_path)
            first, last = self.waiters == 0, self.waiters + delta == 0
            try:
                if self.waiting_fd is not None and delta > 0 and first:
                    fcntl.flock(self.waiting_fd, fcntl.LOCK_SH)
                elif self.waiting_fd is not None and delta < 0 and last:
                    fcntl.flock(self.waiting_fd, fcntl.LOCK_UN)
            except OSError:
                pass
            self.waiters += delta

    def others_waiting(self) -> bool:
        """Whether a writer (of any process taking turns) is waiting for the turn."""
        if self.probe_fd is None:
            self.probe_fd = self._open(self.waiting_path)
            if self.probe_fd is None:
                return False
        try:
            fcntl.flock(self.probe_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self.probe_fd, fcntl.LOCK_UN)
        return False

    def take(self, timeout: float) -> bool:
        """Wait for the turn (at most ``timeout`` seconds); False: it did not come. A writer
        that cannot have it at once is counted as waiting while it waits (background writes
        go after it); a background writer first lets those waiting go, up to its patience."""
        patience = getattr(_background, "patience", None)
        if patience is not None:
            until = time.monotonic() + min(patience, timeout)
            while self.others_waiting() and time.monotonic() < until:
                time.sleep(0.002)
            got = self._take(timeout)
            _background.taken_at = time.perf_counter()
            return got
        if self._take_now():
            return True
        self._waiting(+1)
        try:
            return self._take(timeout)
        finally:
            self._waiting(-1)

    def _take_now(self) -> bool:
        """The turn if nobody has it (no waiting)."""
        if not self.lock.acquire(blocking=False):
            return False
        if self.fd is None:
            self.fd = self._open(self.path)
            if self.fd is None:
                return True  # no lock file here (read-only folder): threads still take turns
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            self.lock.release()
            return False

    def _take(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.lock.acquire(timeout=timeout):
            return False
        if self.fd is None:
            self.fd = self._open(self.path)
            if self.fd is None:
                return True  # no lock file here (read-only folder): threads still take turns
        pause = 0.0005
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.lock.release()
                    return False
                time.sleep(pause)
                pause = min(2 * pause, 0.004)

    def give_back(self) -> None:
        try:
            if self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()


_background = threading.local()


def background_turn_taken_at() -> float | None:
    """When (``time.perf_counter``) this thread's last background write got its turn."""
    return getattr(_background, "taken_at", None)


@contextmanager
def background_writes(*, patience: float) -> Iterator[None]:
    """The transactions this thread starts meanwhile are background writes: before each, the
    writers waiting for the database go first, for up to ``patience`` seconds."""
    before = getattr(_background, "patience", None)
    _background.patience = patience
    try:
        yield
    finally:
        _background.patience = before


_turns: dict[str, _Turn] = {}
_turns_guard = threading.Lock()


def _turn_for(name) -> _Turn | None:
    """The turn of a database file; None for an in-memory database."""
    path = _file_path(name)
    if path is None:
        return None
    with _turns_guard:
        turn = _turns.get(path)
        if turn is None or turn.pid != _PID[0]:  # a forked worker gets its own
            turn = _turns[path] = _Turn(path)
        return turn


# this process's id, kept by a fork hook (no getpid call per transaction)
_PID = [os.getpid()]


def _forked() -> None:
    _PID[0] = os.getpid()


os.register_at_fork(after_in_child=_forked)


def _file_path(name) -> str | None:
    """The path of a database file; None for an in-memory database."""
    path = str(name)
    if not path or ":memory:" in path or "mode=memory" in path:
        return None
    return path


class DatabaseWrapper(base.DatabaseWrapper):
    _turn: _Turn | None = None
    # (database name, its turn) as last found: no lookup per transaction
    _turn_of: tuple[Any, _Turn | None] = (None, None)
    # jxc.core.db.transactions may open this backend's transactions without Django's wrappers
    lean_transactions = True

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if _file_path(self.settings_dict["NAME"]) is not None:
            checkpoints.connected(conn)
        return conn

    def _file_turn(self) -> _Turn | None:
        """The turn of this connection's database file (None in memory)."""
        name = self.settings_dict["NAME"]
        known, turn = self._turn_of
        if known != name or (turn is not None and turn.pid != _PID[0]):
            turn = _turn_for(name)
            self._turn_of = (name, turn)
        return turn

    def _start_transaction_under_autocommit(self) -> None:
        turn = self._file_turn()
        # seconds, as Django hands the same OPTIONS value to sqlite3.connect
        timeout = self.settings_dict.get("OPTIONS", {}).get("timeout", 5)
        if turn is not None and turn.take(timeout):
            self._turn = turn
        try:
            if self.queries_logged or self.execute_wrappers or self.connection is None:
                super()._start_transaction_under_autocommit()  # type: ignore[misc]
            else:
                # Django's BEGIN without its cursor wrapper (nothing watches the queries)
                mode = cast(Any, self).transaction_mode  # (set by get_connection_params)
                with self.wrap_database_errors:
                    self.connection.execute("BEGIN" if mode is None else f"BEGIN {mode}")
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> _Turn | None:
        """Give the turn back, if this connection had it; the turn given back."""
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.give_back()
        return turn

    def _commit(self):
        try:
            if self.queries_logged or self.connection is None:
                super()._commit()  # type: ignore[misc]
            else:  # Django's, without its debug_transaction (nothing logs the queries)
                with self.wrap_database_errors:
                    self.connection.commit()
        except BaseException:
            self._end_turn()
            raise
        turn = self._end_turn()
        if turn is not None:  # a writer's transaction reached the file's log
            checkpoints.checkpointer(turn.db_path).committed()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()
