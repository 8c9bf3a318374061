"""Translations: the UI speaks Simplified Chinese from the committed catalog, English stays
available, and the translations gate (scripts/check_translations.py) catches what is missing."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from jxc.core.choices import DocumentStatus
from jxc.core.errors import DuplicateCode, InvalidTransition, NotFound, PermissionDenied
from jxc.core.permissions import DEFAULT_ROLES

ROOT = Path(__file__).resolve().parents[3]


def test_domain_errors_render_in_chinese_with_their_params():
    with translation.override("zh-hans"):
        assert str(DuplicateCode(value="A001")) == "“A001”已被使用。"
        exc = InvalidTransition(
            source=DocumentStatus.DRAFT.label, target=DocumentStatus.POSTED.label
        )
        assert str(exc) == "单据不能从“草稿”变为“已过账”。"
        assert exc.as_dict()["message"] == "单据不能从“草稿”变为“已过账”。"
        assert str(NotFound()) == "未找到。"
        assert str(PermissionDenied()) == "您没有此操作的权限。"


def test_glossary_terms_for_states_and_roles():
    with translation.override("zh-hans"):
        labels = {s.value: str(s.label) for s in DocumentStatus}
        roles = {code: str(label) for code, (label, _patterns) in DEFAULT_ROLES.items()}
    assert labels["draft"] == "草稿"
    assert labels["submitted"] == "待审核"
    assert labels["approved"] == "已审核"
    assert labels["done"] == "已完成"
    assert labels["closed"] == "已关闭"
    assert labels["reversed"] == "已红冲"
    assert roles["owner"] == "老板/管理员"
    assert roles["purchaser"] == "采购"


def test_english_is_available_and_the_default_is_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert dict(settings.LANGUAGES).keys() == {"zh-hans", "en"}
    assert translation.check_for_language("en")
    with translation.override("en"):
        assert str(DuplicateCode(value="A001")) == "“A001” is already used."
        assert str(DocumentStatus.SUBMITTED.label) == "Submitted"


@pytest.mark.django_db
def test_the_language_switch_sets_the_language_of_later_requests(client_owner, rf):
    """The user menu posts to Django's set_language; LocaleMiddleware then serves that language."""

    def language_of_next_request() -> tuple[str, str]:
        request = rf.get("/")
        request.COOKIES.update({k: v.value for k, v in client_owner.cookies.items()})
        request.session = {}

        def view(request):
            return HttpResponse(f"{translation.get_language()}|{NotFound()}")

        response = LocaleMiddleware(view)(request)
        translation.activate(settings.LANGUAGE_CODE)
        language, message = response.content.decode().split("|")
        return language, message

    assert language_of_next_request() == ("zh-hans", "未找到。")
    response = client_owner.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert language_of_next_request() == ("en", "Not found.")
    client_owner.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert language_of_next_request() == ("zh-hans", "未找到。")


# --- the translations gate ---


def _gate():
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "scripts" / "check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMMITTED = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: a.py:1
msgid "Done"
msgstr "已完成"

#: a.py:2
#, python-format
msgid "%(source)s is already reversed."
msgstr "%(source)s 已红冲。"

msgid "Warehouse"
msgstr ""

#, fuzzy
msgid "Bin"
msgstr "货位"

#, python-format
msgid "The period of %(date)s is closed."
msgstr "期间已结账。"
"""

REGENERATED = (
    COMMITTED
    + """
#: b.py:9
msgid "New string"
msgstr ""
"""
)


def test_gate_flags_new_untranslated_fuzzy_and_broken_placeholders():
    gate = _gate()
    found = gate.problems(gate.parse_po(COMMITTED), gate.parse_po(REGENERATED))
    assert found == [
        "untranslated: 'Warehouse'",
        "fuzzy: 'Bin'",
        "placeholders differ from the msgid ['date']: 'The period of %(date)s is closed.'",
        "new (not in django.po): 'New string'  [b.py:9]",
    ]


def test_gate_passes_a_complete_catalog():
    gate = _gate()
    entries = gate.parse_po(COMMITTED.split('\nmsgid "Warehouse"')[0])
    assert [e.fields["msgid"] for e in entries] == ["", "Done", "%(source)s is already reversed."]
    assert gate.problems(entries, entries) == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext (msgfmt)")
def test_gate_notices_a_stale_mo(tmp_path, monkeypatch):
    gate = _gate()
    po, mo = tmp_path / "django.po", tmp_path / "django.mo"
    po.write_text(COMMITTED.split('\n#, python-format\nmsgid "The period')[0], encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    monkeypatch.setattr(gate, "PO", po)
    monkeypatch.setattr(gate, "MO", mo)
    assert gate.mo_problems(tmp_path) == []
    po.write_text(po.read_text(encoding="utf-8").replace("已完成", "完成"), encoding="utf-8")
    found = gate.mo_problems(tmp_path)
    assert len(found) == 1
    assert "django.mo is out of date with django.po (1 messages: 'Done')" in found[0]
