"""Context every page of the shell needs: company name, menu, to-do count."""

from jxc.approvals.selectors import todo_count
from jxc.core.selectors import company
from jxc.web.menu import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "company": company(),
        "menu": menu_for(user, request.path),
        # 待办: documents waiting for my approval and open alerts for me.
        "todo_count": todo_count(user),
        "can_tokens": user.has_jxc_perm("apitoken.view"),
    }
