"""What the services give other parts: the services of a talent on their profile, and the
to-dos of overdue duties and requests."""

from django.db import models
from django.utils.translation import gettext as _

from rencai.core.objects import Section, related_sections, section_provider
from rencai.core.roles import STAFF_AND_LIAISONS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.services.models import RequestState, ServiceDuty, ServiceRequest, Visit
from rencai.talents.models import Talent


@section_provider("talents")
def talent_services(talent: Talent, user) -> list[Section]:
    parts: list[tuple[str, type[models.Model], list[str]]] = [
        (_("服务任务"), ServiceDuty, ["title", "kind", "assigned_to", "due_date", "state", "is_overdue"]),
        (_("走访联系"), Visit, ["visited_on", "kind", "visitor", "matters_raised"]),
        (_("服务诉求"), ServiceRequest, ["title", "category", "state", "due_date", "is_overdue"]),
    ]
    return related_sections(parts, user, talent=talent.pk)


@todo_provider
def overdue_services(user) -> list[Todo]:
    if role_of(user) not in STAFF_AND_LIAISONS:
        return []
    todos = []
    duties = ServiceDuty.objects.visible_to(user).overdue().count()
    if duties:
        todos.append(Todo(_("%(n)s 项分层服务任务已逾期") % {"n": duties}, "/o/service-duties/?overdue=true", duties))
    requests = ServiceRequest.objects.visible_to(user).overdue().count()
    if requests:
        todos.append(
            Todo(_("%(n)s 件服务诉求超过办理期限") % {"n": requests}, "/o/service-requests/?overdue=true", requests)
        )
    waiting = ServiceRequest.objects.visible_to(user).filter(state=RequestState.OPEN).count()
    if waiting and role_of(user) == Role.OFFICE:
        todos.append(Todo(_("%(n)s 件服务诉求待分派") % {"n": waiting}, "/o/service-requests/?state=open", waiting))
    return todos
