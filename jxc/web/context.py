"""Context every page of the shell needs: company name, menu, to-do count."""

from jxc.core.selectors import company
from jxc.web.menu import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "company": company(),
        "menu": menu_for(user, request.path),
        # The to-do inbox (approvals) is wired by a later issue.
        "todo_count": 0,
        "can_tokens": user.has_jxc_perm("apitoken.view"),
    }
