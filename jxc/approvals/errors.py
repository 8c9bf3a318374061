"""The approvals app's refusals (codes for the API, messages for the screens)."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class NotYourStep(DomainError):
    """Only the current step's role or users may approve or reject."""

    code = "not_your_step"
    http_status = 403
    default_message = _("This step is waiting for %(who)s.")


class StepDecided(DomainError):
    """Someone else decided the step a moment ago (or you already did)."""

    code = "step_already_decided"
    http_status = 409
    default_message = _("This step was already decided by %(who)s; the page shows the new state.")


class DownstreamExists(DomainError):
    code = "downstream_exists"
    http_status = 409
    default_message = _(
        "Documents made from %(number)s exist; it cannot be unapproved before they are voided."
    )
