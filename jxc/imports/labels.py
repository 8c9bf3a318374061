"""打印标签: what goes on each label — for SKUs and quantities chosen by the user, or for the
lines of a document whose type declares it prints labels (``Document.LABEL_QTY``: 采购入库单,
其他入库单, 期初库存, 调拨单, 盘点单) — laid out by ``jxc.core.printing.labels``.

Each label carries the SKU's name, its variant (颜色 / 尺码), the chosen price of its base unit
(零售价 by default; 参考进价 is a cost and never offered) and its code: the base unit's barcode,
else any barcode of the SKU, else the SKU code. From a document: one label per base unit
(received, moved or counted: 2 箱 of 12 → 24 labels, each item gets its tag; a fraction counts
as one) or one per line, as the user chooses. Reads only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Barcode, Sku, SkuUnit
from jxc.core.errors import NotFound, PermissionDenied, ValidationFailed
from jxc.core.printing.labels import MAX_LABELS, SIZES, Label, TooManyLabels, render_labels

# the prices a label may show (a key of SkuUnit), in the order the form offers them
PRICES = {
    "retail_price": gettext_lazy("retail price"),
    "member_price": gettext_lazy("member price"),
    "wholesale_price": gettext_lazy("wholesale price"),
    "none": gettext_lazy("no price"),
}
DEFAULT_PRICE = "retail_price"
MAX_QTY = 1_000  # labels of one SKU in one request
PER = {
    "unit": gettext_lazy("one label per unit"),
    "line": gettext_lazy("one label per line"),
}
PERMISSION = "product.view"


def _check_options(*, size: str, price: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if size not in SIZES:
        errors["size"] = [_("Select a valid choice.")]
    if price not in PRICES:
        errors["price"] = [_("Select a valid choice.")]
    return errors


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{value.quantize(Decimal('0.01'))}"


def _faces(sku_ids: Iterable[int], price: str) -> dict[int, tuple[str, str, str, str]]:
    """SKU id → (name, variant, price text, code), in three reads."""
    ids = sorted(set(sku_ids))
    skus = {s.pk: s for s in Sku.objects.filter(pk__in=ids)}
    bases = {u.sku_id: u for u in SkuUnit.objects.filter(sku_id__in=ids, is_base=True)}
    base_ids = {u.pk for u in bases.values()}
    base_code: dict[int, str] = {}
    any_code: dict[int, str] = {}
    rows = Barcode.objects.filter(sku_id__in=ids).order_by("id")
    for sku_id, unit_id, code in rows.values_list("sku_id", "sku_unit_id", "code"):
        any_code.setdefault(sku_id, code)
        if unit_id in base_ids:
            base_code.setdefault(sku_id, code)
    out = {}
    for pk, sku in skus.items():
        base = bases.get(pk)
        shown = "" if price == "none" or base is None else _money(getattr(base, price))
        code = base_code.get(pk) or any_code.get(pk) or sku.code
        variant = sku.spec or " / ".join(v for v in (sku.value1, sku.value2) if v)
        out[pk] = (sku.name, variant, shown, code)
    return out


def _labels(wanted: Sequence[tuple[int, int]], *, price: str, qr: bool) -> list[Label]:
    faces = _faces((sku for sku, _n in wanted), price)
    labels: list[Label] = []
    for sku_id, n in wanted:
        name, variant, shown, code = faces[sku_id]
        labels.extend([Label(name=name, variant=variant, price=shown, code=code, qr=qr)] * n)
    return labels


def sku_labels_pdf(
    items: Sequence[tuple[Any, Any]],
    *,
    user,
    size: str = "40x30",
    price: str = DEFAULT_PRICE,
    qr: bool = False,
) -> bytes:
    """Labels for chosen SKUs: ``items`` are (SKU id, how many labels). A quantity must be a
    whole number from 1 to ``MAX_QTY``; every unknown SKU and bad quantity is named (field
    ``items.<i>.sku_id`` / ``items.<i>.qty``) and nothing is printed."""
    if not user.has_jxc_perm(PERMISSION):
        raise PermissionDenied(perm=PERMISSION)
    errors = _check_options(size=size, price=price)
    if not items:
        errors["items"] = [_("Nothing to print: no label asked for.")]
    ids = {i for i, _q in items if isinstance(i, int) and not isinstance(i, bool)}
    known = set(Sku.objects.filter(pk__in=ids).values_list("pk", flat=True))
    wanted: list[tuple[int, int]] = []
    for i, (sku_id, qty) in enumerate(items):
        if sku_id not in known:
            errors[f"items.{i}.sku_id"] = [_("There is no such SKU: %(id)s.") % {"id": sku_id}]
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY:
            errors[f"items.{i}.qty"] = [
                _("Enter a whole number of labels from 1 to %(max)s.") % {"max": MAX_QTY}
            ]
        elif sku_id in known:
            wanted.append((sku_id, qty))
    if errors:
        raise ValidationFailed(errors)
    total = sum(n for _s, n in wanted)
    if total > MAX_LABELS:
        raise TooManyLabels(max=MAX_LABELS, count=total)
    return render_labels(_labels(wanted, price=price, qr=qr), size=size, title=_("Labels"))


# --- from a document's lines -------------------------------------------------------------------


def label_model(doc_type: str) -> Any:
    """The document type ``doc_type`` if it prints labels from its lines: its model declares
    the line field that counts (``Document.LABEL_QTY``: 采购入库单, 其他入库单, 期初库存, 调拨单,
    盘点单 …); any other type is not found."""
    from django.apps import apps

    from jxc.core.documents.models import Document

    for model in apps.get_models():
        if issubclass(model, Document) and model.DOC_TYPE == doc_type and model.LABEL_QTY:
            return model
    raise NotFound()


def label_document(doc_type: str, pk: int, *, user):
    """The document, as the user may see it (its type's view permission; of — from or to — one
    of their warehouses)."""
    from django.db.models import ForeignKey, Q

    from jxc.inventory.models import Warehouse
    from jxc.inventory.selectors import warehouses_for

    model = label_model(doc_type)
    perm = f"{model.RESOURCE}.view"
    if not user.has_jxc_perm(perm):
        raise PermissionDenied(perm=perm)
    scope = warehouses_for(user).values("pk")
    held = Q()
    for f in model._meta.concrete_fields:
        if isinstance(f, ForeignKey) and f.related_model is Warehouse:
            held |= Q(**{f"{f.name}__in": scope})
    doc = model._default_manager.filter(held, pk=pk).first()
    if doc is None:
        raise NotFound()
    return doc


def label_counts(doc, *, per: str) -> list[tuple[int, int]]:
    """(SKU id, labels) of a document's lines, in line order: one per base unit of the field
    the type declares (rounded up; a line with none gets none), or one per line."""
    qty_field = type(doc).LABEL_QTY
    out = []
    rows = doc.lines.order_by("line_no", "id").values_list("sku_id", qty_field)
    for sku_id, qty in rows:
        if per == "line":
            out.append((sku_id, 1))
        elif qty is not None and qty > 0:
            out.append((sku_id, max(1, math.ceil(qty))))
    return out


def document_labels_pdf(
    doc_type: str,
    pk: int,
    *,
    user,
    per: str = "unit",
    size: str = "40x30",
    price: str = DEFAULT_PRICE,
    qr: bool = False,
) -> bytes:
    """Labels for the lines of a document whose type prints them (``label_model``): one per
    base unit (received, moved, counted) or one per line."""
    doc = label_document(doc_type, pk, user=user)
    if not user.has_jxc_perm(PERMISSION):
        raise PermissionDenied(perm=PERMISSION)
    errors = _check_options(size=size, price=price)
    if per not in PER:
        errors["per"] = [_("Select a valid choice.")]
    if errors:
        raise ValidationFailed(errors)
    wanted = label_counts(doc, per=per)
    if not wanted:
        raise ValidationFailed({"per": [_("Nothing to print: no line has a quantity.")]})
    total = sum(n for _s, n in wanted)
    if total > MAX_LABELS:
        raise TooManyLabels(max=MAX_LABELS, count=total)
    labels = _labels(wanted, price=price, qr=qr)
    return render_labels(labels, size=size, title=f"{_('Labels')} {doc.number}")
