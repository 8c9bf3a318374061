"""Django's own messages that its Simplified Chinese catalogue lacks (Django 5.2 reworded
the short-password message and nobody translated it yet) or words awkwardly.

They are written out here only so that ``makemessages`` keeps them in jxc's catalogue
(jxc/locale), which Django reads before its own: a user who picks a short password reads
Chinese, not English. Nothing calls this function.
"""

from django.utils.translation import gettext, ngettext


def _messages_for_the_catalogue() -> None:  # pragma: no cover - read by makemessages only
    n = 0
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        n,
    )
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        n,
    )
    gettext("Ensure this value is greater than or equal to %(limit_value)s.")
    gettext("Ensure this value is less than or equal to %(limit_value)s.")
