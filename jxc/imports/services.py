"""The import framework: upload → preview → confirm, the same for every import.

Preview (``preview_import``): the file passes the spreadsheet gate (size, sheet dimensions,
zip bombs, unsafe XML: ``jxc.core.spreadsheets``) before any reader opens it; every cell is
parsed by its column's type, every row checked, and — for up to ``INLINE_ROWS`` rows — the
writes are tried in a transaction that is rolled back, so that what the database itself would
refuse is found too. Every problem is kept with its row and column; nothing is written.

Confirm (``confirm_import``): up to ``INLINE_ROWS`` rows are written in one transaction (all
or none); more become a background job (``jxc.core.jobs``) that applies the previewed rows in
chunks of ``jxc.core.jobs.CHUNK``, each in a short transaction of its own, with progress, so
other users keep working meanwhile (the rows were staged by the preview: nothing in them is
re-read from the file).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core import cells, spreadsheets
from jxc.core.errors import DomainError, ImportRowsInvalid, PermissionDenied, ValidationFailed
from jxc.imports.models import ImportBatch
from jxc.imports.registry import spec_for
from jxc.imports.spec import (
    BOOLEAN,
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    INTEGER,
    Column,
    Context,
    ImportSpec,
    Row,
)

# Up to this many rows a file is tried in the preview and applied in the request; more are
# applied by the background worker in chunks.
INLINE_ROWS = 2_000
HANDLER = "jxc.imports.services.apply_import_chunk"


class _Rollback(Exception):
    """Raised inside the preview's trial write so that its transaction is rolled back."""


def ensure_allowed(spec: ImportSpec, user) -> None:
    if user is not None and not user.has_jxc_perm(spec.permission):
        raise PermissionDenied(perm=spec.permission)


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).lower().rstrip("*")


def header_map(spec: ImportSpec, header: list[Any]) -> dict[str, int]:
    """Column name → index; a header may be the Chinese or the English label or the name."""
    from django.utils import translation

    labels: dict[str, str] = {}
    for c in spec.columns:
        labels[_norm(c.name)] = c.name
        for lang in ("en", "zh-hans", translation.get_language() or "zh-hans"):
            with translation.override(lang):
                labels[_norm(cells.normalise(str(c.label)))] = c.name
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        hit = labels.get(_norm(cells.normalise(cell)))
        if hit is not None and hit not in found:
            found[hit] = i
    return found


def _choice_lookup(column: Column) -> dict[str, str]:
    from django.utils import translation

    found: dict[str, str] = {}
    for value, label in column.choice_pairs():
        found[_norm(value)] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                found[_norm(str(label))] = value
    return found


def _yes_no() -> tuple[set[str], set[str]]:
    from django.utils import translation

    yes, no = set(), set()
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            yes.add(_("Yes"))
            no.add(_("No"))
    return yes, no


def parse_cell(column: Column, raw: Any, choices: dict[str, str] | None = None) -> Any:
    """One cell by its column's type; raises ValueError with the reason."""
    kind = column.kind
    if kind == DECIMAL:
        try:
            value = cells.decimal(raw)
        except ValueError:
            raise ValueError(_("Enter a number.")) from None
        if value is not None and (error := column.number_error(value)) is not None:
            raise ValueError(str(error))
        return value
    if kind == INTEGER:
        try:
            number = cells.integer(raw)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
        if number is not None:
            from decimal import Decimal

            if (error := column.number_error(Decimal(number))) is not None:
                raise ValueError(str(error))
        return number
    if kind == DATE:
        try:
            return cells.date(raw)
        except (ValueError, OverflowError):
            raise ValueError(_("Enter a valid date, e.g. 2026-01-05.")) from None
    if kind == BOOLEAN:
        yes, no = _yes_no()
        try:
            return cells.boolean(raw, yes=yes, no=no)
        except ValueError:
            raise ValueError(_("Enter yes or no.")) from None
    text = cells.code(raw) if kind in (CODE, CHOICE) else cells.text(raw)
    if kind == CHOICE and text:
        hit = (choices or _choice_lookup(column)).get(_norm(text))
        if hit is None:
            raise ValueError(_("Not one of the choices: %(value)s.") % {"value": text})
        return hit
    if column.max_length is not None and len(text) > column.max_length:
        raise ValueError(
            _("At most %(max)s characters (it has %(length)s).")
            % {"max": column.max_length, "length": len(text)}
        )
    return text


# a title row or two above the headers (管家婆 / WPS exports: 商品资料表, merged across)
HEADER_SEARCH_ROWS = 5


def find_header(spec: ImportSpec, table: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """Where the headers are: the row among the first few that names the most columns (a
    title row merged across the top is skipped), with a second header row under it merged in
    — 价格 merged over two columns with 零售价 / 批发价 below, the other headers merged
    downwards (WPS). Returns the index of the last header row and column name → index."""
    best, cols = 0, header_map(spec, table[0]) if table else {}
    for i in range(1, min(HEADER_SEARCH_ROWS, len(table))):
        found = header_map(spec, table[i])
        if len(found) > len(cols):
            best, cols = i, found
    if best + 1 < len(table):
        below = table[best + 1]
        filled = [v for v in below if cells.normalise(v)]
        sub = header_map(spec, below)
        if filled and len(sub) == len(filled):  # every cell of the next row is a header
            cols = {**cols, **{k: v for k, v in sub.items() if v not in cols.values()}}
            best += 1
    return best, cols


def parse_rows(spec: ImportSpec, table: list[list[Any]], ctx: Context) -> tuple[list[Row], int]:
    """Every cell of every data row parsed; problems for the bad ones. Returns the rows that
    parsed cleanly and how many data rows there were."""
    if not table or not any(cells.normalise(v) for r in table for v in r):
        ctx.problem(1, None, _("The sheet is empty."))
        return [], 0
    head, cols = find_header(spec, table)
    for c in spec.columns:
        if c.required and c.name not in cols:
            ctx.problem(head + 1, c.name, _("Column missing."))
    if ctx.problems:
        return [], 0
    choices = {c.name: _choice_lookup(c) for c in spec.columns if c.kind == CHOICE}
    good: list[Row] = []
    total = 0
    for number, raw in enumerate(table[head + 1 :], start=head + 2):
        if not any(cells.normalise(v) for v in raw):
            continue
        total += 1
        values: dict[str, Any] = {}
        bad = False
        for c in spec.columns:
            i = cols.get(c.name)
            cell = raw[i] if i is not None and i < len(raw) else None
            try:
                values[c.name] = parse_cell(c, cell, choices.get(c.name))
            except ValueError as exc:
                ctx.problem(number, c.name, exc.args[0] if exc.args else _("Enter a number."))
                bad = True
                continue
            if c.required and values[c.name] in (None, ""):
                ctx.problem(number, c.name, _("Required."))
                bad = True
        if not bad:
            good.append(Row(number, values))
    if total == 0:
        ctx.problem(head + 2, None, _("There are no rows to import."))
    return good, total


def _domain_problem(ctx: Context, exc: DomainError) -> None:
    if isinstance(exc, ImportRowsInvalid):
        ctx.problems.extend(exc.rows)
    elif isinstance(exc, ValidationFailed) and exc.errors:
        for field_name, messages in exc.errors.items():
            for m in messages:
                ctx.problem(ctx.row, field_name if field_name in _names(ctx) else None, m)
    else:
        ctx.problem(ctx.row, None, str(exc))


def _names(ctx: Context) -> set[str]:
    return {c.name for c in ctx.spec.columns}


def _counts(items: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"create": 0, "update": 0, "skip": 0}
    for item in items:
        action = item.get("action", "create")
        counts[action] = counts.get(action, 0) + 1
    return counts


def _plan(spec: ImportSpec, ctx: Context, data: bytes) -> tuple[list[dict[str, Any]], int]:
    table = spreadsheets.read_sheet(data)
    rows, total = parse_rows(spec, table, ctx)
    if not rows:
        return [], total
    items = spec.check(rows, ctx)
    bad = {int(p["row"]) for p in ctx.problems}
    return [i for i in items if i["row"] not in bad], total


def _try_write(spec: ImportSpec, ctx: Context, items: list[dict[str, Any]]) -> None:
    """The writes, in a transaction that is always rolled back: what the database or a
    service refuses becomes a problem of the preview."""
    try:
        with transaction.atomic():
            spec.write(items, ctx)
            raise _Rollback
    except _Rollback:
        pass
    except DomainError as exc:
        _domain_problem(ctx, exc)


def preview_import(
    kind: str,
    *,
    user,
    data: bytes,
    filename: str = "",
    mode: str = ImportBatch.Mode.CREATE,
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    """导入预览: check every row of the file (and, up to ``INLINE_ROWS``, try the writes and
    roll them back); nothing is written. The batch keeps the problems and the rows to write."""
    spec = spec_for(kind)
    ensure_allowed(spec, user)
    if mode not in ImportBatch.Mode.values:
        raise ValidationFailed({"mode": [_("Select a valid choice.")]})
    ctx = Context(spec=spec, user=user, mode=mode, options=parse_options(spec, options or {}))
    items, total = _plan(spec, ctx, data)
    # the good rows are tried even when others are bad: every problem is found at once
    if items and len(items) <= INLINE_ROWS:
        _try_write(spec, ctx, [i for i in items if i.get("action") != "skip"])
    ctx.problems.sort(key=lambda p: (int(p["row"]), p["column"]))
    return ImportBatch.objects.create(
        kind=kind,
        user=user,
        filename=filename[:200],
        data=data,
        mode=mode,
        options=_jsonable(ctx.options),
        status=ImportBatch.Status.INVALID if ctx.problems else ImportBatch.Status.READY,
        total=total,
        counts=_counts(items),
        problems=ctx.problems,
        items=[] if ctx.problems else items,
    )


def parse_options(spec: ImportSpec, raw: dict[str, Any]) -> dict[str, Any]:
    """The options typed on the upload page (a date, 过账), by their columns' types; a
    missing or bad one is a 422 on its name."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for column in spec.options:
        try:
            out[column.name] = parse_cell(column, raw.get(column.name))
        except ValueError as exc:
            errors[column.name] = [str(exc.args[0])]
            continue
        if column.required and out[column.name] in (None, ""):
            errors[column.name] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    return out


def import_at_once(
    kind: str,
    *,
    user,
    data: bytes,
    filename: str = "",
    mode: str = "create",
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    """Preview and confirm in one call (the API's one-step imports): every bad row raises
    ``ImportRowsInvalid`` and nothing is written."""
    batch = preview_import(
        kind, user=user, data=data, filename=filename, mode=mode, options=options
    )
    if batch.status != ImportBatch.Status.READY:
        raise ImportRowsInvalid(batch.problems)
    return confirm_import(batch, user=user)


def _jsonable(options: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    out = {}
    for k, v in options.items():
        out[k] = (
            v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v
        )
    return out


def repreview(batch: ImportBatch, *, user, mode: str) -> ImportBatch:
    """The same file again with another choice for existing codes (更新 / 跳过)."""
    return preview_import(
        batch.kind,
        user=user,
        data=bytes(batch.data),
        filename=batch.filename,
        mode=mode,
        options=batch.options,
    )


def _context(batch: ImportBatch, user) -> tuple[ImportSpec, Context]:
    spec = spec_for(batch.kind)
    return spec, Context(
        spec=spec, user=user, mode=batch.mode, options=dict(batch.options), batch_id=batch.pk
    )


def confirm_import(batch: ImportBatch, *, user) -> ImportBatch:
    """确认导入: write the previewed rows — at once in one transaction (all or none), or, for
    more than ``INLINE_ROWS``, in the background in chunks (``batch.job`` shows progress)."""
    from jxc.core import jobs

    spec, ctx = _context(batch, user)
    ensure_allowed(spec, user)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.user_id != user.pk:
            raise PermissionDenied(perm=spec.permission)
        if batch.status != ImportBatch.Status.READY:
            raise ValidationFailed(
                {
                    "__all__": [
                        _("This import cannot be confirmed: it is %(status)s.")
                        % {"status": batch.get_status_display()}
                    ]
                }
            )
        items = [i for i in batch.items if i.get("action") != "skip"]
        if len(items) > INLINE_ROWS and spec.chunked:
            batch.job = jobs.start_import(
                kind=f"import:{batch.kind}",
                user=user,
                handler=HANDLER,
                items=items,
                subject_id=batch.pk,
            )
            batch.status = ImportBatch.Status.APPLYING
            batch.confirmed_at = timezone.now()
            batch.save(update_fields=["job", "status", "confirmed_at"])
            return batch
    try:
        with transaction.atomic():
            spec.write(items, ctx)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.DONE,
                confirmed_at=timezone.now(),
                result=ctx.result,
                items=[],
            )
    except DomainError as exc:
        _domain_problem(ctx, exc)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.INVALID, problems=ctx.problems
        )
        raise ImportRowsInvalid(ctx.problems) from exc
    batch.refresh_from_db()
    return batch


def apply_import_chunk(job, items: list[dict[str, Any]], *, final: bool) -> None:
    """``jxc.core.jobs`` handler: one chunk of a confirmed import batch."""
    from jxc.core import jobs

    # the file and its rows stay on disk: the job carries the chunk
    batch = ImportBatch.objects.only("pk", "kind", "mode", "options").get(pk=job.subject_id)
    spec, ctx = _context(batch, job.user)
    spec.write(items, ctx)
    job.result = ctx.result  # this chunk's record (the worker keeps it with the chunk)
    if final:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.DONE,
            result=jobs.job_result(job, pending=ctx.result),
            items=[],
        )


def merge_chunk_result(into: dict[str, Any], chunk: dict[str, Any]) -> dict[str, Any]:
    """A chunk's record merged into the import's (``jxc.core.jobs``): lists joined, counts
    added; an updated row's values before are the first chunk's, after the last one's."""
    from jxc.core import jobs
    from jxc.imports.rollback import UPDATED

    updated = chunk.get(UPDATED)
    jobs.merge_result(into, {k: v for k, v in chunk.items() if k != UPDATED})
    if updated:
        entries = into.setdefault(UPDATED, {})
        for name, entry in updated.items():
            mine = entries.setdefault(name, {"before": {}, "after": {}})
            for field_name, value in entry.get("before", {}).items():
                mine["before"].setdefault(field_name, value)
            mine["after"].update(entry.get("after", {}))
    return into


def _chunk_seconds(job) -> float | None:
    """How long a chunk of this import should hold the database (``jxc.core.jobs``)."""
    return spec_for(job.kind.removeprefix("import:")).chunk_seconds


apply_import_chunk.chunk_seconds = _chunk_seconds  # type: ignore[attr-defined]
apply_import_chunk.merge_result = merge_chunk_result  # type: ignore[attr-defined]


def refresh_status(batch: ImportBatch) -> ImportBatch:
    """A batch applied in the background follows its job (failed when the job failed)."""
    if batch.status == ImportBatch.Status.APPLYING and batch.job_id is not None:
        from jxc.core.jobs import fail_stalled_imports
        from jxc.core.models import ImportJob

        fail_stalled_imports()
        job = ImportJob.objects.get(pk=batch.job_id)
        if job.status == ImportJob.Status.FAILED:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED)
        batch.refresh_from_db()
    return batch
