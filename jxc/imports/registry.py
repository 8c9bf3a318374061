"""Every import by its kind (the URL and API name): the declarations in this package."""

from __future__ import annotations

from importlib import import_module

from jxc.core.errors import NotFound
from jxc.imports.spec import ImportSpec

# kind → the module declaring it (``SPEC``), in the order the 开账 wizard takes them
MODULES = {
    "products": "jxc.imports.products",
    "customers": "jxc.imports.partners",
    "suppliers": "jxc.imports.partners",
    "supplier-prices": "jxc.imports.supplier_prices",
    "opening-stock": "jxc.imports.opening_stock",
    "opening-balances": "jxc.imports.opening_balances",
    "accounts": "jxc.imports.opening_balances",
    "stock-count": "jxc.imports.stock_counts",
}


def spec_for(kind: str) -> ImportSpec:
    module = MODULES.get(kind)
    if module is None:
        raise NotFound()
    specs = import_module(module).SPECS
    return specs[kind]


def available() -> list[ImportSpec]:
    """The imports a company moving in takes, in order (the count sheet's is on its sheet)."""
    return [spec_for(k) for k in MODULES if k != "stock-count" and _exists(k)]


def _exists(kind: str) -> bool:
    try:
        import_module(MODULES[kind])
    except ModuleNotFoundError:
        return False
    return True
