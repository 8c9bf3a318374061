"""Pure rules of the catalog: variant matrices, unit conversions, price checks. No database."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from jxc.catalog.choices import PRICE_FIELDS
from jxc.core.fields import FACTOR_PLACES, UNIT_COST_PLACES, entry_error, size_error

BARCODE_RE = re.compile(r"^[0-9A-Za-z\-]{4,64}$")


@dataclass
class UnitSpec:
    """One unit of a SKU as entered: ``unit_id`` with ``factor`` base units, prices, barcode."""

    unit_id: int
    factor: Decimal = Decimal(1)
    barcode: str = ""
    prices: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class VariantSpec:
    value1: str = ""
    value2: str = ""
    code: str = ""
    barcode: str = ""  # barcode of the base unit of this variant
    # Base-unit prices of this variant where they differ from the unit list (红色 XL dearer).
    prices: dict[str, Decimal] = field(default_factory=dict)


def variant_matrix(values1: list[str], values2: list[str]) -> list[tuple[str, str]]:
    """颜色 × 尺码: every combination, in the order entered; one ("", "") without attributes."""
    v1 = [v for v in dict.fromkeys(x.strip() for x in values1) if v] or [""]
    v2 = [v for v in dict.fromkeys(x.strip() for x in values2) if v] or [""]
    return [(a, b) for a in v1 for b in v2]


def variant_spec_text(value1: str, value2: str) -> str:
    return " / ".join(v for v in (value1, value2) if v)


def variant_code(product_code: str, index: int, count: int) -> str:
    """SKU codes: the product code for a single SKU, ``P001-01``, ``P001-02`` … for variants."""
    return product_code if count == 1 else f"{product_code}-{index:02d}"


def parse_decimal(raw, *, places: int) -> Decimal:
    """Exact decimal from user input; refuses what would have to be cut to be stored."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not value.is_finite():
        raise ValueError(_("Enter a number."))
    error = size_error(value, places)
    if error is not None:
        raise ValueError(error)
    return value


def unit_errors(
    units: list[UnitSpec],
    *,
    base_unit_id: int,
    price_places: int | None = None,
    factor_places: int | None = None,
) -> dict[str, list]:
    """Field errors for a SKU's unit list: one base unit with factor 1, factors > 0 and exact,
    no unit twice, prices ≥ 0 and exact, barcodes well-formed and not repeated. Prices and
    factors have at most the company's price and quantity decimals (``price_places``,
    ``factor_places``)."""
    errors: dict[str, list] = {}

    def add(key: str, message) -> None:
        errors.setdefault(key, []).append(message)

    seen: set[int] = set()
    barcodes: set[str] = set()
    for i, spec in enumerate(units):
        if spec.unit_id in seen:
            add(f"units.{i}.unit", _("This unit is listed twice."))
        seen.add(spec.unit_id)
        if spec.factor <= 0:
            add(f"units.{i}.factor", _("The conversion factor must be greater than zero."))
        elif (error := entry_error(spec.factor, FACTOR_PLACES, at_most=factor_places)) is not None:
            add(f"units.{i}.factor", error)
        if spec.unit_id == base_unit_id and spec.factor != 1:
            add(f"units.{i}.factor", _("The base unit's factor is 1."))
        for name, price in spec.prices.items():
            if name not in PRICE_FIELDS:
                add(f"units.{i}.{name}", _("Unknown price."))
            elif price < 0:
                add(f"units.{i}.{name}", _("A price cannot be below zero."))
            elif (error := entry_error(price, UNIT_COST_PLACES, at_most=price_places)) is not None:
                add(f"units.{i}.{name}", error)
        if spec.barcode:
            if not BARCODE_RE.match(spec.barcode):
                add(f"units.{i}.barcode", _("A barcode has 4 to 64 letters, digits or dashes."))
            elif spec.barcode in barcodes:
                add(f"units.{i}.barcode", _("This barcode is listed twice."))
            barcodes.add(spec.barcode)
    if base_unit_id not in seen:
        add("units", _("The base unit must be among the units."))
    return errors


def variant_errors(
    variants: list[VariantSpec], *, price_places: int | None = None
) -> dict[str, list]:
    """Field errors for the variant rows' own base-unit prices: known, ≥ 0 and exact."""
    errors: dict[str, list] = {}
    for i, spec in enumerate(variants):
        for name, price in spec.prices.items():
            key = f"variants.{i}.{name}"
            if name not in PRICE_FIELDS:
                errors.setdefault(key, []).append(_("Unknown price."))
            elif price < 0:
                errors.setdefault(key, []).append(_("A price cannot be below zero."))
            elif (error := entry_error(price, UNIT_COST_PLACES, at_most=price_places)) is not None:
                errors.setdefault(key, []).append(error)
    return errors


def to_base(qty: Decimal, factor: Decimal) -> Decimal:
    """Entered quantity in a unit → base units (exact)."""
    return qty * factor


def mixed_quantity(base_qty: Decimal, units: list[tuple[str, Decimal]]) -> str:
    """3箱5瓶: a base-unit quantity in the SKU's units, largest first.

    ``units`` are (name, base units per one); units smaller than the base (factor below 1)
    are not used. What does not make a whole larger unit stays in the base unit, fractions
    included (``3箱5.5千克``). Zero is ``0`` in the base unit; a negative quantity keeps one
    sign in front (``-1箱2瓶``). Without a base unit (factor 1) in ``units`` the remainder
    has no name and is shown as a number."""
    base = next((name for name, factor in units if factor == 1), "")
    larger = sorted(((f, n) for n, f in units if f > 1), reverse=True)
    sign = "-" if base_qty < 0 else ""
    rest = abs(base_qty)
    parts: list[str] = []
    for factor, name in larger:
        whole = rest // factor
        if whole:
            parts.append(f"{_plain(whole)}{name}")
            rest -= whole * factor
    if rest or not parts:
        parts.append(f"{_plain(rest)}{base}")
    return sign + "".join(parts)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if value else "0"


def new_variant_cells(
    existing: list[tuple[str, str]], values1: list[str], values2: list[str]
) -> list[tuple[str, str]]:
    """追加规格: the 颜色 × 尺码 cells a new colour or size adds — every combination of the
    values there are and the ones added, less the cells that exist, in matrix order."""
    old1 = list(dict.fromkeys(v1 for v1, _ in existing))
    old2 = list(dict.fromkeys(v2 for _, v2 in existing))
    all1 = list(dict.fromkeys([*old1, *(v.strip() for v in values1 if v.strip())]))
    all2 = list(dict.fromkeys([*old2, *(v.strip() for v in values2 if v.strip())]))
    have = set(existing)
    return [(a, b) for a in all1 for b in all2 if (a, b) not in have]


def variant_template(cell: tuple[str, str], existing: list[tuple[str, str]]) -> tuple[str, str]:
    """The SKU a new cell copies its units and prices from: the same size (prices follow the
    size: XL dearer), else the same colour, else the first SKU."""
    return next(
        (c for c in existing if cell[1] and c[1] == cell[1]),
        next((c for c in existing if cell[0] and c[0] == cell[0]), existing[0]),
    )
