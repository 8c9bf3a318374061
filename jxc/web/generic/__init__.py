"""The generic screens: declare a ``Screen`` and get list, export, detail, form and 停用/启用.

See ``screen.py`` for the declaration and ``jxc/web/views/`` for the master-data screens.
"""

from jxc.web.generic.columns import Column
from jxc.web.generic.forms import ServiceForm, apply_domain_error, drop_cost_fields
from jxc.web.generic.screen import Inline, Screen, Section
from jxc.web.generic.views import is_partial

__all__ = [
    "Column",
    "Inline",
    "Screen",
    "Section",
    "ServiceForm",
    "apply_domain_error",
    "drop_cost_fields",
    "is_partial",
]
