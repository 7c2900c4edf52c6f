import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import yes_no_filter
from rencai.services.models import (
    OPEN_REQUEST_STATES,
    DutyKind,
    DutyState,
    RequestCategory,
    RequestState,
    ServiceDuty,
    ServiceRequest,
    Visit,
)


def overdue_filter() -> django_filters.BooleanFilter:
    """是/否 over the queryset's own ``overdue()``."""

    def method(queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    return yes_no_filter(_("逾期"), method=method)


class DutyFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    kind = django_filters.ChoiceFilter(choices=DutyKind.choices, label=_("服务方式"))
    state = django_filters.ChoiceFilter(choices=DutyState.choices, label=_("状态"))
    overdue = overdue_filter()

    class Meta:
        model = ServiceDuty
        fields = ["talent", "kind", "state", "overdue"]


class VisitFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))

    class Meta:
        model = Visit
        fields = ["talent", "kind"]


class RequestFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=RequestCategory.choices, label=_("类别"))
    unfinished = yes_no_filter(_("未办结"), method="filter_unfinished")
    overdue = overdue_filter()

    class Meta:
        model = ServiceRequest
        fields = ["talent", "state", "category", "unfinished", "overdue"]

    def filter_unfinished(self, queryset, name, value):
        if value is None:
            return queryset
        open_states = {"state__in": OPEN_REQUEST_STATES}
        return queryset.filter(**open_states) if value else queryset.exclude(**open_states)
