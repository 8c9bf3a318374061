"""The "translations" lint gate: no untranslated UI ships (docs/i18n.md).

1. Runs ``makemessages -l zh_Hans --no-obsolete`` on a temporary copy of jxc/ (the
   committed django.po is never rewritten) and fails on every msgid that is new (in the
   code but not in django.po), untranslated, fuzzy, or whose msgstr drops or invents a
   ``%(name)s`` placeholder.
2. Compiles django.po to a temporary .mo (``msgfmt --check-format``) and fails when the
   committed django.mo holds a different catalog (the header is not compared: makemessages
   rewrites its date on every run).

Exit status 0 when all is well, 1 otherwise. Needs GNU gettext (scripts/ensure-system-deps.sh).
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "jxc"
LOCALE = "zh_Hans"
PO_REL = Path("locale") / LOCALE / "LC_MESSAGES" / "django.po"
PO = SRC / PO_REL
MO = PO.with_suffix(".mo")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # makemessages' default for the django domain
SKIP_DIRS = {"__pycache__", "var", "node_modules"}
FIX = f"""\
fix with:
    cd jxc && ../.venv/bin/python ../manage.py makemessages -l {LOCALE} --no-obsolete
    # fill in the Simplified Chinese msgstr of the entries above in jxc/{PO_REL}
    # (DOMAIN.md glossary terms, keep every %(name)s) and delete their '#, fuzzy' lines
    cd jxc && ../.venv/bin/python ../manage.py compilemessages
then commit jxc/{PO_REL} and jxc/{PO_REL.with_suffix(".mo")} together (docs/i18n.md)."""
PLACEHOLDER = re.compile(r"%\((\w+)\)")


class Entry:
    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.refs: list[str] = []
        self.fields: dict[str, str] = {}  # msgctxt, msgid, msgid_plural, msgstr, msgstr[N]

    @property
    def key(self) -> tuple[str | None, str]:
        return self.fields.get("msgctxt"), self.fields.get("msgid", "")

    @property
    def msgstrs(self) -> list[str]:
        return [v for k, v in self.fields.items() if k.startswith("msgstr")]


def parse_po(text: str) -> list[Entry]:
    """The active entries of a .po file (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    field: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry()
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#:"):
            entry.refs.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field is not None:
                entry.fields[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            entry.fields[field] = ast.literal_eval(value.strip())
    return [e for e in entries if "msgid" in e.fields]


def problems(committed: list[Entry], regenerated: list[Entry]) -> list[str]:
    """What is wrong with the catalog makemessages produced, relative to the committed one."""
    known = {e.key for e in committed}
    found = []
    for e in regenerated:
        if e.key == (None, ""):
            continue  # the header
        msgid = e.fields["msgid"]
        where = f"  [{' '.join(e.refs[:3])}]" if e.refs else ""
        if e.key not in known:
            found.append(f"new (not in django.po): {msgid!r}{where}")
        elif "fuzzy" in e.flags:
            found.append(f"fuzzy: {msgid!r}{where}")
        elif not all(e.msgstrs):
            found.append(f"untranslated: {msgid!r}{where}")
        elif "python-format" in e.flags:
            wanted = set(PLACEHOLDER.findall(msgid + e.fields.get("msgid_plural", "")))
            for text in e.msgstrs:
                if set(PLACEHOLDER.findall(text)) != wanted:
                    found.append(
                        f"placeholders differ from the msgid {sorted(wanted)}: {msgid!r}{where}"
                    )
                    break
    return found


def _copy_sources(dest: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(SRC):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        rel = Path(dirpath).relative_to(SRC)
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES or (rel.parts[:1] == ("locale",)):
                (dest / rel).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, dest / rel / name)


def regenerate(tmp: Path) -> str:
    """makemessages on a copy of jxc/ (with the committed django.po), returning the new .po."""
    copy = tmp / "jxc"
    _copy_sources(copy)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
    os.environ.setdefault("JXC_DATA_DIR", str(tmp / "data"))
    import django
    from django.core.management import call_command
    from django.test.utils import override_settings

    django.setup()
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
            call_command("makemessages", locale=[LOCALE], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return (copy / PO_REL).read_text(encoding="utf-8")


def mo_problems(tmp: Path) -> list[str]:
    if not MO.exists():
        return [f"jxc/{PO_REL.with_suffix('.mo')} is missing"]
    fresh = tmp / "fresh.mo"
    run = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO)], capture_output=True, text=True
    )
    if run.returncode != 0:
        return ["msgfmt rejects django.po:\n" + run.stderr.strip()]
    with MO.open("rb") as committed_file, fresh.open("rb") as fresh_file:
        committed = dict(gettext.GNUTranslations(committed_file)._catalog)  # type: ignore[attr-defined]
        expected = dict(gettext.GNUTranslations(fresh_file)._catalog)  # type: ignore[attr-defined]
    committed.pop("", None)
    expected.pop("", None)
    if committed == expected:
        return []
    differing = sorted(
        (str(k) for k in committed.keys() | expected.keys() if committed.get(k) != expected.get(k)),
    )
    shown = ", ".join(repr(k) for k in differing[:10])
    more = f" and {len(differing) - 10} more" if len(differing) > 10 else ""
    return [f"django.mo is out of date with django.po ({len(differing)} messages: {shown}{more})"]


def main() -> int:
    missing = [t for t in ("xgettext", "msgmerge", "msguniq", "msgfmt") if not shutil.which(t)]
    if missing:
        print(
            f"translations: GNU gettext is missing ({', '.join(missing)}); install it with "
            "`sudo bash scripts/ensure-system-deps.sh` (Debian package gettext)",
            file=sys.stderr,
        )
        return 1
    if not PO.exists():
        print(f"translations: jxc/{PO_REL} is missing\n{FIX}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="jxc-i18n-") as name:
        tmp = Path(name)
        committed = parse_po(PO.read_text(encoding="utf-8"))
        regenerated = parse_po(regenerate(tmp))
        found = problems(committed, regenerated) + mo_problems(tmp)
    stale = {e.key for e in committed} - {e.key for e in regenerated}
    if stale:
        print(f"translations: note: {len(stale)} entries of django.po are no longer in the code")
    if found:
        print(f"translations: {len(found)} problems in jxc/{PO_REL}:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        print(FIX, file=sys.stderr)
        return 1
    print(f"translations: {len(regenerated) - 1} messages, all translated; django.mo up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
