"""Inserting many new rows fast, on both databases.

On PostgreSQL the rows go through ``COPY`` (primary keys taken from the table's sequence
first, so that the objects know them); elsewhere through ``bulk_create``. Either way every
field that prepares its value (encryption, blind indexes, JSON, ``auto_now``) does so as
in a ``save()``; plain values go as they are. Neither sends signals: the caller audits.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.related import ForeignKey

from rencai.core.personal import BlindIndexField, EncryptedField, bulk_indexer, bulk_sealer

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
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Iterable[Sequence[Any]],
    using: str = "default",
    *,
    background: bool = False,
) -> None:
    """Insert rows given as tuples of database-ready values for ``attnames``, without
    building model instances (audit entries, career entries of an import).

    ``background``: rows nothing in the transaction reads again before it ends (an
    import's new records, their batch links) may go to the :class:`BackgroundCopier`
    the caller started (:func:`background_copies`), which ``COPY``s them on its thread
    while this one goes on; without one they are inserted now."""
    connection = connections[using]
    fields = [model_field_named(model, name) for name in attnames]
    if connection.vendor == "postgresql":
        copier = _copier.get()
        if background and copier is not None and copier.connection is connection:
            table, columns = _table_and_columns(connection, model, fields)
            copier.submit(f"COPY {table} ({columns}) FROM STDIN", rows, model._meta.db_table)  # noqa: S608
            return
        _copy_rows(connection, model, fields, rows)
        return
    table, columns = _table_and_columns(connection, model, fields)
    marks = ", ".join(["%s"] * len(fields))
    dated = [(at, _remembered(adapt)) for at, f in enumerate(fields) if (adapt := _adapter(f, connection))]
    prepared = []
    for row in rows:
        values = list(row)
        for at, adapt in dated:
            values[at] = adapt(values[at])
        prepared.append(values)
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


class CopyFailed(Exception):
    """A background ``COPY`` was refused: ``error`` the database's error (as Django's),
    ``tag`` what the caller attached to the rows when it handed them over."""

    def __init__(self, error: Exception, tag: object) -> None:
        super().__init__(str(error))
        self.error = error
        self.tag = tag


class BackgroundCopier:
    """``COPY`` jobs run on a second thread over the SAME connection and transaction, so
    that PostgreSQL inserts (and indexes) batch N while Python reads, validates and
    prepares batch N+1: the machine's second core works for the import.

    Each job is one ``COPY`` statement; psycopg serialises the statements of one
    connection by its lock, so a statement of the caller's thread waits for the job under
    way and jobs wait for it. Jobs handed over (:meth:`submit`) are held until
    :meth:`release` (the end of a batch's writes: the batch's own small statements, ids
    and audit entries, then do not wait for its ``COPY``), then run in order; at most
    ``depth`` wait to run (the caller blocks beyond: memory stays bounded).

    A refused job aborts the transaction; the jobs after it are dropped, and the caller
    hears of it as :class:`CopyFailed` from :meth:`check` or :meth:`wait` (or sees its
    next statement refused, see :meth:`failed`). Nothing in the transaction may read the
    rows of a job before :meth:`wait` returned."""

    def __init__(self, connection: BaseDatabaseWrapper, depth: int = 8) -> None:
        self.connection = connection
        self.raw = connection.connection
        self.jobs: queue.Queue[tuple[str, bytes, object] | None] = queue.Queue(maxsize=depth)
        self.held: list[tuple[str, bytes, object]] = []
        #: The deferred foreign keys of each table rows are copied into.
        self.constraints: dict[str, list[str]] = {}
        self.failure: CopyFailed | None = None
        self.dropping = False
        #: Attached to each job handed over from now on (the pipeline's current batch).
        self.tag: object = None
        self.thread = threading.Thread(target=self._work, name="rencai-copy", daemon=True)
        self.thread.start()

    def submit(self, sql: str, rows: Iterable[Sequence[Any]], table: str = "") -> None:
        """Hold ``rows`` for ``sql`` (a ``COPY … FROM STDIN``), formatted here and now into
        ``COPY``'s text (psycopg's own formatter, in C): the thread then only sends bytes
        and waits, so the two threads hardly contend for the interpreter."""
        from psycopg._copy_base import TextFormatter
        from psycopg.adapt import Transformer

        self.check()
        formatter = TextFormatter(Transformer(self.raw))
        parts = [formatter.write_row(row) for row in rows]
        parts.append(formatter.end())
        self.held.append((sql, b"".join(parts), self.tag))
        if table and table not in self.constraints:
            self.constraints[table] = _deferred_foreign_keys(self.connection, table)

    def release(self) -> None:
        """Start the jobs held so far, then check the foreign keys of the rows they insert
        (see :meth:`_check_job`)."""
        held, self.held = self.held, []
        if not held:
            return
        for job in held:
            self.jobs.put(job)
        names = sorted({name for names in self.constraints.values() for name in names})
        if names:
            quoted = ", ".join(self.connection.ops.quote_name(name) for name in names)
            self.jobs.put((f"SET CONSTRAINTS {quoted} IMMEDIATE", b"", held[-1][2]))

    def check(self) -> None:
        """Raise :class:`CopyFailed` if a job was refused (after the rest were dropped)."""
        if self.failure is not None:
            self.jobs.join()
            raise self.failure

    def failed(self) -> CopyFailed | None:
        """The refusal of a job, once the thread stopped running jobs (the caller's own
        statement refused as "current transaction is aborted" is really this)."""
        if self.failure is not None:
            self.jobs.join()
        return self.failure

    def wait(self) -> None:
        """Until every job handed over is done; :class:`CopyFailed` if one was refused."""
        self.release()
        self.jobs.join()
        self.check()

    def close(self, drop: bool = False) -> None:
        """Stop the thread (``drop``: the jobs not yet begun are not run: the transaction
        is being rolled back)."""
        self.dropping = drop
        if not drop:
            self.release()
        self.held = []
        self.jobs.put(None)
        self.thread.join()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.failure is None and not self.dropping:
                    self._run(*job)
            finally:
                self.jobs.task_done()

    def _run(self, sql: str, data: bytes, tag: object) -> None:
        try:
            with self.connection.wrap_database_errors, self.raw.cursor() as cursor:
                if sql.startswith("SET CONSTRAINTS"):
                    self._check_job(cursor, sql)
                    return
                with cursor.copy(sql) as copy:
                    copy.write(data)
        except Exception as exc:  # noqa: BLE001 - reported to the caller's thread
            self.failure = CopyFailed(exc, tag)

    @staticmethod
    def _check_job(cursor: Any, immediate: str) -> None:
        """Django's foreign keys are checked at the commit, one row at a time; setting the
        copied tables' ones IMMEDIATE after a batch's ``COPY`` checks that batch's rows
        now, on this thread, while the caller prepares the next batch; then they are
        deferred again. Every row they refer to exists by then: dictionaries,
        institutions and departments before the batch, the batch's own records in the
        jobs before this one (they run in order)."""
        cursor.execute(immediate)
        cursor.execute(immediate.removesuffix("IMMEDIATE") + "DEFERRED")


def _deferred_foreign_keys(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    """The names of ``table``'s deferrable foreign keys (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferrable AND conrelid = %s::regclass",
            [connection.ops.quote_name(table)],
        )
        return [row[0] for row in cursor.fetchall()]


_copier: ContextVar[BackgroundCopier | None] = ContextVar("rencai_background_copier", default=None)


#: The page cache (KiB) an import's commit gives SQLite (its default is 2 MB; 32 MB here): the talents
#: table has some 25 indexes, whose pages otherwise leave the cache between rows.
SQLITE_CACHE_KIB = 32768


@contextmanager
def sqlite_cache(using: str = "default") -> Iterator[None]:
    """A larger SQLite page cache for the duration (``RENCAI_IMPORT_SQLITE_CACHE_KIB``,
    default :data:`SQLITE_CACHE_KIB`; 0 leaves it), restored afterwards; elsewhere nothing."""
    from django.conf import settings

    connection = connections[using]
    kib = int(getattr(settings, "RENCAI_IMPORT_SQLITE_CACHE_KIB", SQLITE_CACHE_KIB))
    if connection.vendor != "sqlite" or kib <= 0:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-kib:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before:d}")


def wait_for_background_copies() -> None:
    """Until the rows handed to this thread's :class:`BackgroundCopier` (if one runs) are
    in the database (:class:`CopyFailed` if one was refused)."""
    copier = _copier.get()
    if copier is not None:
        copier.wait()


@contextmanager
def background_copies(using: str = "default") -> Iterator[BackgroundCopier | None]:
    """Inside a transaction: ``insert_rows(..., background=True)`` hands its rows to a
    :class:`BackgroundCopier` (PostgreSQL; elsewhere yields None and rows are inserted at
    once). On leaving, every job is waited for (:class:`CopyFailed` if one was refused);
    on an exception the jobs not begun are dropped before the exception goes on to roll
    the transaction back."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield None
        return
    copier = BackgroundCopier(connection)
    token = _copier.set(copier)
    try:
        yield copier
        copier.wait()
    except BaseException:
        copier.close(drop=True)
        raise
    else:
        copier.close()
    finally:
        _copier.reset(token)


def _remembered(adapt: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """``adapt`` once per distinct value (a batch's rows share their timestamps and dates)."""
    seen: dict[Any, str | None] = {}

    def adapted(value: Any) -> str | None:
        if value is None:
            return None
        found = seen.get(value)
        if found is None:
            found = seen[value] = adapt(value)
        return found

    return adapted


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


def next_ids(model: type[models.Model], count: int, using: str = "default") -> list[int]:
    """``count`` new primary keys: from the sequence on PostgreSQL; elsewhere the ones after
    the largest ever given (inside the caller's transaction; SQLite writes one at a time)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        return take_ids(model, count, using)
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")  # noqa: S608 - names from the model
        last = int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses an id once given
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
            found = cursor.fetchone()
            last = max(last, int(found[0]) if found else 0)
    return list(range(last + 1, last + 1 + count))


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


def _preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


class RowMaker:
    """Database-ready tuples for new rows of ``model`` from dicts of attname → value (what
    an import's normalising gave), without model instances.

    Every concrete field but the primary key (``attnames``, in order) gets the row's value
    or its default; ``auto_now`` fields the time of the batch; an encrypted field its
    ciphertext (one cipher object per key, :func:`~rencai.core.personal.bulk_sealer`); a
    blind index the index of its source (``hmac.digest``); other prepared fields (JSON)
    their database form."""

    def __init__(self, model: type[models.Model], using: str = "default") -> None:
        connection = connections[using]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.position = {name: at for at, name in enumerate(self.attnames)}
        self.defaults: list[Any] = []
        self.per_row: list[tuple[int, Callable[[], Any]]] = []
        self.now: list[int] = []
        self.sealed: list[int] = []
        self.indexed: list[tuple[int, int]] = []
        self.prepared: list[tuple[int, Callable[[Any], Any]]] = []
        self.seal = bulk_sealer()
        self.index = bulk_indexer()
        for at, field in enumerate(fields):
            default = field.default if field.has_default() else None
            if callable(default) or isinstance(default, dict | list | set):
                self.per_row.append((at, field.get_default))
                self.defaults.append(None)
            else:
                self.defaults.append(field.get_default())
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.now.append(at)
            elif isinstance(field, BlindIndexField):
                self.indexed.append((at, self.attnames.index(model_field_named(model, field.source).attname)))
            elif isinstance(field, EncryptedField):
                self.sealed.append(at)
            elif not isinstance(field, _PLAIN):
                self.prepared.append((at, _preparer(field, connection)))

    def row(self, values: Mapping[str, Any], now: datetime) -> list[Any]:
        """One row's values, in the order of ``attnames`` (its blind indexes computed from
        the plaintext before the encrypted fields are sealed)."""
        row = list(self.defaults)
        position = self.position
        for name, value in values.items():
            row[position[name]] = value
        for at, make in self.per_row:
            if row[at] is None:
                row[at] = make()
        for at in self.now:
            row[at] = now
        for at, source in self.indexed:
            row[at] = self.index(row[source]) if row[source] else ""
        for at in self.sealed:
            if row[at]:
                row[at] = self.seal(str(row[at]))
        for at, prepare in self.prepared:
            row[at] = prepare(row[at])
        return row
