"""Organisations and departments, declared once for pages, export and API."""

from django.utils.translation import gettext as _

from rencai.core.objects import ObjectConfig, register
from rencai.core.roles import BUSINESS_ROLES, Role, role_of
from rencai.core.todos import Todo, todo_provider
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
    list_columns = ["name", "short_name", "kind", "parent", "region", "credit_code", "is_active"]
    detail_fields = ORGANIZATION_FIELDS
    form_fields = ORGANIZATION_FIELDS
    form_class = OrganizationForm
    filterset_class = OrganizationFilter
    search_fields = ["name", "short_name", "credit_code"]
    ordering = ["path"]
    view_roles = BUSINESS_ROLES | {Role.SYSADMIN}

    def get_form_class(self, user, instance=None):
        if role_of(user) == Role.LIAISON:
            return LiaisonOrganizationForm
        return OrganizationForm


@register
class DepartmentObjects(ObjectConfig):
    model = Department
    slug = "departments"
    nav_section = "orgs"
    list_columns = ["organization", "name", "parent", "order"]
    form_fields = ["organization", "name", "parent", "order"]
    form_class = DepartmentForm
    filterset_class = DepartmentFilter
    search_fields = ["name", "organization__name"]
    ordering = ["organization__path", "order", "name"]
    create_roles = frozenset({Role.OFFICE, Role.LIAISON})
    delete_roles = frozenset({Role.OFFICE, Role.LIAISON})

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        if "parent" in form.fields:
            form.fields["parent"].queryset = Department.objects.editable_by(user)


@todo_provider
def organizations_missing_credit_code(user) -> list[Todo]:
    if role_of(user) not in (Role.OFFICE, Role.LIAISON):
        return []
    count = Organization.objects.editable_by(user).filter(credit_code="", is_active=True).count()
    if not count:
        return []
    return [Todo(_("%(count)s 家机构尚未填写统一社会信用代码") % {"count": count}, "/o/organizations/?q=", count)]
