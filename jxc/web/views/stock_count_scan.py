"""扫码盘点 in batches: the count page's script queues every scan and sends what has
gathered in one request, with the quantities typed but not saved yet, so a scanner's burst
(10–30 ms apart) loses nothing and a scan adds to a typed quantity (typed 7, one scan → 8).

POST <count>/scan/ with ``Accept: application/json``:
    code=…&code=…       the scans, in order (at most ``MAX_CODES``)
    bin=…               the bin chosen beside the scan box (optional)
    counted_<line>=…    typed quantities not saved yet; recorded before the scans
Answer: ``results`` (one per code: ok, the line, its counted quantity, the text to show),
``counted`` (line → counted quantity after all scans), ``new_rows`` (HTML of lines the scans
added to the sheet), ``errors`` (typed quantities refused, with why).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import JsonResponse
from django.template.loader import render_to_string

from jxc.core.errors import DomainError, ValidationFailed
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCount, StockCountLine
from jxc.web.templatetags.stock_docs import qty

MAX_CODES = 500


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def typed_counts(request) -> tuple[dict[int, Decimal | None], dict[str, list[str]]]:
    """The typed counted quantities (``counted_<line>``), and the ones that are no number
    (line id → why)."""
    counts: dict[int, Decimal | None] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in request.POST.items():
        if not key.startswith("counted_") or not key[8:].isdigit():
            continue
        try:
            counts[int(key[8:])] = Decimal(raw.strip().replace(",", "")) if raw.strip() else None
        except InvalidOperation:
            errors[key[8:]] = [str(ValidationFailed.default_message)]
    return counts, errors


def line_errors(exc: ValidationFailed) -> dict[str, list[str]]:
    """The service's ``lines.<id>.counted_qty`` errors by line id (others under ``all``)."""
    out: dict[str, list[str]] = {}
    for key, messages in exc.errors.items():
        parts = key.split(".")
        out.setdefault(parts[1] if len(parts) == 3 else "all", []).extend(messages)
    return out


def scan_batch(request, count: StockCount, *, hide_book: bool) -> JsonResponse:
    """Typed quantities first, then each scan in order (each its own short transaction, as a
    single scan is)."""
    counts, errors = typed_counts(request)
    while counts:
        try:
            docs.record_counts(count, user=request.user, counts=counts)
            break
        except ValidationFailed as exc:
            refused = line_errors(exc)
            for key, messages in refused.items():
                errors.setdefault(key, []).extend(messages)
            # the other typed boxes still count (as each scan does); a refused one keeps
            # what was typed on the page
            left = {pk: v for pk, v in counts.items() if str(pk) not in refused}
            counts = left if "all" not in refused and len(left) < len(counts) else {}
        except DomainError as exc:
            errors.setdefault("all", []).append(str(exc))
            break
    bin_raw = request.POST.get("bin", "")
    bin_id = int(bin_raw) if bin_raw.isdigit() else None
    before = set(count.lines.values_list("pk", flat=True))
    results = []
    touched: dict[int, StockCountLine] = {}
    for code in request.POST.getlist("code")[:MAX_CODES]:
        code = code.strip()
        try:
            line = docs.scan_barcode(count, user=request.user, code=code, bin_id=bin_id)
        except DomainError as exc:
            results.append({"code": code, "ok": False, "text": f"✗ {code}: {exc}"})
            continue
        touched[line.pk] = line
        results.append(
            {
                "code": code,
                "ok": True,
                "line": line.pk,
                "counted": qty(line.counted_qty),
                "text": f"✓ {line.sku.code} {line.sku} → {qty(line.counted_qty)}",
            }
        )
    lines = {
        x.pk: x
        for x in StockCountLine.objects.filter(pk__in=list(touched)).select_related(
            "sku__product__base_unit", "bin", "batch"
        )
    }
    new_rows = [
        render_to_string(
            "web/inventory/_partials/count_row.html",
            {"x": x, "hide_book": hide_book, "editable": True},
            request=request,
        )
        for pk, x in sorted(lines.items())
        if pk not in before
    ]
    return JsonResponse(
        {
            "results": results,
            "counted": {str(pk): qty(x.counted_qty) for pk, x in lines.items()},
            "new_rows": new_rows,
            "errors": errors,
        }
    )
