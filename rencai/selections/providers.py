"""What selections give others: the to-dos of the office and institutions, the
application a reviewer reads beside the scoring form, and a unit's honours on its page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.objects import Section, registered, related_sections, section_provider
from rencai.core.portal import PortalCard, PortalItem, detail_url, portal_card
from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.selections.models import (
    Application,
    ApplicationState,
    Campaign,
    CampaignState,
    Material,
    Objection,
    ObjectionState,
    UnitAward,
)


def materials_section(application: Application, user) -> list[Section]:
    """An application's materials (each a download) and the ones still missing."""
    materials = Material.objects.visible_to(user).filter(application=application)
    rows = [
        (
            reverse("selections:material-download", args=[m.pk]),
            [m.kind, m.file_name, m.file_type, f"{m.file_size // 1024} KB"],
        )
        for m in materials
    ]
    notes = []
    missing = [k for k in application.campaign.material_kinds() if not materials.filter(kind=k).exists()]
    if missing:
        notes.append(_("尚缺材料：%(kinds)s") % {"kinds": "、".join(missing)})
    return [
        Section(
            title=_("申报材料"),
            headers=[_("材料名称"), _("文件名"), _("类型"), _("大小")],
            rows=rows,
            key="materials",
            notes=notes,
        )
    ]


@section_provider("review-items")
def application_for_reviewer(item, user) -> list[Section]:
    """What a reviewer reads before scoring: the application's summary and materials."""
    application = Application.objects.visible_to(user).filter(review_item=item).first()
    if application is None:
        return []
    summary = Section(
        title=_("申报材料摘要"),
        headers=[_("申报对象"), _("单位"), _("主要事迹")],
        rows=[("", [application.display_name, application.organization.name, application.summary])],
        key="summary",
    )
    return [summary, *materials_section(application, user)]


@section_provider("organizations")
def organization_awards(organization, user) -> list[Section]:
    return related_sections(
        [(_("单位荣誉"), UnitAward, ["subject_name", "title", "awarded_on", "document_number"])],
        user,
        organization=organization.pk,
    )


@todo_provider
def selection_todos(user) -> list[Todo]:
    role = role_of(user)
    todos = []
    if role == Role.OFFICE:
        pending = Application.objects.filter(state=ApplicationState.SUBMITTED).count()
        if pending:
            todos.append(
                Todo(_("待资格审查的申报"), reverse("objects:applications-list") + "?state=submitted", pending)
            )
        objections = Objection.objects.filter(state=ObjectionState.OPEN).count()
        if objections:
            todos.append(Todo(_("待处理的公示异议"), reverse("objects:objections-list"), objections, "danger"))
    if role == Role.LIAISON:
        returned = Application.objects.visible_to(user).filter(state=ApplicationState.RETURNED).count()
        if returned:
            todos.append(
                Todo(_("被退回修改的申报"), reverse("objects:applications-list") + "?state=returned", returned)
            )
    if registered()["campaigns"].can_view(user):
        publicity = Campaign.objects.filter(state=CampaignState.PUBLICITY).count()
        if publicity:
            todos.append(
                Todo(_("正在公示的评选"), reverse("objects:campaigns-list") + "?state=publicity", publicity, "info")
            )
    return todos


@portal_card(40)
def my_applications(user) -> list[PortalCard]:
    """我的评审: the selections the talent applied to (or was nominated for), and open calls."""
    if role_of(user) != Role.TALENT:
        return []
    applications = registered()["applications"].visible(user).select_related("campaign").order_by("-id")
    waiting = (ApplicationState.RETURNED,)
    items = [
        PortalItem(
            str(a.campaign),
            detail_url("applications", a.pk),
            a.get_state_display(),
            "warning" if a.state in waiting else ("success" if a.state == ApplicationState.WINNER else "secondary"),
        )
        for a in applications[:5]
    ]
    open_calls = registered()["campaigns"].visible(user).filter(state=CampaignState.OPEN)
    return [
        PortalCard(
            "applications",
            _("我的评审"),
            figures=[(_("我的申报"), str(applications.count())), (_("正在申报的评选"), str(open_calls.count()))],
            items=items,
            links=[
                (_("我的申报"), reverse("objects:applications-list")),
                (_("评选活动"), reverse("objects:campaigns-list") + "?state=open"),
            ],
            empty=_("暂无申报记录。"),
        )
    ]
