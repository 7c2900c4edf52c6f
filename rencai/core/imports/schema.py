"""What an importable object declares: its columns, their header aliases, its natural key
and its cross-field rules. Everything else (reading, header detection, normalising,
validation in batches, preview, commit, templates) is the pipeline's, once, in ``core``.

A column's kind, length limit, whether it is required and its allowed values come from
the model field it fills, so the import checks what the object's form and API check.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from django.apps import apps
from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy

from rencai.core.imports import cells
from rencai.core.imports.writing import model_field_named
from rencai.core.models import ScopedQuerySet
from rencai.core.personal import EncryptedField

if TYPE_CHECKING:
    from rencai.orgs.models import Organization

#: The natural key of a row: the values of a schema's ``key_fields``.
Key: TypeAlias = tuple[Any, ...]

#: Error codes the pipeline reports, with what they mean (docs/imports.md lists them too).
ERROR_CODES = {
    "required": gettext_lazy("必填项为空"),
    "too_long": gettext_lazy("内容超过长度限制"),
    "id_format": gettext_lazy("身份证号码位数或字符不对"),
    "id_checksum": gettext_lazy("身份证号码校验位错误"),
    "id_birth_invalid": gettext_lazy("身份证号码中的出生日期不存在"),
    "id_as_number": gettext_lazy("身份证号码被 Excel 存成数字，末几位已丢失"),
    "birth_mismatch": gettext_lazy("出生日期与身份证号码不符"),
    "gender_mismatch": gettext_lazy("性别与身份证号码不符"),
    "mobile_invalid": gettext_lazy("手机号码格式不正确"),
    "email_invalid": gettext_lazy("电子邮箱格式不正确"),
    "date_invalid": gettext_lazy("日期无法识别或不存在"),
    "number_invalid": gettext_lazy("应为数字"),
    "unknown_choice": gettext_lazy("不是可选的值（字典项、机构、选项）"),
    "ambiguous": gettext_lazy("对应多个机构或字典项，须写全称"),
    "credit_code_invalid": gettext_lazy("统一社会信用代码不正确"),
    "not_permitted": gettext_lazy("无权导入到该机构"),
    "duplicate_in_file": gettext_lazy("与文件中前面的行重复"),
    "duplicate_in_db": gettext_lazy("与系统中已有记录冲突"),
    "needs_change_request": gettext_lazy("关键字段的修改须经变更申请"),
    "needs_confirmation": gettext_lazy("将改变已登记人员的姓名或单位，须逐行确认"),
    "invalid": gettext_lazy("不符合规则"),
    "db_error": gettext_lazy("写入数据库时出错"),
}


@dataclass
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class RowRejected(Exception):
    """Raised by a schema's cross-field rules: the row cannot be imported."""

    def __init__(self, errors: list[tuple[str, str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors  # (field, code, message)


@dataclass
class Column:
    """One column of an importable object.

    ``field`` names the model field it fills; ``aliases`` are other headers clerks write
    for it; ``values`` maps other spellings of a choice (党员) to the canonical one
    (中共党员); ``month_ok`` accepts a month alone for a date (出生年月 1985.03).
    """

    field: str
    aliases: tuple[str, ...] = ()
    label: str = ""
    required: bool | None = None
    note: str = ""
    example: str = ""
    month_ok: bool = False
    # ``field`` names the column's model field here, so the dataclasses function is spelt out.
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    lookup_fields: tuple[str, ...] = ("name",)
    squeeze_cjk: bool = False


@dataclass
class ImportContext:
    """Who imports, into which institution by default, and what they may write to."""

    user: Any
    organization: Any = None
    editable_org_ids: set[int] = field(default_factory=set)
    visible_org_ids: set[int] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """A look-up table built once per run, not once per row."""
        if key not in self.extra:
            self.extra[key] = build()
        return self.extra[key]


@dataclass
class Choices:
    """The allowed values of a choice column: normalised text → stored value."""

    options: dict[str, Any]
    shown: list[str]


class ImportSchema:
    """Declared per importable object in its app's ``imports.py``."""

    model: type[models.Model]
    columns: list[Column] = []
    #: Fields whose values identify an existing record (re-importing updates it).
    key_fields: tuple[str, ...] = ()
    #: The field holding the institution a row belongs to; ``--org`` fills it.
    organization_field: str | None = "organization"
    #: Fields that a liaison may not change by import (they need a change request).
    guarded_fields: tuple[str, ...] = ()
    #: Fields whose change by import (a person renamed, moved to another unit) is shown as
    #: a conflict and written only for the rows the importer confirmed, one by one.
    confirm_fields: tuple[str, ...] = ()
    title: str = ""
    instructions: list[str] = []
    #: Create each new record with ``save()`` (signals, audit and derived fields as in the
    #: form) instead of in bulk: for small, structural imports (organisations, users).
    save_each: bool = False

    # --- columns --------------------------------------------------------------------

    def model_field(self, column: Column) -> models.Field[Any, Any]:
        return model_field_named(self.model, column.field)

    def label(self, column: Column) -> str:
        return column.label or str(self.model_field(column).verbose_name)

    def headers(self, column: Column) -> list[str]:
        return [self.label(column), *column.aliases]

    def is_required(self, column: Column) -> bool:
        if column.required is not None:
            return column.required
        model_field = self.model_field(column)
        return not model_field.blank and model_field.default is models.NOT_PROVIDED

    def kind(self, column: Column) -> str:
        model_field = self.model_field(column)
        if isinstance(model_field, EncryptedField):
            return model_field.kind if model_field.kind in {"id_number", "mobile", "email"} else "text"
        if isinstance(model_field, models.ForeignKey):
            return "related"
        if model_field.choices:
            return "choice"
        if isinstance(model_field, models.EmailField):
            return "email"
        if isinstance(model_field, models.DateField):
            return "date"
        if isinstance(model_field, models.BooleanField):
            return "boolean"
        if isinstance(model_field, models.IntegerField):
            return "integer"
        if isinstance(model_field, models.DecimalField | models.FloatField):
            return "number"
        return "text"

    def choices(self, column: Column, context: ImportContext) -> Choices:
        """Allowed values of a choice or related column, by label, value, code and the
        column's extra spellings; 繁體 spellings match through :func:`cells.lookup_key`."""
        model_field = self.model_field(column)
        pairs: list[tuple[str, Any]] = []
        shown: list[str] = []
        if isinstance(model_field, models.ForeignKey):
            rows = list(self.related_rows(column, context))
            for row in rows:
                shown.append(str(row[column.lookup_fields[0]]))
                pairs.extend((str(row[name]), row["pk"]) for name in column.lookup_fields if row[name])
            pairs = self._synonym_pairs(model_field, {row["pk"] for row in rows}) + pairs
        else:
            for value, label in model_field.flatchoices:
                if value in ("", None):
                    continue
                shown.append(str(label))
                pairs += [(str(label), value), (str(value), value)]
        options = {cells.lookup_key(text): value for text, value in pairs}
        for spelling, canonical in column.values.items():
            target = options.get(cells.lookup_key(canonical))
            if target is not None:
                options[cells.lookup_key(spelling)] = target
        return Choices(options, shown)

    @staticmethod
    def _synonym_pairs(model_field: models.ForeignKey[Any, Any], allowed: set[Any]) -> list[tuple[str, Any]]:
        """The synonyms the office keeps on the related entries (a ``synonyms`` text field,
        one a line or separated by 、), as (spelling, pk); names and codes win over them."""
        from rencai.orgs.names import alias_list

        related_model = model_field.related_model
        assert not isinstance(related_model, str)
        if "synonyms" not in {f.name for f in related_model._meta.concrete_fields}:
            return []
        found = related_model._default_manager.filter(pk__in=allowed).exclude(synonyms="")
        return [(spelling, pk) for pk, text in found.values_list("pk", "synonyms") for spelling in alias_list(text)]

    def related_rows(self, column: Column, context: ImportContext) -> Iterable[dict[str, Any]]:
        """The rows a related column may name, as dicts of ``pk`` and the lookup fields."""
        model_field = self.model_field(column)
        assert isinstance(model_field, models.ForeignKey), f"{column.field} is not a foreign key"
        related_model = model_field.related_model
        assert not isinstance(related_model, str)  # resolved once the apps are loaded
        queryset = related_model._default_manager.all()
        limit = model_field.get_limit_choices_to()
        if limit:
            queryset = queryset.complex_filter(limit)
        if column.field == self.organization_field:
            queryset = queryset.filter(pk__in=context.visible_org_ids)
        return queryset.values("pk", *column.lookup_fields)

    def normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        model_field = self.model_field(column)
        max_length = getattr(model_field, "max_length", None)
        kind = self.kind(column)
        if kind == "id_number":
            return cells.id_number()
        if kind == "mobile":
            return cells.mobile()
        if kind == "email":
            return cells.email(max_length)
        if kind == "related" and column.field == self.organization_field:
            return self.organization_normaliser(column, context)
        if kind in {"choice", "related"}:
            found = self.choices(column, context)
            return cells.choice(found.options, self.label(column), found.shown)
        if kind == "date":
            return cells.date_value(allow_month=column.month_ok)
        if kind == "boolean":
            return cells.boolean()
        if kind == "integer":
            return cells.integer()
        if kind == "number":
            return cells.decimal_number()
        return cells.text(max_length, squeeze_cjk=column.squeeze_cjk)

    def organization_normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        """The unit column: full name, short name, credit code, an alias, or the names clerks
        use (company forms left out, bank abbreviations); see ``rencai.orgs.names``."""
        from rencai.orgs.names import OrganizationNames, organization_normaliser

        rows = self.related_rows(column, context)
        names = OrganizationNames.of(
            dict(row, aliases=aliases.get(row["pk"], "")) for aliases in [self._aliases(context)] for row in rows
        )
        return organization_normaliser(names, self.label(column))

    @staticmethod
    def _aliases(context: ImportContext) -> dict[int, str]:
        organizations = apps.get_model("orgs", "Organization")._default_manager
        return dict(organizations.filter(pk__in=context.visible_org_ids).values_list("pk", "aliases"))

    def attname(self, column: Column) -> str:
        return self.model_field(column).attname

    def pending_creations(self, context: ImportContext) -> list[str]:
        """What the file names that does not exist yet and a confirmed commit would create
        with the rows (a talent roster's new departments), as the preview lists it."""
        return []

    def allowed_organizations(self, context: ImportContext) -> set[int]:
        """The institutions a row may name: those the importer may write to."""
        return context.editable_org_ids

    def extra_for(self, user: Any) -> dict[str, Any]:
        """Per-user settings of a run (for example, whether key fields are guarded)."""
        return {}

    # --- rows -----------------------------------------------------------------------

    def check_row(self, values: dict[str, Any], context: ImportContext) -> None:
        """Cross-field rules on one row's values (keyed by attname); may fill derived
        values; raises :class:`RowRejected`."""

    def key_of(self, values: dict[str, Any]) -> Key | None:
        """The natural key of a row, or None when the row has none (always new)."""
        if not self.key_fields:
            return None
        key = tuple(values.get(name) for name in self.key_fields)
        return None if any(part in (None, "") for part in key) else key

    def find_existing(self, keys: list[Key], context: ImportContext) -> Mapping[Key, models.Model]:
        """Existing records for a batch of keys, across every institution (so that a key
        taken elsewhere is reported, not duplicated)."""
        if not keys or len(self.key_fields) != 1:
            return {}
        name = self.key_fields[0]
        found = self.model._default_manager.filter(**{f"{name}__in": [k[0] for k in keys]})
        return {(getattr(obj, name),): obj for obj in found}

    def may_update(self, instance: Any, context: ImportContext) -> bool:
        queryset = self.model._default_manager.all()
        assert isinstance(queryset, ScopedQuerySet), f"{self.model} is not a scoped model"
        return queryset.editable_by(context.user).filter(pk=instance.pk).exists()

    def build(self, values: dict[str, Any], context: ImportContext) -> models.Model:
        """A new, unsaved instance holding ``values`` (keyed by attname).

        Built without ``Model.__init__``, which costs more than the rest of a row's work:
        every concrete field gets its default, computed once per run (callable or mutable
        defaults are computed per instance), then the row's values.
        """
        fixed, per_instance = context.cached(f"defaults:{self.model._meta.label}", self._defaults)
        instance = self.model.__new__(self.model)
        instance._state = models.base.ModelState()
        instance.__dict__.update(fixed)
        for field_ in per_instance:
            instance.__dict__[field_.attname] = field_.get_default()
        instance.__dict__.update(values)
        self.prepare(instance)
        return instance

    def _defaults(self) -> tuple[dict[str, Any], list[models.Field[Any, Any]]]:
        fixed: dict[str, Any] = {}
        per_instance: list[models.Field[Any, Any]] = []
        for model_field in self.model._meta.concrete_fields:
            default = model_field.default if model_field.has_default() else None
            if callable(default) or isinstance(default, dict | list | set):
                per_instance.append(model_field)
            else:
                fixed[model_field.attname] = model_field.get_default()
        return fixed, per_instance

    def prepare(self, instance: Any) -> None:
        """Fill derived fields before a bulk insert (what ``save()`` would do)."""

    #: Create new records as database-ready tuples (:meth:`create_new`), without model
    #: instances: for a schema whose ``derive`` fills what ``save()`` would derive.
    fast_create: bool = False

    def derive(self, values: dict[str, Any], context: ImportContext) -> None:
        """Fill derived values (keyed by attname) of a new row created by :meth:`create_new`."""

    def create_new(self, rows: list[dict[str, Any]], numbers: list[int], context: ImportContext) -> list[int]:
        """Insert the new rows of a batch (values keyed by attname; ``numbers`` their
        spreadsheet rows) through :func:`~rencai.core.objects.writes.create_rows`: tuples,
        ``COPY`` on PostgreSQL, one audit entry for the batch. Returns the new ids."""
        from django.utils import timezone

        from rencai.core.imports.writing import RowMaker
        from rencai.core.objects.writes import create_rows

        maker = context.cached(f"rowmaker:{self.model._meta.label}", lambda: RowMaker(self.model))
        timings = context.extra.setdefault("timings", {})
        started = time.perf_counter()
        now = timezone.now()
        tuples = []
        for values in rows:
            self.derive(values, context)
            tuples.append(maker.row(values, now))
        built = time.perf_counter()
        ids = create_rows(self.model, maker.attnames, tuples, row_numbers=numbers, note={"import": True})
        inserted = time.perf_counter()
        self.after_create(ids, rows, context)
        # Within "write": tuples with ciphertext and blind indexes, their insert with the
        # batch's audit entry, then what the schema adds (career entries).
        for stage, seconds in (
            ("write:tuples", built - started),
            ("write:insert", inserted - built),
            ("write:after", time.perf_counter() - inserted),
        ):
            timings[stage] = timings.get(stage, 0.0) + seconds
        return ids

    def after_create(self, ids: list[int], rows: list[dict[str, Any]], context: ImportContext) -> None:
        """Create what a ``save()`` of each record made by :meth:`create_new` would have."""

    def after_insert(self, instances: list[Any], context: ImportContext) -> None:
        """Create what a ``save()`` of each new record would have created."""


#: Sent after a batch of new records was inserted in bulk (no ``post_save`` was sent), so
#: that other apps do what they would have done on each save. During an import on
#: PostgreSQL the batch's rows may still be on their way to the database (their ``COPY``
#: runs on a second thread, :func:`~rencai.core.imports.writing.background_copies`): a
#: receiver that reads them (or writes rows that refer to them and reads those back)
#: calls :func:`~rencai.core.imports.writing.wait_for_background_copies` first.
rows_imported = Signal()


def context_for(
    user: Any, organization: Organization | None = None, schema: ImportSchema | None = None
) -> ImportContext:
    """The import context of ``user``: what they may read and write, and the institution
    rows without a unit column belong to."""
    organizations = apps.get_model("orgs", "Organization")._default_manager
    return ImportContext(
        user=user,
        organization=organization,
        editable_org_ids=set(organizations.editable_by(user).values_list("pk", flat=True)),
        visible_org_ids=set(organizations.visible_to(user).values_list("pk", flat=True)),
        extra=schema.extra_for(user) if schema else {},
    )
