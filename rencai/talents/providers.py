"""What the registry gives others: the to-dos of pending change requests and ending terms."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.objects import registered
from rencai.core.portal import PortalCard, PortalItem, detail_url, portal_card
from rencai.core.roles import OFFICE_ONLY, STAFF_AND_LIAISONS, Role, role_of
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


# --- the talent's own page -------------------------------------------------------------------


@portal_card(10)
def my_record(user) -> list[PortalCard]:
    """我的档案: the talent's record and their change requests; 我的荣誉."""
    if role_of(user) != Role.TALENT:
        return []
    talents = registered()["talents"]
    me = talents.visible(user).select_related("organization", "category", "tier", "level").first()
    if me is None:
        return [PortalCard("record", _("我的档案"), empty=_("您的账号尚未关联人才档案，请联系本机构联络员登记。"))]
    figures = [
        (_("所在机构"), str(me.organization)),
        (_("人才类别"), str(me.category or "—")),
        (_("人才层级"), str(me.tier or _("未定层级"))),
    ]
    if me.level_id:
        figures.append((_("百千万层次"), str(me.level)))
    requests = registered()["change-requests"].visible(user).order_by("-id")[:5]
    items = [
        PortalItem(
            _("%(date)s 提交的变更申请") % {"date": timezone.localtime(r.created_at).strftime("%Y-%m-%d")},
            detail_url("change-requests", r.pk),
            r.get_state_display(),
            "warning" if r.state in (ChangeState.PENDING, ChangeState.RETURNED) else "secondary",
        )
        for r in requests
    ]
    record = PortalCard(
        "record",
        _("我的档案"),
        figures=figures,
        items=items,
        links=[
            (_("查看完整档案"), detail_url("talents", me.pk)),
            (_("修改我的信息"), reverse("objects:talents-edit", args=[me.pk])),
            (_("全部变更申请"), reverse("objects:change-requests-list")),
        ],
        empty=_("修改姓名、证件号码、所在机构等关键信息时，平台会生成变更申请，审核通过后生效。"),
    )
    honours = registered()["honours"].visible(user).order_by("-awarded_on")
    honour_card = PortalCard(
        "honours",
        _("我的荣誉"),
        figures=[(_("荣誉"), str(honours.count()))],
        items=[
            PortalItem(str(h.name), detail_url("honours", h.pk), f"{h.awarded_on:%Y-%m} · {h.get_level_display()}")
            for h in honours[:5]
        ],
        links=[(_("全部荣誉"), reverse("objects:honours-list"))],
        empty=_("暂无荣誉记录。"),
    )
    return [record, honour_card]
