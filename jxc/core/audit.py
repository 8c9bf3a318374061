"""操作记录的防篡改: the audit log is a hash chain, append-only in the database itself.

Each entry stores ``entry_hash`` = SHA-256 over the previous entry's hash and its own content
(time, user, action, object, changes, reason). Changing, deleting or inserting an entry breaks
the chain from there on; ``jxc check`` walks it (:func:`chain_problems`). Database triggers
(migration ``0004_auditlog_append_only_triggers``) refuse UPDATE and DELETE on both databases.

Appends are serialised so the chain never forks: on PostgreSQL a transaction-scoped advisory
lock is taken before the last hash is read, and held until commit (entries are numbered and
chained in the order of that lock); SQLite's write transactions are serialised already.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import connection

# pg_advisory_xact_lock key: "jxc audit chain"
_CHAIN_LOCK = 0x6A78_6361_7564_6974 & 0x7FFF_FFFF_FFFF_FFFF


def _text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_hash(
    previous: str,
    *,
    at: dt.datetime,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    reason: str,
) -> str:
    """The hash of one entry chained to the one before (pure; "" before the first)."""
    # changes as the database gives them back (JSON), keys sorted: the same on both databases
    plain = json.loads(json.dumps(changes or {}, default=str))
    content = json.dumps(
        [_text(at), user_id, action, object_type, object_id, object_repr, plain, reason],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def lock_chain() -> None:
    """Serialise appends until the end of the transaction (PostgreSQL; SQLite already is)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def last_hash() -> str:
    from jxc.core.models import AuditLog

    last = AuditLog.objects.order_by("-id").values_list("entry_hash", flat=True).first()
    return last or ""


def chain_problems(*, limit: int = 20) -> list[str]:
    """Where the audit chain is broken: the first entry whose hash does not follow from its
    content and the entry before it (an entry changed, removed or slipped in), and after it
    every entry that does not follow from its stored predecessor."""
    from jxc.core.models import AuditLog

    problems: list[str] = []
    previous = ""
    rows = AuditLog.objects.order_by("id").values_list(
        "id",
        "at",
        "user_id",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "reason",
        "entry_hash",
    )
    for row in rows.iterator(chunk_size=5000):
        pk, at, user_id, action, object_type, object_id, object_repr, changes, reason, stored = row
        want = entry_hash(
            previous,
            at=at,
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            changes=changes,
            reason=reason,
        )
        if stored != want:
            problems.append(
                f"audit entry {pk} ({action} {object_type} {object_id}): hash {stored[:12] or '-'}"
                f" does not follow from its content and entry before it (expected {want[:12]})"
            )
            if len(problems) >= limit:
                break
        previous = stored
    return problems


# --- the SQLite guard the triggers ask ----------------------------------------------------------

_maintenance = 0


class maintenance:
    """Lets the test harness empty the tables (Django's flush is DELETE on SQLite; PostgreSQL
    flushes with TRUNCATE, which row triggers do not see). Nothing in jxc itself uses it."""

    def __enter__(self):
        global _maintenance
        _maintenance += 1

    def __exit__(self, *exc):
        global _maintenance
        _maintenance -= 1


def _guard() -> int:
    return 0 if _maintenance else 1


def register_sqlite_guard(sender, connection, **kwargs) -> None:
    """connection_created: give each SQLite connection ``jxc_audit_guard()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("jxc_audit_guard", 0, _guard, deterministic=False)
