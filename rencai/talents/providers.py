"""What the registry gives others: the to-dos of pending change requests and ending terms."""

from django.utils.translation import gettext as _

from rencai.core.roles import OFFICE_ONLY, STAFF_AND_LIAISONS, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.talents.models import ChangeRequest, ChangeState, PoolMembership


@todo_provider
def pending_change_requests(user) -> list[Todo]:
    """For those who decide change requests (the office)."""
    if role_of(user) not in OFFICE_ONLY:
        return []
    count = ChangeRequest.objects.visible_to(user).filter(state=ChangeState.PENDING).count()
    if not count:
        return []
    return [
        Todo(_("%(count)s 条人才关键信息变更申请待审核") % {"count": count}, "/o/change-requests/?state=pending", count)
    ]


@todo_provider
def pool_terms_ending(user) -> list[Todo]:
    if role_of(user) not in STAFF_AND_LIAISONS:
        return []
    count = PoolMembership.objects.visible_to(user).ending_within(60).count()
    if not count:
        return []
    title = _("%(count)s 名人才的入库任期将在60天内届满") % {"count": count}
    return [Todo(title, "/o/pool-memberships/?status=ending", count)]
