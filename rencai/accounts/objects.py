"""Users, declared once for pages, export and API."""

from rencai.accounts import services
from rencai.accounts.filters import UserFilter
from rencai.accounts.forms import UserCreateForm, UserProfileForm, UserRoleForm
from rencai.accounts.imports import UserSchema
from rencai.accounts.models import User
from rencai.core.objects import ObjectConfig, Policy, register
from rencai.core.roles import ACCOUNT_ADMINS, BUSINESS_ROLES, SYSADMIN_ONLY, Role, role_of


@register
class UserObjects(ObjectConfig):
    model = User
    slug = "users"
    import_schema = UserSchema
    nav_section = "accounts"
    list_columns = ["username", "full_name", "role", "organization", "mobile", "is_active", "last_login"]
    detail_fields = [
        "username",
        "full_name",
        "role",
        "organization",
        "email",
        "mobile",
        "id_number",
        "is_active",
        "last_login",
        "date_joined",
    ]
    export_columns = ["username", "full_name", "role", "organization", "email", "mobile", "is_active"]
    form_fields = ["username", "full_name", "organization", "email", "mobile", "id_number", "is_active"]
    api_fields = ["id", "username", "full_name", "role", "organization", "email", "mobile", "is_active", "version"]
    api_read_only_fields = ["role"]
    filterset_class = UserFilter
    search_fields = ["username", "full_name", "organization__name"]
    ordering = ["organization__path", "username"]
    policy = Policy(
        view=BUSINESS_ROLES | ACCOUNT_ADMINS, create=SYSADMIN_ONLY, change=ACCOUNT_ADMINS, delete=SYSADMIN_ONLY
    )

    def get_form_class(self, user, instance=None):
        if role_of(user) == Role.SECADMIN:
            return UserRoleForm
        return UserCreateForm if instance is None else UserProfileForm

    def limit_form_choices(self, form, user) -> None:
        from rencai.orgs.models import Organization

        if "organization" in form.fields:
            form.fields["organization"].queryset = Organization.objects.visible_to(user)

    def before_save(self, instance, user, creating: bool) -> None:
        services.before_user_save(instance, user, creating)

    def after_save(self, instance, user, creating: bool):
        return services.after_user_save(instance, user, creating)
