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
come within it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from typing import Any, cast

from django.db.backends.sqlite3 import base

# Parameters the sqlite3 module does not take as they are (anything but exact int, float,
# str, bytearray — None and booleans too) go through its adapter lookup: with no adapter
# registered for the type, it raises and clears two AttributeErrors per value (``__adapt__``,
# ``__conform__``), some 2,500 CPU instructions — about 45 NULLs and flags per posted
# document. Registered, the lookup finds them at once; what is bound does not change (NULL;
# 0 / 1, as the module binds an int subclass).
sqlite3.register_adapter(type(None), cast(Any, {}.get))  # a C call returning None
sqlite3.register_adapter(bool, int)


class _Turn:
    """The writers' turn on one database file, in this process."""

    def __init__(self, path: str):
        self.path = path + "-writers.lock"
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.pid = os.getpid()

    def take(self, timeout: float) -> bool:
        """Wait for the turn (at most ``timeout`` seconds); False: it did not come."""
        deadline = time.monotonic() + timeout
        if not self.lock.acquire(timeout=timeout):
            return False
        try:
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
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


_turns: dict[str, _Turn] = {}
_turns_guard = threading.Lock()


def _turn_for(name) -> _Turn | None:
    """The turn of a database file; None for an in-memory database."""
    path = str(name)
    if not path or ":memory:" in path or "mode=memory" in path:
        return None
    with _turns_guard:
        turn = _turns.get(path)
        if turn is None or turn.pid != os.getpid():  # a forked worker gets its own
            turn = _turns[path] = _Turn(path)
        return turn


class DatabaseWrapper(base.DatabaseWrapper):
    _turn: _Turn | None = None

    def _start_transaction_under_autocommit(self) -> None:
        turn = _turn_for(self.settings_dict["NAME"])
        # seconds, as Django hands the same OPTIONS value to sqlite3.connect
        timeout = self.settings_dict.get("OPTIONS", {}).get("timeout", 5)
        if turn is not None and turn.take(timeout):
            self._turn = turn
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.give_back()

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()

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
