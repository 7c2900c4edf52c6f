"""An optional read replica (``DATABASE_REPLICA_URL``) for what only reads a lot: the
leader view, generated documents, exports and the figures' aggregates.

Code that reads figures runs inside :func:`replica_reads` (or is decorated with
:func:`reads_from_replica`); its reads go to the ``replica`` alias, everything else — every
write, and every read outside such code — to the primary. A read inside an open
transaction of the primary stays on the primary: what this thread wrote there is not yet
on the replica. Without a replica configured everything uses the primary.

A replica lags its primary by its replication delay: a figure read from it (and cached
under the data version read from it, so the two agree) shows a write once the replica
has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
F = TypeVar("F", bound=Callable[..., Any])
_replica_reads: ContextVar[bool] = ContextVar("rencai_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """Where a read of figures goes now: the replica when one is configured and the
    primary holds no open transaction of this thread."""
    if replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica (see :func:`read_alias`)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """Reads of figures to the replica, everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias() if _replica_reads.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
