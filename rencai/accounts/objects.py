"""Users, declared once for pages, export and API."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.accounts import services
from rencai.accounts.filters import UserFilter
from rencai.accounts.forms import UserCreateForm, UserProfileForm, UserRoleForm
from rencai.accounts.imports import UserSchema
from rencai.accounts.models import Message, User
from rencai.core.objects import ObjectConfig, Policy, register
from rencai.core.objects.workflow import Action
from rencai.core.roles import (
    ACCOUNT_ADMINS,
    ADMIN_ROLES,
    BUSINESS_ROLES,
    NOBODY,
    OFFICE_AND_ACCOUNT_ADMINS,
    SYSADMIN_ONLY,
    Role,
    role_of,
)


@register
class UserObjects(ObjectConfig):
    model = User
    slug = "users"
    import_schema = UserSchema
    nav_section = "accounts"
    nav_roles = OFFICE_AND_ACCOUNT_ADMINS
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
    tell_concerned = False
    actions = [
        Action(
            "reset_password",
            gettext_lazy("重置为一次性密码"),
            SYSADMIN_ONLY,
            perform=lambda user, actor, data: _reset_password(user, actor),
            available=lambda user, actor: user.pk != actor.pk and user.is_active,
            style="outline-danger",
        )
    ]
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


def _reset_password(user: User, actor) -> str:
    password = services.reset_password(actor, user)
    return _(
        "已将 %(user)s 的密码重置为一次性密码：%(password)s（仅显示这一次，请当面或电话告知本人；本人下次登录须修改密码）"
    ) % {
        "user": user,
        "password": password,
    }


def _own_messages(queryset, user):
    return queryset.filter(recipient=user)


@register
class MessageObjects(ObjectConfig):
    """站内消息: each user sees only their own (also the office: ``narrow_visible``)."""

    model = Message
    slug = "messages"
    list_columns = ["title", "kind", "created_at", "read_at"]
    detail_fields = ["title", "kind", "body", "url", "created_at", "read_at"]
    api_fields = ["id", "title", "kind", "body", "url", "created_at", "read_at"]
    search_fields = ["title", "body"]
    ordering = ["-created_at", "-pk"]
    tell_concerned = False
    policy = Policy(
        view=BUSINESS_ROLES | ADMIN_ROLES,
        create=NOBODY,
        change=NOBODY,
        delete=NOBODY,
        export=NOBODY,
        narrow_visible=_own_messages,
        narrow_editable=_own_messages,
    )
