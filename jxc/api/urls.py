"""The REST API: django-ninja under /api/v1/, OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. One router per context; the shared machinery is in ``jxc.api.common``."""

from ninja import NinjaAPI

from jxc.api import (
    api_tokens,
    approvals,
    audit_log,
    catalog,
    company,
    finance,
    import_jobs,
    imports,
    inventory,
    labels,
    loans,
    partners,
    printing,
    purchasing,
    retail,
    sales,
    sales_invoices,
    stock_assembly,
    stock_counts,
    stock_documents,
    stock_moves,
    stock_reports,
    stock_summary,
    stock_transfers,
    users,
)
from jxc.api.common.auth import AUTH
from jxc.api.common.errors import install_error_handlers
from jxc.api.common.parsing import JxcParser
from jxc.api.common.rendering import RENDERER

api = NinjaAPI(
    title="jxc",
    version="1",
    description=(
        "jxc (进销存) REST API. Authenticate with the browser session (unsafe methods need "
        "the CSRF token) or a personal API token: `Authorization: Bearer <token>`. Errors are "
        '`{"code", "message", "params"}`; lists take `page`, `page_size`, `ordering` and '
        "filters and answer `{count, page, page_size, items}`. Creating POSTs accept an "
        "`Idempotency-Key` header. Cost fields are absent for users without `cost.view`."
    ),
    urls_namespace="api",
    auth=AUTH,
    renderer=RENDERER,
    parser=JxcParser(),
    docs_url="/docs",
)
install_error_handlers(api)

for module in (
    users,
    company,
    api_tokens,
    audit_log,
    catalog,
    partners,
    inventory,
    finance,
    import_jobs,
    imports,
):
    api.add_router("", module.router)

# 仓库单据 (其他出入库, 成本调整, 期初, 调拨, 盘点, 组装).
for module in (stock_documents, stock_transfers, stock_counts, stock_assembly):
    api.add_router("", module.router)

# 借出单 / 借入单 (declared on the document platform).
api.add_router("", loans.router)

# 采购: 供应商价目表, 采购订单.
api.add_router("", purchasing.router)

# 销售: 报价单, 销售订单, 出库通知单, 销售出库单, 销售退货单.
api.add_router("", sales.router)
api.add_router("", sales_invoices.router)
api.add_router("", retail.router)  # 门店零售: counter sales, refunds, 日结

# 库存报表 (即时库存, 库存流水, 按日期, 收发存汇总, 预警) and 月结.
api.add_router("", stock_reports.router)
api.add_router("", stock_moves.router)
api.add_router("", stock_summary.router)

# 审批与通知: to-dos, decisions, rules, the delivery log.
api.add_router("", approvals.router)

# 打印: any document as a PDF.
api.add_router("", printing.router)
api.add_router("", labels.router)
