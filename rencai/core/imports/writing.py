"""Inserting many new rows fast, on both databases.

On PostgreSQL the rows go through ``COPY`` (primary keys taken from the table's sequence
first, so that the objects know them); elsewhere through ``bulk_create``. Either way every
field that prepares its value (encryption, blind indexes, JSON, ``auto_now``) does so as
in a ``save()``; plain values go as they are. Neither sends signals: the caller audits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.related import ForeignKey

from rencai.core.personal import BlindIndexField, EncryptedField

BATCH_SIZE = 2000
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,
    models.AutoField,
    models.BigAutoField,
    ForeignKey,
)


def model_field_named(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field ``name`` (or attname) of ``model``: one of its own, never a reverse relation."""
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field), f"{name} is not a field of {model}"
    return model_field


def insert_all(model: type[models.Model], objects: Sequence[models.Model], using: str = "default") -> None:
    """Insert ``objects`` (all new) and set their primary keys."""
    if not objects:
        return
    connection = connections[using]
    if connection.vendor == "postgresql":
        _copy_objects(model, objects, connection)
    else:
        model._default_manager.using(using).bulk_create(objects, batch_size=BATCH_SIZE)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using


def insert_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]], using: str = "default"
) -> None:
    """Insert rows given as tuples of database-ready values for ``attnames``, without
    building model instances (audit entries, career entries of an import)."""
    connection = connections[using]
    fields = [model_field_named(model, name) for name in attnames]
    if connection.vendor == "postgresql":
        _copy_rows(connection, model, fields, rows)
        return
    table, columns = _table_and_columns(connection, model, fields)
    marks = ", ".join(["%s"] * len(fields))
    adapt = [_adapter(f, connection) for f in fields]
    prepared = [[a(v) if a else v for a, v in zip(adapt, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)  # noqa: S608


def _table_and_columns(
    connection: BaseDatabaseWrapper, model: type[models.Model], fields: Sequence[models.Field[Any, Any]]
) -> tuple[str, str]:
    table = connection.ops.quote_name(model._meta.db_table)
    return table, ", ".join(connection.ops.quote_name(f.column) for f in fields)


def _copy_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
) -> None:
    """``COPY`` rows of database-ready values into ``fields`` of ``model``'s table, with
    database errors raised as Django's."""
    table, columns = _table_and_columns(connection, model, fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"  # noqa: S608 - names from the model
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _adapter(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], str | None] | None:
    """What SQLite needs done to a date or time before it is stored (as Django stores it)."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def take_ids(model: type[models.Model], count: int, using: str = "default") -> list[int]:
    """``count`` new primary keys from the table's sequence (PostgreSQL)."""
    connection = connections[using]
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _getter(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[models.Model], object]:
    """How one field's database value is taken from an object: directly for plain fields,
    through ``pre_save`` and the field's preparation for the others."""
    needs_pre_save = isinstance(field, BlindIndexField) or getattr(field, "auto_now", False)
    needs_pre_save = needs_pre_save or getattr(field, "auto_now_add", False)
    if isinstance(field, _PLAIN) and not isinstance(field, EncryptedField) and not needs_pre_save:
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _copy_objects(model: type[models.Model], objects: Sequence[models.Model], connection: BaseDatabaseWrapper) -> None:
    pk = model._meta.pk
    missing = [obj for obj in objects if obj.pk is None]
    for obj, new_id in zip(missing, take_ids(model, len(missing), connection.alias), strict=True):
        setattr(obj, pk.attname, new_id)
    fields = list(model._meta.concrete_fields)
    getters = [_getter(f, connection) for f in fields]
    _copy_rows(connection, model, fields, ([get(obj) for get in getters] for obj in objects))
