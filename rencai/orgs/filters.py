import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import yes_no_filter
from rencai.orgs.models import Department, Organization, OrganizationKind, Region


def _visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user)


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("机构类型"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在区域"))
    within = django_filters.ModelChoiceFilter(
        queryset=_visible_organizations, method="filter_within", label=_("含下属机构")
    )
    is_active = yes_no_filter(_("有效"))

    class Meta:
        model = Organization
        fields = ["kind", "region", "within", "is_active"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path) if value else queryset


class DepartmentFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(queryset=_visible_organizations, label=_("所属机构"))

    class Meta:
        model = Department
        fields = ["organization"]
