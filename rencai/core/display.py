"""How a model value is shown in tables, detail pages and exports."""

from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rencai.core.personal import EncryptedField, mask


def field_label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a method or property column
        field = None
    if isinstance(field, models.Field):
        return str(field.verbose_name)
    attr = getattr(model, name, None)
    return str(getattr(attr, "short_description", name))


def raw_value(obj: models.Model, name: str) -> Any:
    try:
        field = obj._meta.get_field(name)
    except Exception:  # noqa: BLE001
        value = getattr(obj, name)
        return value() if callable(value) else value
    if getattr(field, "choices", None):
        return getattr(obj, f"get_{name}_display")()
    if field.many_to_many:
        return "、".join(str(related) for related in getattr(obj, name).all())
    return getattr(obj, name)


def display_value(obj: models.Model, name: str, unmasked: bool = False) -> str:
    """A value as text; personal data masked unless ``unmasked``."""
    try:
        field = obj._meta.get_field(name)
    except Exception:  # noqa: BLE001
        field = None
    value = raw_value(obj, name)
    if isinstance(field, EncryptedField) and not unmasked:
        return mask(value or "", field.kind)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def is_sortable(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return False
    return field.concrete and not isinstance(field, EncryptedField)
