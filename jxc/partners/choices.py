from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerTier(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    KEY = "key", _("Key account")
    VIP = "vip", _("VIP")


class PriceLevel(models.TextChoices):
    RETAIL = "retail", _("Retail price")
    WHOLESALE = "wholesale", _("Wholesale price")
    MEMBER = "member", _("Member price")
    VIP = "vip", _("VIP price")
