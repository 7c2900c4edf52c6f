import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import yes_no_filter
from rencai.services.models import (
    DutyKind,
    DutyState,
    RequestCategory,
    RequestState,
    ServiceDuty,
    ServiceRequest,
    Visit,
)


class DutyFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    kind = django_filters.ChoiceFilter(choices=DutyKind.choices, label=_("服务方式"))
    state = django_filters.ChoiceFilter(choices=DutyState.choices, label=_("状态"))
    overdue = yes_no_filter(_("逾期"), method="filter_overdue")

    class Meta:
        model = ServiceDuty
        fields = ["talent", "kind", "state", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class VisitFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))

    class Meta:
        model = Visit
        fields = ["talent", "kind"]


class RequestFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=RequestCategory.choices, label=_("类别"))
    overdue = yes_no_filter(_("逾期"), method="filter_overdue")

    class Meta:
        model = ServiceRequest
        fields = ["talent", "state", "category", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
