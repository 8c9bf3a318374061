"""Typed domain errors. Each has a stable ``code`` for the API and a translatable message
for the UI. Services raise them; the API maps them to JSON, the web shows them in Chinese."""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    http_status = 422
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, field: str | None = None, **params: Any):
        self.message = message if message is not None else self.default_message
        self.field = field
        self.params = params
        super().__init__(str(self))

    def __str__(self) -> str:
        try:
            return str(self.message) % self.params if self.params else str(self.message)
        except (KeyError, TypeError, ValueError):
            return str(self.message)

    def as_dict(self) -> dict[str, Any]:
        params = {k: str(v) for k, v in self.params.items()}
        if self.field:
            params["field"] = self.field
        return {"code": self.code, "message": str(self), "params": params}


# A number beyond the bounds of jxc.core.fields ("数值过大") gives the failure this code,
# whichever check found it (form, API schema, import, document line, ledger writer).
VALUE_TOO_LARGE = "value_too_large"
# (too many significant digits counts too: SQLite could not give the number back)
_TOO_LARGE_STARTS = ("The number is too large", "数值过大", "Too many digits", "数字位数过多")


def is_too_large(message: Any) -> bool:
    """True for the message of jxc.core.fields.size_error's "too large" (any language)."""
    return str(message).lstrip().startswith(_TOO_LARGE_STARTS)


class ValidationFailed(DomainError):
    """Input is wrong. ``errors`` maps a field name (or ``__all__``) to its messages. A failure
    that includes a number beyond the bounds has the code ``value_too_large``."""

    code = "validation_failed"
    default_message = _("Please correct the errors below.")

    def __init__(self, errors: dict[str, list[Any]] | None = None, message: Any = None, **params):
        super().__init__(message, **params)
        self.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
        if any(is_too_large(m) for v in self.errors.values() for m in v):
            self.code = VALUE_TOO_LARGE

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["params"]["errors"] = self.errors  # type: ignore[assignment]
        return data


class ValueTooLarge(ValidationFailed):
    """数值过大: a quantity, value or unit cost beyond what the books can hold."""

    code = VALUE_TOO_LARGE


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = _("You do not have permission to do this.")


class EmailFailed(DomainError):
    code = "email_failed"
    http_status = 502
    default_message = _("The e-mail could not be sent: %(reason)s")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409
    default_message = _("This document cannot go from “%(source)s” to “%(target)s”.")


class DuplicateCode(DomainError):
    code = "duplicate_code"
    http_status = 409
    default_message = _("“%(value)s” is already used.")


class InUse(DomainError):
    code = "in_use"
    http_status = 409
    default_message = _("It is referenced by other records and can only be deactivated.")


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    default_message = _("This Idempotency-Key was already used with a different request.")


class SpreadsheetRefused(DomainError):
    """An uploaded spreadsheet that no reader should open; ``params.reason`` says why:
    file_too_large, zip_bomb, too_many_entries, too_many_rows, too_many_columns, malformed."""

    code = "spreadsheet_refused"
    http_status = 422
    MESSAGES: dict[str, Any] = {
        "file_too_large": _("The file is too large: at most %(max_mb)s MB can be imported."),
        "zip_bomb": _("The file unpacks to far more than its own size; it cannot be imported."),
        "too_many_entries": _("The file holds too many parts for a spreadsheet."),
        "too_many_rows": _("The sheet has %(rows)s rows; at most %(max)s can be imported."),
        "too_many_columns": _(
            "The sheet has %(columns)s columns; at most %(max)s can be imported."
        ),
        "malformed": _("This is not a spreadsheet jxc can read (.xlsx, .xls, .ods)."),
        "unsafe_xml": _(
            "The file declares XML entities or a document type, which a spreadsheet never "
            "needs; it cannot be imported."
        ),
    }

    def __init__(self, reason: str, **params: Any):
        if "max" in params and reason == "file_too_large":
            params["max_mb"] = params["max"] // (1024 * 1024)
        super().__init__(
            self.MESSAGES.get(reason, self.MESSAGES["malformed"]), reason=reason, **params
        )


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    http_status = 429
    default_message = _("Too many wrong passwords. Please wait 15 minutes and try again.")


class IdempotencyInProgress(DomainError):
    code = "idempotency_in_progress"
    http_status = 409
    default_message = _(
        "A request with this Idempotency-Key is still being processed. Try again shortly."
    )


class PeriodClosed(DomainError):
    code = "period_closed"
    http_status = 409
    default_message = _("The period of %(date)s is closed.")


# --- stock ledger (inventory) ---


class InsufficientStock(DomainError):
    """An issue would take on-hand (or available) stock below zero, now or at a later date."""

    code = "insufficient_stock"
    http_status = 409
    default_message = _(
        "Not enough stock of %(sku)s in %(warehouse)s on %(date)s: %(available)s available, "
        "%(requested)s needed."
    )


class LargeVarianceUnconfirmed(DomainError):
    """A count would post variances beyond the company's limits that nobody confirmed."""

    code = "large_variance_unconfirmed"
    http_status = 409
    default_message = _(
        "%(lines)s line(s) differ from the book by more than the company allows without a "
        "check (%(skus)s): check the counts and confirm them to post."
    )


class InsufficientAvailable(DomainError):
    """A reservation asks for more than on hand minus already reserved."""

    code = "insufficient_available"
    http_status = 409
    default_message = _(
        "Only %(available)s of %(sku)s are available in %(warehouse)s; %(requested)s requested."
    )


class NoCostHistory(DomainError):
    code = "no_cost_history"
    default_message = _(
        "%(sku)s has never been received and has no reference purchase price, so its cost "
        "is unknown. Enter a reference purchase price for its base unit first."
    )


class AlreadyPosted(DomainError):
    code = "already_posted"
    http_status = 409
    default_message = _("%(source)s is already posted to the stock ledger.")


class AlreadyReversed(DomainError):
    code = "already_reversed"
    http_status = 409
    default_message = _("%(source)s is already reversed.")


class NothingToReverse(DomainError):
    code = "nothing_to_reverse"
    http_status = 409
    default_message = _("%(source)s has no stock postings to reverse.")


class ReversalBlocked(DomainError):
    """A move cannot be reversed while later moves take their cost from it (returns, transfers in)."""

    code = "reversal_blocked"
    http_status = 409
    default_message = _(
        "%(source)s cannot be reversed: later documents (%(dependants)s) depend on it. "
        "Reverse them first."
    )


class InvalidStockLine(DomainError):
    code = "invalid_stock_line"
    default_message = _("Stock line %(line)s: %(problem)s")

    def __init__(self, message: Any = None, **params: Any):
        super().__init__(message, **params)
        if is_too_large(params.get("problem", "")):
            self.code = VALUE_TOO_LARGE


class ReturnExceedsOrigin(InvalidStockLine):
    """All returns against one receipt (or one delivery, or one transfer out) together never
    exceed its quantity (DOMAIN.md §5)."""

    code = "return_exceeds_origin"
    http_status = 409
    default_message = _(
        "Stock line %(line)s: only %(qty)s of %(number)s can still be returned or received back."
    )


class BucketBelowZero(DomainError):
    """Reserved, on order or in transit would go below zero."""

    code = "bucket_below_zero"
    http_status = 409
    default_message = _("%(bucket)s of %(sku)s in %(warehouse)s cannot go below zero.")


# --- warehouse documents (inventory) ---


class NotEditable(DomainError):
    """Lines and header change only while a document is a draft."""

    code = "not_editable"
    http_status = 409
    default_message = _("%(number)s is no longer a draft and cannot be changed.")


class CountOverlap(DomainError):
    """A SKU may be on only one open count sheet of a warehouse at a time."""

    code = "count_overlap"
    http_status = 409
    default_message = _("%(sku)s is already on the open count %(number)s.")


class UnknownBarcode(DomainError):
    code = "unknown_barcode"
    http_status = 404
    default_message = _("No SKU has the barcode or code %(barcode)s.")


class NotOnCountSheet(DomainError):
    """A scanned or typed SKU lies outside the sheet's scope (warehouse, category, bins)."""

    code = "not_on_count_sheet"
    default_message = _("%(sku)s is outside the scope of count %(number)s.")


class OneStepNotAllowed(DomainError):
    code = "one_step_not_allowed"
    default_message = _("A one-step transfer is only possible between warehouses of the same site.")


class NoKitDefinition(DomainError):
    code = "no_kit_definition"
    default_message = _("%(sku)s has no kit definition (bill of materials).")


class OpeningAfterMoves(DomainError):
    """Opening stock is entered before go-live: not once a SKU has moved in the warehouse."""

    code = "opening_after_moves"
    http_status = 409
    default_message = _(
        "%(sku)s already has stock moves in %(warehouse)s: enter a stock document instead of "
        "opening stock."
    )


class CostingLocked(DomainError):
    """The costing method and the cost pool are fixed once stock is posted: every pool, layer
    and move value was built under them (docs/adr/0003)."""

    code = "costing_locked"
    http_status = 409
    default_message = _(
        "The costing method and the cost pool cannot be changed once stock has been posted."
    )


class ImportRowsInvalid(ValidationFailed):
    """An import with bad rows: every error, each with its row number; nothing written."""

    code = "import_rows_invalid"
    default_message = _("%(count)s rows have errors; nothing was imported.")

    def __init__(self, rows: list[dict[str, Any]], **params: Any):
        self.rows = rows
        errors: dict[str, list[Any]] = {}
        for r in rows:
            errors.setdefault(f"row {r['row']}", []).append(
                f"{r['column']}: {r['message']}" if r.get("column") else r["message"]
            )
        super().__init__(errors, count=len({r["row"] for r in rows}), **params)

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["params"]["rows"] = [{k: str(v) for k, v in r.items()} for r in self.rows]
        return data


class LoanPartlyReturned(DomainError):
    code = "loan_partly_returned"
    http_status = 409
    default_message = _("%(number)s cannot be reversed: part of it has been returned already.")


# --- the party ledger (finance) ---


class InvalidPartyLine(DomainError):
    code = "invalid_party_line"
    default_message = _("Party ledger line %(line)s: %(problem)s")

    def __init__(self, message: Any = None, **params: Any):
        super().__init__(message, **params)
        if is_too_large(params.get("problem", "")):
            self.code = VALUE_TOO_LARGE


class SettlementExceedsOpen(DomainError):
    """核销 never takes more than either side has open (the database refuses it too)."""

    code = "settlement_exceeds_open"
    http_status = 409
    default_message = _(
        "Only %(open)s of %(number)s is still open; %(amount)s cannot be settled against it."
    )


class SettlementMismatch(DomainError):
    """The two items of a settlement belong to one partner and one book, one raising the
    balance and one lowering it."""

    code = "settlement_mismatch"
    default_message = _("%(debit)s and %(credit)s cannot be settled against each other.")


class EntrySettled(DomainError):
    """A party entry that is partly or wholly settled cannot be reversed."""

    code = "entry_settled"
    http_status = 409
    default_message = _(
        "%(source)s cannot be reversed: it is already settled. Undo the settlement first."
    )


class AccountNotPermitted(DomainError):
    """收款 / 付款 through an account whose roles do not include the user's."""

    code = "account_not_permitted"
    http_status = 403
    default_message = _("You may not take money in or out of the account %(account)s.")


class SerialTrackedNotLendable(DomainError):
    """借出 / 借入 of a serial-tracked SKU: loans record no serial numbers (docs/adr/0004)."""

    code = "serial_tracked_not_lendable"
    http_status = 422
    default_message = _("%(sku)s is tracked by serial number: it cannot be lent or borrowed.")


# --- purchasing ---


class OrderPartlyReceived(DomainError):
    """反审核 of a purchase order only while nothing of it is received."""

    code = "order_partly_received"
    http_status = 409
    default_message = _("%(number)s cannot be unapproved: part of it has been received already.")


class OverReceipt(ValidationFailed):
    """A receipt takes in more than ordered beyond the company's over-receipt tolerance."""

    code = "over_receipt"
    default_message = _("More than ordered would be received. Please correct the quantities.")
