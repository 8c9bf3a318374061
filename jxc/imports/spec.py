"""An import is a declaration: its columns (Chinese headers through the catalog, a type,
choices, an example), a check over the parsed rows, and a writer. The framework
(``jxc.imports.services``) does the rest the same way for every import: the template, reading
the file safely, parsing every cell, reporting every problem at once with its row and column,
the rolled-back trial write of the preview, and the confirm (at once, or in the background
in chunks for large files)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.core.fields import size_error

TEXT, CODE, DECIMAL, INTEGER, DATE, CHOICE, BOOLEAN = (
    "text",
    "code",
    "decimal",
    "integer",
    "date",
    "choice",
    "boolean",
)

TYPE_LABELS = {
    TEXT: _("text"),
    CODE: _("code (text; leading zeros kept)"),
    DECIMAL: _("number"),
    INTEGER: _("whole number"),
    DATE: _("date (2026-01-05, 2026/1/5 or 2026年1月5日)"),
    CHOICE: _("one of the list"),
    BOOLEAN: _("yes or no"),
}


@dataclass(frozen=True)
class Column:
    """One column of an import: ``name`` in code, ``label`` the header (translated)."""

    name: str
    label: Any
    kind: str = TEXT
    required: bool = False
    # (value, label) pairs; a callable when they come from the database (units, warehouses)
    choices: Callable[[], list[tuple[str, Any]]] | tuple[tuple[str, Any], ...] | None = None
    example: tuple[Any, ...] = ()
    help: Any = ""
    places: int | None = None  # decimals a number may have
    minimum: Decimal | None = Decimal(0)  # numbers below are refused (None: no bound)
    maximum: Decimal | None = None
    max_length: int | None = None

    def choice_pairs(self) -> list[tuple[str, Any]]:
        if self.choices is None:
            return []
        return list(self.choices() if callable(self.choices) else self.choices)

    def number_error(self, value: Decimal) -> Any:
        """Why a number does not fit this column (None when it does)."""
        if self.minimum is not None and value < self.minimum:
            return _("Must be at least %(min)s.") % {"min": self.minimum}
        if self.maximum is not None and value > self.maximum:
            return _("Must be at most %(max)s.") % {"max": self.maximum}
        if self.places is not None:
            return size_error(value, self.places)
        return None


@dataclass
class Row:
    """One data row of the file: its row number (as Excel shows it) and its parsed cells."""

    number: int
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class Context:
    """What a check and a writer see: the user, the options typed on the upload page, the
    choice for codes that exist already, and where problems go."""

    spec: ImportSpec
    user: Any
    mode: str = "create"
    options: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    row: int = 0  # the row a writer is at (a domain error is reported there)
    batch_id: int = 0  # the import batch being confirmed (0 in the preview's trial write)

    def problem(self, row: int, column: str | None, message: Any) -> None:
        label = self.spec.label_of(column) if column else ""
        self.problems.append({"row": row, "column": label, "message": str(message)})

    def duplicates(self, rows: Iterable[Row], *names: str) -> None:
        """A value of ``names`` (together) on two rows: the second row is named."""
        seen: dict[tuple, int] = {}
        for r in rows:
            key = tuple(r[n] for n in names)
            if any(v in (None, "") for v in key):
                continue
            if key in seen:
                self.problem(
                    r.number,
                    names[0],
                    _("The same value is on row %(row)s too.") % {"row": seen[key]},
                )
            else:
                seen[key] = r.number


def each_row(items: list[dict[str, Any]], ctx: Context, write_one: Callable[[dict], None]) -> None:
    """Write item by item, each in a savepoint: what a service refuses becomes a problem of
    that row and the others are still tried, so the preview names every bad row at once; if
    any was refused, nothing stays written (``ImportRowsInvalid``)."""
    from django.db import transaction

    from jxc.core.errors import DomainError, ImportRowsInvalid, ValidationFailed

    before = len(ctx.problems)
    names = {c.name for c in ctx.spec.columns}
    for item in items:
        ctx.row = item["row"]
        try:
            with transaction.atomic():
                write_one(item)
        except ValidationFailed as exc:
            for name, messages in (exc.errors or {"": [str(exc)]}).items():
                for m in messages:
                    ctx.problem(ctx.row, name if name in names else None, m)
        except DomainError as exc:
            ctx.problem(ctx.row, None, str(exc))
    if len(ctx.problems) > before:
        raise ImportRowsInvalid(ctx.problems[before:])


def keyed(rows: list[Row], ctx: Context, key: str, existing: set[str]) -> list[tuple[Row, str]]:
    """新增 / 更新 / 跳过: each row with what happens to it by the code in ``key``: a code
    that exists is updated or skipped as the user chose, or (add new only) named as taken."""
    out = []
    for r in rows:
        if r[key] in existing:
            if ctx.mode == "create":
                ctx.problem(
                    r.number, key, _("This code exists already: %(code)s.") % {"code": r[key]}
                )
                continue
            out.append((r, "update" if ctx.mode == "update" else "skip"))
        else:
            out.append((r, "create"))
    return out


Check = Callable[[list[Row], Context], list[dict[str, Any]]]
Write = Callable[[list[dict[str, Any]], Context], None]
Undo = Callable[[dict[str, Any], Context], None]


@dataclass(frozen=True)
class ImportSpec:
    """One import. ``check`` turns good rows into JSON items (reporting problems on the
    context; it reads the database in a few set-based queries, it never writes); ``write``
    applies a list of items and must be idempotent per item (a background import applies them
    in chunks, and a chunk may run again after a crash); it records what it created in
    ``ctx.result`` so that ``undo`` can take the whole batch back. ``key`` names the code column whose
    existing values the user chooses to update or skip (``existing`` finds them)."""

    kind: str
    title: Any
    permission: str
    columns: tuple[Column, ...]
    check: Check
    write: Write
    key: str | None = None
    existing: Callable[[set[str]], set[str]] | None = None
    options: tuple[Column, ...] = ()
    notes: tuple[Any, ...] = ()
    filename: str = "import"
    # False when the items must go in together (one document): never split into chunks
    chunked: bool = True
    # takes back what ``write`` recorded in the batch's result (``jxc.imports.rollback``)
    undo: Undo | None = None
    # a background chunk takes about this much CPU (its size follows), so other
    # users' postings wait at most that; None: ``jxc.core.jobs.CHUNK`` items per chunk
    chunk_seconds: float | None = 0.1

    def label_of(self, name: str) -> str:
        for c in (*self.columns, *self.options):
            if c.name == name:
                return str(c.label)
        return name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
