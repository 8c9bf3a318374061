"""Input of the product screens: header forms, and the unit and variant rows of the 新增商品
page (posted as ``unit-<n>-<field>`` / ``variant-<n>-<field>``, added live by Alpine.js).

Nothing here decides what is valid beyond reading the input: the catalog services do that,
and their errors are put back on the header field or the row they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.choices import PRICE_FIELDS
from jxc.catalog.models import Brand, Category, Product, Unit
from jxc.catalog.rules import UnitSpec, VariantSpec, parse_decimal
from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.fields import FACTOR_PLACES, UNIT_COST_PLACES
from jxc.core.visibility import field_marks, shows
from jxc.inventory.models import Warehouse
from jxc.web.generic import ServiceForm

# Prices a variant row may set for its base unit (the unit rows hold all five).
VARIANT_PRICE_FIELDS = ("purchase_price", "retail_price")
_ROW_KEY = re.compile(r"^(unit|variant)-(\d+)-(\w+)$")
_VALUE_SPLIT = re.compile(r"[,，、;；\s]+")

HEADER_FIELDS = (
    "code",
    "name",
    "mnemonic",
    "category",
    "brand",
    "base_unit",
    "tracking",
    "shelf_life_days",
    "attribute1",
    "attribute2",
    "image",
    "memo",
)


def price_labels() -> dict[str, Any]:
    from jxc.catalog.models import SkuUnit

    return {
        name: getattr(SkuUnit._meta.get_field(name), "verbose_name", name) for name in PRICE_FIELDS
    }


def visible_price_fields(user, names=PRICE_FIELDS) -> list[str]:
    """Price inputs this user gets: no input at all for a cost figure they may not see."""
    from jxc.catalog.models import SkuUnit

    return [n for n in names if shows(field_marks(SkuUnit, n), user)]


def split_values(raw: str) -> list[str]:
    """``红, 蓝、白`` → [红, 蓝, 白]: commas (either width), 、, semicolons or spaces."""
    return [v for v in dict.fromkeys(p.strip() for p in _VALUE_SPLIT.split(raw or "")) if v]


class ProductForm(ServiceForm):
    """The product's own fields; units and variants come as rows (see ``RowSet``)."""

    values1 = forms.CharField(label=_("Values"), required=False, max_length=500)
    values2 = forms.CharField(label=_("Values"), required=False, max_length=500)

    class Meta:
        model = Product
        fields = HEADER_FIELDS
        widgets = {"memo": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active rows, plus the ones posted back with the page (see ``offer_active``).
        self.offer_active("category", Category.objects.all())
        self.offer_active("brand", Brand.objects.all())
        self.offer_active("base_unit", Unit.objects.all())
        self.fields["mnemonic"].help_text = _("Pinyin initials, filled in from the name.")
        self.fields["attribute1"].widget.attrs["placeholder"] = _("e.g. colour")
        self.fields["attribute2"].widget.attrs["placeholder"] = _("e.g. size")
        self.fields["values1"].widget.attrs["placeholder"] = _("e.g. red, blue")
        self.fields["values2"].widget.attrs["placeholder"] = _("e.g. S, M, L")
        # Alpine.js hooks of product_form.html: the 助记码 follows the name until edited,
        # the unit table follows the base unit, the matrix follows the attribute values.
        live = {
            "code": {"x-ref": "code", "x-on:input": "code = $event.target.value"},
            "name": {"x-on:input.debounce.300ms": "fetchMnemonic($event.target.value)"},
            "mnemonic": {
                "x-ref": "mnemonic",
                "x-on:input": "mnemonicTouched = $event.target.value !== ''",
            },
            "base_unit": {"x-ref": "baseUnit", "x-on:change": "baseUnit = $event.target.value"},
            "attribute1": {"x-ref": "attr1", "x-on:input": "attr1 = $event.target.value"},
            "attribute2": {"x-ref": "attr2", "x-on:input": "attr2 = $event.target.value"},
            "values1": {"x-ref": "values1", "x-on:input": "regen()"},
            "values2": {"x-ref": "values2", "x-on:input": "regen()"},
        }
        for name, attrs in live.items():
            self.fields[name].widget.attrs.update(attrs)

    def _post_clean(self) -> None:
        # No model validation here: create_product validates (and reports every error at once).
        return None


class ProductEditForm(ServiceForm):
    """修改商品: the header fields that can change once SKUs exist (not code or base unit)."""

    class Meta:
        model = Product
        fields = (
            "name",
            "mnemonic",
            "category",
            "brand",
            "tracking",
            "shelf_life_days",
            "image",
            "memo",
        )
        widgets = {"memo": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A category or brand deactivated since stays offered: saving only the memo must not
        # clear it (ServiceForm.offer_active).
        self.offer_active("category", Category.objects.all())
        self.offer_active("brand", Brand.objects.all())

    def _post_clean(self) -> None:
        return None

    def changed_fields(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.changed_data if k in self.cleaned_data}
        if "image" in data and data["image"] is None:
            data.pop("image")  # an empty file input keeps the image
        if data.get("image") is False:
            data["image"] = ""  # "clear" ticked
        return data


@dataclass
class Row:
    """One posted row as the page shows it again: raw values and the errors next to them."""

    index: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: Any) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def as_json(self) -> dict[str, Any]:
        return {**self.values, "errors": self.errors}


@dataclass
class RowSet:
    """The unit rows (row 0 is the base unit) and the variant rows of a product form."""

    units: list[Row] = field(default_factory=list)
    variants: list[Row] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # table-level: units, variants
    unit_specs: list[UnitSpec] = field(default_factory=list)
    unit_rows: list[Row] = field(default_factory=list)  # unit_specs[i] came from unit_rows[i]
    variant_specs: list[VariantSpec] = field(default_factory=list)
    variant_rows: list[Row] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(r.errors for r in self.units + self.variants)

    def add(self, key: str, message: Any) -> None:
        self.errors.setdefault(key, []).append(str(message))

    def summary(self, labels: dict[str, Any]) -> list[str]:
        """Every row error as one line (``单位第 2 行 换算率：…``) for the top of the page."""
        lines = [m for msgs in self.errors.values() for m in msgs]
        for kind, rows in ((_("Unit row"), self.units), (_("SKU row"), self.variants)):
            for row in rows:
                for name, msgs in row.errors.items():
                    label = labels.get(name, name)
                    lines += [f"{kind} {row.index + 1} {label}: {m}" for m in msgs]
        return lines

    def state(self) -> dict[str, Any]:
        return {
            "units": [r.as_json() for r in self.units],
            "variants": [r.as_json() for r in self.variants],
            "errors": self.errors,
        }


def _rows(data, kind: str) -> list[tuple[int, dict[str, str]]]:
    found: dict[int, dict[str, str]] = {}
    for key in data:
        m = _ROW_KEY.match(key)
        if m and m.group(1) == kind:
            found.setdefault(int(m.group(2)), {})[m.group(3)] = (data.get(key) or "").strip()
    return sorted(found.items())


def _prices(row: Row, names) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for name in names:
        raw = row.values.get(name, "")
        if raw == "":
            continue
        try:
            out[name] = parse_decimal(raw, places=UNIT_COST_PLACES)
        except ValueError as exc:
            row.add(name, exc.args[0] if exc.args else _("Enter a number."))
    return out


def parse_unit_rows(data, *, base_unit_id: int | None, user, rowset: RowSet) -> None:
    """Unit rows → UnitSpecs. Row 0 is the base unit (its unit is the header's, factor 1);
    an extra row left wholly empty is ignored."""
    prices = visible_price_fields(user)
    units = {u.pk: u for u in Unit.objects.all()}
    posted = _rows(data, "unit") or [(0, {})]
    for position, (_n, values) in enumerate(posted):
        row = Row(
            index=position,
            values={k: values.get(k, "") for k in ("unit", "factor", "barcode", *PRICE_FIELDS)},
        )
        rowset.units.append(row)
        is_base = position == 0
        if is_base:
            row.values["unit"] = str(base_unit_id or "")
            row.values["factor"] = "1"
        elif not any(row.values.values()):
            continue
        unit_id = None
        raw_unit = row.values["unit"]
        if raw_unit.isdigit() and int(raw_unit) in units:
            unit_id = int(raw_unit)
        elif not is_base:
            row.add("unit", _("Choose a unit."))
        factor = Decimal(1)
        if not is_base:
            try:
                factor = parse_decimal(row.values["factor"], places=FACTOR_PLACES)
            except ValueError as exc:
                row.add("factor", exc.args[0] if exc.args else _("Enter a number."))
        spec_prices = _prices(row, prices)
        if unit_id is None:
            continue
        rowset.unit_specs.append(
            UnitSpec(
                unit_id=unit_id, factor=factor, barcode=row.values["barcode"], prices=spec_prices
            )
        )
        rowset.unit_rows.append(row)


def parse_variant_rows(data, *, user, rowset: RowSet) -> None:
    prices = visible_price_fields(user, VARIANT_PRICE_FIELDS)
    for position, (_n, values) in enumerate(_rows(data, "variant")):
        row = Row(
            index=position,
            values={
                k: values.get(k, "")
                for k in ("value1", "value2", "code", "barcode", *VARIANT_PRICE_FIELDS)
            },
        )
        rowset.variants.append(row)
        spec = VariantSpec(
            value1=row.values["value1"],
            value2=row.values["value2"],
            code=row.values["code"],
            barcode=row.values["barcode"],
            prices=_prices(row, prices),
        )
        rowset.variant_specs.append(spec)
        rowset.variant_rows.append(row)


def place_service_errors(exc: ValidationFailed, *, form: forms.BaseForm, rowset: RowSet) -> None:
    """Put each of create_product's errors where the user typed the value: a header field,
    a unit or variant row (``units.2.factor``), or the row holding a duplicate code/barcode."""
    for key, messages in exc.errors.items():
        parts = key.split(".")
        if parts[0] in ("units", "variants") and len(parts) == 3 and parts[1].isdigit():
            rows = rowset.unit_rows if parts[0] == "units" else rowset.variant_rows
            i = int(parts[1])
            if i < len(rows):
                for m in messages:
                    rows[i].add(parts[2], m)
                continue
        if key == "barcode":
            for m in messages:
                if not _place_duplicate(m, rowset.unit_rows + rowset.variant_rows, "barcode"):
                    rowset.add("barcode", m)
            continue
        if key == "variants":
            for m in messages:
                if _place_duplicate(m, rowset.variant_rows, "code"):
                    continue
                if not rowset.variant_rows and "code" in form.fields:
                    # one SKU: its code is the product code, already marked on that field
                    if m not in form.errors.get("code", []):
                        form.add_error("code", m)
                    continue
                rowset.add("variants", m)
            continue
        if key in ("units",):
            for m in messages:
                rowset.add(key, m)
            continue
        target = key if key in form.fields else None
        form.add_error(target, list(messages))


def _place_duplicate(message: str, rows: list[Row], name: str) -> bool:
    placed = False
    for row in rows:
        value = row.values.get(name)
        if value and message == str(DuplicateCode(value=value)):
            row.add(name, message)
            placed = True
    return placed


class StockLimitRow:
    """安全库存 / 最高库存 of one SKU in one warehouse, as shown and posted on the detail page."""

    def __init__(self, sku, warehouse: Warehouse, limit=None):
        self.sku = sku
        self.warehouse = warehouse
        self.min_qty = "" if limit is None or limit.min_qty is None else _plain(limit.min_qty)
        self.max_qty = "" if limit is None or limit.max_qty is None else _plain(limit.max_qty)
        self.original = (self.min_qty, self.max_qty)
        self.errors: dict[str, list[str]] = {}

    @property
    def prefix(self) -> str:
        return f"limit-{self.sku.pk}-{self.warehouse.pk}"

    def read(self, data) -> None:
        self.min_qty = (data.get(f"{self.prefix}-min") or "").strip()
        self.max_qty = (data.get(f"{self.prefix}-max") or "").strip()

    @property
    def changed(self) -> bool:
        return (self.min_qty, self.max_qty) != self.original

    def parsed(self) -> tuple[Decimal | None, Decimal | None]:
        from jxc.core.fields import QTY_PLACES

        out: list[Decimal | None] = []
        for name, raw in (("min_qty", self.min_qty), ("max_qty", self.max_qty)):
            if raw == "":
                out.append(None)
                continue
            try:
                out.append(parse_decimal(raw, places=QTY_PLACES))
            except ValueError as exc:
                self.errors.setdefault(name, []).append(str(exc.args[0]))
                out.append(None)
        return out[0], out[1]


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
