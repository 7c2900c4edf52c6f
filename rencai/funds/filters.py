"""Filters of the funds' lists (the leader view's figures count through them)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.funds.models import (
    AllowanceHolder,
    ApprovalState,
    BatchState,
    BudgetAdjustment,
    BudgetLine,
    HolderState,
    Payment,
    PaymentBatch,
    PaymentKind,
    PaymentState,
    Purpose,
)


class LineFilter(django_filters.FilterSet):
    fund = django_filters.NumberFilter(field_name="fund_id", label=_("专项资金编号"))
    year = django_filters.NumberFilter(field_name="fund__year", label=_("年度"))
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices, label=_("用途"))

    class Meta:
        model = BudgetLine
        fields = ["fund", "year", "purpose"]


class AdjustmentFilter(django_filters.FilterSet):
    line = django_filters.NumberFilter(field_name="line_id", label=_("预算科目编号"))
    state = django_filters.ChoiceFilter(choices=ApprovalState.choices, label=_("审批状态"))

    class Meta:
        model = BudgetAdjustment
        fields = ["line", "state"]


class PaymentFilter(django_filters.FilterSet):
    line = django_filters.NumberFilter(field_name="line_id", label=_("预算科目编号"))
    fund = django_filters.NumberFilter(field_name="line__fund_id", label=_("专项资金编号"))
    year = django_filters.NumberFilter(field_name="line__fund__year", label=_("年度"))
    purpose = django_filters.ChoiceFilter(field_name="line__purpose", choices=Purpose.choices, label=_("用途"))
    kind = django_filters.ChoiceFilter(choices=PaymentKind.choices, label=_("支出事项"))
    state = django_filters.ChoiceFilter(choices=PaymentState.choices, label=_("状态"))
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("收款单位编号"))
    scheme = django_filters.NumberFilter(field_name="scheme_id", label=_("津贴项目编号"))
    batch = django_filters.NumberFilter(field_name="batch_id", label=_("发放批次编号"))

    class Meta:
        model = Payment
        fields = ["line", "fund", "year", "purpose", "kind", "state", "talent", "organization", "scheme", "batch"]


class HolderFilter(django_filters.FilterSet):
    scheme = django_filters.NumberFilter(field_name="scheme_id", label=_("津贴项目编号"))
    state = django_filters.ChoiceFilter(choices=HolderState.choices, label=_("状态"))
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    year = django_filters.NumberFilter(method="filter_year", label=_("享受年度"))

    class Meta:
        model = AllowanceHolder
        fields = ["scheme", "state", "talent", "year"]

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(Q(scheme__term_start__year__lte=year) & Q(scheme__term_end__year__gte=year))


class BatchFilter(django_filters.FilterSet):
    scheme = django_filters.NumberFilter(field_name="scheme_id", label=_("津贴项目编号"))
    state = django_filters.ChoiceFilter(choices=BatchState.choices, label=_("状态"))

    class Meta:
        model = PaymentBatch
        fields = ["scheme", "state"]
