"""List filters of the registry and the pools."""

from datetime import date
from typing import TYPE_CHECKING

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import yes_no_filter
from rencai.orgs.models import Organization, OrganizationKind
from rencai.talents.models import (
    ChangeRequest,
    ChangeState,
    DictionaryEntry,
    DictionaryKind,
    Gender,
    Honour,
    PoolBatch,
    PoolMembership,
    Talent,
    TalentPool,
    TalentQualification,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

AGE_BANDS = [
    ("-35", _("35岁及以下")),
    ("36-45", _("36至45岁")),
    ("46-55", _("46至55岁")),
    ("56-", _("56岁及以上")),
]


def _visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user)


def entries(kind: str):
    return DictionaryEntry.objects.filter(kind=kind, enabled=True)


def dictionary_filter(kind: str, label: "StrOrPromise") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(queryset=entries(kind), label=label)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def birth_dates_for_age(low: int | None, high: int | None, today: date) -> Q:
    """Birth dates of people aged ``low`` to ``high`` (inclusive) on ``today``."""
    condition = Q()
    if low is not None:
        condition &= Q(birth_date__lte=years_before(today, low))
    if high is not None:
        condition &= Q(birth_date__gt=years_before(today, high + 1))
    return condition


class TalentFilter(django_filters.FilterSet):
    within = django_filters.ModelChoiceFilter(
        queryset=_visible_organizations, method="filter_within", label=_("所在机构（含下属）")
    )
    category = dictionary_filter(DictionaryKind.CATEGORY, _("人才类别"))
    # "tier=null" lists the talents whose tier is not yet decided (the leader view's 未定层级).
    tier = django_filters.ModelChoiceFilter(
        queryset=entries(DictionaryKind.TIER), label=_("人才层级"), null_label=_("未定层级")
    )
    level = dictionary_filter(DictionaryKind.LEVEL, _("百千万层次"))
    echelon = dictionary_filter(DictionaryKind.ECHELON, _("人才梯队"))
    qualification = django_filters.ModelChoiceFilter(
        queryset=entries(DictionaryKind.QUALIFICATION), method="filter_qualification", label=_("职业资格")
    )
    age = django_filters.ChoiceFilter(choices=AGE_BANDS, method="filter_age", label=_("年龄段"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("性别"))
    organization_kind = django_filters.ChoiceFilter(
        field_name="organization__kind", choices=OrganizationKind.choices, label=_("机构类型")
    )
    is_active = yes_no_filter(_("在库"))
    honour = django_filters.CharFilter(method="filter_honour", label=_("荣誉称号"))
    pool = django_filters.ModelChoiceFilter(
        queryset=TalentPool.objects.all(), method="filter_pool", label=_("所在人才库")
    )

    class Meta:
        model = Talent
        fields = [
            "within",
            "category",
            "tier",
            "level",
            "echelon",
            "qualification",
            "age",
            "gender",
            "organization_kind",
            "is_active",
            "honour",
            "pool",
        ]

    def filter_within(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path) if value else queryset

    def filter_qualification(self, queryset, name, value):
        held = TalentQualification.objects.filter(qualification=value)
        return queryset.filter(pk__in=held.values("talent_id"))

    def filter_age(self, queryset, name, value):
        low, high = (int(part) if part else None for part in value.split("-"))
        return queryset.filter(birth_dates_for_age(low, high, timezone.localdate()))

    def filter_honour(self, queryset, name, value):
        held = Honour.objects.filter(name__contains=value.strip())
        return queryset.filter(pk__in=held.values("talent_id")) if value.strip() else queryset

    def filter_pool(self, queryset, name, value):
        members = PoolMembership.objects.active().filter(pool=value)
        return queryset.filter(pk__in=members.values("talent_id"))


class DictionaryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DictionaryKind.choices, label=_("字典"))

    class Meta:
        model = DictionaryEntry
        fields = ["kind"]


class TalentPartFilter(django_filters.FilterSet):
    """Records of one talent (qualifications, career, honours, change requests)."""

    talent = django_filters.NumberFilter(field_name="talent_id", label=_("人才编号"))


def talent_part_filter(model) -> type[TalentPartFilter]:
    meta = type("Meta", (), {"model": model, "fields": ["talent"]})
    return type(f"{model.__name__}Filter", (TalentPartFilter,), {"Meta": meta})


class ChangeRequestFilter(TalentPartFilter):
    state = django_filters.ChoiceFilter(choices=ChangeState.choices, label=_("状态"))

    class Meta:
        model = ChangeRequest
        fields = ["talent", "state"]


MEMBERSHIP_STATUS = [("active", _("在库")), ("ending", _("60天内到期")), ("left", _("已出库"))]


class MembershipFilter(TalentPartFilter):
    pool = django_filters.ModelChoiceFilter(queryset=TalentPool.objects.all(), label=_("人才库"))
    batch = django_filters.ModelChoiceFilter(queryset=PoolBatch.objects.all(), label=_("批次"))
    status = django_filters.ChoiceFilter(choices=MEMBERSHIP_STATUS, method="filter_status", label=_("状态"))

    class Meta:
        model = PoolMembership
        fields = ["talent", "pool", "batch", "status"]

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.active()
        if value == "ending":
            return queryset.ending_within(60)
        if value == "left":
            return queryset.filter(left_on__isnull=False)
        return queryset


class BatchFilter(django_filters.FilterSet):
    pool = django_filters.ModelChoiceFilter(queryset=TalentPool.objects.all(), label=_("人才库"))

    class Meta:
        model = PoolBatch
        fields = ["pool"]
