"""Field validators shared by master data: phone numbers and tax numbers as used in China."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A mobile (1xxxxxxxxxx), a landline with optional area code and extension, or +86 forms.
phone_validator = RegexValidator(
    r"^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|[48]00-?\d{3}-?\d{4})$",
    _("Enter a valid phone number, e.g. 13812345678 or 021-12345678."),
    code="invalid_phone",
)

# 统一社会信用代码 (18 characters) or an old 15-digit tax registration number.
tax_number_validator = RegexValidator(
    r"^([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{15})$",
    _("Enter a valid tax number (18-character unified social credit code)."),
    code="invalid_tax_number",
)

code_validator = RegexValidator(
    r"^[0-9A-Za-z_\-.]{1,40}$",
    _("A code has letters, digits, dots, dashes or underscores."),
    code="invalid_code",
)
