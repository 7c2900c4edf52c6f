"""The one import pipeline: read → find the table → normalise → validate → (commit).

``run_import`` reads the file once, row by row, in batches; it keeps only the current
batch, the keys seen so far and the errors, so a 100,000-row file stays small in memory.
Preview and commit are the same pass: a preview writes nothing, a commit writes each
batch's valid rows inside one transaction that covers the whole file (so a failure on
row N, a cancel or a killed worker leaves the database as it was).

A roster is a document: by default (``all_or_nothing=True``) a file with any bad row writes
nothing. Committing only the valid rows is the importer's explicit choice, offered by the
preview with the number of rows that will be left out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from rencai.core import audit
from rencai.core.context import acting_user, actor_from
from rencai.core.imports import cells
from rencai.core.imports.reading import ImportFileError, PathOrBytes, Row, open_table
from rencai.core.imports.schema import Column, ImportContext, ImportSchema, Key, RowError, RowRejected
from rencai.core.imports.writing import (
    BackgroundCopier,
    CopyFailed,
    background_copies,
    insert_all,
    model_field_named,
    sqlite_cache,
)
from rencai.core.models import AuditAction
from rencai.core.personal import EncryptedField, mask

BATCH_ROWS = 2000
#: Rows the preview shows, normalised, before the commit.
PREVIEW_ROWS = 50
HEADER_SEARCH_ROWS = 30
TOTAL_MARKS = ("合计", "小计", "总计", "共计")  # i18n: matched against the clerk's Chinese workbook
#: The labels of the lines clerks write under a roster's table (totals, who filled it in).
_FOOTER = re.compile(
    r"^(合计|小计|总计|共计|填表人|填报人|制表人|审核人|审批人|负责人|单位负责人|联系人|联系电话|"
    r"制表日期|填表日期|填报日期|制表时间|填表时间)\s*[:：]"
)  # i18n: matched against the clerk's Chinese workbook
_UNIT_IN_TITLE = re.compile(r"填报单位\s*[:：]\s*(\S+)")  # i18n: matched against the clerk's Chinese workbook
_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(][^）)]*[）)]")


class ImportCancelled(Exception):
    """The user pressed cancel."""


@dataclass
class ImportReport:
    """What a run found (and, for a commit, wrote)."""

    kind: str = ""
    sheet_name: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # header as written → field
    ignored_headers: list[str] = field(default_factory=list)
    organization: str = ""
    data_rows: int = 0
    valid_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    rows_with_errors: set[int] = field(default_factory=set)
    #: The first rows to be written, as the preview shows them (see ImportRun._show).
    preview: list[dict[str, Any]] = field(default_factory=list)
    #: What a confirmed commit creates besides the rows ("普惠金融部（XX分行，3行）").
    to_create: list[str] = field(default_factory=list)
    #: Seconds spent in each stage (read, normalise, lookup, write and the schema's own).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return len(self.rows_with_errors)

    def add_error(self, error: RowError) -> None:
        self.errors.append(error)
        self.rows_with_errors.add(error.row)

    def summary(self) -> dict[str, Any]:
        """The JSON object of ``import_rows --json`` and of the API."""
        return {
            "data_rows": self.data_rows,
            "valid_rows": self.valid_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "committed": self.committed,
            "header_row": self.header_row,
            "columns": self.columns,
            "ignored_headers": self.ignored_headers,
            "errors": [e.as_dict() for e in self.errors],
            "to_create": self.to_create,
            "preview": self.preview,
            "timings": {stage: round(seconds, 3) for stage, seconds in self.timings.items()},
        }


@dataclass
class Progress:
    """Callbacks of a long run: ``report(done, total)`` after each batch, ``stop()`` true
    when the user cancelled."""

    report: Callable[[int, int], None] = lambda done, total: None
    stop: Callable[[], bool] = lambda: False


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    key: Key | None = None


@dataclass
class _Mapping:
    header_row: int
    by_index: dict[int, Column]
    headers: dict[int, str]
    ignored: list[str]
    title_text: str


def header_key(text: object) -> str:
    """A header as compared with the declared names: no spaces, marks or notes in brackets."""
    return cells.lookup_key(_HEADER_NOISE.sub("", cells.clean_text(text)))


def _match_headers(schema: ImportSchema, row: Row) -> tuple[dict[int, Column], dict[int, str], list[str]]:
    names: dict[str, Column] = {}
    for declared in schema.columns:
        for header in schema.headers(declared):
            names.setdefault(header_key(header), declared)
    by_index: dict[int, Column] = {}
    headers: dict[int, str] = {}
    ignored: list[str] = []
    taken: set[str] = set()
    for index, cell in enumerate(row):
        text = cells.clean_text(cell)
        column = names.get(header_key(cell)) if text else None
        if column is not None and column.field not in taken:
            by_index[index] = column
            headers[index] = text
            taken.add(column.field)
        elif text:
            ignored.append(text)
    return by_index, headers, ignored


def find_header(schema: ImportSchema, first_rows: list[tuple[int, Row]]) -> _Mapping:
    """The row (among the first ones) that names the most declared columns; rows above it
    are titles, where 填报单位：… may name the institution."""
    best: _Mapping | None = None
    titles: list[str] = []
    for number, row in first_rows:
        by_index, headers, ignored = _match_headers(schema, row)
        if len(by_index) >= 2 and (best is None or len(by_index) > len(best.by_index)):
            best = _Mapping(number, by_index, headers, ignored, " ".join(titles))
        titles.extend(cells.clean_text(c) for c in row if not cells.is_blank(c))
    if best is None:
        wanted = "、".join(schema.label(c) for c in schema.columns if schema.is_required(c))
        raise ImportFileError(
            "no_header",
            _("没有找到表头行：前 %(rows)s 行中应有一行列名，至少包含%(columns)s")
            % {"rows": HEADER_SEARCH_ROWS, "columns": wanted},
        )
    return best


def _missing_required(schema: ImportSchema, mapping: _Mapping, context: ImportContext) -> list[str]:
    mapped = {c.field for c in mapping.by_index.values()}
    missing = []
    for column in schema.columns:
        if column.field in mapped or not schema.is_required(column):
            continue
        if column.field == schema.organization_field and context.organization is not None:
            continue
        missing.append(schema.label(column))
    return missing


def _organization_from_title(schema: ImportSchema, mapping: _Mapping, context: ImportContext) -> None:
    """``填报单位：XX银行XX分行`` above the table names the institution when no ``--org``
    was given and the table has no unit column."""
    if context.organization is not None or schema.organization_field is None:
        return
    if any(c.field == schema.organization_field for c in mapping.by_index.values()):
        return
    found = _UNIT_IN_TITLE.search(mapping.title_text)
    if not found:
        return
    from rencai.orgs.models import Organization
    from rencai.orgs.names import OrganizationNames

    visible = Organization.objects.filter(pk__in=context.visible_org_ids)
    names = OrganizationNames.of(visible.values("pk", "name", "short_name", "credit_code", "aliases"))
    matches = names.find(found.group(1))
    if len(matches) == 1:
        context.organization = visible.get(pk=matches[0])


def _is_total_row(row: Row) -> bool:
    """A total (合计 / 合计：85人) or a footer line under the table (填表人：… 审核人：…
    联系电话：… 制表日期：…): the first filled cell of the row starts with such a label."""
    if any(isinstance(c, str) and c.replace(" ", "").replace("\u3000", "") in TOTAL_MARKS for c in row[:3]):
        return True
    for cell in row[:4]:
        if cells.is_blank(cell):
            continue
        if not isinstance(cell, str):
            return False
        text = cell.replace(" ", "").replace("\u3000", "")
        return text in TOTAL_MARKS or bool(_FOOTER.match(text))
    return False


class ImportRun:
    """One pass over one file for one schema and one user."""

    def __init__(
        self,
        schema: ImportSchema,
        context: ImportContext,
        *,
        commit: bool = False,
        all_or_nothing: bool = True,
        progress: Progress | None = None,
    ) -> None:
        self.schema = schema
        self.context = context
        self.commit = commit
        self.all_or_nothing = all_or_nothing
        self.progress = progress or Progress()
        self.actor = actor_from(None, context.user)
        self.report = ImportReport()
        self.seen: dict[int, int] = {}
        self.headers: dict[str, str] = {}
        model = schema.model
        org_field = schema.organization_field
        self.org_attname = model_field_named(model, org_field).attname if org_field else None
        self.guarded = {model_field_named(model, name).attname for name in schema.guarded_fields}
        self.to_confirm = {model_field_named(model, name).attname: name for name in schema.confirm_fields}
        self.confirmed_rows = {int(n) for n in context.extra.get("confirmed_rows", ())}
        context.extra["committing"] = commit
        self.personal = {f.attname: f.kind for f in model._meta.concrete_fields if isinstance(f, EncryptedField)}
        self.copier: BackgroundCopier | None = None

    # --- the pass -------------------------------------------------------------------

    def run(self, source: PathOrBytes) -> ImportReport:
        table = open_table(source)
        self.report.kind, self.report.sheet_name = table.kind, table.sheet_name
        rows = enumerate(table.rows(), start=table.first_row)
        first = list(islice(rows, HEADER_SEARCH_ROWS))
        mapping = find_header(self.schema, first)
        self._use_mapping(mapping)
        after_header = chain((r for r in first if r[0] > mapping.header_row), rows)
        total = max(table.total_rows - mapping.header_row, 0)
        if not self.commit:
            self._process(after_header, total)
            return self.report
        try:
            with transaction.atomic():
                self._process_writing(after_header, total)
                if self.all_or_nothing and self.report.errors:
                    transaction.set_rollback(True)
                    self.report.created = self.report.updated = 0
                else:
                    self.report.committed = True
        except CopyFailed as failed:
            raise ImportFileError("db_error", self._locate_copy_failure(failed)) from failed.error
        return self.report

    def _process_writing(self, rows: Iterator[tuple[int, Row]], total: int) -> None:
        """The committing pass: new records' ``COPY`` runs on a second thread (PostgreSQL)
        while this one reads and validates the next batch; a refused ``COPY`` is found
        again row by row, as a refusal in this thread would be."""
        try:
            with sqlite_cache(), background_copies() as copier:
                self.copier = copier
                try:
                    self._process(rows, total)
                    if copier is not None:
                        # The stage "copy": the last batches' COPY, after the last row was read.
                        started = time.perf_counter()
                        copier.wait()
                        self.report.timings["copy"] = time.perf_counter() - started
                except DatabaseError as exc:
                    # "current transaction is aborted": the refused COPY is the cause.
                    failed = copier.failed() if copier is not None else None
                    if failed is not None:
                        raise failed from exc
                    raise
        finally:
            self.copier = None

    def _locate_copy_failure(self, failed: CopyFailed) -> str:
        """The row of a refused background ``COPY`` (whose transaction is rolled back by
        now), found by retrying its batch row by row in a transaction rolled back too."""
        rows = failed.tag if isinstance(failed.tag, list) else []
        with transaction.atomic():
            message = _locate_failure(self, rows, [], failed.error)
            transaction.set_rollback(True)
        return message

    def _use_mapping(self, mapping: _Mapping) -> None:
        self.report.header_row = mapping.header_row
        self.report.columns = {mapping.headers[i]: c.field for i, c in mapping.by_index.items()}
        self.report.ignored_headers = mapping.ignored
        self.headers = {c.field: mapping.headers[i] for i, c in mapping.by_index.items()}
        _organization_from_title(self.schema, mapping, self.context)
        missing = _missing_required(self.schema, mapping, self.context)
        has_unit_column = any(c.field == self.schema.organization_field for c in mapping.by_index.values())
        if self.schema.organization_field and self.context.organization is None and not has_unit_column:
            raise ImportFileError(
                "missing_organization", _("文件中没有“所在单位”列，也没有“填报单位”：请选择这些数据所属的机构")
            )
        if missing:
            raise ImportFileError("missing_columns", _("表头缺少必填列：%(columns)s") % {"columns": "、".join(missing)})
        self.report.organization = str(self.context.organization or "")
        # Each column's normaliser remembers what it made of each distinct value (IDs,
        # mobiles and e-mails are unique per row, so those are not remembered).
        self.normalisers = [
            (
                index,
                column,
                self.schema.attname(column),
                _cell_reader(self.schema.normaliser(column, self.context), self.schema.kind(column)),
            )
            for index, column in mapping.by_index.items()
        ]
        self.required = {self.schema.attname(c) for c in mapping.by_index.values() if self.schema.is_required(c)}

    def _process(self, rows: Iterator[tuple[int, Row]], total: int) -> None:
        batch: list[_Row] = []
        done = 0
        timings = self.report.timings
        clock = time.perf_counter
        read = parsing = 0.0
        started = clock()
        for number, row in rows:
            at = clock()
            read += at - started
            done += 1
            parsed = self._parse(number, row)
            if parsed is not None:
                batch.append(parsed)
            started = clock()
            parsing += started - at
            if len(batch) >= BATCH_ROWS:
                self._finish_batch(batch)
                batch = []
                self._tick(done, total)
                started = clock()
        self._finish_batch(batch)
        self._tick(done, total)
        timings["read"] = timings.get("read", 0.0) + read
        timings["normalise"] = timings.get("normalise", 0.0) + parsing
        for stage, seconds in self.context.extra.get("timings", {}).items():
            timings[stage] = timings.get(stage, 0.0) + seconds
        self.report.to_create = self.schema.pending_creations(self.context)

    def _tick(self, done: int, total: int) -> None:
        self.progress.report(done, max(total, done))
        if self.progress.stop():
            raise ImportCancelled

    # --- one row --------------------------------------------------------------------

    def _parse(self, number: int, row: Row) -> _Row | None:
        """The row's values, or None when it is empty, a total row or has errors."""
        if not any(not cells.is_blank(c) for c in row) or _is_total_row(row):
            return None
        self.report.data_rows += 1
        values: dict[str, Any] = {}
        failed = False
        width = len(row)
        empty = cells.EMPTY
        for index, column, attname, normalise in self.normalisers:
            raw = row[index] if index < width else None
            try:
                value = normalise(raw)
            except cells.CellError as exc:
                self._error(number, column.field, exc.code, exc.message)
                failed = True
                continue
            if value is empty:
                if attname in self.required:
                    self._error(number, column.field, "required", _("必填项为空"))
                    failed = True
                continue
            values[attname] = value
        if failed:
            return None
        org_attname = self.org_attname
        if org_attname and org_attname not in values:
            if self.context.organization is None:
                self._error(number, self.schema.organization_field or "", "required", _("请填写所在单位"))
                return None
            values[org_attname] = self.context.organization.pk
        try:
            self.schema.check_row(values, self.context)
        except RowRejected as exc:
            for field_name, code, message in exc.errors:
                self._error(number, field_name, code, message)
            return None
        if org_attname and values[org_attname] not in self.schema.allowed_organizations(self.context):
            self._error(number, self.schema.organization_field or "", "not_permitted", _("无权导入到该机构"))
            return None
        key = self.schema.key_of(values)
        if key is not None:
            # The keys seen so far by their hash (an int, not the key's strings): memory for
            # 200,000 rows; two different keys sharing a 64-bit hash is not a real risk.
            seen = hash(key)
            if seen in self.seen:
                self._error(
                    number, self._key_field(), "duplicate_in_file", _("与第 %(row)s 行重复") % {"row": self.seen[seen]}
                )
                return None
            self.seen[seen] = number
        return _Row(number, values, key)

    def _key_field(self) -> str:
        return self.schema.key_fields[0] if self.schema.key_fields else ""

    def _error(self, number: int, field_name: str, code: str, message: str) -> None:
        header = self.headers.get(field_name) or self._label_of(field_name)
        self.report.add_error(RowError(number, header, code, str(message)))

    def _label_of(self, field_name: str) -> str:
        try:
            model_field = self.schema.model._meta.get_field(field_name)
        except Exception:  # noqa: BLE001 - a name that is not a field
            return field_name
        return str(model_field.verbose_name) if isinstance(model_field, models.Field) else field_name

    # --- one batch ------------------------------------------------------------------

    def _finish_batch(self, batch: list[_Row]) -> None:
        if not batch:
            return
        started = time.perf_counter()
        existing = self.schema.find_existing([r.key for r in batch if r.key is not None], self.context)
        new: list[_Row] = []
        changed: list[tuple[_Row, models.Model, list[str]]] = []
        shown = len(self.report.preview) < PREVIEW_ROWS and not self.commit
        for row in batch:
            instance = existing.get(row.key) if row.key is not None else None
            if instance is None:
                new.append(row)
                if shown:
                    self._show(row, None, [])
                continue
            outcome = self._compare(row, instance)
            if outcome is not None:
                changed.append((row, instance, outcome))
                if shown:
                    self._show(row, instance, outcome)
        self.report.valid_rows += len(new) + len(changed)
        self.report.created += len(new)
        self.report.updated += len(changed)
        timings = self.report.timings
        written = time.perf_counter()
        timings["lookup"] = timings.get("lookup", 0.0) + written - started
        if self.commit:
            self._write(new, changed)
            timings["write"] = timings.get("write", 0.0) + time.perf_counter() - written

    def _show(self, row: _Row, instance: models.Model | None, changed: list[str]) -> None:
        """One row of the preview (the first PREVIEW_ROWS rows to be written): a new
        record's normalised values, or an update's fields before → after; personal data
        masked (the summary is stored with the job)."""
        if len(self.report.preview) >= PREVIEW_ROWS:
            return
        if instance is None:
            values = [[self._label_of(n.removesuffix("_id")), self._display(n, v)] for n, v in row.values.items()]
            self.report.preview.append({"row": row.number, "action": _("新增"), "values": values})
            return
        changes = [
            [
                self._label_of(n.removesuffix("_id")),
                self._display(n, getattr(instance, n)),
                self._display(n, row.values[n]),
            ]
            for n in changed
        ]
        self.report.preview.append(
            {"row": row.number, "action": _("修改"), "record": str(instance), "changes": changes}
        )

    def _display(self, attname: str, value: Any) -> str:
        if value in (None, ""):
            return ""
        if attname in self.personal:
            return mask(str(value), self.personal[attname])
        if isinstance(value, cells.MonthDate):
            return f"{value.year}-{value.month:02d}"
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        model_field = model_field_named(self.schema.model, attname)
        if isinstance(model_field, models.ForeignKey):
            return self._related_name(model_field, value)
        if getattr(model_field, "choices", None):
            return str(dict(model_field.flatchoices).get(value, value))
        return str(value)

    def _related_name(self, model_field: models.ForeignKey[Any, Any], pk: Any) -> str:
        names = self.context.cached(f"preview_names:{model_field.name}", dict)
        if pk not in names:
            related = model_field.related_model._default_manager.filter(pk=pk).first()  # type: ignore[union-attr]
            names[pk] = str(related) if related is not None else str(pk)
        return str(names[pk])

    def _compare(self, row: _Row, instance: models.Model) -> list[str] | None:
        """Fields that would change (None when the row cannot update this record, the
        error already reported); an unchanged row counts and returns None too."""
        if not self.schema.may_update(instance, self.context):
            self._error(row.number, self._key_field(), "duplicate_in_db", _("该记录已在其他机构登记，无权修改"))
            return None
        changed = [name for name, value in row.values.items() if not _same(getattr(instance, name), value)]
        if not changed:
            self.report.valid_rows += 1
            self.report.unchanged += 1
            return None
        blocked = [n for n in changed if n in self.guarded]
        if blocked and self.context.extra.get("guarded"):
            names = "、".join(self._label_of(n.removesuffix("_id")) for n in blocked)
            self._error(
                row.number,
                self._key_field(),
                "needs_change_request",
                _("%(fields)s的修改须在系统中提交变更申请") % {"fields": names},
            )
            return None
        conflicts = [n for n in changed if n in self.to_confirm]
        if conflicts and row.number not in self.confirmed_rows:
            described = "；".join(
                _("%(field)s由“%(before)s”改为“%(after)s”")
                % {
                    "field": self._label_of(self.to_confirm[n]),
                    "before": self._shown(n, getattr(instance, n)),
                    "after": self._shown(n, row.values[n]),
                }
                for n in conflicts
            )
            self._error(
                row.number,
                self._key_field(),
                "needs_confirmation",
                _("该身份证号码已登记为“%(record)s”，本行将把%(changes)s。确认无误请在预览中勾选本行后再导入")
                % {"record": instance, "changes": described},
            )
            return None
        return changed

    def _shown(self, attname: str, value: Any) -> str:
        """A value as the conflict message names it (an institution by its name)."""
        if value in (None, ""):
            return _("（空）")
        if attname == self.org_attname:
            from rencai.orgs.models import Organization

            names = self.context.cached(
                "organization_names", lambda: dict(Organization.objects.values_list("pk", "name"))
            )
            return str(names.get(value, value))
        return str(value)

    def _write(self, new: list[_Row], changed: list[tuple[_Row, models.Model, list[str]]]) -> None:
        fast = self.schema.fast_create and not self.schema.save_each
        instances = [] if fast else [self.schema.build(row.values, self.context) for row in new]
        if self.copier is not None:
            self.copier.check()
            self.copier.tag = new
        try:
            with transaction.atomic():
                if fast:
                    self.schema.create_new([row.values for row in new], [row.number for row in new], self.context)
                elif self.schema.save_each:
                    for instance in instances:
                        instance.save()
                else:
                    insert_all(self.schema.model, instances)
                    self.schema.after_insert(instances, self.context)
                    audit.record_many(
                        AuditAction.CREATE,
                        instances,
                        [_created_changes(row, self.personal) for row in new],
                        actor=self.actor,
                    )
                for row, instance, names in changed:
                    for name in names:
                        setattr(instance, name, row.values[name])
                    instance.save()
        except DatabaseError as exc:
            failed = self.copier.failed() if self.copier is not None else None
            if failed is not None:
                raise failed from exc
            raise ImportFileError("db_error", _locate_failure(self, new, changed, exc)) from exc
        if self.copier is not None:
            self.copier.release()  # this batch's COPY runs while the next batch is read


def _cell_reader(normalise: cells.Normaliser, kind: str) -> cells.Normaliser:
    if kind in {"id_number", "mobile", "email"}:

        def unique(raw: object) -> object:
            return cells.EMPTY if cells.is_empty_mark(raw) else normalise(raw)

        return unique
    return cells.memoised(normalise)


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, cells.MonthDate) and old is not None and hasattr(old, "month"):
        return (old.year, old.month) == (new.year, new.month)
    if old is None:
        return new in ("", None)
    return bool(old == new)


def _created_changes(row: _Row, personal: dict[str, str]) -> dict[str, Any]:
    """What the audit entry of an imported record shows: its imported values (JSON),
    personal data (``personal``: attname → mask kind) masked, and the row it came from."""
    changes: dict[str, Any] = {"import_row": row.number}
    for name, value in row.values.items():
        if name in personal and value:
            value = mask(value, personal[name])
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        changes[name] = [None, value]
    return changes


def _locate_failure(
    run: ImportRun, new: list[_Row], changed: list[tuple[_Row, models.Model, list[str]]], exc: Exception
) -> str:
    """Which row of a failed batch the database refused, found by retrying one row at a
    time in savepoints (the outer transaction is rolled back afterwards anyway)."""
    for row in new:
        try:
            with transaction.atomic():
                instance = run.schema.build(row.values, run.context)
                insert_all(run.schema.model, [instance])
        except DatabaseError as row_exc:
            return _("第 %(row)s 行写入数据库时出错，整个导入已撤销，数据库未作任何修改：%(error)s") % {
                "row": row.number,
                "error": row_exc,
            }
    for row, _instance, _names in changed:
        return _("第 %(row)s 行附近写入数据库时出错，整个导入已撤销，数据库未作任何修改：%(error)s") % {
            "row": row.number,
            "error": exc,
        }
    return _("写入数据库时出错，整个导入已撤销，数据库未作任何修改：%(error)s") % {"error": exc}


def run_import(
    schema: ImportSchema,
    source: PathOrBytes,
    context: ImportContext,
    *,
    commit: bool = False,
    all_or_nothing: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Run the pipeline over ``source`` (a path or bytes), audited as ``context.user``;
    see the module docstring."""
    run = ImportRun(schema, context, commit=commit, all_or_nothing=all_or_nothing, progress=progress)
    token = acting_user.set(context.user if getattr(context.user, "pk", None) else None)
    try:
        return run.run(source)
    finally:
        acting_user.reset(token)
