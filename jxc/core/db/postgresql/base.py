"""Django's PostgreSQL backend whose transactions jxc.core.db.transactions may open without
Django's atomic wrappers, as on SQLite (``lean_transactions``): the document flow's create and
each workflow step is one transaction, and Django's outermost ``atomic`` around it switched the
driver's autocommit off and on (each switch: the driver's lock and a generator run through its
wait), looked the connection up twice and passed four ``async_unsafe`` guards — more client
CPU than the step's own statements take once they are pipelined.

A transaction opened here sends nothing: the driver is told there is a transaction to open
(its autocommit off, as Django's ``set_autocommit(False)`` tells it, without the switch's
machinery: the connection is idle, no pipeline), and the BEGIN goes with the first statements
— the statement runner's round trip (jxc.core.statements), or a driver cursor's BEGIN of its
own. COMMIT and ROLLBACK are the driver's; after them the driver's autocommit is back on, as
Django's ``set_autocommit(True)`` would leave it. Everything else is Django's backend."""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import pq

_IDLE = int(pq.TransactionStatus.IDLE)


class DatabaseWrapper(base.DatabaseWrapper):
    # jxc.core.db.transactions may open this backend's transactions without Django's wrappers
    lean_transactions = True
    # a transaction opened by _start_transaction_under_autocommit is open
    _lean_open = False

    def _start_transaction_under_autocommit(self) -> None:
        self._set_autocommit(False)
        self._lean_open = True

    def _set_autocommit(self, autocommit):
        raw = self.connection
        if raw._pipeline is None and raw.pgconn.transaction_status == _IDLE:
            # Django's atomic switches autocommit off and on around every transaction: the
            # driver's setter takes its lock and runs a generator through its wait to check
            # that no transaction is open before it sets its flag — checked here
            raw._autocommit = bool(autocommit)
        else:
            super()._set_autocommit(autocommit)  # type: ignore[misc]  # the driver checks

    def _commit(self):
        try:
            if self.queries_logged or self.connection is None:
                return super()._commit()  # type: ignore[misc]
            # Django's, without its debug_transaction (nothing logs the queries)
            with self.wrap_database_errors:
                return self.connection.commit()
        finally:
            self._lean_closed()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._lean_closed()

    def _lean_closed(self) -> None:
        """After the COMMIT or ROLLBACK of a transaction opened here: the driver's autocommit
        back on (Django's flag is set by jxc.core.db.transactions). A transaction still open
        (a failed COMMIT the server did not end) keeps it off until its ROLLBACK."""
        if self._lean_open:
            raw = self.connection
            if raw is None or raw.closed:
                self._lean_open = False
            elif raw.pgconn.transaction_status == _IDLE:
                raw._autocommit = True
                self._lean_open = False

    def _close(self):
        self._lean_open = False
        return super()._close()  # type: ignore[misc]
