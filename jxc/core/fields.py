"""The decimal field types every model uses: quantities, money, unit costs, factors.

Defined once here so that precision is one decision. Never float (DOMAIN.md §4.5).
Storage precision is fixed; the company's display decimals only round input and output.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# Rounding (round_money, round_unit_cost, value_of …) lives in jxc.core.numbers.
from jxc.core.numbers import MONEY_PLACES, QTY_PLACES, UNIT_COST_PLACES

FACTOR_PLACES = 10


# Bounds (docs/ledger.md "Bounds"). Every stored figure keeps at most 15 significant digits, so
# it round-trips through SQLite's REAL exactly (IEEE double holds 15 decimal digits), and the
# whole digits leave the aggregates room: a report or the self-check adds scaled integers
# (quantity × 10⁶, money × 100) in 64 bits, split in two halves so that even 10⁹ moves of
# the largest figure add up without overflow (jxc.inventory.snapshots).
#   quantity  |q| < 10⁹  (999,999,999.999999)    — a line, a move, a balance, a pool
#   money     |v| < 10¹³ (9,999,999,999,999.99)  — a move's value, a balance, a pool
#   unit cost, price, factor |c| < 10⁹, at most 15 significant digits (10 decimals)
SIGNIFICANT_DIGITS = 15
WHOLE_DIGITS = {QTY_PLACES: 9, MONEY_PLACES: 13, UNIT_COST_PLACES: 9}
MAX_QTY = Decimal(10) ** WHOLE_DIGITS[QTY_PLACES]
MAX_MONEY = Decimal(10) ** WHOLE_DIGITS[MONEY_PLACES]
MAX_UNIT_COST = Decimal(10) ** WHOLE_DIGITS[UNIT_COST_PLACES]


def fits(value: Decimal, places: int) -> bool:
    """True when storing ``value`` with ``places`` decimals loses nothing and stays in bounds:
    no more decimals than that, fewer whole digits than the bound of its kind (``1e400``, a
    14-digit barcode typed as a quantity or a 20-digit price are refused here instead of
    breaking a sum later) and at most 15 significant digits (exact on SQLite too)."""
    return size_problem(value, places) is None


def size_problem(value: Decimal, places: int) -> str | None:
    """Why ``value`` cannot be stored with ``places`` decimals: ``"too_large"`` (beyond the
    bound), ``"digits"`` (more than 15 significant digits), ``"places"`` (more decimals than
    stored), or None when it can."""
    if type(value) is not Decimal:  # (a Decimal as it is: most values, no copy)
        try:
            value = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            return "too_large"
    if not value.is_finite():
        return "too_large"
    # whole digits: adjusted() + 1 == len(digits) + exponent (zeros too), without as_tuple()
    whole_digits = value.adjusted() + 1
    if whole_digits < 0:
        whole_digits = 0
    if whole_digits > WHOLE_DIGITS.get(places, SIGNIFICANT_DIGITS - places):
        return "too_large"
    try:
        # more decimals than stored (a figure with no more is unchanged by the quantize)
        if value != value.quantize(_QUANTA.get(places) or _quantum(places)):
            return "places"
    except InvalidOperation:
        return "too_large"
    # no more decimals than stored: at most whole + places significant digits remain, so
    # only a figure that may have more than 15 is counted
    if whole_digits + places > SIGNIFICANT_DIGITS and (
        len(value.normalize().as_tuple().digits) > SIGNIFICANT_DIGITS
    ):
        return "digits"
    return None


def _quantum(places: int) -> Decimal:
    found = _QUANTA.get(places)
    if found is None:
        found = _QUANTA[places] = Decimal(1).scaleb(-places)
    return found


_QUANTA: dict[int, Decimal] = {}


def size_error(value: Decimal, places: int) -> str | None:
    """The user's message for :func:`size_problem` ("数值过大" …), or None."""
    problem = size_problem(value, places)
    if problem is None:
        return None
    from django.utils.translation import gettext as _

    if problem == "too_large":
        return TOO_LARGE_MESSAGE() % {
            "limit": f"{Decimal(10) ** WHOLE_DIGITS.get(places, SIGNIFICANT_DIGITS - places):,}"
        }
    if problem == "digits":
        return _("Too many digits: at most %(digits)s significant digits.") % {
            "digits": SIGNIFICANT_DIGITS
        }
    return _("At most %(places)s decimal places.") % {"places": places}


def entry_error(value: Decimal, places: int, *, at_most: int | None = None) -> str | None:
    """:func:`size_error` for a figure a user enters, and at most ``at_most`` decimals (the
    company's price or quantity decimals) where that is fewer than are stored: 1.1234567
    typed as a price of a company that keeps 2 places is refused, not silently kept."""
    error = size_error(value, places)
    if error is not None or at_most is None or at_most >= places:
        return error
    if Decimal(value) != Decimal(value).quantize(Decimal(1).scaleb(-at_most)):
        from django.utils.translation import gettext as _

        return _("At most %(places)s decimal places.") % {"places": at_most}
    return None


def TOO_LARGE_MESSAGE() -> str:
    from django.utils.translation import gettext as _

    return _("The number is too large: it must be below %(limit)s.")


@deconstructible
class WithinBounds:
    """Field validator: the bounds above (forms and ``full_clean`` say "数值过大")."""

    def __init__(self, places: int):
        self.places = places

    def __call__(self, value) -> None:
        if value is None:
            return
        error = size_error(value, self.places)
        if error is not None:
            raise ValidationError(error, code="value_too_large")

    def __eq__(self, other) -> bool:
        return isinstance(other, WithinBounds) and other.places == self.places


class QuantityField(models.DecimalField):
    """A quantity in the base unit (or an entered quantity): 6 decimals, exact."""

    default_validators = [WithinBounds(QTY_PLACES)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", QTY_PLACES)
        kwargs.setdefault("default", Decimal(0))
        super().__init__(*args, **kwargs)


class MoneyField(models.DecimalField):
    """An amount of money in 元 with 2 places (分)."""

    default_validators = [WithinBounds(MONEY_PLACES)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        kwargs.setdefault("default", Decimal(0))
        super().__init__(*args, **kwargs)


class UnitCostField(models.DecimalField):
    """A unit cost or unit price kept with 10 places, so values round only once per move."""

    default_validators = [WithinBounds(UNIT_COST_PLACES)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 24)
        kwargs.setdefault("decimal_places", UNIT_COST_PLACES)
        kwargs.setdefault("default", Decimal(0))
        super().__init__(*args, **kwargs)


class FactorField(models.DecimalField):
    """A unit conversion factor (base units per unit), stored exactly; inputs needing more
    places than storage holds are refused by validation, never truncated."""

    default_validators = [WithinBounds(FACTOR_PLACES)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 24)
        kwargs.setdefault("decimal_places", FACTOR_PLACES)
        super().__init__(*args, **kwargs)


def choices_check(
    field: str, values, *, name: str, blank: bool = False, unrolled: bool = False
) -> models.CheckConstraint:
    """A database check that ``field`` holds one of its choices (or "" when ``blank``).

    ``unrolled``: on SQLite as ``field = 'a' OR field = 'b' …`` instead of ``field IN ('a',
    'b', …)`` — the same rows pass, but SQLite evaluates a CHECK's ``IN`` list of more than
    two values by building a temporary b-tree of the list for every INSERT / UPDATE statement
    (the stock moves' reasons and cost bases: two such trees per posting); a few string
    comparisons per row cost less. For the tables a posting writes (docs/ledger.md, seventh
    pass). PostgreSQL writes either as one comparison with an array (:class:`ChoicesCheck`)."""
    return ChoicesCheck(field=field, values=values, name=name, blank=blank, unrolled=unrolled)


def _text_array(values) -> str:
    """A PostgreSQL array literal of ``values`` as an SQL string (``'{"a","b"}'``)."""
    items = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "'{" + items.replace("'", "''") + "}'"


class ChoicesCheck(models.CheckConstraint):
    """:func:`choices_check`'s constraint. The condition (what Django validates, what
    ``jxc.core.constraints`` explains to a user, and the SQL on SQLite) is the ``IN`` list or
    the unrolled ``=`` … ``OR``. On PostgreSQL it is written ``"status"::text = ANY('{draft,
    …}'::text[])``: the same rows pass (NULL too), but PostgreSQL reads a table's CHECK
    expressions back from their stored node text at every statement that writes the table,
    and an ``OR`` of eight comparisons is five times the text of one comparison with an array
    (docs/ledger.md, "Twelfth pass")."""

    def __init__(
        self, *, field: str, values, name: str, blank: bool = False, unrolled: bool = False
    ):
        self.field = field
        self.values = list(values)
        self.blank = blank
        self.unrolled = unrolled
        condition = models.Q(**{f"{field}__in": self.values})
        if unrolled:
            condition = models.Q()
            for value in self.values:
                condition |= models.Q(**{field: value})
        if blank:
            condition |= models.Q(**{field: ""})
        super().__init__(condition=condition, name=name)

    def deconstruct(self):
        path = f"{type(self).__module__}.{type(self).__name__}"
        kwargs: dict = {"field": self.field, "values": self.values, "name": self.name}
        if self.blank:
            kwargs["blank"] = True
        if self.unrolled:
            kwargs["unrolled"] = True
        return path, (), kwargs

    def _get_check_sql(self, model, schema_editor):
        values = self.values + ([""] if self.blank else [])
        if schema_editor.connection.vendor != "postgresql" or not values:
            return super()._get_check_sql(model, schema_editor)  # type: ignore[misc]
        column = schema_editor.quote_name(model._meta.get_field(self.field).column)
        if all(type(v) is str for v in values):
            return f"{column}::text = ANY({_text_array(values)}::text[])"
        if all(type(v) is int for v in values):
            return f"{column} = ANY('{{{','.join(str(v) for v in values)}}}'::bigint[])"
        return super()._get_check_sql(model, schema_editor)  # type: ignore[misc]


# The database's own bound checks end in this, so an edge can tell "数值过大" from another
# refused row (jxc.api.common.errors).
BOUNDS_CHECK_SUFFIX = "_in_bounds"


def bounds_check(*, name: str, qty=(), money=(), numeric: bool = False) -> models.CheckConstraint:
    """A database check that the quantity and money columns stay inside the bounds above:
    the last line behind the writer's own checks (a pool's value, summed over many moves).

    ``numeric``: on SQLite the bounds written as numbers (``"qty" < 1000000000``) — Django
    writes a decimal column's bound as text (``'1000000000'``), which SQLite converts to a
    number at every comparison (``sqlite3AtoF``: ten per stock move written). The same rows
    pass. For the tables a posting writes (docs/ledger.md, seventh pass). PostgreSQL writes
    either in short (:class:`BoundsCheck`)."""
    return BoundsCheck(name=name, qty=qty, money=money, numeric=numeric)


class BoundsCheck(models.CheckConstraint):
    """:func:`bounds_check`'s constraint. The condition (validated by Django, explained by
    ``jxc.core.constraints``, the SQL on SQLite) is ``col < B AND col > -B`` per column. On
    PostgreSQL it is written ``GREATEST(abs("qty"), abs("pool_qty_after")) < '1000000000'::
    numeric AND …`` per bound: the same rows pass — a NULL column passes either way (GREATEST
    skips NULLs), NaN and infinities fail either way — in half the stored text, read back at
    every statement that writes the table (:class:`ChoicesCheck`)."""

    def __init__(self, *, name: str, qty=(), money=(), numeric: bool = False):
        assert name.endswith(BOUNDS_CHECK_SUFFIX)
        self.qty = list(qty)
        self.money = list(money)
        self.numeric = numeric
        condition = models.Q()
        for columns, bound in self._groups():
            high, low = (models.Value(bound), models.Value(-bound)) if numeric else (bound, -bound)
            for column in columns:
                condition &= models.Q(**{f"{column}__lt": high, f"{column}__gt": low})
        super().__init__(condition=condition, name=name)

    def _groups(self):
        return (
            (self.qty, 10 ** WHOLE_DIGITS[QTY_PLACES]),
            (self.money, 10 ** WHOLE_DIGITS[MONEY_PLACES]),
        )

    def deconstruct(self):
        path = f"{type(self).__module__}.{type(self).__name__}"
        kwargs: dict = {"name": self.name}
        if self.qty:
            kwargs["qty"] = self.qty
        if self.money:
            kwargs["money"] = self.money
        if self.numeric:
            kwargs["numeric"] = True
        return path, (), kwargs

    def _get_check_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql" or not (self.qty or self.money):
            return super()._get_check_sql(model, schema_editor)  # type: ignore[misc]
        parts = []
        for columns, bound in self._groups():
            if not columns:
                continue
            cells = [
                f"abs({schema_editor.quote_name(model._meta.get_field(c).column)})" for c in columns
            ]
            value = cells[0] if len(cells) == 1 else f"GREATEST({', '.join(cells)})"
            parts.append(f"{value} < '{bound}'::numeric")
        return " AND ".join(parts)


class AppendOnlyIdField(models.BigAutoField):
    """The id of an append-only table (the stock moves: never deleted): on SQLite a plain
    ``INTEGER PRIMARY KEY`` without ``AUTOINCREMENT``. AUTOINCREMENT only keeps the ids of
    deleted rows from coming back, which cannot happen where nothing is deleted, and costs
    every INSERT a read and a write of ``sqlite_sequence`` — a page written per posting. The
    ids still grow in insertion order (SQLite gives max(id) + 1). PostgreSQL: unchanged."""

    def db_type_suffix(self, connection):
        if connection.vendor == "sqlite":
            return None
        return super().db_type_suffix(connection)


class UnreferencedIdField(AppendOnlyIdField):
    """The id of a table whose rows are deleted but whose ids nothing stores or refers to
    (FIFO layer uses: re-costing deletes a move's uses and writes them again). On SQLite
    without ``AUTOINCREMENT`` like :class:`AppendOnlyIdField`: a deleted last id may come
    back, which nothing can tell; new rows still get ids above every live row, in insertion
    order. PostgreSQL: unchanged."""


# --- exact sums of scaled integers ------------------------------------------------------------
# A report adds a decimal column as whole numbers of its smallest unit (SQLite keeps decimals
# as REAL). One 64-bit SUM of those overflows after ~9,000 moves of 10⁹ (quantity × 10⁶):
# "integer overflow" on SQLite, "bigint out of range" on PostgreSQL. So the database adds the
# high and the low part of each scaled figure separately (each sum stays below 2⁶³ for 10⁹
# rows in bounds) and hands both back as one text "high:low" that Python joins exactly.
SPLIT = 10**6


def split_sum_sql(expr: str, *, where: str = "") -> str:
    """SQL (SQLite and PostgreSQL) for the exact sum of the integer expression ``expr``, as
    text ``"high:low"`` (NULL over no rows); ``where`` adds a ``FILTER (WHERE …)``."""
    flt = f" FILTER (WHERE {where})" if where else ""
    high = f"({expr}) / {SPLIT}"  # integer division, towards zero on both databases
    low = f"({expr}) - ({high}) * {SPLIT}"  # no "%": it would read as a query parameter
    return f"CAST(SUM({high}){flt} AS TEXT) || ':' || CAST(SUM({low}){flt} AS TEXT)"


def split_sum_value(raw) -> int:
    """The integer of a :func:`split_sum_sql` result (None → 0; plain integers pass)."""
    if raw is None:
        return 0
    if isinstance(raw, int):
        return raw
    high, _sep, low = str(raw).partition(":")
    try:  # whole numbers as text (both databases): int() is ten times cheaper than Decimal
        return int(high) * SPLIT + int(low or 0)
    except ValueError:  # "12.0" and the like
        return int(Decimal(high)) * SPLIT + int(Decimal(low or 0))
