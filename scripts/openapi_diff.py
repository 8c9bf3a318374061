"""The differences between the OpenAPI document of the work tree and that of a git revision
(paths, schemas, operation ids, summaries; the order of keys is ignored).

    .venv/bin/python scripts/openapi_diff.py REV      # e.g. main, 6d71ef2

Each tree's document is made by importing its own ``jxc`` in a child process (a throwaway
data directory, no server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUMP = (
    "import json, django; django.setup(); from jxc.api.urls import api; "
    "print(json.dumps(api.get_openapi_schema(), default=str))"
)


def openapi_of(tree: Path) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DJANGO_SETTINGS_MODULE": "jxc.settings",
        "JXC_DATA_DIR": tempfile.mkdtemp(prefix="jxc-openapi-"),
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", DUMP], cwd=tree, env=env, capture_output=True, text=True, check=True
    )
    # the document is the last line: ninja prints its warnings (a reused operation id) first
    return json.loads(out.stdout.strip().splitlines()[-1])


def tree_at(rev: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix="jxc-rev-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as f:
        f.write(archive)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(target, filter="data")
    return target


def differences(old, new, path: str = "") -> list[str]:
    if type(old) is not type(new):
        return [f"~ {path}: {json.dumps(old)[:100]} -> {json.dumps(new)[:100]}"]
    if isinstance(old, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            where = f"{path}/{key}"
            if key not in old:
                found.append(f"+ {where}: {json.dumps(new[key], ensure_ascii=False)[:120]}")
            elif key not in new:
                found.append(f"- {where}")
            else:
                found += differences(old[key], new[key], where)
        return found
    if isinstance(old, list):
        if sorted(map(json.dumps, old)) != sorted(map(json.dumps, new)):
            added = [v for v in new if v not in old]
            gone = [v for v in old if v not in new]
            return [f"~ {path}: + {added} - {gone}"]
        return []
    return [] if old == new else [f"~ {path}: {old!r} -> {new!r}"]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    found = differences(openapi_of(tree_at(sys.argv[1])), openapi_of(ROOT))
    print("\n".join(found) or "no differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
