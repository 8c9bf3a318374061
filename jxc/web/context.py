"""Context every page of the shell needs: company name, menu, to-do count."""

from jxc.core.selectors import company


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"company": company(), "todo_count": 0}
