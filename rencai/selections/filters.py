import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import YearFilter
from rencai.orgs.models import Organization
from rencai.selections.models import Application, ApplicationState, Campaign, CampaignKind, CampaignState


class CampaignFilter(django_filters.FilterSet):
    year = YearFilter(label=_("年度"))
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label=_("评选对象"))
    state = django_filters.ChoiceFilter(choices=CampaignState.choices, label=_("状态"))

    class Meta:
        model = Campaign
        fields = ["year", "kind", "state"]


def _visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user)


class ApplicationFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("评选活动"))
    state = django_filters.ChoiceFilter(choices=ApplicationState.choices, label=_("状态"))
    within = django_filters.ModelChoiceFilter(
        queryset=_visible_organizations, method="filter_within", label=_("申报单位（含下属）")
    )
    year = YearFilter(field_name="campaign__year", label=_("年度"))

    class Meta:
        model = Application
        fields = ["campaign", "state", "within", "year"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path) if value else queryset
