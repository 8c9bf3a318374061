from django.http import HttpResponse
from django.utils.translation import gettext as _


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed logins."""
    return HttpResponse(
        _("Too many failed logins. Please wait 15 minutes and try again."), status=429
    )
