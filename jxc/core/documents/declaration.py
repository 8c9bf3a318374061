"""A document type, declared once (docs/documents.md).

    LOAN_OUT = DocumentType(
        code="loan_out", prefix="JCD", label=_("Loan out"), plural=_("Loans out"),
        resource="loan_out", header_fields=("warehouse", "date", "customer", "supplier", "due_date"),
        line_fields=("qty", "unit", "bin", "batch", "memo"),
        workflow=LOAN_WORKFLOW, extra_actions={"return": _("Return")},
    )

    class LoanOut(Document):
        TYPE = LOAN_OUT               # sets DOC_TYPE, RESOURCE and WORKFLOW of the model

    # in the app's AppConfig.ready():
    LOAN_OUT.register()               # permissions <resource>.<action>, numbering, labels

The generic services (``jxc.core.documents.services``), screens (``jxc.web.generic.documents``)
and API (``jxc.api.documents``) read the rest from it: which header fields the form and the
API take, which grid columns the lines have and how the line checks treat the lines
(``line_rules``: the options of ``lines.line_errors``), what else the lines show
(``line_figures``). Cost figures are marked on the model's
fields (``jxc.core.visibility.mark(field, COST)``): screens, exports and the API hide them
from users without ``cost.view``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jxc.core.choices import DOCUMENT_WORKFLOW
from jxc.core.transitions import Workflow


@dataclass(frozen=True)
class DocumentType:
    code: str  # numbering and SourceRef kind of the ledger rows it makes
    prefix: str  # default number prefix (公司设置 may change it)
    label: Any  # one document (借出单)
    plural: Any  # the list, the menu and the permission resource (借出单)
    resource: str  # permissions "<resource>.<action>"
    # The header fields typed on the form / API, in order; the business date comes first
    # unless named here, the memo last (jxc.core.documents.header).
    header_fields: tuple[str, ...] = ()
    line_fields: tuple[str, ...] = ("qty", "unit", "memo")  # the line grid's columns
    line_rules: Mapping[str, bool] = field(default_factory=dict)  # lines.line_errors options
    workflow: Workflow = DOCUMENT_WORKFLOW
    extra_actions: Mapping[str, Any] = field(default_factory=dict)  # action → label
    # 打印标签 from the lines (jxc.imports.labels): the line field whose base-unit quantity
    # gives one label per unit (received, moved, counted); "" when the type prints none
    labels: str = ""
    # What a line carries besides what was typed (returned, still out …): attribute of the
    # line → label; on the detail page and the paper once posted, in the API's lines.
    line_figures: Mapping[str, Any] = field(default_factory=dict)

    def register(self) -> None:
        """Make the type known: its permission resource and actions, its number prefix."""
        from jxc.core.permissions import ACTIONS, register_resource
        from jxc.core.services import register_document_type

        register_resource(self.resource, self.plural)
        for action, label in self.extra_actions.items():
            ACTIONS.setdefault(action, label)
        register_document_type(self.code, self.prefix, label=self.label)
