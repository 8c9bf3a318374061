"""操作记录的防篡改: the audit log is a hash chain, append-only in the database itself.

Each entry stores ``entry_hash`` = SHA-256 over the previous entry's hash and its own content
(time, user, action, object, changes, reason). Changing, deleting or inserting an entry breaks
the chain from there on; ``jxc check`` walks it (:func:`chain_problems`). Database triggers
(migration ``0004_auditlog_append_only_triggers``) refuse UPDATE and DELETE on both databases.

Appends are serialised so the chain never forks: on PostgreSQL a transaction-scoped advisory
lock is taken before the last hash is read, and held until commit (entries are numbered and
chained in the order of that lock); SQLite's write transactions are serialised already.

An append (:func:`append`) is one statement: ``INSERT … SELECT`` reads the chain's head and
takes the hash in the database (SQLite: ``jxc_sha256``, registered on every connection;
PostgreSQL: ``sha256``, the advisory lock in the same round trip as the statement before it)
over the content text made here — the same text :func:`entry_hash` hashes, so ``jxc check``
recomputes it in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, cast

from django.db import connection

from jxc.core.statements import current, defer, fetch_each, utc_text

# pg_advisory_xact_lock key: "jxc audit chain"
_CHAIN_LOCK = 0x6A78_6361_7564_6974 & 0x7FFF_FFFF_FFFF_FFFF


def _text(at: dt.datetime) -> str:
    utc = at.astimezone(dt.UTC)
    if utc.year < 1000:  # strftime's %Y does not pad the year to four digits
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%f")
    # the same text as the strftime above, without its format parsing
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds")


def entry_content(
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
    """The text an entry's hash covers besides the previous hash (pure)."""
    # changes as the database gives them back (JSON), keys sorted: the same on both databases
    changes = changes or {}
    plain = changes if _is_plain(changes) else json.loads(json.dumps(changes, default=str))
    return _CONTENT.encode(
        [_text(at), user_id, action, object_type, object_id, object_repr, plain, reason]
    )


# json.dumps(…, sort_keys=True, ensure_ascii=False, separators=(",", ":")) made once
_CONTENT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _is_plain(value: Any) -> bool:
    """``value`` comes back from JSON as it is (text, whole numbers, booleans, None, lists
    and text-keyed mappings of them): its text is the same without the round trip through
    JSON (a tuple is written as a list either way)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not _is_plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            if not _is_plain(item):
                return False
        return True
    # text of a str subclass (a status's TextChoices member) is written as its text either way
    return isinstance(value, str) or kind is int or kind is bool or value is None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def entry_hash(previous: str, **content: Any) -> str:
    """The hash of one entry chained to the one before (pure; "" before the first)."""
    return _sha256(f"{previous}\n{entry_content(**content)}")


# the columns an append writes, in order (entry_hash last, taken by the database)
_COLUMNS = ("at", "user", "action", "object_type", "object_id", "object_repr", "changes", "reason")
_SQL: dict[str, str] = {}


def _append_sql(vendor: str, returning: bool = True) -> str:
    """The INSERT of one entry, ``RETURNING id, entry_hash`` unless ``returning`` is False
    (SQLite's RETURNING gathers the row into a temporary b-tree: ~16,000 CPU instructions an
    entry that a document's steps, which never read the id or hash back, need not pay; on
    PostgreSQL the entry can then be held back for the next round trip)."""
    key = vendor if returning else f"{vendor}-plain"
    sql = _SQL.get(key)
    if sql is None:
        from jxc.core.models import AuditLog

        ops = connection.ops
        opts = AuditLog._meta
        table = ops.quote_name(opts.db_table)
        cols = [ops.quote_name(cast(Any, opts.get_field(f)).column) for f in _COLUMNS]
        head = f"COALESCE((SELECT entry_hash FROM {table} ORDER BY id DESC LIMIT 1), '')"
        if vendor == "postgresql":
            digest = f"encode(sha256(convert_to({head} || chr(10) || %s, 'UTF8')), 'hex')"
        else:
            digest = f"jxc_sha256({head} || char(10) || %s)"
        # VALUES, not SELECT: bound on the server (PostgreSQL), a parameter takes the type of
        # its column (a NULL user too)
        sql = (
            f"INSERT INTO {table} ({', '.join(cols)}, entry_hash) "
            f"VALUES ({', '.join(['%s'] * len(cols))}, {digest})"
        )
        if returning:
            sql += " RETURNING id, entry_hash"
        _SQL[key] = sql
    return sql


_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"


_AT: list[Any] = [None, None]  # (the last time adapted, its value for the database)


def _at_value(at: dt.datetime, db) -> Any:
    """``at`` as its field sends it (the entries of one append share it: adapted once)."""
    if _AT[0] is at:
        return _AT[1]
    from jxc.core.models import AuditLog

    value = utc_text(at, db)
    if value is not None:
        _AT[0], _AT[1] = at, value
        return value

    value = cast(Any, AuditLog._meta.get_field("at")).get_db_prep_save(at, db)
    _AT[0], _AT[1] = at, value
    return value


def _params(
    db,
    *,
    at: dt.datetime,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    reason: str,
) -> list[Any]:
    """The parameters of :func:`_append_sql` for one entry."""
    from jxc.core.models import AuditLog

    opts = AuditLog._meta
    # as the fields would send them (get_db_prep_save), without their machinery for the
    # plain ones: text as it is, the user's id as it is, the changes as JSON
    encoder = cast(Any, opts.get_field("changes")).encoder
    if encoder is None and db.vendor == "sqlite":
        fast = _sqlite_params(
            db, at, user_id, action, object_type, object_id, object_repr, changes, reason
        )
        if fast is not None:
            return fast
    return [
        _at_value(at, db),
        None if user_id is None else int(user_id),
        str(action),
        str(object_type),
        str(object_id),
        str(object_repr),
        # the base backends' adapt_json_value (SQLite): json.dumps with no encoder class
        json.dumps(changes)
        if encoder is None and db.vendor == "sqlite"
        else db.ops.adapt_json_value(changes, encoder),
        str(reason),
        entry_content(
            at=at,
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            changes=changes,
            reason=reason,
        ),
    ]


def _plain_changes_column() -> bool:
    """The log's ``changes`` field has no encoder of its own (``_params`` asks the same)."""
    found = _PLAIN_CHANGES.get("plain")
    if found is None:
        from jxc.core.models import AuditLog

        found = _PLAIN_CHANGES["plain"] = (
            cast(Any, AuditLog._meta.get_field("changes")).encoder is None
        )
    return found


_PLAIN_CHANGES: dict[str, bool] = {}
# an entry's keys in _sqlite_params' order
_ENTRY = ("at", "user_id", "action", "object_type", "object_id", "object_repr", "changes", "reason")


# A document's steps write the same few changes over and over ({"status": ["draft",
# "submitted"]} …): their two JSON texts, by (name, type and value of from, of to).
_CHANGES: dict[tuple, tuple[str, str]] = {}
_encode_text = json.encoder.encode_basestring  # (the C one) what _CONTENT does to a str


def _changes_texts(changes: Any) -> tuple[str, str]:
    """The changes as the SQLite column stores them (``json.dumps``) and as the hashed content
    writes them (:data:`_CONTENT`, after the JSON round trip)."""
    key = None
    if type(changes) is dict and len(changes) == 1:
        for name, value in changes.items():
            if type(value) is list and len(value) == 2:
                a, b = value
                if _scalar(a) and _scalar(b):
                    key = (name, type(a), a, type(b), b)
                    found = _CHANGES.get(key)
                    if found is not None:
                        return found
    given, changes = changes, changes or {}
    plain = changes if _is_plain(changes) else json.loads(json.dumps(changes, default=str))
    found = (json.dumps(given), _CONTENT.encode(plain))
    if key is not None:
        if len(_CHANGES) > 256:
            _CHANGES.clear()
        _CHANGES[key] = found
    return found


def _scalar(value: Any) -> bool:
    """Text (a TextChoices member too), a whole number or None: hashable, and JSON writes it
    by its type and value alone."""
    return value is None or type(value) is int or isinstance(value, str)


def _sqlite_params(
    db,
    at: Any,
    user_id: Any,
    action: Any,
    object_type: Any,
    object_id: Any,
    object_repr: Any,
    changes: Any,
    reason: Any,
) -> list[Any] | None:
    """:func:`_params` on SQLite for the usual entry — a UTC time, a whole-number user or
    none, text everywhere — with the time written out once for both of its texts and the
    hashed content put together from the texts of its parts (the same text
    :func:`entry_content` makes); None for any other entry."""
    if not (
        type(at) is dt.datetime
        and at.tzinfo is dt.UTC
        and at.year >= 1000
        and db.timezone is dt.UTC
        and (user_id is None or type(user_id) is int)
        and isinstance(action, str)
        and isinstance(object_type, str)
        and isinstance(object_id, str)
        and isinstance(object_repr, str)
        and isinstance(reason, str)
    ):
        return None
    iso = at.isoformat()[:-6]  # YYYY-MM-DDTHH:MM:SS[.ffffff] (+00:00 cut)
    column, hashed = _changes_texts(changes)
    enc = _encode_text
    content = ",".join(
        (
            enc(iso if at.microsecond else iso + ".000000"),  # _text(at)
            "null" if user_id is None else str(user_id),
            enc(action),
            enc(object_type),
            enc(object_id),
            enc(object_repr),
            hashed,
            enc(reason),
        )
    )
    return [
        iso[:10] + " " + iso[11:],  # str(naive UTC): utc_text(at)
        user_id,
        str(action),
        str(object_type),
        str(object_id),
        str(object_repr),
        column,
        str(reason),
        f"[{content}]",
    ]


def append(
    *,
    at: dt.datetime,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    reason: str,
    before: tuple[str, list[Any]] | None = None,
) -> tuple[int, str]:
    """Append one entry to the chain in one statement (one round trip); its id and hash.

    Inside the caller's transaction when there is one (the entry goes or stays with it),
    else a transaction of its own (one statement; on PostgreSQL the lock and the insert are
    one implicit transaction). ``before``: a statement of the caller's (SQL, parameters)
    run just before, in the same round trip on PostgreSQL (a document's new status)."""
    entry = {
        "at": at,
        "user_id": user_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": changes,
        "reason": reason,
    }
    return append_each([entry], before=before)[0]


def append_each(
    entries: list[dict[str, Any]],
    *,
    before: tuple[str, list[Any]] | None = None,
    returning: bool = True,
) -> list[tuple[int, str]]:
    """Append a few entries (each the keyword arguments of :func:`append` but ``before``), in
    order, each chained to the one before it by the database as :func:`append` does: one
    statement per entry, all of them in one round trip on PostgreSQL (the steps of 保存并过账:
    提交, 审核, 过账). Their ids and hashes; ``returning=False``: the caller does not want
    them (an empty list; the rows are the same)."""
    db = current()  # the bound block's wrapper, else the proxy's lookup once
    vendor = db.vendor
    statements: list[tuple[str, list[Any]]] = [] if before is None else [before]
    if vendor == "postgresql":
        statements.append((_LOCK_SQL, [_CHAIN_LOCK]))
    sql = _append_sql(vendor, returning)
    # SQLite's usual entry straight to _params' own fast path (no keyword arguments' round trip)
    direct = vendor == "sqlite" and _plain_changes_column()
    for e in entries:
        found = _sqlite_params(db, *map(e.__getitem__, _ENTRY)) if direct else None
        statements.append((sql, found if found is not None else _params(db, **e)))
    if not returning:
        # PostgreSQL: held back for the step's next round trip (its COMMIT, as a rule: the
        # lock is then held for the shortest time), else run now
        defer(statements)
        return []
    # one round trip on PostgreSQL: in a transaction prepared statements in pipeline mode,
    # else one multi-statement query (one implicit transaction: the lock is held until the
    # entries are in)
    found = fetch_each(statements)[-len(entries) :]
    return [(rows[0][0], rows[0][1]) for rows in found]


def append_many(entries: list[dict[str, Any]]) -> None:
    """Append many entries (each the keyword arguments of :func:`append` but ``before``) in
    the caller's transaction, chained here in Python with :func:`entry_hash` — the same hash
    the database takes in :func:`append` — and inserted a few hundred per statement (a set-based
    import audits thousands of rows). The chain's head is read once, after the lock that
    serialises appends (PostgreSQL: the advisory lock; SQLite: the write transaction)."""
    from django.db import transaction

    from jxc.core.documents.rows import insert_many
    from jxc.core.models import AuditLog

    if not entries:
        return
    with transaction.atomic():
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
            cur.execute(
                f"SELECT entry_hash FROM {connection.ops.quote_name(AuditLog._meta.db_table)} "
                "ORDER BY id DESC LIMIT 1"
            )
            row = cur.fetchone()
        head = row[0] if row else ""
        rows = []
        for e in entries:
            plain = json.loads(json.dumps(e["changes"] or {}, default=str))
            head = entry_hash(head, **{**e, "changes": plain})
            rows.append(
                AuditLog(
                    at=e["at"],
                    user_id=e["user_id"],
                    action=e["action"],
                    object_type=e["object_type"],
                    object_id=e["object_id"],
                    object_repr=e["object_repr"],
                    changes=plain,
                    reason=e["reason"],
                    entry_hash=head,
                )
            )
        # 500 rows per statement (bulk_create: 999 parameters on SQLite, 111 entries)
        insert_many(AuditLog, rows)


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
    """connection_created: give each SQLite connection ``jxc_audit_guard()`` and
    ``jxc_sha256(text)`` (the hex SHA-256 of the text's UTF-8, as :func:`append` asks)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("jxc_audit_guard", 0, _guard, deterministic=False)
        connection.connection.create_function("jxc_sha256", 1, _sha256, deterministic=True)
