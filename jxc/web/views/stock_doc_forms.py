"""Forms of the warehouse-document screens: the header forms and the line grid's rows.

The grid posts one list per column (``line_sku``, ``line_qty`` …, aligned by position);
``parse_lines`` turns them into ``LineInput`` values for the service and keeps what was typed
for showing the form again with each row's errors (``lines.<i>.<field>`` from the service).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Category, Sku
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.visibility import COST, field_marks
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.choices import REASONS_FOR_KIND, AssemblyKind, OtherReason
from jxc.inventory.documents.models import StockDocumentLine
from jxc.inventory.models import Bin
from jxc.web.generic.forms import offer_active

# Grid columns: name → (label, what the input holds). A document shows a subset.
GRID_COLUMNS: dict[str, Any] = {
    "qty": _("Quantity"),
    "unit": _("unit"),
    "price": _("Unit cost"),
    "value": _("value change"),
    "bin": _("Bin"),
    "to_bin": _("to bin"),
    "batch": _("Batch number"),
    "production": _("Production date"),
    "expiry": _("Expiry date"),
    "serials": _("serial numbers"),
    "memo": _("memo"),
}
FIELD_OF = {  # service error field → grid column
    "sku": "sku",
    "qty": "qty",
    "unit": "unit",
    "price": "price",
    "value_change": "value",
    "bin": "bin",
    "to_bin": "to_bin",
    "batch_number": "batch",
    "production_date": "production",
    "expiry_date": "expiry",
    "serials": "serials",
}
# Grid columns holding a field marked as a cost figure (unit cost, value change).
COST_COLUMNS = frozenset(
    column for field, column in FIELD_OF.items() if COST in field_marks(StockDocumentLine, field)
)


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StockDocumentHeaderForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=None, label=_("warehouse"))
    date = forms.DateField(label=_("business date"), widget=date_input())
    reason = forms.ChoiceField(label=_("reason"), required=False)
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft keeps its warehouse even if it was deactivated since (offer_active reads the
        # draft's values from ``initial``, which the view passes on GET and POST).
        offer_active(self, "warehouse", stock_selectors.warehouses_for(user))
        reasons = REASONS_FOR_KIND.get(kind)
        if reasons:
            labels = dict(OtherReason.choices)
            self.fields["reason"].choices = [(r, labels[r]) for r in reasons]
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


class TransferHeaderForm(forms.Form):
    from_warehouse = forms.ModelChoiceField(queryset=None, label=_("from warehouse"))
    to_warehouse = forms.ModelChoiceField(queryset=None, label=_("to warehouse"))
    date = forms.DateField(label=_("business date"), widget=date_input())
    one_step = forms.BooleanField(
        label=_("one step"),
        required=False,
        help_text=_("Out and in at once (warehouses of the same site)."),
    )
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)

    def __init__(self, *args, user, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_warehouse", "to_warehouse"):
            offer_active(self, name, stock_selectors.warehouses_for(user))


class AssemblyHeaderForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=AssemblyKind.choices)
    warehouse = forms.ModelChoiceField(queryset=None, label=_("warehouse"))
    date = forms.DateField(label=_("business date"), widget=date_input())
    kit_sku = forms.ModelChoiceField(queryset=None, label=_("kit SKU"))
    qty = forms.DecimalField(label=_("kits"), min_value=Decimal("0.000001"), decimal_places=6)
    kit_batch_number = forms.CharField(label=_("kit batch number"), max_length=60, required=False)
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)

    def __init__(self, *args, user, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        offer_active(self, "warehouse", stock_selectors.warehouses_for(user))
        offer_active(self, "kit_sku", Sku.objects.order_by("code"), active="kit__is_active")


class CountSheetForm(forms.Form):
    """盘点单: options shared by the sheets made at once."""

    date = forms.DateField(label=_("business date"), widget=date_input())
    blind = forms.BooleanField(label=_("blind count"), required=False)
    uncounted_as_zero = forms.BooleanField(label=_("uncounted lines count as zero"), required=False)
    include_zero = forms.BooleanField(
        label=_("include SKUs at zero"),
        required=False,
        help_text=_("Also list what the warehouse has held but holds none of now."),
    )
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)


@dataclass
class ParsedLines:
    lines: list[LineInput]
    rows: list[dict[str, Any]]  # what was typed, per row, for the form shown again
    errors: dict[str, list[str]]


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    value = Decimal(raw)
    if not value.is_finite():
        raise InvalidOperation(raw)
    return value


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _date(raw: str) -> dt.date | None:
    raw = (raw or "").strip()
    return dt.date.fromisoformat(raw) if raw else None


def parse_lines(data, columns: list[str]) -> ParsedLines:
    """The grid's rows (empty ones dropped) as service input, with format errors."""
    get = data.getlist
    skus = get("line_sku")
    n = len(skus)

    def col(name: str) -> list[str]:
        values = get(f"line_{name}")
        return values + [""] * (n - len(values))

    cols = {name: col(name) for name in GRID_COLUMNS}
    labels = col("sku_label")
    lines: list[LineInput] = []
    rows: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for i in range(n):
        raw = {name: cols[name][i] for name in GRID_COLUMNS}
        sku_id = _int(skus[i])
        if sku_id is None and not any(v.strip() for v in raw.values()):
            continue
        index = len(rows)
        rows.append({"sku": skus[i], "sku_label": labels[i], **raw})
        values: dict[str, Any] = {}
        for name, convert in (
            ("qty", _decimal),
            ("price", _decimal),
            ("value", _decimal),
            ("production", _date),
            ("expiry", _date),
        ):
            try:
                values[name] = convert(raw[name]) if name in columns else None
            except (InvalidOperation, ValueError):
                message = (
                    _("Enter a valid date.")
                    if name in ("production", "expiry")
                    else _("Enter a number.")
                )
                errors.setdefault(f"lines.{index}.{name}", []).append(str(message))
        if sku_id is None:
            errors.setdefault(f"lines.{index}.sku", []).append(str(_("Select a valid SKU.")))
        lines.append(
            LineInput(
                sku=sku_id or 0,
                qty=values.get("qty") or Decimal(0),
                unit=_int(raw["unit"]) if "unit" in columns else None,
                price=values.get("price"),
                value_change=values.get("value"),
                bin=_int(raw["bin"]) if "bin" in columns else None,
                to_bin=_int(raw["to_bin"]) if "to_bin" in columns else None,
                batch_number=raw["batch"].strip() if "batch" in columns else "",
                production_date=values.get("production"),
                expiry_date=values.get("expiry"),
                serials=parse_serials(raw["serials"]) if "serials" in columns else (),
                memo=raw["memo"].strip()[:200] if "memo" in columns else "",
            )
        )
    return ParsedLines(lines=lines, rows=rows, errors=errors)


def row_errors(errors: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Split service errors into the grid's (``"<row>.<column>"``) and the header's."""
    grid: dict[str, list[str]] = {}
    header: dict[str, list[str]] = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3:
            grid.setdefault(f"{parts[1]}.{FIELD_OF.get(parts[2], parts[2])}", []).extend(messages)
        elif parts[0] == "lines":
            grid.setdefault("all", []).extend(messages)
        else:
            header.setdefault(key, []).extend(messages)
    return grid, header


def rows_of(lines, *, sku_units) -> list[dict[str, Any]]:
    """Saved lines as grid rows (for editing a draft)."""

    def text(v) -> str:
        if v is None:
            return ""
        if isinstance(v, Decimal):
            t = format(v.normalize(), "f")
            return t
        return str(v)

    out = []
    for x in lines:
        out.append(
            {
                "sku": str(x.sku_id),
                "sku_label": f"{x.sku.code} {x.sku}",
                "units": sku_units.get(x.sku_id, []),
                "qty": text(x.qty),
                "unit": text(x.unit_id),
                "price": text(getattr(x, "price", None)),
                "value": text(getattr(x, "value_change", None)),
                "bin": text(getattr(x, "bin_id", None)),
                "to_bin": text(getattr(x, "to_bin_id", None)),
                "batch": getattr(x, "batch_number", ""),
                "production": text(getattr(x, "production_date", None)),
                "expiry": text(getattr(x, "expiry_date", None)),
                "serials": getattr(x, "serials", ""),
                "memo": x.memo,
            }
        )
    return out


def units_of(sku_ids) -> dict[int, list[dict[str, Any]]]:
    """The units each SKU may be entered in (base first)."""
    from jxc.catalog.models import SkuUnit

    out: dict[int, list[dict[str, Any]]] = {}
    for su in (
        SkuUnit.objects.filter(sku_id__in=set(sku_ids))
        .select_related("unit")
        .order_by("sku_id", "-is_base", "factor")
    ):
        out.setdefault(su.sku_id, []).append(
            {"id": su.unit_id, "name": su.unit.name, "factor": format(su.factor.normalize(), "f")}
        )
    return out


def bins_by_warehouse(user) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for b in Bin.objects.filter(
        warehouse__in=stock_selectors.warehouses_for(user), is_active=True
    ).order_by("code"):
        out.setdefault(str(b.warehouse_id), []).append({"id": b.pk, "code": b.code})
    return out


def categories() -> list[tuple[int, str]]:
    return [(c.pk, "\u3000" * c.depth + c.name) for c in Category.objects.filter(is_active=True)]
