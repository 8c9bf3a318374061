from django.db import models
from django.utils.translation import gettext_lazy as _


class Tracking(models.TextChoices):
    NONE = "none", _("None")
    BATCH = "batch", _("Batch")
    SERIAL = "serial", _("Serial number")


PRICE_FIELDS = (
    "purchase_price",
    "retail_price",
    "wholesale_price",
    "member_price",
    "vip_price",
    "min_price",
)
