"""Status enums with their allowed transitions declared as data (see transitions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.transitions import Transition, Workflow


class CostingMethod(models.TextChoices):
    MOVING_AVERAGE = "moving_average", _("Moving weighted average")
    FIFO = "fifo", _("First in, first out")
    PERIODIC_AVERAGE = "periodic_average", _("Monthly weighted average")
    SPECIFIC = "specific", _("Specific identification (by batch)")


class CostScope(models.TextChoices):
    COMPANY = "company", _("Per company")
    WAREHOUSE = "warehouse", _("Per warehouse")


class DocumentStatus(models.TextChoices):
    # A context keeps the state "Void" (已作废) apart from the button "Void" (作废).
    DRAFT = "draft", pgettext_lazy("document status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("document status", "Submitted")
    APPROVED = "approved", pgettext_lazy("document status", "Approved")
    POSTED = "posted", pgettext_lazy("document status", "Posted")
    DONE = "done", pgettext_lazy("document status", "Done")
    CLOSED = "closed", pgettext_lazy("document status", "Closed")
    VOID = "void", pgettext_lazy("document status", "Void")
    REVERSED = "reversed", pgettext_lazy("document status", "Reversed")


S = DocumentStatus

# The lifecycle every stock document shares: 草稿 → 待审核 → 已审核 → 已过账;
# 作废 before posting; 红冲 after. Later document types reuse or extend it.
DOCUMENT_WORKFLOW = Workflow(
    (
        Transition(S.DRAFT, S.SUBMITTED, "submit", _("Submit")),
        Transition(S.SUBMITTED, S.DRAFT, "unapprove", _("Withdraw")),
        Transition(S.SUBMITTED, S.APPROVED, "approve", _("Approve")),
        Transition(S.SUBMITTED, S.DRAFT, "reject", _("Reject"), needs_reason=True),
        Transition(S.APPROVED, S.SUBMITTED, "unapprove", _("Unapprove")),
        Transition(S.APPROVED, S.POSTED, "post", _("Post")),
        Transition(S.DRAFT, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.SUBMITTED, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.APPROVED, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.POSTED, S.REVERSED, "reverse", _("Reverse"), needs_reason=True),
    )
)
