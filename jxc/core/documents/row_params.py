"""A row's values as the query parameters its fields would send (``pre_save`` then
``get_db_prep_save``), by a function written once per model, fields and database: one
statement per field and no loop, the field's machinery called only for a value it could
change (a new draft's header and lines: some ninety fields per document, ~20 of them through
``get_db_prep_save`` before — a None date, a status that is a ``TextChoices`` member).

Per field, what goes as it is (the same value the field would send):

- None, for a field whose ``pre_save`` is the attribute (no ``auto_now`` / ``auto_now_add``)
  and whose exact class sends None as None (text, numbers, booleans, decimals, dates, times);
- a ``str`` (a subclass too: ``CharField.to_python`` gives it back unchanged) of an exact
  ``CharField`` / ``TextField``; an exact ``bool`` of a ``BooleanField``; an exact ``int``
  of a foreign key to an integer key (both databases) or an integer field (SQLite);
- a finite ``Decimal`` of a ``DecimalField`` that keeps DecimalField's own conversions
  (:func:`sends_decimal_as_is`) — on SQLite as ``str(value)``, the text Django's adapter for
  Decimal (``str``) would bind, without the driver's adapter lookup per value;
- on SQLite an exact ``date`` of a ``DateField`` as ``str(date)`` (``adapt_datefield_value``),
  a UTC ``datetime`` of a ``DateTimeField`` as :func:`jxc.core.statements.utc_text` gives it.

Anything else through the field: ``field.get_db_prep_save(field.pre_save(obj, True), db)``
(an insert) or ``field.get_db_prep_save(value, db)`` (an update, which sends the attribute).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models

from jxc.core.statements import utc_text, vendor

Adapter = Callable[[Any, dict[str, Any], Any], list[Any]]
_ADAPTERS: dict[tuple, Adapter] = {}

_TEXT = (models.CharField, models.TextField)
_INTEGERS = (
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
)
INTEGER_KEYS = (models.AutoField, models.BigAutoField)
# exact classes whose get_db_prep_save gives None for None (pre_save aside)
_NONE_AS_NONE = (
    *_TEXT,
    *_INTEGERS,
    models.BooleanField,
    models.DateField,
    models.DateTimeField,
    models.TimeField,
)


# A decimal field of a class that sends a finite Decimal as it is: DecimalField's own
# get_db_prep_save / get_db_prep_value / get_prep_value / to_python / pre_save (to_python
# gives an equal Decimal, both backends' adapt_decimalfield_value return it unchanged).
_DECIMAL_METHODS = (
    "get_db_prep_save",
    "get_db_prep_value",
    "get_prep_value",
    "to_python",
    "pre_save",
)


def sends_decimal_as_is(f: Any) -> bool:
    return isinstance(f, models.DecimalField) and all(
        getattr(type(f), name) is getattr(models.DecimalField, name) for name in _DECIMAL_METHODS
    )


def _plain_pre_save(f: Any) -> bool:
    """``pre_save`` is the attribute: Field's own, or a date's without auto_now(_add)."""
    if type(f).pre_save is models.Field.pre_save:
        return True
    if type(f) in (models.DateField, models.DateTimeField, models.TimeField):
        return not (f.auto_now or f.auto_now_add)
    return False


def _expression(i: int, f: Any, sqlite: bool, decimal_as_is: bool, inserting: bool) -> str:
    """The statements giving ``p{i}``, the parameter of field ``F{i}`` (value in ``v``)."""
    kind = type(f)
    through = f"F{i}.get_db_prep_save(v, db)"
    if inserting and not _plain_pre_save(f):
        if sqlite and kind is models.DateTimeField:  # auto_now(_add): the time it sets
            return (
                f"    v = F{i}.pre_save(obj, True)\n"
                f"    p{i} = t if (t := _utc(v, db)) is not None else {through}\n"
            )
        return f"    p{i} = F{i}.get_db_prep_save(F{i}.pre_save(obj, True), db)\n"
    get = f"    v = d[{f.attname!r}]\n"
    none = kind in _NONE_AS_NONE or decimal_as_is or (kind is models.ForeignKey)
    test = None
    if kind in _TEXT:
        test = "_isinstance(v, _str)"
    elif kind is models.BooleanField:
        test = "type(v) is _bool"
    elif (kind is models.ForeignKey and type(f.target_field) in INTEGER_KEYS) or (
        sqlite and kind in _INTEGERS
    ):
        test = "type(v) is _int"
    elif decimal_as_is and sqlite:  # as text, as the driver's adapter (str) would make it
        return (
            get + f"    p{i} = None if v is None else _str(v) if type(v) is _Decimal "
            f"and v.is_finite() else {through}\n"
        )
    elif decimal_as_is:
        test = "(type(v) is _Decimal and v.is_finite())"
    elif sqlite and kind is models.DateField:
        return (
            get + f"    p{i} = None if v is None else _str(v) if type(v) is _date else {through}\n"
        )
    elif sqlite and kind is models.DateTimeField:
        return (
            get
            + f"    p{i} = None if v is None else (t if (t := _utc(v, db)) is not None "
            + f"else {through})\n"
        )
    if test is None:
        if none:
            return get + f"    p{i} = None if v is None else {through}\n"
        return get + f"    p{i} = {through}\n"
    if none:
        test = "v is None or " + test
    return get + f"    p{i} = v if {test} else {through}\n"


def row_adapter(model: type[models.Model], fields: Sequence[Any], *, inserting: bool) -> Adapter:
    """``adapt(obj, obj.__dict__, db)``: the parameters of ``fields`` for one row of ``model``
    (``inserting``: as an INSERT sends them, ``pre_save(obj, True)`` where it is not the
    attribute; else as an UPDATE). Written and compiled once per model, fields, database and
    kind of statement."""
    key = (vendor(), model, tuple(f.attname for f in fields), inserting)
    found = _ADAPTERS.get(key)
    if found is not None:
        return found
    sqlite = vendor() == "sqlite"
    env: dict[str, Any] = {
        "_isinstance": isinstance,
        "_str": str,
        "_bool": bool,
        "_int": int,
        "_Decimal": Decimal,
        "_date": dt.date,
        "_utc": utc_text,
    }
    body = []
    for i, f in enumerate(fields):
        env[f"F{i}"] = f
        body.append(_expression(i, f, sqlite, sends_decimal_as_is(f), inserting))
    params = ", ".join(f"p{i}" for i in range(len(fields)))
    source = "def adapt(obj, d, db):\n" + "".join(body) + f"    return [{params}]\n"
    exec(compile(source, f"<{model.__name__} row parameters>", "exec"), env)
    found = _ADAPTERS[key] = env["adapt"]
    return found
