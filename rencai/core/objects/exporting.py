"""The rows of a list's export read as values and formatted column by column.

``display_value`` needs a model instance per row (with its audit snapshot) and looks each
cell's field up again; at a million rows that is most of the export's time. Here each
column's field is looked up once and turned into a formatter that gives the very text
``ObjectConfig.export_value`` gives for it, and the rows come from ``values_list`` over a
server-side cursor (``iterator``). A related row (an organisation, a dictionary entry) is
read once per distinct key and its text kept. A config whose export has a column that is
no concrete field (a method or a property) or that changes ``export_value`` keeps the
instance path, so nothing is exported differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import ExpressionWrapper, F
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rencai.core import audit
from rencai.core.display import display_value, field_label, is_sortable
from rencai.core.models import AuditAction
from rencai.core.personal import EncryptedField, bulk_opener, mask
from rencai.core.roles import may_unmask
from rencai.core.routing import read_alias

if TYPE_CHECKING:
    from rencai.core.objects.config import ObjectConfig

Formatter = Callable[[Any], str]


def _plain(value: Any) -> str:
    """What ``display_value`` shows for a value (after choices and masking)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


class _Texts(dict[Any, str]):
    """Cell texts by stored value; a value not held (None, a row gone since) is empty. Its
    ``__getitem__`` is the formatter: a dictionary look-up, no Python call per cell."""

    def __missing__(self, key: Any) -> str:
        return ""


class _Labels(dict[Any, str]):
    """A choice field's labels by value; any other value is shown as it is."""

    def __missing__(self, key: Any) -> str:
        return _plain(key)


class _Related:
    """The text of related rows by key, read in one query per batch of new keys."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.texts = _Texts()

    def prefetch(self, keys: set[Any]) -> None:
        missing = keys - self.texts.keys() - {None}
        if missing:
            for pk, obj in self.model._base_manager.in_bulk(missing).items():
                self.texts[pk] = str(obj)

    def __call__(self, key: Any) -> str:
        return self.texts[key]


def _stored(field: models.Field[Any, Any]) -> Any:
    """The column of ``field`` as stored: an encrypted value is read as its text, not
    decrypted one by one on the way in (its formatter opens the column's values in bulk)."""
    if isinstance(field, EncryptedField):
        return ExpressionWrapper(F(field.attname), output_field=models.TextField())
    return field.attname


def _formatter(config: ObjectConfig, field: models.Field[Any, Any], unmasked: bool) -> tuple[Any, Formatter]:
    """The column to read for ``field`` and the function that turns it into the cell."""
    from rencai.core.objects.config import MASKED_CELL

    if field.name in config.masked_in_export and not unmasked:
        return _stored(field), lambda value: MASKED_CELL
    if field.many_to_one or field.one_to_one:
        return field.attname, _Related(field.related_model)  # type: ignore[arg-type]
    if isinstance(field, EncryptedField):
        opened, kind = bulk_opener(), field.kind
        if unmasked:
            return _stored(field), lambda value: opened(value) if value else ""
        return _stored(field), lambda value: mask(opened(value), kind) if value else ""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return field.attname, lambda value: value.isoformat() if value is not None else ""
    if field.choices:
        return field.attname, _Labels({key: str(label) for key, label in field.flatchoices}).__getitem__
    return field.attname, _plain


def fast_columns(config: ObjectConfig, columns: list[str]) -> list[models.Field[Any, Any]] | None:
    """The fields of ``columns`` when every one is a concrete, single-valued field of the
    model and the config formats cells as the base class does; None otherwise."""
    from rencai.core.objects.config import ObjectConfig

    if type(config).export_value is not ObjectConfig.export_value:
        return None
    fields = []
    for name in columns:
        try:
            field = config.model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a method or property column
            return None
        if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
            return None
        fields.append(field)
    return fields


def export_rows(
    config: ObjectConfig, queryset: models.QuerySet[Any], columns: list[str], unmasked: bool, chunk_size: int = 2000
) -> Iterator[list[str]]:
    """The export's rows as lists of cell texts, in the queryset's order.

    Read in one transaction: a server-side cursor outside one is declared ``WITH HOLD``,
    which PostgreSQL fills with the whole result before the first row (seconds at a
    million rows); inside, rows come as the index gives them, from one snapshot."""
    with transaction.atomic(using=queryset.db):
        yield from _rows(config, queryset, columns, unmasked, chunk_size)


def _rows(
    config: ObjectConfig, queryset: models.QuerySet[Any], columns: list[str], unmasked: bool, chunk_size: int
) -> Iterator[list[str]]:
    fields = fast_columns(config, columns)
    if fields is None:
        related = [
            name
            for name in columns
            if (f := _field(config.model, name)) is not None and f.concrete and (f.many_to_one or f.one_to_one)
        ]
        for obj in queryset.select_related(*related).iterator(chunk_size=chunk_size):
            yield [config.export_value(obj, c, unmasked) for c in columns]
        return
    pairs = [_formatter(config, field, unmasked) for field in fields]
    names = [name for name, _f in pairs]
    formatters = [formatter for _n, formatter in pairs]
    lookups = [(i, f) for i, f in enumerate(formatters) if isinstance(f, _Related)]
    formatters = [f.texts.__getitem__ if isinstance(f, _Related) else f for f in formatters]
    values = queryset.values_list(*names).iterator(chunk_size=chunk_size)
    while batch := list(islice(values, chunk_size)):
        for i, lookup in lookups:
            lookup.prefetch({row[i] for row in batch})
        for row in batch:
            yield [formatter(value) for formatter, value in zip(formatters, row, strict=True)]


# --- what an export holds: the list as its page shows it ------------------------------------


def filtered_list(
    config: ObjectConfig, user: Any, data: QueryDict, request: Any = None
) -> tuple[models.QuerySet[Any], Any]:
    """The rows the list page shows ``user`` for the query ``data`` (scoping, filters,
    search, sort), and the filterset; without a request (a background export) the filters
    get one that carries the user and the query."""
    queryset = config.visible(user)
    filterset = None
    if config.filterset_class is not None:
        request = request if request is not None else SimpleNamespace(user=user, GET=data)
        filterset = config.filterset_class(data, queryset=queryset, request=request)
        queryset = filterset.qs
    queryset = config.search(queryset, data.get("q", ""))
    sort = data.get("sort", "")
    if sort.lstrip("-") in config.list_columns and is_sortable(config.model, sort.lstrip("-")):
        queryset = queryset.order_by(sort, "pk")
    else:
        queryset = queryset.order_by(*config.ordering)
    return queryset, filterset


@dataclass
class ExportPlan:
    """One export of a list: its rows (scoped and filtered), columns and masking."""

    config: ObjectConfig
    queryset: models.QuerySet[Any]
    columns: list[str]
    headers: list[str]
    unmasked: bool
    selected: list[str]

    def rows(self, chunk_size: int = 2000) -> Iterator[list[str]]:
        return export_rows(self.config, self.queryset, self.columns, self.unmasked, chunk_size)


def export_plan(config: ObjectConfig, user: Any, data: QueryDict, request: Any = None) -> ExportPlan:
    """What the export of the list ``config`` with the query ``data`` holds for ``user``:
    the same for the streamed download and the background one."""
    queryset, _filterset = filtered_list(config, user, data, request)
    queryset = queryset.using(read_alias())  # the replica when there is one
    selected = [k for k in data.getlist("selected") if k.isdigit()]
    if selected:
        # 导出所选: the checked rows, still within the filtered list the user may see.
        queryset = queryset.filter(pk__in=selected)
    columns = config.get_export_columns()
    unmasked = may_unmask(user) and data.get("unmask") == "1"
    headers = [str(field_label(config.model, c)) for c in columns]
    return ExportPlan(config, queryset, columns, headers, unmasked, selected)


def record_export(
    config: ObjectConfig,
    *,
    rows: int,
    filters: Mapping[str, str],
    unmasked: bool,
    selected: int,
    request: Any = None,
    user: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """The audit entry of an export's disclosure (the streamed download, or the download
    of a background export's file): one wording for both."""
    audit.record(
        AuditAction.EXPORT,
        object_type=config.model._meta.label_lower,
        object_repr=config.verbose_name_plural,
        changes={"rows": rows, "filters": dict(filters), "unmasked": unmasked, "selected": selected, **(extra or {})},
        request=request,
        user=user,
    )


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return None


__all__ = [
    "ExportPlan",
    "display_value",
    "export_plan",
    "export_rows",
    "fast_columns",
    "filtered_list",
    "record_export",
]
