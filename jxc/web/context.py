"""Context every page of the shell needs: company name, menu, to-do count."""

from jxc.approvals.selectors import todo_count
from jxc.core.selectors import company
from jxc.web.generic.printing import pdf_available
from jxc.web.menu import menu_for


def html_lang(language: str | None) -> str:
    """The HTML ``lang`` a browser understands: zh-CN for Django's zh-hans (its validation
    bubbles and date inputs then read Chinese), else the language as it is."""
    code = (language or "zh-hans").lower()
    return "zh-CN" if code.startswith("zh") else code


def shell(request):
    from django.utils.translation import get_language

    user = getattr(request, "user", None)
    lang = {"html_lang": html_lang(get_language())}
    if user is None or not user.is_authenticated:
        return lang
    return {
        **lang,
        "company": company(),
        "menu": menu_for(user, request.path),
        # 待办: documents waiting for my approval and open alerts for me.
        "todo_count": todo_count(user),
        "can_tokens": user.has_jxc_perm("apitoken.view"),
        # 打印 offers the server's PDF where it has a CJK font, else the page print
        "pdf_print_available": pdf_available(),
    }
