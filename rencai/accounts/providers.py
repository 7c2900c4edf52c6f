"""What the accounts give others: the security administrator's to-do of locked accounts."""

from django.utils.translation import gettext as _

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
