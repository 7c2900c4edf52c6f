"""What the accounts give others: the administrators' to-dos (locked accounts, role changes
waiting for a second administrator)."""

from django.utils.translation import gettext as _

from rencai.accounts import services
from rencai.accounts.models import RoleChange, RoleChangeState
from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider


@todo_provider
def locked_accounts(user) -> list[Todo]:
    if role_of(user) != Role.SECADMIN:
        return []
    from axes.models import AccessAttempt

    count = AccessAttempt.objects.filter(failures_since_start__gte=5).count()
    return (
        [Todo(_("%(count)s 个账号因登录失败被锁定") % {"count": count}, "/accounts/lockouts/", count)] if count else []
    )


@todo_provider
def pending_role_changes(user) -> list[Todo]:
    if getattr(user, "role", None) not in services.CONFIRMERS:
        return []
    pending = RoleChange.objects.filter(state=RoleChangeState.PENDING).exclude(requested_by=user).exclude(user=user)
    count = pending.count()
    return (
        [Todo(_("%(count)s 项角色变更待您确认") % {"count": count}, "/accounts/role-changes/", count)] if count else []
    )
