"""Reading and writing document rows with cached statements instead of compiled queries
(issue 10 §2: a document's create → submit → approve → post spent most of its time in
Django's query compiler). The values go through the model fields exactly as the ORM sends
and reads them (``pre_save`` / ``get_db_prep_save`` out, the backend's converters in), so the
rows are the same; only the SQL text is built once per model.

    doc = insert_one(doc)                 # INSERT (… RETURNING id; SQLite: lastrowid)
    insert_many(line_model, rows)         # one multi-row INSERT
    rows_where(line_model, "document_id", doc.pk, order=("line_no", "id"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Context, Decimal
from typing import Any, TypeVar, cast

from django.db import connection, router
from django.db.models import DecimalField, ForeignKey, Model, signals
from django.db.models.base import ModelState
from django.utils.dateparse import parse_date

from jxc.core.documents.row_params import INTEGER_KEYS, row_adapter
from jxc.core.statements import (
    Ahead,
    ahead,
    current,
    defer,
    fetch,
    holding,
    insert_last_rowid,
    next_ids,
    vendor,
)

M = TypeVar("M", bound=Model)

_BUILDERS: dict[tuple, Callable[[Sequence[Any]], Any]] = {}
_SQL: dict[tuple, Any] = {}
_NEW: dict[type, Callable[[dict[str, Any]], Any]] = {}


def _q(name: Any) -> str:
    return connection.ops.quote_name(str(name))


def row_builder(model: type[M], columns: Sequence[Any] | None = None) -> Callable[..., M]:
    """Turns a row of ``columns`` (default: every concrete field, in order) read with a plain
    cursor into an instance, with the conversions the ORM applies (SQLite: dates, decimals
    and booleans from their stored form)."""
    if columns is None:  # every column: found by the model alone
        found = _BUILDERS.get((vendor(), model))
        if found is not None:
            return found
    cols = list(model._meta.concrete_fields if columns is None else columns)
    key = (vendor(), model, tuple(f.attname for f in cols))
    found = _BUILDERS.get(key)
    if found is not None:
        if columns is None:
            _BUILDERS[(vendor(), model)] = found
        return found
    table = model._meta.db_table
    attnames = [f.attname for f in cols]
    steps = []
    for i, f in enumerate(cols):
        col = f.get_col(table)
        step = _conversion(f, col)
        if step is not None:
            steps.append((i, *step))
    alias = connection.alias
    # as Model.from_db, without Model.__init__'s per-field work (nothing listens to the
    # model's init signals: no field or app needs them)
    plain = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))
    new, state_of = model.__new__, ModelState

    def build(values: Sequence[Any]) -> M:
        values = list(values)
        for i, convert, none_stays in steps:
            value = values[i]
            if value is not None or not none_stays:
                values[i] = convert(value)
        if not plain:
            return model.from_db(alias, attnames, values)
        obj = new(model)
        state = obj._state = state_of()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(attnames, values, strict=True))
        return obj

    _BUILDERS[key] = build
    if columns is None:
        _BUILDERS[(vendor(), model)] = build
    return build


# SQLite's own converters that give None back for None (a NULL read stays None)
_NONE_STAYS = frozenset(
    {"DecimalField", "DateField", "DateTimeField", "TimeField", "BooleanField", "UUIDField"}
)


def _conversion(field: Any, col: Any) -> tuple[Callable[[Any], Any], bool] | None:
    """How a value of ``field`` read with a plain cursor becomes what the ORM gives (None:
    as it is), and whether a NULL stays None without asking. The ORM's converters, called
    one by one with the column and the connection; on SQLite a decimal or a date column the
    backend alone converts, its conversion inlined (the same arithmetic: 15 significant
    digits from the stored float, quantized to the field's places in its context)."""
    ops_convs = connection.ops.get_db_converters(col)
    field_convs = col.get_db_converters(connection)
    convs = ops_convs + field_convs
    if not convs:
        return None
    kind = field.get_internal_type()
    backend_only = not field_convs and len(ops_convs) == 1 and connection.vendor == "sqlite"
    if backend_only and kind == "DecimalField" and field.decimal_places is not None:
        create = Context(prec=15).create_decimal_from_float
        quantum, context = Decimal(1).scaleb(-field.decimal_places), field.context
        return (lambda value: create(value).quantize(quantum, context=context)), True
    if backend_only and kind == "DateField":
        return (lambda value: value if isinstance(value, dt.date) else parse_date(value)), True

    def convert(value: Any) -> Any:
        for conv in convs:
            value = conv(value, col, connection)
        return value

    return convert, backend_only and kind in _NONE_STAYS


def new_row(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """Makes a new, unsaved instance from its values by attribute name (``sku_id``) or, for
    a relation, by its name (``warehouse=wh``: set through the field's descriptor), every
    other concrete field at its default: ``model(**values)`` without ``Model.__init__``'s
    per-field work (a document's lines are made by the hundred; a header's ``__init__`` cost
    ~140,000 CPU instructions). Falls back to ``Model.__init__`` for any other name and when
    something listens to the model's init signals."""
    found = _NEW.get(model)
    if found is not None:
        return found
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):

        def slow(values: dict[str, Any]) -> M:
            return model(**values)

        _NEW[model] = slow
        return slow
    constant: dict[str, Any] = {}
    made: list[tuple[str, Callable[[], Any]]] = []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            made.append((f.attname, f.get_default))
        else:
            constant[f.attname] = f.get_default()
    new, state_of = model.__new__, ModelState
    attnames = constant.keys() | {name for name, _d in made}
    # a relation named by its field (``warehouse=wh``, not ``warehouse_id``): set through its
    # descriptor, as Model.__init__ sets it (the id, the cached instance, the checks)
    relations = {
        f.name for f in model._meta.concrete_fields if f.is_relation and f.name != f.attname
    }

    def build(values: dict[str, Any]) -> M:
        related: list[str] = []
        if not values.keys() <= attnames:
            related = [name for name in values if name not in attnames]
            if not relations.issuperset(related):  # anything else: the ORM's own way
                return model(**values)
        obj = new(model)
        obj._state = state_of()
        d = obj.__dict__
        d.update(constant)
        for name, default in made:
            if name not in values:
                d[name] = default()
        if related:
            for name, value in values.items():
                if name in attnames:
                    d[name] = value
            for name in related:
                setattr(obj, name, values[name])
        else:
            d.update(values)
        return obj

    _NEW[model] = build
    return build


def set_relation(obj: Model, name: str, value: Any) -> None:
    """``setattr(obj, name, value)`` of a ForeignKey ``name``, leaving ``obj`` as its
    descriptor leaves it (the id in ``<name>_id``, ``value`` in the relation's cache), without
    the descriptor's checks where they cannot refuse or change anything: ``value`` an instance
    of the relation's model, both rows of one database and no database router. Anything else
    goes through the descriptor (a document's step stamps its user: ~130 bytecodes a time)."""
    model = type(obj)
    plan = _RELATIONS.get((model, name))
    if plan is None:
        field: Any = model._meta.get_field(name)
        ok = type(field) is ForeignKey and len(field.related_fields) == 1
        plan = _RELATIONS[(model, name)] = (
            ok and not router.routers,
            field.remote_field.model._meta.concrete_model if ok else None,
            field.attname,
            field.related_fields[0][1].attname if ok else None,
            field.cache_name if ok else None,
        )
    plain, target, attname, target_attname, cache_name = plan
    state = obj._state
    if (
        not plain
        or value is None
        or not isinstance(value, target)
        or state.db is None
        or state.db != value._state.db
    ):
        setattr(obj, name, value)
        return
    obj.__dict__[attname] = getattr(value, target_attname)
    state.fields_cache[cache_name] = value


_RELATIONS: dict[tuple[type, str], tuple[bool, Any, str, Any, Any]] = {}


def as_read(rows: Sequence[M]) -> Sequence[M]:
    """Rows just inserted, their decimals as a read gives them back (quantized to their
    columns' places: ``Decimal("2")`` reads ``Decimal("2.000000")``), so code that uses them
    instead of reading them sees the same values. The values fit their columns (the lines'
    checks refuse more places)."""
    if not rows:
        return rows
    model = type(rows[0])
    key = ("places", model)
    places = _SQL.get(key)
    if places is None:
        places = _SQL[key] = [
            (f.attname, Decimal(1).scaleb(-f.decimal_places))
            for f in model._meta.concrete_fields
            if isinstance(f, DecimalField) and f.decimal_places is not None
        ]
    for obj in rows:
        d = obj.__dict__
        for name, quantum in places:
            value = d[name]
            if value is not None:
                d[name] = Decimal(value).quantize(quantum)
    return rows


def converter(model: type[Model], name: str) -> Callable[[Any], Any]:
    """The ORM's conversion of a value of ``model.name`` read with a plain cursor."""
    key = ("conv", vendor(), model, name)
    found = _SQL.get(key)
    if found is None:
        field = cast(Any, model._meta.get_field(name))
        col = field.get_col(model._meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)

        def found(value: Any) -> Any:
            for conv in convs:
                value = conv(value, col, connection)
            return value

        _SQL[key] = found
    return found


def columns_sql(model: type[Model]) -> str:
    """Every concrete column of ``model``, quoted, in field order (for ``row_builder``)."""
    return ", ".join(_q(f.column) for f in model._meta.concrete_fields)


def rows_where(
    model: type[M], column: str, value: Any, *, order: Sequence[str] = ("id",)
) -> list[M]:
    """The rows of ``model`` whose ``column`` is ``value``, ordered: instances, one cached
    statement."""
    build = row_builder(model)
    return [build(r) for r in fetch(*rows_where_statement(model, column, value, order=order))]


def rows_where_statement(
    model: type[Model], column: str, value: Any, *, order: Sequence[str] = ("id",)
) -> tuple[str, list[Any]]:
    """The statement of :func:`rows_where` (its rows made instances by ``row_builder``)."""
    key = ("where", vendor(), model, column, tuple(order))
    sql = _SQL.get(key)
    if sql is None:
        opts = model._meta
        sql = (
            f"SELECT {columns_sql(model)} FROM {_q(opts.db_table)} WHERE {_q(column)} = %s "
            "ORDER BY " + ", ".join(_q(cast(Any, opts.get_field(f)).column) for f in order)
        )
        _SQL[key] = sql
    return sql, [value]


def exists_where(model: type[Model], column: str, value: Any) -> bool:
    key = ("exists", vendor(), model, column)
    sql = _SQL.get(key)
    if sql is None:
        sql = f"SELECT 1 FROM {_q(model._meta.db_table)} WHERE {_q(column)} = %s LIMIT 1"
        _SQL[key] = sql
    return bool(fetch(sql, [value]))


def _insert_head(model: type[Model]) -> tuple[list[Any], str, str, str, Any]:
    """The fields an insert writes, ``INSERT INTO … (…) VALUES ``, one row's placeholders,
    its parameters' adapter (``row_params``) and ``RETURNING id`` — "" on SQLite for a model whose key is an integer the database
    numbers (cached per model): there the driver's ``lastrowid`` gives the ids, without the
    two temporary b-trees SQLite makes for a RETURNING (the VALUES copied into one, the ids
    gathered in another: ~30,000 CPU instructions per statement)."""
    key = ("insert", vendor(), model)
    found = _SQL.get(key)
    if found is None:
        pk = model._meta.pk
        fields = [f for f in model._meta.concrete_fields if f is not pk]
        head = (
            f"INSERT INTO {_q(model._meta.db_table)} "
            f"({', '.join(_q(f.column) for f in fields)}) VALUES "
        )
        tail = f" RETURNING {_q(cast(Any, pk).column)}"
        if vendor() == "sqlite" and type(pk) in INTEGER_KEYS:
            tail = ""
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        adapt = row_adapter(model, fields, inserting=True)
        found = _SQL[key] = (fields, head, one, tail, adapt)
    return found


def take_ids(model: type[Model], count: int) -> Ahead | None:
    """PostgreSQL, in a step that holds writes back (``jxc.core.statements.holding``): the ids
    of ``count`` new rows of ``model`` taken from its key's sequence, read with the step's
    next round trip (a new draft's: with its numbering), so that its rows can be written
    without waiting for their ids (:func:`insert_many` with ``taken``). None elsewhere: the
    insert returns the ids."""
    if count < 1 or not holding():
        return None
    pk = cast(Any, model._meta.pk)
    if type(pk) not in INTEGER_KEYS:
        return None
    return ahead(*next_ids(model._meta.db_table, pk.column, count))


def insert_many(model: type[M], rows: Sequence[M], taken: Ahead | None = None) -> list[M]:
    """``INSERT … VALUES (…), (…) RETURNING id``: the rows saved, their ids set, as
    ``bulk_create`` would (defaults, ``auto_now_add``), in one statement per 500 rows.
    ``taken`` (:func:`take_ids`, as many as rows): the rows get these ids and the INSERT is
    held back for the step's next round trip."""
    if not rows:
        return list(rows)
    if taken is not None:
        return _insert_held(model, rows, [r[0] for r in taken.rows])
    _fields, head, one, tail, adapt = _insert_head(model)
    db = current()  # the bound block's wrapper, else the proxy's lookup once
    alias = db.alias
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        params: list[Any] = []
        for obj in chunk:
            params += adapt(obj, obj.__dict__, db)
        sql = head + ", ".join([one] * len(chunk)) + tail
        if tail:
            # both databases return the rows of a multi-row VALUES in their order
            ids: Sequence[int] = [r[0] for r in fetch(sql, params)]
        else:
            # SQLite: under the write lock the rows of one INSERT get consecutive ids in
            # VALUES order (each the table's largest id + 1, or its AUTOINCREMENT
            # sequence's), so the last one says them all
            last = insert_last_rowid(sql, params)
            ids = range(last - len(chunk) + 1, last + 1)
        for obj, pk in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = alias
    return list(rows)


def _insert_held(model: type[M], rows: Sequence[M], ids: list[int]) -> list[M]:
    """:func:`insert_many` of rows whose ids were taken ahead: the ids set, the INSERT (the
    key's column first, no RETURNING) held back (``jxc.core.statements.defer``)."""
    if len(ids) != len(rows):
        raise ValueError(f"{len(rows)} rows, {len(ids)} ids taken")
    _fields, head, one, _tail, adapt = _insert_head(model)
    key = ("insert-id", vendor(), model)
    found = _SQL.get(key)
    if found is None:
        pk = _q(cast(Any, model._meta.pk).column)
        found = _SQL[key] = (head.replace(" (", f" ({pk}, ", 1), one.replace("(", "(%s, ", 1))
    head_id, one_id = found
    db = current()
    alias = db.alias
    statements = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        params: list[Any] = []
        for obj, pk_value in zip(chunk, ids[start : start + 500], strict=True):
            obj.pk = pk_value
            state = obj._state
            state.adding, state.db = False, alias
            params.append(pk_value)
            params += adapt(obj, obj.__dict__, db)
        statements.append((head_id + ", ".join([one_id] * len(chunk)), params))
    defer(statements)
    return list(rows)


def insert_one(obj: M, taken: Ahead | None = None) -> M:
    """Save a new row (``Model.save`` for an insert, without compiling the query); ``taken``:
    as :func:`insert_many`'s."""
    return insert_many(type(obj), [obj], taken)[0]
