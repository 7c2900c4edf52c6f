"""Optimistic locking: an edit made on stale data is refused, never silently applied."""

from collections.abc import Callable

from django.db import models, transaction
from django.utils.translation import gettext as _


class StaleEdit(Exception):
    """The object changed since the editor loaded it."""

    def __init__(self, current_version: int | None):
        self.current_version = current_version
        super().__init__(
            _("该记录已被他人修改（当前版本 %(version)s），您的修改未保存。请刷新后重新编辑。")
            % {"version": current_version}
        )


def save_versioned(instance: models.Model, expected_version: int | None, save: Callable[[], object]) -> None:
    """Save through ``save`` only if the stored version still equals ``expected_version``."""
    with transaction.atomic():
        current = (
            type(instance)
            ._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if expected_version is None or current != int(expected_version):
            raise StaleEdit(current)
        instance.version = current + 1
        save()
