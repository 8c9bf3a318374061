"""WAL checkpoints off the writers' path (ARCHITECTURE.md §5).

In WAL mode a COMMIT appends the pages its transaction changed to the ``-wal`` file; a
checkpoint copies them back into the database file and syncs both files. By default SQLite
runs the checkpoint inside the COMMIT of whichever writer's transaction takes the log past
1,000 pages: that user waits for the copy and two ``fdatasync`` — every 40th or so posting,
and with the other writers queued behind its turn. Measured on this machine (a five-line
receipt dirties ~23 pages, a document's create → submit → approve → post ~65): the checkpoints
were 35 % of a posting's commit time and half of the document flow's.

Here every process has, per database file, one thread that checkpoints for the writers (on a
connection of its own, kept: opening one per checkpoint took the GIL from the writers for
milliseconds under load — measured as their ``flock`` calls slowing from 1 µs to 60 µs): it is
woken once they have committed ``EVERY`` transactions since its last checkpoint, and after
``QUIET`` seconds with any commit at all (so an idle database ends up with its log copied
back, and the next writer starts the log over). Its checkpoints are PASSIVE: they never wait
for, nor block, a reader or a writer; ``sqlite3`` lets go of the GIL while SQLite copies, so
on a second core the copy and the syncs run beside the next posting. Durability is the same
(``synchronous=NORMAL``: a commit is durable once a checkpoint or a sync has passed it).

The writers' own automatic checkpoint stays, as a backstop, at ``BACKSTOP_PAGES``: if the
thread cannot keep up (a long reader holding old pages, a stuck disk) or is gone, the log
still cannot grow past ~40 MB. A thread that saw no commit for ``IDLE_EXIT`` seconds ends; the
next commit starts another.
"""

from __future__ import annotations

import sqlite3
import threading
from urllib.parse import quote

EVERY = 24  # commits between checkpoints: ~550 pages of postings, ~400 of document steps
QUIET = 1.0  # seconds: after a burst, the rest of the log is copied back this soon
IDLE_EXIT = 60.0
BACKSTOP_PAGES = 10_000


class Checkpointer:
    """The checkpoint thread of one database file, in this process."""

    def __init__(self, path: str):
        self.path = path
        self.commits = 0
        self.checkpoints = 0  # made by this thread (tests wait for it)
        self.last: tuple[int, int, int] | None = None  # (busy, log pages, copied pages)
        self.paused = threading.Event()  # tests: hold the checkpoints back
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._conn: sqlite3.Connection | None = None
        self.thread = threading.Thread(target=self._run, name="jxc-wal-checkpoint", daemon=True)
        self.thread.start()

    def committed(self) -> None:
        """A writer of this process committed to the file (counts are approximate: a count
        lost to a race only moves a checkpoint by a commit)."""
        self.commits += 1
        if self.commits >= EVERY:
            self._wake.set()

    def wait(self, timeout: float = 5.0) -> bool:
        """Until this thread has checkpointed once more (tests); False on timeout."""
        with self._done:
            before = self.checkpoints
            self._wake.set()
            return self._done.wait_for(lambda: self.checkpoints > before, timeout)

    def _run(self) -> None:
        idle = 0.0
        while True:
            woken = self._wake.wait(QUIET)
            self._wake.clear()
            if self.paused.is_set():
                continue
            if not self.commits and not woken:
                idle += QUIET
                if idle >= IDLE_EXIT and _forget(self):
                    self._close()
                    return
                continue
            idle = 0.0
            self.commits = 0
            row = self._checkpoint()
            with self._done:
                self.last = row
                self.checkpoints += 1
                self._done.notify_all()

    def _checkpoint(self) -> tuple[int, int, int] | None:
        """One PASSIVE checkpoint on the thread's own connection (opened ``mode=rw``: a file
        removed meanwhile is not made again; closed on an error and when the thread ends)."""
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(
                    f"file:{quote(self.path)}?mode=rw", uri=True, timeout=0, isolation_level=None
                )
            # fetchall: the statement runs to its end and is reset (holds nothing open)
            rows = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            return (int(rows[0][0]), int(rows[0][1]), int(rows[0][2])) if rows else None
        except sqlite3.Error:
            self._close()
            return None

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


_threads: dict[str, Checkpointer] = {}
_guard = threading.Lock()


def checkpointer(path: str) -> Checkpointer:
    """The checkpoint thread of a database file (started if it has none running in this
    process: a forked worker's copy of its parent's thread is not alive)."""
    found = _threads.get(path)  # the usual case without the lock: one running already
    if found is not None and found.thread.is_alive():
        return found
    with _guard:
        found = _threads.get(path)
        if found is None or not found.thread.is_alive():
            found = _threads[path] = Checkpointer(path)
        return found


def _forget(thread: Checkpointer) -> bool:
    """Remove an idle thread from the registry unless a commit just came; True: it may end."""
    with _guard:
        if thread.commits:
            return False
        if _threads.get(thread.path) is thread:
            del _threads[thread.path]
        return True


def connected(conn: sqlite3.Connection) -> None:
    """A new writer connection: SQLite's own checkpoint only as the backstop."""
    conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
