"""Log-in with lock-out and a TOTP second factor; users declared as objects."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rencai.accounts import services
from rencai.accounts.filters import UserFilter
from rencai.accounts.forms import LoginForm, UserCreateForm, UserProfileForm, UserRoleForm
from rencai.accounts.imports import UserSchema
from rencai.accounts.models import User
from rencai.core.objects import ObjectConfig, register
from rencai.core.roles import BUSINESS_ROLES, Role, role_of
from rencai.core.todos import Todo, todo_provider


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, credentials, *args, **kwargs):
    """Called by django-axes when a user name is locked."""
    message = _("连续登录失败次数过多，该账号已被锁定15分钟，请稍后再试或联系安全管理员解锁。")
    return render(request, "accounts/login.html", {"form": LoginForm(request), "lockout": message}, status=429)


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
    view_roles = BUSINESS_ROLES | {Role.SYSADMIN, Role.SECADMIN}
    create_roles = frozenset({Role.SYSADMIN})
    change_roles = frozenset({Role.SYSADMIN, Role.SECADMIN})
    delete_roles = frozenset({Role.SYSADMIN})

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


@todo_provider
def locked_accounts(user) -> list[Todo]:
    if role_of(user) != Role.SECADMIN:
        return []
    from axes.models import AccessAttempt

    count = AccessAttempt.objects.filter(failures_since_start__gte=5).count()
    return (
        [Todo(_("%(count)s 个账号因登录失败被锁定") % {"count": count}, "/accounts/lockouts/", count)] if count else []
    )


def password_changed(request):
    messages.success(request, _("密码已修改。"))
    return redirect("core:home")
