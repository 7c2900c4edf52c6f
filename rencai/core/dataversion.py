"""The data version: a counter per app, advanced by every audited write of its rows.

Every create, update and delete of a tracked model — ``save_object``, ``delete_object``,
``run_action``, ``create_many``, ``update_many``, an import, a workflow's transition, a
service's own save — is written to the audit log, and :func:`rencai.core.audit.record` /
``record_many`` advance the app's counter in the same transaction, under the chain lock
the audit already holds (so it adds no lock of its own and cannot deadlock). A cache
keyed by :func:`current` therefore changes key the moment a write commits: it is never
stale, and a rolled-back write advances nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import F

from rencai.core.models import DataVersion

T = TypeVar("T")

#: Audit actions that change rows.
WRITES = frozenset({"create", "update", "delete", "import", "permission"})


def label_of(object_type: str) -> str:
    """The app of an audit entry's ``object_type`` (``talents.talent`` → ``talents``)."""
    return object_type.split(".", 1)[0]


def advance(labels: Iterable[str]) -> None:
    """Advance the counters of ``labels`` in the current transaction."""
    wanted = sorted({label for label in labels if label})
    if not wanted:
        return
    if DataVersion.objects.filter(label__in=wanted).update(version=F("version") + 1) == len(wanted):
        return
    known = set(DataVersion.objects.filter(label__in=wanted).values_list("label", flat=True))
    DataVersion.objects.bulk_create(
        [DataVersion(label=label, version=1) for label in wanted if label not in known], ignore_conflicts=True
    )


def current() -> str:
    """A short digest of every app's counter (one small query)."""
    rows = DataVersion.objects.order_by("label").values_list("label", "epoch", "version")
    text = ";".join(f"{label}:{epoch}:{version}" for label, epoch, version in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cached(name: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache under ``name``, ``key`` and the data version: a
    repeated call costs a look-up until any audited write commits. Off when
    ``RENCAI_FIGURES_CACHE`` is false."""
    if not getattr(settings, "RENCAI_FIGURES_CACHE", False):
        return compute()
    full = f"rencai:figures:{name}:{key}:{current()}"
    found: Any = cache.get(full)
    if found is not None:
        return cast(T, found)
    computed = compute()
    cache.set(full, computed, getattr(settings, "RENCAI_FIGURES_CACHE_SECONDS", 3600))
    return computed
