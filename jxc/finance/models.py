"""资金账户 (cash, bank, WeChat and Alipay accounts) and the party ledger (往来账): entries,
open items, settlements (核销) and balances per partner."""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import Document
from jxc.core.fields import MoneyField, bounds_check, choices_check
from jxc.core.validators import code_validator
from jxc.finance.choices import (
    CUSTOMER_PAYMENT,
    SUPPLIER_PAYMENT,
    AccountKind,
    EntryKind,
    PartySide,
)


class Account(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("type"), max_length=10, choices=AccountKind.choices, default=AccountKind.CASH
    )
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    # An account opens with what is in it: never below zero (an overdraft is a later movement).
    opening_balance = MoneyField(_("opening balance"), validators=[MinValueValidator(0)])
    opening_date = models.DateField(_("opening date"), default=dt.date.today)
    is_active = models.BooleanField(_("active"), default=True)
    # Who may pay in or out of this account (收款 / 付款 / 门店收银): these roles only; none
    # named: every role with the payment permission.
    roles = models.ManyToManyField(
        "core.Role", blank=True, related_name="+", verbose_name=_("roles that may use it")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [choices_check("kind", AccountKind.values, name="account_kind_valid")]

    def __str__(self) -> str:
        return self.name


# --- the party ledger (往来账): what we owe suppliers and customers owe us ------------------


def _one_partner(name: str, side_field: str = "side") -> models.CheckConstraint:
    """A payable names a supplier and no customer; a receivable the other way round."""
    return models.CheckConstraint(
        condition=(
            Q(**{side_field: PartySide.PAYABLE}, supplier__isnull=False, customer__isnull=True)
            | Q(**{side_field: PartySide.RECEIVABLE}, customer__isnull=False, supplier__isnull=True)
        ),
        name=name,
    )


class PartyFields(models.Model):
    side = models.CharField(_("book"), max_length=10, choices=PartySide.choices)
    supplier = models.ForeignKey(
        "partners.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supplier"),
    )
    customer = models.ForeignKey(
        "partners.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )

    class Meta:
        abstract = True

    @property
    def partner_id(self) -> int:
        return self.supplier_id or self.customer_id  # type: ignore[attr-defined, return-value]


class PartyLedgerEntry(PartyFields):
    """往来流水: one change of what a partner owes or is owed; append-only.

    ``amount`` is signed: positive raises the balance (a receipt: we owe more; a delivery: the
    customer owes more), negative lowers it (a payment, a return). Written only by
    jxc.finance.party_ledger; corrected only by a counter-entry (``reverses``, at most once)."""

    date = models.DateField(_("business date"))
    due_date = models.DateField(_("payment due date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = MoneyField(_("amount"))
    source_kind = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    source_number = models.CharField(_("document"), max_length=40, blank=True)
    source_line = models.BigIntegerField(null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("party ledger entry")
        verbose_name_plural = _("party ledger entries")
        indexes = [
            models.Index(fields=["supplier", "date", "id"], name="party_entry_supplier_idx"),
            models.Index(fields=["customer", "date", "id"], name="party_entry_customer_idx"),
            models.Index(fields=["source_kind", "source_id"], name="party_entry_source_idx"),
        ]
        constraints = [
            _one_partner("party_entry_one_partner"),
            choices_check("kind", EntryKind.values, name="party_entry_kind_valid"),
            models.CheckConstraint(condition=~Q(amount=0), name="party_entry_amount_not_zero"),
            bounds_check(name="party_entry_in_bounds", money=["amount"]),
            # 红冲 at most once
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="party_entry_reversed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.source_number} {self.amount}"


class OpenItem(PartyFields):
    """未核销: the part of one entry not yet settled. ``settled`` has the sign of ``amount``
    and never passes it (database check), so no settlement can take more than either side
    has open."""

    entry = models.OneToOneField(
        PartyLedgerEntry, primary_key=True, on_delete=models.PROTECT, related_name="open_item"
    )
    date = models.DateField(_("business date"))
    due_date = models.DateField(_("payment due date"), null=True, blank=True)
    amount = MoneyField(_("amount"))
    settled = MoneyField(_("settled"))
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["date", "entry_id"]
        verbose_name = _("open item")
        verbose_name_plural = _("open items")
        indexes = [
            models.Index(
                fields=["supplier", "date"], condition=Q(is_open=True), name="open_supplier_idx"
            ),
            models.Index(
                fields=["customer", "date"], condition=Q(is_open=True), name="open_customer_idx"
            ),
        ]
        constraints = [
            _one_partner("open_item_one_partner"),
            models.CheckConstraint(
                condition=(
                    Q(amount__gt=0, settled__gte=0, settled__lte=F("amount"))
                    | Q(amount__lt=0, settled__lte=0, settled__gte=F("amount"))
                ),
                name="open_item_settled_within_amount",
            ),
            models.CheckConstraint(
                condition=(Q(is_open=True) & ~Q(settled=F("amount")))
                | Q(is_open=False, settled=F("amount")),
                name="open_item_is_open",
            ),
            bounds_check(name="open_item_in_bounds", money=["amount", "settled"]),
        ]

    @property
    def open_amount(self):
        return self.amount - self.settled


class Settlement(PartyFields):
    """核销: ``amount`` of a positive item (a receipt we owe for) met by a negative one (a
    payment, a return) of the same partner and book."""

    date = models.DateField(_("business date"))
    debit = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="settled_by_credits")
    credit = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="settled_by_debits")
    amount = MoneyField(_("amount"))
    source_kind = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_number = models.CharField(_("document"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            _one_partner("settlement_one_partner"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_amount_gt_0"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="settlement_two_items"),
            bounds_check(name="settlement_in_bounds", money=["amount"]),
        ]


class PartyBalance(PartyFields):
    """往来余额 of one partner in one book: Σ of its entries, kept by the writer."""

    balance = MoneyField(_("balance"))

    class Meta:
        verbose_name = _("party balance")
        verbose_name_plural = _("party balances")
        constraints = [
            _one_partner("party_balance_one_partner"),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(supplier__isnull=False),
                name="balance_one_supplier",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(customer__isnull=False),
                name="balance_one_customer",
            ),
            bounds_check(name="party_balance_in_bounds", money=["balance"]),
        ]


class PartyPayment(Document):
    """What a 付款单 and a 收款单 share: money through one of our accounts, and what was given
    up beside it — a discount (折扣) and 抹零 — each its own party entry (jxc.finance.payments)."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    amount = MoneyField(_("amount"))
    discount = MoneyField(_("discount"))
    write_off = MoneyField(_("rounding off"))
    # 红冲: the day its entries were countered (the money's account and the 日结 count it
    # until then)
    reversal_date = models.DateField(_("reversal date"), null=True, blank=True)

    class Meta(Document.Meta):
        abstract = True

    @property
    def is_refund(self) -> bool:
        return self.amount < 0

    @property
    def total(self):
        """What the partner's book drops by: paid + discount + 抹零 (a refund: raises it)."""
        return self.amount + self.discount + self.write_off


def _payment_checks(prefix: str) -> list[models.BaseConstraint]:
    # A negative amount is a refund (退款: money back out to the partner): nothing given beside it.
    return [
        *Document.Meta.constraints,
        models.CheckConstraint(
            condition=Q(amount__gt=0) | Q(amount__lt=0, discount=0, write_off=0),
            name=f"{prefix}_amount_not_zero",
        ),
        models.CheckConstraint(
            condition=Q(discount__gte=0, write_off__gte=0), name=f"{prefix}_given_not_negative"
        ),
        bounds_check(name=f"{prefix}_in_bounds", money=["amount", "discount", "write_off"]),
    ]


class SupplierPayment(PartyPayment):
    """付款单: money paid to a supplier from one of our accounts; posted, it lowers what we owe
    (a negative payable) and is settled against open receipts — the oldest due first or as
    chosen; what is left open is a prepayment (预付) for later receipts."""

    TYPE = SUPPLIER_PAYMENT

    supplier = models.ForeignKey(
        "partners.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )

    class Meta(PartyPayment.Meta):
        verbose_name = _("supplier payment")
        verbose_name_plural = _("supplier payments")
        constraints = _payment_checks("supplier_payment")


class CustomerPayment(PartyPayment):
    """收款单: money received from a customer into one of our accounts; posted, it lowers what
    the customer owes (a negative receivable) and is settled against open deliveries — the
    oldest due first or as chosen, returns offset by hand; what is left open is a 预收款 that
    later deliveries take up."""

    TYPE = CUSTOMER_PAYMENT

    customer = models.ForeignKey(
        "partners.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    # 门店收银: the money of a counter sale or its refund (jxc.retail), what the till's 日结
    # counts; the finance office's own 收款单 — a customer paying an invoice — are not it
    at_counter = models.BooleanField(_("at the counter"), default=False)

    class Meta(PartyPayment.Meta):
        verbose_name = _("customer receipt")
        verbose_name_plural = _("customer receipts")
        constraints = _payment_checks("customer_payment")
