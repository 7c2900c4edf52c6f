"""Key rotation: every personal field re-encrypted, every blind index recomputed under the
writing key (``manage.py rotate_keys``).

The application keeps serving meanwhile: it writes with the new key, reads any configured
key, and searches under every key (``rencai.core.personal``). The rotation works in
batches of rows that do not yet name the writing key, one transaction per batch, so an
interruption loses at most the batch in hand, which is rolled back whole; running it again
takes up what is left (the stored prefix is the progress). A row is rewritten only if it
still holds what was read (compare and swap), so a value saved by a user in between is
never overwritten with an older one; a value that cannot be read is left as it is and
reported. Nothing is sent through signals: rotating is not a change of content, and the
audit log gets one entry when a run starts and one when it ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connection, models, transaction

from rencai.core.personal import (
    BlindIndexField,
    EncryptedField,
    blind_index,
    decrypt,
    encrypt,
    index_label,
    keyring,
    value_label,
)


@dataclass
class Table:
    """A model with personal columns."""

    model: type[models.Model]
    encrypted: list[EncryptedField]
    indexes: list[BlindIndexField]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def columns(self) -> list[models.Field[Any, Any]]:
        return [*self.encrypted, *self.indexes]


@dataclass
class Outcome:
    """What a run did."""

    target: str
    rewritten: int = 0
    values: int = 0
    changed_meanwhile: int = 0
    unreadable: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    batches: int = 0
    stopped_early: bool = False


def tables() -> list[Table]:
    """Every installed model that holds encrypted fields or blind indexes."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        if encrypted or indexes:
            found.append(Table(model, encrypted, indexes))
    return found


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def census() -> dict[str, Counter[str]]:
    """For each ``app.model.field``: how many stored values name each suite and key version."""
    result: dict[str, Counter[str]] = {}
    for table in tables():
        for column in table.columns:
            labels: Counter[str] = Counter()
            sql = f"SELECT {_q(column.column)} FROM {_q(table.model._meta.db_table)}"  # noqa: S608 - names from the model
            with connection.cursor() as cursor:
                cursor.execute(sql)
                while rows := cursor.fetchmany(2000):
                    for (value,) in rows:
                        if value:
                            labels[_label(column, value)] += 1
            result[f"{table.label}.{column.name}"] = labels
    return result


def _label(column: models.Field[Any, Any], value: str) -> str:
    try:
        return index_label(value) if isinstance(column, BlindIndexField) else value_label(value)
    except ValueError:
        return "?"


def pending(counts: dict[str, Counter[str]] | None = None) -> int:
    """Values not yet under the writing key."""
    target = keyring().current.label
    counts = census() if counts is None else counts
    return sum(n for labels in counts.values() for label, n in labels.items() if label != target)


def rotate(
    batch_size: int = 500,
    max_batches: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Bring every value under the writing key; see the module's docstring."""
    target = keyring().current.label
    outcome = Outcome(target)
    for table in tables():
        for batch in _pending_batches(table, target, batch_size):
            if max_batches is not None and outcome.batches >= max_batches:
                outcome.stopped_early = True
                return outcome
            with transaction.atomic():
                rows = batch()
                if not rows:
                    break
                for row in rows:
                    _rotate_row(table, row, target, outcome)
            outcome.batches += 1
            if progress:
                progress(f"{table.label}：第 {outcome.batches} 批，已改写 {outcome.rewritten} 行")
    return outcome


def _pending_batches(table: Table, target: str, batch_size: int) -> Iterator[Callable[[], list[tuple[Any, ...]]]]:
    """Callables, each fetching the next batch of rows with a value not under ``target``,
    in primary-key order (run inside the batch's transaction)."""
    meta = table.model._meta
    pk = meta.pk
    assert pk is not None
    names = ", ".join(_q(c.column) for c in table.columns)
    pending_sql = " OR ".join(
        f"({_q(c.column)} IS NOT NULL AND {_q(c.column)} <> '' AND {_q(c.column)} NOT LIKE %s)" for c in table.columns
    )
    pattern = f"{target}:%"
    last: list[Any] = []

    def fetch() -> list[tuple[Any, ...]]:
        after = f" AND {_q(pk.column)} > %s" if last else ""
        sql = (
            f"SELECT {_q(pk.column)}, {names} FROM {_q(meta.db_table)} "  # noqa: S608 - names from the model
            f"WHERE ({pending_sql}){after} ORDER BY {_q(pk.column)} LIMIT %s"
        )
        params: list[Any] = [pattern] * len(table.columns) + last[-1:] + [batch_size]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = list(cursor.fetchall())
        if rows:
            last.append(rows[-1][0])
        return rows

    while True:
        yield fetch


def _rotate_row(table: Table, row: tuple[Any, ...], target: str, outcome: Outcome) -> None:
    pk, raw = row[0], dict(zip([c.attname for c in table.columns], row[1:], strict=True))
    where = f"{table.label} #{pk}"
    plain: dict[str, str] = {}
    new: dict[str, str] = {}
    for column in table.encrypted:
        value = raw[column.attname]
        if not value:
            continue
        try:
            plain[column.name] = decrypt(value)
        except Exception:  # noqa: BLE001 - an unreadable value is reported and left untouched
            outcome.unreadable.append(f"{where}.{column.name}")
            return
        if value_label(value) != target:
            new[column.attname] = encrypt(plain[column.name])
    for index in table.indexes:
        value = raw[index.attname]
        if not value or _label(index, value) == target:
            continue
        source = plain.get(index.source)
        if source is None:
            source_field = table.model._meta.get_field(index.source)
            if isinstance(source_field, EncryptedField):
                source = ""  # the source is empty: so is its index
            else:
                outcome.unreadable.append(f"{where}.{index.name}（来源字段不是加密字段）")
                return
        new[index.attname] = str(blind_index(source)) if source else ""
    if not new:
        return
    _swap(table, pk, raw, new, where, outcome)


def _swap(table: Table, pk: Any, raw: dict[str, Any], new: dict[str, str], where: str, outcome: Outcome) -> None:
    """Write ``new`` if the row still holds ``raw``."""
    by_attname = {c.attname: c for c in table.columns}
    assignments = ", ".join(f"{_q(by_attname[name].column)} = %s" for name in new)
    conditions, params = [], list(new.values())
    pk_column = table.model._meta.pk
    assert pk_column is not None
    params.append(pk)
    for name, value in raw.items():
        column = _q(by_attname[name].column)
        if value is None:
            conditions.append(f"{column} IS NULL")
        else:
            conditions.append(f"{column} = %s")
            params.append(value)
    sql = (
        f"UPDATE {_q(table.model._meta.db_table)} SET {assignments} "  # noqa: S608 - names from the model
        f"WHERE {_q(pk_column.column)} = %s AND " + " AND ".join(conditions)
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            changed = cursor.rowcount
    except IntegrityError:
        outcome.conflicts.append(where)
        return
    if changed:
        outcome.rewritten += 1
        outcome.values += len(new)
    else:
        outcome.changed_meanwhile += 1
