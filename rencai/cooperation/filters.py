"""Filters of cooperation's lists; the leader view counts through the same filters."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.cooperation.models import (
    ActivityKind,
    Agreement,
    AllianceMember,
    JointActivity,
    ResearchTopic,
    Secondment,
    SecondmentState,
)
from rencai.cooperation.services import awaiting_evaluation
from rencai.core.filters import YearFilter, yes_no_filter


class MemberFilter(django_filters.FilterSet):
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("联盟编号"))
    current = yes_no_filter(_("在盟"), method="filter_current")

    class Meta:
        model = AllianceMember
        fields = ["alliance", "current"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        current = Q(joined_on__lte=today) & (Q(left_on__isnull=True) | Q(left_on__gt=today))
        return queryset.filter(current) if value else queryset.exclude(current)


class ActivityFilter(django_filters.FilterSet):
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("联盟编号"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("活动类别"))
    year = YearFilter(field_name="held_on__year", label=_("年度"))

    class Meta:
        model = JointActivity
        fields = ["alliance", "kind", "year"]


class SecondmentFilter(django_filters.FilterSet):
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))
    state = django_filters.ChoiceFilter(choices=SecondmentState.choices, label=_("状态"))
    year = YearFilter(method="filter_year", label=_("年度（在岗）"))
    awaiting = yes_no_filter(_("期满未评价"), method="filter_awaiting")

    class Meta:
        model = Secondment
        fields = ["talent", "state", "year", "awaiting"]

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(starts_on__year__lte=value, ends_on__year__gte=value)

    def filter_awaiting(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = awaiting_evaluation(queryset)
        return waiting if value else queryset.exclude(pk__in=waiting.values("pk"))


class AgreementFilter(django_filters.FilterSet):
    university = django_filters.NumberFilter(field_name="university_id", label=_("高校编号"))
    year = YearFilter(method="filter_year", label=_("年度（有效）"))

    class Meta:
        model = Agreement
        fields = ["university", "year"]

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(starts_on__year__lte=value, ends_on__year__gte=value)


class TopicFilter(django_filters.FilterSet):
    university = django_filters.NumberFilter(field_name="university_id", label=_("高校编号"))
    year = YearFilter(field_name="starts_on__year", label=_("立项年度"))

    class Meta:
        model = ResearchTopic
        fields = ["university", "state", "year"]
