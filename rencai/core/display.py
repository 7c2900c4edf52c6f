"""How a model value is shown in tables, detail pages and exports."""

import re
from collections.abc import Callable
from typing import Any, cast

from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.personal import EncryptedField, mask


def field_label(model: type[models.Model], name: str) -> str:
    if name in ("pk", "id"):
        return _("编号")
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
    if isinstance(value, list | dict):
        return plain_value(value)
    return str(value)


def is_sortable(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return False
    return field.concrete and not isinstance(field, EncryptedField)


_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?$")

#: Keys of audit entries that are not model fields (an export, a log-in, a permission change).
ENTRY_KEYS = {
    "rows": gettext_lazy("导出行数"),
    "filters": gettext_lazy("筛选条件"),
    "unmasked": gettext_lazy("含完整个人信息"),
    "field": gettext_lazy("字段"),
    "username": gettext_lazy("用户名"),
    "role": gettext_lazy("角色"),
    "otp": gettext_lazy("动态验证码"),
    "valid_hours": gettext_lazy("有效小时数"),
    "records": gettext_lazy("记录数"),
    "request": gettext_lazy("申请编号"),
    "selected": gettext_lazy("所选记录"),
    "action": gettext_lazy("操作"),
}


def plain_value(value: Any) -> str:
    """A stored value (a JSON list or mapping, an ISO timestamp) as a person reads it:
    a list joined by 、, a mapping as 项：值, a timestamp in local time to the minute;
    nothing for an empty list or mapping."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "、".join(text for text in (plain_value(v) for v in value) if text)
    if isinstance(value, dict):
        if "name" in value:
            text = str(value["name"])
            if value.get("organization"):
                text += f"（{value['organization']}）"
            if value.get("reasons"):
                text += "：" + plain_value(value["reasons"])
            return text
        parts = []
        for key, item in value.items():
            text = plain_value(item)
            if text:
                parts.append(f"{ENTRY_KEYS.get(key, key)}：{text}")
        return "；".join(parts)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is not None:
                parsed = timezone.localtime(parsed)
            return parsed.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    return str(value)


ValueDescriber = Callable[[str, Any], "str | None"]


def labelled_changes(
    model: type[models.Model] | None, changes: dict[str, Any], describe: ValueDescriber | None = None
) -> list[tuple[str, str, str]]:
    """(label, before, after) for every field an audit entry records, in plain Chinese: a
    field by its verbose name, a choice by its label, a reference by the name of what it
    refers to, a time in local time to the minute. ``describe(field, value)`` may put a
    structured value (a draw's conditions) into words; an entry key that is no field (an
    export's row count) is shown with an empty "before"."""
    rows: list[tuple[str, str, str]] = []
    for name, values in changes.items():
        if name == "id":
            continue
        field_name = name.removesuffix("_id")
        field = _concrete_field(model, field_name) if model is not None else None
        if field is None and model is not None and name != field_name:
            field = _concrete_field(model, name)
            field_name = name
        label = str(field.verbose_name) if field is not None else str(ENTRY_KEYS.get(name, name))
        if isinstance(values, list) and len(values) == 2 and (field is not None or name in ENTRY_KEYS):
            before = _field_text(field, field_name, values[0], describe)
            after = _field_text(field, field_name, values[1], describe)
        elif field is not None and not isinstance(values, list | dict):
            before, after = "", _field_text(field, field_name, values, describe)
        else:
            before, after = "", plain_value(values)
        if before or after:
            rows.append((label, before, after))
    return rows


def _concrete_field(model: type[models.Model], name: str) -> "models.Field[Any, Any] | None":
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed, or an entry key
        return None
    return field if isinstance(field, models.Field) else None


def _field_text(field: "models.Field[Any, Any] | None", name: str, value: Any, describe: ValueDescriber | None) -> str:
    if value in (None, "", [], {}):
        return ""
    if describe is not None:
        described = describe(name, value)
        if described is not None:
            return described
    if field is None:
        return plain_value(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and not isinstance(value, list | dict):
        related_model = cast(type[models.Model], field.related_model)
        related = related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return plain_value(value)
