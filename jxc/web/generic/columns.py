"""Columns of lists, detail pages and exports, and the one place cost figures are masked.

A column names a model field (or a ``__`` path through relations) and knows how to show it
as HTML, as an Excel value, and its marks (``jxc.core.visibility``: a cost figure …), taken
from the model field it names or declared on the column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, QuantityField, UnitCostField
from jxc.core.visibility import COST, MASK, NONE, field_marks, redact_record, shows

# Kinds a column may have; guessed from the model field when not given.
TEXT, BOOL, STATUS, MONEY, PRICE, QTY, DATE, DATETIME, CHOICE, TAG = (
    "text",
    "bool",
    "status",
    "money",
    "price",
    "qty",
    "date",
    "datetime",
    "choice",
    "tag",
)
NUMERIC = {MONEY, PRICE, QTY}


def resolve(obj: Any, path: str) -> Any:
    """Follow ``a__b__c`` (or ``a.b.c``) from ``obj``; a missing link gives None."""
    value = obj
    for part in path.replace(".", "__").split("__"):
        if value is None:
            return None
        value = getattr(value, part, None)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return value


def model_field(model: type[models.Model], path: str) -> models.Field | None:
    """The model field at the end of a ``__`` path, or None for a computed attribute."""
    current: Any = model
    field = None
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return None
        current = field.related_model
    return field  # type: ignore[return-value]


def plain_decimal(value: Decimal, places: int | None = None, *, grouping: bool = True) -> str:
    """1234.5 → ``1,234.50`` with ``places``; without places trailing zeros are dropped."""
    if places is None:
        text = format(value.normalize(), "f") if value == value else str(value)
        if grouping:
            whole, _sep, frac = text.partition(".")
            sign = "-" if whole.startswith("-") else ""
            whole = f"{int(whole.lstrip('-') or 0):,}"
            text = f"{sign}{whole}" + (f".{frac}" if frac else "")
        return text
    q = Decimal(1).scaleb(-places)
    return format(value.quantize(q), ",f" if grouping else "f")


@dataclass
class Column:
    """One column: ``Column("code", link=True)``, ``Column("keeper", order_by="keeper__username")``.

    name      model field or ``__`` path (also what cost masking and sorting look at)
    label     header; default: the model field's verbose name
    kind      text / bool / status / money / price / qty / date / datetime / choice / tag;
              guessed from the field when empty
    order_by  the ordering expression, False for a column that cannot be sorted;
              default: the name when it is a model field
    link      the cell links to the row's detail page
    render    ``render(obj, user) -> str`` for anything special (safe HTML allowed)
    value     ``value(obj, user) -> Any`` for a computed value (used for HTML and export)
    export    include in the Excel export
    cost      a cost figure though no model field says so (a computed value)
    marks     the column's marks (``jxc.core.visibility``): its model field's, plus COST
              when ``cost``; the cell is ``***`` and the export leaves the column out for a
              user who may not see them
    """

    name: str
    label: Any = None
    kind: str = ""
    order_by: str | bool | None = None
    link: bool = False
    render: Callable[[Any, Any], Any] | None = None
    value: Callable[[Any, Any], Any] | None = None
    export: bool = True
    cost: bool = False
    css: str = ""
    marks: frozenset[str] = NONE
    hide_empty: bool = False  # a detail row left out while the record has no value for it

    def bind(self, model: type[models.Model]) -> Column:
        """A copy with label, kind and ordering filled in from the model (once per screen)."""
        self = replace(self)
        field = model_field(model, self.name)
        if self.label is None:
            self.label = getattr(field, "verbose_name", None) or self.name
        # Model verbose names are lower case ("credit limit"); a header starts with a capital.
        self.label = capfirst(self.label)
        if not self.kind:
            self.kind = _guess_kind(field, self.name)
        if self.order_by is None:
            self.order_by = self.name if field is not None and field.concrete else False
        self.marks = self.marks | field_marks(model, self.name) | ({COST} if self.cost else NONE)
        self.cost = COST in self.marks
        return self

    def shown_to(self, user) -> bool:
        return shows(self.marks, user)

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def raw(self, obj: Any, user=None) -> Any:
        return self.value(obj, user) if self.value is not None else resolve(obj, self.name)

    def html(self, obj: Any, *, user, decimals: dict[str, int] | None = None) -> Any:
        """The cell as safe HTML; ``***`` for a cost figure the user may not see."""
        if not self.shown_to(user):
            return MASK
        if self.render is not None:
            return self.render(obj, user)
        return display(self.kind, self.raw(obj, user), obj=obj, name=self.name, decimals=decimals)

    def excel(self, obj: Any, user=None) -> Any:
        """The cell for Excel: numbers stay Decimal, dates stay dates, the rest is text."""
        value = self.raw(obj, user)
        if self.kind == CHOICE or self.kind == TAG:
            return _choice_label(obj, self.name, value)
        if self.kind in (BOOL, STATUS):
            return str(_("Yes") if value else _("No")) if self.kind == BOOL else _status(value)
        if self.kind == DATETIME and isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, Decimal | int | float | dt.date) and not isinstance(value, bool):
            return value
        if value is None:
            return None
        if isinstance(value, models.Manager):
            return ", ".join(str(v) for v in value.all())
        return str(value)


def _status(active: Any) -> str:
    return str(_("Active") if active else _("Inactive"))


def _guess_kind(field: models.Field | None, name: str) -> str:
    if field is None:
        return TEXT
    if isinstance(field, models.BooleanField):
        return STATUS if name.endswith("is_active") else BOOL
    if isinstance(field, MoneyField):
        return MONEY
    if isinstance(field, UnitCostField):
        return PRICE
    if isinstance(field, QuantityField):
        return QTY
    if isinstance(field, models.DecimalField):
        return QTY
    if isinstance(field, models.DateTimeField):
        return DATETIME
    if isinstance(field, models.DateField):
        return DATE
    if getattr(field, "choices", None):
        return CHOICE
    return TEXT


def _choice_label(obj: Any, name: str, value: Any) -> Any:
    holder = resolve(obj, name.rsplit("__", 1)[0]) if "__" in name else obj
    if name == "status" and callable(own := getattr(holder, "status_label", None)):
        return own()  # a type's own names of its statuses (调拨单: in transit, received)
    getter = getattr(holder, f"get_{name.rsplit('__', 1)[-1]}_display", None)
    return str(getter()) if callable(getter) else value


def display(
    kind: str,
    value: Any,
    *,
    obj: Any = None,
    name: str = "",
    decimals: dict[str, int] | None = None,
) -> Any:
    """Format one value for HTML according to its kind."""
    decimals = decimals or {}
    if kind == STATUS:
        label = _status(value)
        return format_html(
            '<span class="tag {}">{}</span>', "tag-on" if value else "tag-off", label
        )
    if kind == TAG:
        return format_html(
            '<span class="tag tag-{}">{}</span>', value or "", _choice_label(obj, name, value)
        )
    if value is None or value == "":
        return SafeString('<span class="muted">—</span>')
    if kind == BOOL:
        return SafeString('<span class="yes">✓</span>') if value else SafeString("—")
    if kind == CHOICE:
        return _choice_label(obj, name, value)
    if isinstance(value, Decimal):
        if kind == MONEY:
            return plain_decimal(value, 2)
        if kind == PRICE:
            return plain_decimal(value, decimals.get("price", 2))
        return plain_decimal(value)
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    if isinstance(value, models.Manager):
        return ", ".join(str(v) for v in value.all()) or SafeString('<span class="muted">—</span>')
    return value


def mask_value(model: Any, name: str, value: Any, user) -> Any:
    """For places that show a model's named value outside a column (audit changes, detail
    extras): ``***`` for a field marked hidden from ``user``; hidden fields of related rows
    dropped from nested values (a SKU's units)."""
    if model is None:
        return value
    if not shows(field_marks(model, name), user):
        return MASK
    if isinstance(value, dict | list | tuple):
        return redact_record(model, {name: value}, user)[name]
    return value
