"""Filters of the assessment lists (the figures count through them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.assessment.models import (
    AssessmentRound,
    AssessmentState,
    DemonstrationSite,
    Grade,
    IndicatorScore,
    SiteKind,
    SiteProgramme,
    SiteState,
    UnitAssessment,
)


class AssessmentFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(queryset=AssessmentRound.objects.all(), label=_("考核批次"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=_("状态"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("等次"))
    year = django_filters.NumberFilter(field_name="round__scheme__year", label=_("考核年度"))

    class Meta:
        model = UnitAssessment
        fields = ["round", "state", "grade", "year"]


class ScoreFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment_id", label=_("单位考核编号"))

    class Meta:
        model = IndicatorScore
        fields = ["assessment", "decision"]


class SiteFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(queryset=SiteProgramme.objects.all(), label=_("创建目标"))
    state = django_filters.ChoiceFilter(choices=SiteState.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=SiteKind.choices, label=_("示范点类型"))
    year = django_filters.NumberFilter(label=_("申报年度"))
    accepted_year = django_filters.NumberFilter(label=_("命名年度"))

    class Meta:
        model = DemonstrationSite
        fields = ["programme", "state", "kind", "year", "accepted_year"]
