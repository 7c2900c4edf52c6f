"""Organisations and departments, declared once for pages, export and API."""

from rencai.core.objects import ObjectConfig, Policy, register
from rencai.core.roles import (
    BUSINESS_ROLES,
    OFFICE_AND_LIAISONS,
    OFFICE_ONLY,
    STAFF_LIAISONS_AND_SYSADMIN,
    SYSADMIN_ONLY,
    Role,
    role_of,
)
from rencai.orgs.filters import DepartmentFilter, OrganizationFilter
from rencai.orgs.forms import ORGANIZATION_FIELDS, DepartmentForm, LiaisonOrganizationForm, OrganizationForm
from rencai.orgs.imports import OrganizationSchema
from rencai.orgs.models import Department, Organization


@register
class OrganizationObjects(ObjectConfig):
    model = Organization
    slug = "organizations"
    import_schema = OrganizationSchema
    nav_section = "orgs"
    nav_roles = STAFF_LIAISONS_AND_SYSADMIN
    list_columns = ["name", "short_name", "kind", "parent", "region", "credit_code", "is_active"]
    detail_fields = ORGANIZATION_FIELDS
    form_fields = ORGANIZATION_FIELDS
    form_class = OrganizationForm
    filterset_class = OrganizationFilter
    search_fields = ["name", "short_name", "credit_code"]
    ordering = ["path"]
    #: The system administrator reads the list to assign users to organisations.
    policy = Policy(view=BUSINESS_ROLES | SYSADMIN_ONLY)

    def get_form_class(self, user, instance=None):
        if role_of(user) == Role.LIAISON:
            return LiaisonOrganizationForm
        return OrganizationForm


@register
class DepartmentObjects(ObjectConfig):
    model = Department
    slug = "departments"
    nav_section = "orgs"
    nav_roles = OFFICE_ONLY
    list_columns = ["organization", "name", "parent", "order"]
    form_fields = ["organization", "name", "parent", "order"]
    form_class = DepartmentForm
    filterset_class = DepartmentFilter
    search_fields = ["name", "organization__name"]
    ordering = ["organization__path", "order", "name"]
    policy = Policy(create=OFFICE_AND_LIAISONS, delete=OFFICE_AND_LIAISONS)

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        if "parent" in form.fields:
            form.fields["parent"].queryset = Department.objects.editable_by(user)
