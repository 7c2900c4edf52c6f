"""What the services give other parts: the services of a talent on their profile, and the
to-dos of overdue duties and requests."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.objects import Section, registered, related_sections, section_provider
from rencai.core.portal import PortalCard, PortalItem, detail_url, portal_card
from rencai.core.roles import STAFF_AND_LIAISONS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.services.models import DutyState, RequestState, ServiceDuty, ServiceRequest, Visit
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


@portal_card(30)
def my_services(user) -> list[PortalCard]:
    """我的服务: what the office and the institution owe the talent, and their requests."""
    if role_of(user) != Role.TALENT:
        return []
    duties = registered()["service-duties"].visible(user).filter(state=DutyState.OPEN).order_by("due_date")
    requests = registered()["service-requests"].visible(user).order_by("-id")
    open_requests = requests.exclude(state__in=(RequestState.CONFIRMED, RequestState.CANCELLED))
    items = [
        PortalItem(str(d.title), detail_url("service-duties", d.pk), _("应办 %(date)s") % {"date": d.due_date})
        for d in duties[:3]
    ]
    items += [
        PortalItem(
            str(r.title),
            detail_url("service-requests", r.pk),
            r.get_state_display(),
            "warning" if r.state == RequestState.RESOLVED else "secondary",
        )
        for r in requests[:5]
    ]
    links = [(_("我的服务诉求"), reverse("objects:service-requests-list"))]
    if registered()["service-requests"].can_create(user):
        links.insert(0, (_("提出服务诉求"), reverse("objects:service-requests-create")))
    return [
        PortalCard(
            "services",
            _("我的服务"),
            figures=[(_("为我办理中的服务"), str(duties.count())), (_("办理中的诉求"), str(open_requests.count()))],
            items=items,
            links=links,
            empty=_("暂无服务记录。遇到落户、子女入学、住房、融资等困难，可以提出服务诉求。"),
        )
    ]
