"""Optimistic locking: an edit made on stale data is refused, never silently applied."""

from django.db import models

from rencai.core.errors import StaleEdit

__all__ = ["StaleEdit", "check_version"]


def check_version(instance: models.Model, expected_version: int | str | None) -> None:
    """Lock the stored row and refuse with :class:`StaleEdit` unless its version is still
    ``expected_version``; on success the instance carries the next version. Call inside a
    transaction."""
    current = (
        type(instance)
        ._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .order_by()  # a default ordering over a nullable relation cannot be locked on PostgreSQL
        .values_list("version", flat=True)
        .first()
    )
    try:
        expected = int(expected_version) if expected_version is not None else None
    except (TypeError, ValueError):
        expected = None
    if expected is None or current != expected:
        raise StaleEdit(current)
    instance.version = current + 1  # type: ignore[attr-defined]
