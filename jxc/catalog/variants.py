"""追加规格: a new colour or size on an existing product, its SKUs made like the others."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from jxc.catalog import rules
from jxc.catalog.models import Barcode, Product, Sku, SkuUnit
from jxc.core import barcodes as barcode_rules
from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.services import record_audit

PRICE_FIELDS = rules.PRICE_FIELDS  # the six prices of a unit


@transaction.atomic
def add_variants(
    product: Product,
    *,
    user,
    values1: list[str] | None = None,
    values2: list[str] | None = None,
    barcodes: dict[tuple[str, str], str] | None = None,
) -> list[Sku]:
    """追加颜色 / 尺码: the SKUs of every new 颜色 × 尺码 cell, each with the units, factors and
    prices of the SKU it copies (``rules.variant_template``: same size, else same colour),
    its code numbered after the product's last, and its base unit's barcode: the one given for
    the cell, else — when the SKU it copies has a base-unit barcode (the product is scanned) —
    an internal EAN-13 (``internal_barcode``). A barcode names one SKU, so none is copied;
    neither are box barcodes."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    values1, values2 = values1 or [], values2 or []
    errors: dict[str, list] = {}
    if any(v.strip() for v in values1) and not product.attribute1:
        errors.setdefault("values1", []).append(
            _("Name the attribute (e.g. colour) before listing its values.")
        )
    if any(v.strip() for v in values2) and not product.attribute2:
        errors.setdefault("values2", []).append(
            _("Name the attribute (e.g. colour) before listing its values.")
        )
    skus = list(product.skus.order_by("id").prefetch_related("units__barcodes"))
    existing = [(s.value1, s.value2) for s in skus]
    cells = rules.new_variant_cells(existing, values1, values2)
    if not cells and not errors:
        errors.setdefault("values1", []).append(_("No new colour or size to add."))
    barcodes = {k: v.strip() for k, v in (barcodes or {}).items() if v.strip()}
    given = list(barcodes.values())
    for code in sorted(
        set(Barcode.objects.filter(code__in=given).values_list("code", flat=True))
        | {b for b in given if given.count(b) > 1}
    ):
        errors.setdefault("barcodes", []).append(str(DuplicateCode(value=code)))
    if errors:
        raise ValidationFailed(errors)
    by_cell = {(s.value1, s.value2): s for s in skus}
    taken = set(Sku.objects.filter(code__startswith=product.code).values_list("code", flat=True))
    n = len(skus)
    made = []
    for cell in cells:
        n += 1
        code = rules.variant_code(product.code, n, 2)
        while code in taken:
            n += 1
            code = rules.variant_code(product.code, n, 2)
        taken.add(code)
        template = by_cell[rules.variant_template(cell, existing)]
        sku = Sku.objects.create(
            product=product,
            code=code,
            name=product.name,
            spec=rules.variant_spec_text(*cell),
            value1=cell[0],
            value2=cell[1],
            mnemonic=product.mnemonic,
            weight=template.weight,
        )
        for u in template.units.all():
            su = SkuUnit.objects.create(
                sku=sku,
                unit_id=u.unit_id,
                factor=u.factor,
                is_base=u.is_base,
                **{f: getattr(u, f) for f in PRICE_FIELDS},
            )
            if su.is_base and cell in barcodes:
                Barcode.objects.create(code=barcodes[cell], sku=sku, sku_unit=su)
            elif su.is_base and u.barcodes.all():
                Barcode.objects.create(code=internal_barcode(sku), sku=sku, sku_unit=su)
        made.append(sku)
    record_audit(
        user=user,
        obj=product,
        action="update",
        changes={"skus": [[s.code for s in skus], [s.code for s in [*skus, *made]]]},
    )
    return made


def internal_barcode(sku: Sku) -> str:
    """店内码: an internal EAN-13 for ``sku`` — the configured prefix, the SKU's id, the check
    digit (unique as SKU ids are); should someone have typed that code for another SKU, the
    next free number after the highest internal code in use."""
    prefix = barcode_rules.internal_prefix(settings.JXC_INTERNAL_BARCODE_PREFIX)
    code = barcode_rules.internal_ean13(prefix, sku.pk)
    if not Barcode.objects.filter(code=code).exists():
        return code
    used = Barcode.objects.filter(code__startswith=prefix, code__regex=r"^[0-9]{13}$")
    highest = max(
        (int(c[len(prefix) : 12]) for c in used.values_list("code", flat=True)), default=0
    )
    return barcode_rules.internal_ean13(prefix, highest + 1)
