"""Filters of the information desk's lists (the leader view counts through them)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.bulletins.models import (
    Category,
    Commission,
    CommissionState,
    InfoItem,
    Instruction,
    InstructionState,
    IssueState,
    ItemState,
    Liaison,
    PeriodicalIssue,
)
from rencai.core.filters import YearFilter, yes_no_filter


class LiaisonFilter(django_filters.FilterSet):
    current = yes_no_filter(_("在任"), method="filter_current")
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("单位编号"))

    class Meta:
        model = Liaison
        fields = ["current", "organization"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        current = Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))
        return queryset.filter(current) if value else queryset.exclude(current)


class ItemFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ItemState.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("类别"))
    year = YearFilter(field_name="submitted_at__year", label=_("报送年度"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("单位编号"))
    passed = yes_no_filter(_("已呈阅领导"), method="filter_passed")

    class Meta:
        model = InfoItem
        fields = ["state", "category", "year", "organization", "passed"]

    def filter_passed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(passed_to_leader_at__isnull=not value)


class IssueFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label=_("年度"))
    state = django_filters.ChoiceFilter(choices=IssueState.choices, label=_("状态"))

    class Meta:
        model = PeriodicalIssue
        fields = ["periodical", "year", "state"]


class CommissionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CommissionState.choices, label=_("状态"))
    overdue = yes_no_filter(_("逾期未交"), method="filter_overdue")

    class Meta:
        model = Commission
        fields = ["state", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(state=CommissionState.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class InstructionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=InstructionState.choices, label=_("状态"))

    class Meta:
        model = Instruction
        fields = ["state"]
