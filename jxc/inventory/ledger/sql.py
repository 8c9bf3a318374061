"""Plain SQL for the ledger's hot path: every posting reads and writes a handful of rows, and
Django's query compiler costs ten times the query itself. Reads come back as plain row
objects (:func:`row_class`: the model's attribute names, no descriptors) with values
converted as the ORM converts them (SQLite keeps decimals as REAL: read as text, 15
significant digits, quantized to the field's places). Parameters only; no SQL built from
input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models import signals
from django.db.models.base import ModelState

from jxc.core.statements import fetch, is_sqlite

_QUANTA: dict[int, Decimal] = {}


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def for_update() -> str:
    found = _FOR_UPDATE.get("sql")
    if found is None:
        found = _FOR_UPDATE["sql"] = (
            " FOR UPDATE" if connection.features.has_select_for_update else ""
        )
    return found


_FOR_UPDATE: dict[str, str] = {}  # one database per process (settings)


def decimal_sql(expr: str) -> str:
    """Select a decimal column so it arrives without passing through a float: SQLite keeps
    decimals as REAL and its CAST to TEXT writes the 15 significant digits Django's own
    converter keeps; PostgreSQL's driver returns Decimal already."""
    return f"CAST({expr} AS TEXT)" if is_sqlite() else expr


def date_sql(expr: str) -> str:
    """Select a date column so the driver hands over its ISO text (SQLite): a column
    declared ``date`` goes through Django's converter, a regular expression and a function
    call per value in Python; the reader converts the text with ``date.fromisoformat``."""
    return f"CAST({expr} AS TEXT)" if is_sqlite() else expr


def to_decimal(value: Any, places: int) -> Decimal | None:
    """A decimal read through :func:`decimal_sql` (text or int on SQLite, Decimal on
    PostgreSQL), quantized to the field's places."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("read decimal columns through decimal_sql(), never as float")
    q = _QUANTA.get(places)
    if q is None:
        q = _QUANTA[places] = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(q)


def to_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def row_converter(fields: list) -> Any:
    """A function giving one row of ``fields`` as the ORM would give it (:func:`to_decimal`,
    :func:`to_date`, booleans as bool), as a list. The function's code is written for the
    fields (:func:`_row_code`): one expression per column, no loop — a posting converts some
    hundred values."""
    return _row_code(fields, "[", "]", {})


def _row_code(fields: list, head: str, tail: str, names: dict, *, exact: bool = True) -> Any:
    """Compile ``def converted(raw): return {head}<column values>{tail}``, each column
    converted as :func:`row_converter` says (a decimal read as text quantized to its field's
    places; any other value through :func:`to_decimal` / :func:`to_date`). ``exact``: refuse
    a row of another length (ValueError); else only the first ``len(fields)`` columns are
    read (extra columns after them)."""
    n = len(fields)
    env: dict[str, Any] = {
        "_D": Decimal,
        "_str": str,
        "_date": dt.date,
        "_iso": dt.date.fromisoformat,
        "_isinstance": isinstance,
        "_to_decimal": to_decimal,
        "_bool": bool,
        "_len": len,
        "_n": n,
        **names,
    }
    exprs = []
    for i, f in enumerate(fields):
        c = f"c{i}"
        if isinstance(f, models.DecimalField):
            places = f.decimal_places
            env[f"_q{i}"] = Decimal(1).scaleb(-places)
            # SQLite: a zero ('0': kept as an integer) is the field's zero, made once — a
            # balance's buckets are zero on most rows, and a str compare costs less than a
            # Decimal made and quantized (PostgreSQL's driver gives Decimals)
            env[f"_z{i}"] = Decimal(0).quantize(env[f"_q{i}"])
            zero = f"_z{i} if {c} == '0' else " if is_sqlite() else ""
            exprs.append(
                f"({zero}_D({c}).quantize(_q{i}) if {c}.__class__ is _str "
                f"else None if {c} is None else _to_decimal({c}, {places}))"
            )
        elif isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            exprs.append(
                f"(_iso({c}) if {c}.__class__ is _str "
                f"else {c} if {c} is None or _isinstance({c}, _date) else _iso({c}))"
            )
        elif isinstance(f, models.BooleanField):
            exprs.append(f"(None if {c} is None else _bool({c}))")
        else:
            exprs.append(c)
    check = (
        "    if _len(raw) != _n:\n"
        "        raise ValueError(f'a row of {_len(raw)} columns for {_n} fields')\n"
        if exact
        else ""
    )
    names_ = ", ".join(f"c{i}" for i in range(n))
    source = (
        f"def converted(raw):\n{check}"
        f"    {names_}, = raw{'' if exact else '[:_n]'}\n"
        f"    return {head}{', '.join(exprs)}{tail}\n"
    )
    exec(compile(source, f"<row converter {n}>", "exec"), env)  # our own text, from the fields
    return env["converted"]


def row_class(model: type[models.Model], attnames: list[str]) -> type:
    """A plain class standing for rows of ``model`` read with ``attnames``: the attributes of
    the same names (and ``pk`` when the primary key is read), nothing else — what the
    ledger's own code uses of the rows it reads and writes back (a model instance costs a
    descriptor call per foreign-key id read and per ``pk``). Nothing lazy: an attribute not
    read is missing."""
    key = (model, tuple(attnames))
    found = _ROW_CLASSES.get(key)
    if found is None:
        pk = str(model._meta.pk.attname)
        body = [f"    self.{a} = {a}" for a in attnames]
        if pk in attnames and pk != "pk":
            body.append(f"    self.pk = {pk}")
        env: dict[str, Any] = {}
        source = f"def __init__(self, {', '.join(attnames)}):\n" + "\n".join(body) + "\n"
        exec(compile(source, f"<{model.__name__} row>", "exec"), env)

        def __repr__(self) -> str:
            return f"<{type(self).__name__} {getattr(self, 'pk', None)}>"

        found = _ROW_CLASSES[key] = type(
            f"{model.__name__}Row",
            (),
            {"__init__": env["__init__"], "__repr__": __repr__, "__module__": __name__},
        )
    return found


_ROW_CLASSES: dict[tuple, type] = {}


class Reader:
    """Reads rows of one model, converting each column like the ORM does."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        self.model = model
        opts = model._meta
        self.fields: list[Any] = [opts.get_field(f) for f in fields]
        self.attnames = [f.attname for f in self.fields]
        self.names = [f.name if not f.is_relation else f.attname for f in self.fields]
        quoted = [connection.ops.quote_name(f.column) for f in self.fields]
        self.columns = ", ".join(
            decimal_sql(q)
            if isinstance(f, models.DecimalField)
            else date_sql(q)
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
            else q
            for f, q in zip(self.fields, quoted, strict=True)
        )
        self.table = connection.ops.quote_name(opts.db_table)
        self.select = f"SELECT {self.columns} FROM {self.table} WHERE "
        self.converted = row_converter(self.fields)
        self.row_class = row_class(model, self.attnames)
        # one row as a plain row object (:func:`row_class`), converted on the way; the
        # second reads the first columns of a longer row (rows_with)
        self.made = _row_code(self.fields, "_cls(", ")", {"_cls": self.row_class})
        self.made_first = _row_code(
            self.fields, "_cls(", ")", {"_cls": self.row_class}, exact=False
        )

    def q(self, name: str) -> str:
        """A column of this model, quoted."""
        field: Any = self.model._meta.get_field(name)
        return connection.ops.quote_name(field.column)

    def values(self, where: str, params: list | tuple, *, suffix: str = "") -> list[dict]:
        """Like :meth:`rows`, as dicts (no model instances: cheaper for many rows)."""
        names, converted = self.names, self.converted
        return [
            dict(zip(names, converted(raw), strict=True))
            for raw in fetch(self.select + where + suffix, params)
        ]

    def rows_with(
        self, extra: list[str], where: str, params: list | tuple, *, suffix: str = ""
    ) -> tuple[list, list[tuple]]:
        """Like :meth:`rows`, with ``extra`` columns (SQL expressions, e.g. scalar subqueries
        on the row: ``{table}.column`` names it) read in the same statement; returns the
        instances and, per row, the extra values as the driver gives them."""
        return self.parse_with(fetch(self.sql_with(extra, where, suffix), params))

    def sql_with(self, extra: list[str], where: str, suffix: str = "") -> str:
        """The statement :meth:`rows_with` runs."""
        return f"SELECT {self.columns}, {', '.join(extra)} FROM {self.table} WHERE {where}{suffix}"

    def parse_with(self, raws: list[tuple]) -> tuple[list, list[tuple]]:
        """The rows of :meth:`sql_with` as :meth:`rows_with` returns them."""
        n = len(self.fields)
        made = self.made_first
        return [made(raw) for raw in raws], [tuple(raw[n:]) for raw in raws]

    def parse(self, raws: list[tuple]) -> list:
        """Rows of ``self.select`` as row objects (like :meth:`rows`)."""
        made = self.made
        return [made(raw) for raw in raws]

    def rows(self, where: str, params: list | tuple, *, suffix: str = "") -> list:
        """The rows as plain row objects (:func:`row_class`), not model instances."""
        made = self.made
        return [made(raw) for raw in fetch(self.select + where + suffix, params)]


def saved_instances(model: type[models.Model], attnames: list[str], rows: list[list]) -> list:
    """Model instances of rows as stored (``Model.from_db`` with the other fields deferred);
    without ``Model.__init__``'s per-field work when no init signal is connected to the
    model."""
    alias = DEFAULT_DB_ALIAS
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return [model.from_db(alias, attnames, row) for row in rows]
    out = []
    new, state_of = model.__new__, ModelState
    for row in rows:
        obj = new(model)
        state = obj._state = state_of()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(attnames, row, strict=True))
        out.append(obj)
    return out
