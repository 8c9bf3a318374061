"""The two loan document types, declared once, and their workflow: the common lifecycle, then
归还 (return) in parts while posted; when everything is back the loan is 已完成 (done)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.choices import DOCUMENT_WORKFLOW, DocumentStatus
from jxc.core.documents.declaration import DocumentType
from jxc.core.transitions import Transition, Workflow

S = DocumentStatus

LOAN_WORKFLOW = Workflow(
    (
        *DOCUMENT_WORKFLOW.transitions,
        Transition(S.POSTED, S.POSTED, "return", pgettext_lazy("loan", "Return")),
        Transition(S.POSTED, S.DONE, "close", _("Close"), automatic=True),
    )
)

_COMMON = {
    "header_fields": ("warehouse", "date", "customer", "supplier", "due_date"),
    "line_fields": ("qty", "unit", "bin", "batch", "memo"),
    "workflow": LOAN_WORKFLOW,
    "extra_actions": {"return": pgettext_lazy("loan", "Return")},
    "line_figures": {"returned_qty": _("Returned"), "open_qty": _("Still out")},
}

LOAN_OUT = DocumentType(
    code="loan_out",
    prefix="JCD",
    label=pgettext_lazy("document type", "Loan out"),
    plural=_("Loans out"),
    resource="loan_out",
    **_COMMON,  # type: ignore[arg-type]
)
LOAN_IN = DocumentType(
    code="loan_in",
    prefix="JRD",
    label=pgettext_lazy("document type", "Loan in"),
    plural=_("Loans in"),
    resource="loan_in",
    line_rules={"incoming": True},
    **_COMMON,  # type: ignore[arg-type]
)
