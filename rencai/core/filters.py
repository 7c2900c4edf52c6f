from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.core.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# django-filter ships no type hints, so FilterSet is Any: subclassing it is an error under
# --strict only (hence unused-ignore for the whole-project run in the default mode).
class AuditEntryFilter(django_filters.FilterSet):  # type: ignore[misc, unused-ignore]
    start = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("起始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    username = django_filters.CharFilter(lookup_expr="icontains", label=_("用户"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("操作"))
    object_type = django_filters.CharFilter(lookup_expr="icontains", label=_("对象类型"))
    object_repr = django_filters.CharFilter(lookup_expr="icontains", label=_("对象"))
    ip = django_filters.CharFilter(lookup_expr="startswith", label=_("IP地址"))

    class Meta:
        model = AuditEntry
        fields = ["start", "end", "username", "action", "object_type", "object_repr", "ip"]


def yes_no_filter(label: StrOrPromise, **kwargs: Any) -> django_filters.BooleanFilter:
    """A yes/no filter whose empty choice reads 全部 (all) rather than 未知 (unknown)."""
    choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
    return django_filters.BooleanFilter(label=label, widget=forms.Select(choices=choices), **kwargs)


# Untyped django-filter again (see AuditEntryFilter).
class YearFilter(django_filters.NumberFilter):  # type: ignore[misc, unused-ignore]
    """A calendar year (1900–2100): a fraction or an absurd year is a form error, not a
    query the database cannot answer."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)
