"""往来单位: suppliers and customers with their contacts."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, choices_check
from jxc.core.validators import code_validator, phone_validator, tax_number_validator
from jxc.partners.choices import CustomerTier, PriceLevel


class Partner(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    mnemonic = models.CharField(_("mnemonic code"), max_length=40, blank=True, db_index=True)
    contact = models.CharField(_("contact person"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    tax_number = models.CharField(
        _("tax number"), max_length=20, blank=True, validators=[tax_number_validator]
    )
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=0)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Supplier(Partner):
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)

    class Meta(Partner.Meta):
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")


class Customer(Partner):
    tier = models.CharField(
        _("tier"), max_length=10, choices=CustomerTier.choices, default=CustomerTier.ORDINARY
    )
    price_level = models.CharField(
        _("price level"), max_length=10, choices=PriceLevel.choices, default=PriceLevel.RETAIL
    )
    credit_limit = MoneyField(_("credit limit"), validators=[MinValueValidator(0)])
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    allow_backorder = models.BooleanField(_("allow back orders"), default=False)

    class Meta(Partner.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0), name="customer_credit_limit_gte_0"
            ),
            choices_check("tier", CustomerTier.values, name="customer_tier_valid"),
            choices_check("price_level", PriceLevel.values, name="customer_price_level_valid"),
        ]


class Contact(models.Model):
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=40)
    position = models.CharField(_("position"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supplier__isnull=False) | models.Q(customer__isnull=False),
                name="contact_has_partner",
            )
        ]

    def __str__(self) -> str:
        return self.name
