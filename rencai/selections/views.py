"""Selections declared once (pages, export, API) with their workflows, and their own pages:
the vote, material downloads, the results table and the generated notices."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.actions import Action, ActionRefused, Transition, Workflow, reason_input
from rencai.core.context import client_ip
from rencai.core.exports import xlsx_response
from rencai.core.generic import RoleRequiredMixin
from rencai.core.models import AuditAction
from rencai.core.objects import ObjectConfig, Section, register, related_sections, section_provider
from rencai.core.roles import BUSINESS_ROLES, CITYWIDE_READERS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.core.uploads import check_upload
from rencai.evaluation.models import ReviewState
from rencai.evaluation.services import close_review
from rencai.selections import documents, services
from rencai.selections.filters import ApplicationFilter, CampaignFilter
from rencai.selections.models import (
    Application,
    ApplicationRoute,
    ApplicationState,
    Campaign,
    CampaignQuota,
    CampaignState,
    Material,
    Objection,
    ObjectionState,
    UnitAward,
)
from rencai.talents.models import Talent

OFFICE = frozenset({Role.OFFICE})
OFFICE_AND_LEADERS = frozenset({Role.OFFICE, Role.LEADER})
APPLICANTS = frozenset({Role.OFFICE, Role.LIAISON, Role.TALENT})
OWNERS = frozenset({Role.LIAISON, Role.TALENT, Role.OFFICE})


# --- campaigns ---------------------------------------------------------------------------


def _start_review(campaign: Campaign, user, data: dict) -> None:
    services.start_review(campaign, user)


def _start_vote(campaign: Campaign, user, data: dict) -> None:
    services.require_scoring_finished(campaign)
    if campaign.review.state != ReviewState.CLOSED:
        close_review(campaign.review)


def _start_publicity(campaign: Campaign, user, data: dict) -> None:
    services.shortlist(campaign)


def _decide_inputs() -> dict:
    return {
        "decided_on": forms.DateField(label=_("决定日期"), initial=timezone.localdate),
        "results_number": forms.CharField(label=_("结果文号"), max_length=100, help_text=_("例如：济金办〔2026〕18号")),
    }


def _decide(campaign: Campaign, user, data: dict) -> None:
    services.decide(campaign, data["decided_on"], data["results_number"])


def _has_vote(campaign: Campaign, user) -> bool:
    return campaign.has_public_vote


def _no_vote(campaign: Campaign, user) -> bool:
    return not campaign.has_public_vote or campaign.state == CampaignState.VOTING


CAMPAIGN_WORKFLOW = Workflow(
    "state",
    [
        Transition("publish", _("发布评选通知"), (CampaignState.DRAFT,), CampaignState.OPEN, OFFICE, style="primary"),
        Transition(
            "close_applications", _("截止申报，开始资格审查"), (CampaignState.OPEN,), CampaignState.ELIGIBILITY, OFFICE
        ),
        Transition(
            "start_review",
            _("进入专家评审"),
            (CampaignState.ELIGIBILITY,),
            CampaignState.REVIEW,
            OFFICE,
            effect=_start_review,
            style="primary",
        ),
        Transition(
            "start_vote",
            _("结束专家评分，开始公众投票"),
            (CampaignState.REVIEW,),
            CampaignState.VOTING,
            OFFICE,
            effect=_start_vote,
            condition=_has_vote,
        ),
        Transition(
            "start_publicity",
            _("确定入围名单并公示"),
            (CampaignState.REVIEW, CampaignState.VOTING),
            CampaignState.PUBLICITY,
            OFFICE,
            effect=_start_publicity,
            condition=_no_vote,
            style="primary",
        ),
        Transition(
            "decide",
            _("作出决定并公布结果"),
            (CampaignState.PUBLICITY,),
            CampaignState.DECIDED,
            OFFICE,
            inputs=_decide_inputs,
            effect=_decide,
            style="success",
        ),
        Transition(
            "cancel",
            _("取消评选"),
            (CampaignState.DRAFT, CampaignState.OPEN, CampaignState.ELIGIBILITY),
            CampaignState.CANCELLED,
            OFFICE,
            style="outline-danger",
        ),
    ],
)


@register
class CampaignObjects(ObjectConfig):
    model = Campaign
    slug = "campaigns"
    nav_section = "selections"
    list_columns = ["year", "name", "kind", "state", "opens_on", "closes_on", "quota_total", "publicity_ends_on"]
    form_fields = [
        "name",
        "kind",
        "year",
        "notice_number",
        "call_notice",
        "opens_on",
        "closes_on",
        "quota_total",
        "allow_self_application",
        "max_age",
        "age_on",
        "min_service_years",
        "tiers",
        "categories",
        "require_clean_record",
        "required_materials",
        "rubric",
        "expert_weight",
        "qualification_weight",
        "vote_weight",
        "has_public_vote",
        "votes_per_ip_per_day",
        "publicity_days",
        "honour_name",
        "honour_level",
        "awarded_by",
        "winners_pool",
    ]
    detail_fields = [
        *form_fields[:3],
        "state",
        *form_fields[3:],
        "publicity_starts_on",
        "publicity_ends_on",
        "review",
        "results_number",
        "decided_on",
    ]
    filterset_class = CampaignFilter
    search_fields = ["name"]
    ordering = ["-year", "-id"]
    change_roles = OFFICE
    actions = CAMPAIGN_WORKFLOW.actions()

    def editable(self, user):
        """Rules are fixed once applications are being checked."""
        return super().editable(user).filter(state__in=[CampaignState.DRAFT, CampaignState.OPEN])

    def before_save(self, instance, user, creating):
        if not creating and instance.state not in (CampaignState.DRAFT, CampaignState.OPEN):
            raise ActionRefused(_("评选已进入资格审查，不能再修改评选规则。"))

    def detail_links(self, obj, user) -> list[tuple[str, str]]:
        role = role_of(user)
        links = []
        if obj.state == CampaignState.VOTING:
            links.append((_("参加投票"), reverse("selections:vote", args=[obj.pk])))
        if role in CITYWIDE_READERS and obj.review_id:
            links.append((_("评审排名"), reverse("evaluation:ranking", args=[obj.review_id])))
        if role in CITYWIDE_READERS and obj.state in (CampaignState.PUBLICITY, CampaignState.DECIDED):
            links.append((_("公示通知（Word）"), reverse("selections:document", args=[obj.pk, "publicity"])))
            links.append((_("排名及结果（Excel）"), reverse("selections:results-xlsx", args=[obj.pk])))
        if role in CITYWIDE_READERS and obj.state == CampaignState.DECIDED:
            links.append((_("结果通报（Word）"), reverse("selections:document", args=[obj.pk, "results"])))
        if obj.state == CampaignState.OPEN and role in APPLICANTS:
            links.append((_("申报/推荐"), f"{reverse('objects:applications-create')}?campaign={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [
                (_("推荐名额"), CampaignQuota, ["organization", "quota"]),
                (_("申报"), Application, ["talent", "subject_name", "organization", "route", "state", "rank"]),
            ],
            user,
            campaign=obj.pk,
        )
        if obj.state in (CampaignState.PUBLICITY, CampaignState.DECIDED):
            sections.append(self.publicity_section(obj, user))
        return sections

    def publicity_section(self, obj: Campaign, user) -> Section:
        """The shortlist is public: every logged-in user sees it and may object."""
        shortlisted = obj.applications.filter(
            state__in=[ApplicationState.SHORTLISTED, ApplicationState.WINNER, ApplicationState.DISQUALIFIED]
        ).select_related("talent", "organization")
        in_publicity = obj.in_publicity()
        rows = []
        for a in shortlisted.order_by("rank"):
            object_link = ""
            if in_publicity and a.state == ApplicationState.SHORTLISTED:
                object_link = f"{reverse('objects:objections-create')}?application={a.pk}"
            rows.append(
                (
                    object_link,
                    [a.display_name, a.organization.name, a.get_state_display(), _("提出异议") if object_link else ""],
                )
            )
        title = _("入围名单（公示期 %(start)s 至 %(end)s）") % {
            "start": obj.publicity_starts_on,
            "end": obj.publicity_ends_on,
        }
        return Section(
            title=title,
            headers=[_("姓名/名称"), _("单位"), _("状态"), _("异议")],
            rows=[(url, cells[:3] + [cells[3]]) for url, cells in rows],
            key="publicity",
        )


@register
class QuotaObjects(ObjectConfig):
    model = CampaignQuota
    slug = "campaign-quotas"
    list_columns = ["campaign", "organization", "quota"]
    form_fields = ["campaign", "organization", "quota"]
    view_roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})
    change_roles = OFFICE


# --- applications --------------------------------------------------------------------------


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["campaign", "talent", "subject_name", "organization", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}


class SelfApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["campaign", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}


def _pass(application: Application, user, data: dict) -> None:
    missing = [k for k in application.campaign.material_kinds() if not application.materials.filter(kind=k).exists()]
    if missing:
        raise ActionRefused(_("缺少申报材料：%(kinds)s。") % {"kinds": "、".join(missing)})
    if application.talent_id:
        problems = services.ineligibility(application.campaign, application.talent)
        if problems:
            raise ActionRefused(" ".join(problems))


def _is_owner(application: Application, user) -> bool:
    if role_of(user) == Role.TALENT:
        return application.talent_id is not None and application.talent.user_id == user.pk
    return True


def _resubmit(application: Application, user, data: dict) -> None:
    if application.campaign.state not in (CampaignState.OPEN, CampaignState.ELIGIBILITY):
        raise ActionRefused(_("资格审查已结束，不能再提交。"))
    if application.talent_id:
        problems = services.ineligibility(application.campaign, application.talent)
        if problems:
            raise ActionRefused(" ".join(problems))


def _in_checking(application: Application, user) -> bool:
    return application.campaign.state in (CampaignState.OPEN, CampaignState.ELIGIBILITY)


APPLICATION_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "pass",
            _("资格审查通过"),
            (ApplicationState.SUBMITTED,),
            ApplicationState.ELIGIBLE,
            OFFICE,
            effect=_pass,
            condition=_in_checking,
            style="success",
        ),
        Transition(
            "return",
            _("退回修改"),
            (ApplicationState.SUBMITTED,),
            ApplicationState.RETURNED,
            OFFICE,
            inputs=reason_input(_("退回理由")),
            condition=_in_checking,
        ),
        Transition(
            "reject",
            _("资格审查不通过"),
            (ApplicationState.SUBMITTED,),
            ApplicationState.INELIGIBLE,
            OFFICE,
            inputs=reason_input(_("不通过理由")),
            condition=_in_checking,
            style="outline-danger",
        ),
        Transition(
            "resubmit",
            _("修改后重新提交"),
            (ApplicationState.RETURNED,),
            ApplicationState.SUBMITTED,
            OWNERS,
            effect=_resubmit,
            condition=_is_owner,
            style="primary",
        ),
        Transition(
            "withdraw",
            _("撤回申报"),
            (ApplicationState.SUBMITTED, ApplicationState.RETURNED),
            ApplicationState.WITHDRAWN,
            OWNERS,
            condition=lambda a, user: _is_owner(a, user) and _in_checking(a, user),
            style="outline-danger",
        ),
    ],
)


@register
class ApplicationObjects(ObjectConfig):
    model = Application
    slug = "applications"
    nav_section = "selections"
    list_columns = ["campaign", "talent", "subject_name", "organization", "route", "state", "rank", "total_score"]
    detail_fields = [
        "campaign",
        "route",
        "talent",
        "subject_name",
        "organization",
        "summary",
        "submitted_by",
        "state",
        "reason",
        "rank",
        "total_score",
    ]
    filterset_class = ApplicationFilter
    search_fields = ["talent__name_simplified", "subject_name"]
    ordering = ["campaign", "rank", "id"]
    view_roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.TALENT, Role.REVIEWER})
    create_roles = APPLICANTS
    change_roles = APPLICANTS
    actions = APPLICATION_WORKFLOW.actions()

    def can_create(self, user) -> bool:
        """A talent applies for themself, so only with a registered profile."""
        if role_of(user) == Role.TALENT and not Talent.objects.filter(user=user).exists():
            return False
        return super().can_create(user)

    def get_form_class(self, user, instance=None):
        if role_of(user) != Role.TALENT:
            return ApplicationForm
        talent = Talent.objects.filter(user=user).first()

        class OwnApplicationForm(SelfApplicationForm):
            """The applicant is the talent themself, set before the model's checks run."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.talent_id is None:
                    self.instance.talent = talent
                    self.instance.organization = talent.organization

        return OwnApplicationForm

    def editable(self, user):
        editable = super().editable(user).filter(state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED])
        if role_of(user) == Role.TALENT:
            return Application.objects.filter(talent__user=user, state=ApplicationState.RETURNED)
        return editable

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        campaigns = Campaign.objects.filter(state=CampaignState.OPEN)
        if role_of(user) == Role.TALENT:
            campaigns = campaigns.filter(allow_self_application=True)
        if form.instance.pk:
            campaigns = Campaign.objects.filter(pk=form.instance.campaign_id)
        form.fields["campaign"].queryset = campaigns
        self.fit_to_campaign(form, campaigns)
        if "organization" in form.fields:
            form.fields["organization"].required = False
            form.fields["organization"].help_text = _("单位、党支部、项目、品牌类评选填写；个人评选按申报人所在单位。")

    def fit_to_campaign(self, form, campaigns) -> None:
        """Ask for a person in an individual selection and for a named unit otherwise."""
        chosen = form.data.get("campaign") or form.initial.get("campaign") or form.instance.campaign_id
        campaign = campaigns.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
        if campaign is None or "talent" not in form.fields:
            return
        unused = ("subject_name", "organization") if campaign.is_individual else ("talent",)
        for name in unused:
            del form.fields[name]

    def before_save(self, instance, user, creating):
        if role_of(user) == Role.TALENT:
            instance.talent = Talent.objects.get(user=user)
            instance.route = ApplicationRoute.SELF
            if creating and not instance.campaign.allow_self_application:
                raise ActionRefused(_("本次评选不接受个人自主申报，请通过所在单位推荐。"))
        elif creating:
            instance.route = ApplicationRoute.NOMINATION
        if instance.talent_id:
            instance.organization = instance.talent.organization
        elif instance.organization_id is None:
            instance.organization = user.organization
        if instance.route == ApplicationRoute.NOMINATION and role_of(user) == Role.LIAISON:
            own = user.organization.path
            if not instance.organization.path.startswith(own):
                raise ActionRefused(_("只能推荐本单位（含下属机构）的人员或项目。"))
        if creating:
            instance.submitted_by = user
        instance.full_clean()
        if creating:
            services.check_application(instance)

    def after_save(self, instance, user, creating):
        kinds = instance.campaign.material_kinds()
        if creating and kinds:
            return _("请上传申报材料：%(kinds)s。") % {"kinds": "、".join(kinds)}
        return None

    def detail_links(self, obj, user):
        links = []
        if obj.state in (ApplicationState.SUBMITTED, ApplicationState.RETURNED) and role_of(user) in APPLICANTS:
            links.append((_("上传材料"), f"{reverse('objects:materials-create')}?application={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        return materials_section(obj, user)


def materials_section(application: Application, user) -> list[Section]:
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


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["application", "kind", "file"]


@register
class MaterialObjects(ObjectConfig):
    model = Material
    slug = "materials"
    list_columns = ["application", "kind", "file_name", "file_type", "file_size"]
    detail_fields = ["application", "kind", "file_name", "file_type", "file_size", "sha256"]
    form_class = MaterialForm
    view_roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.TALENT, Role.REVIEWER})
    create_roles = APPLICANTS
    change_roles = frozenset()
    delete_roles = APPLICANTS

    def editable(self, user):
        if role_of(user) == Role.TALENT:
            return Material.objects.filter(
                application__talent__user=user,
                application__state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED],
            )
        return (
            super()
            .editable(user)
            .filter(application__state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED])
        )

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        applications = ApplicationObjects().editable(user)
        form.fields["application"].queryset = applications
        form.fields["file"].help_text = _("PDF、Word、Excel或图片，不超过20MB；按文件内容识别格式。")

    def before_save(self, instance, user, creating):
        if instance.application.state not in (ApplicationState.SUBMITTED, ApplicationState.RETURNED):
            raise ActionRefused(_("该申报已进入审查，不能再上传材料。"))
        checked = check_upload(instance.file.file)
        instance.file_name = instance.file.name.rsplit("/", 1)[-1][:200]
        instance.file_type = checked.kind
        instance.file_size = checked.size
        instance.sha256 = checked.sha256

    def detail_links(self, obj, user):
        return [(_("下载"), reverse("selections:material-download", args=[obj.pk]))]


# --- objections and awards -----------------------------------------------------------------


def _handle(upheld: bool):
    def perform(objection: Objection, user, data: dict) -> str:
        services.handle_objection(objection, upheld, data["handling_reason"])
        return _("异议已处理：%(state)s") % {"state": objection.get_state_display()}

    return perform


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["application", "content", "contact"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}


@register
class ObjectionObjects(ObjectConfig):
    model = Objection
    slug = "objections"
    nav_section = "selections"
    list_columns = ["application", "state", "handled_at"]
    detail_fields = ["application", "filed_by", "content", "contact", "state", "handling_reason", "handled_at"]
    form_class = ObjectionForm
    view_roles = BUSINESS_ROLES
    create_roles = BUSINESS_ROLES
    change_roles = frozenset()
    delete_roles = frozenset()
    actions = [
        *[
            Action(
                name,
                label,
                OFFICE,
                _handle(upheld),
                inputs=reason_input(_("处理意见"), name="handling_reason"),
                available=lambda o, user: o.state == ObjectionState.OPEN,
                style=style,
            )
            for name, label, upheld, style in (
                ("uphold", _("异议成立（取消入围资格）"), True, "outline-danger"),
                ("dismiss", _("异议不成立"), False, "outline-primary"),
            )
        ]
    ]

    def limit_form_choices(self, form, user) -> None:
        form.fields["application"].queryset = Application.objects.filter(
            state=ApplicationState.SHORTLISTED, campaign__state=CampaignState.PUBLICITY
        ).select_related("campaign", "talent")

    def before_save(self, instance, user, creating):
        instance.filed_by = user
        services.file_objection(instance)

    def after_save(self, instance, user, creating):
        return _("异议已提交，办公室将在公示期满前核实处理。")


@register
class UnitAwardObjects(ObjectConfig):
    model = UnitAward
    slug = "unit-awards"
    nav_section = "selections"
    list_columns = ["subject_name", "organization", "title", "awarded_on", "document_number", "campaign"]
    search_fields = ["subject_name", "title"]
    view_roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})
    create_roles = frozenset()
    change_roles = frozenset()
    delete_roles = frozenset()


@section_provider("organizations")
def organization_awards(organization, user) -> list[Section]:
    return related_sections(
        [(_("单位荣誉"), UnitAward, ["subject_name", "title", "awarded_on", "document_number"])],
        user,
        organization=organization.pk,
    )


# --- own pages ------------------------------------------------------------------------------


class VoteView(RoleRequiredMixin, TemplateView):
    """The public vote: candidates in review, one vote per account per day."""

    template_name = "selections/vote.html"
    roles = BUSINESS_ROLES
    denied_message = gettext_lazy("您的角色无权投票。")

    def campaign(self) -> Campaign:
        return get_object_or_404(Campaign, pk=self.kwargs["pk"], has_public_vote=True)

    def get_context_data(self, **kwargs):
        campaign = self.campaign()
        candidates = campaign.applications.filter(state=ApplicationState.IN_REVIEW).select_related(
            "talent", "organization"
        )
        voted_today = campaign.votes.filter(voter=self.request.user, voted_on=timezone.localdate()).first()
        return {"campaign": campaign, "candidates": candidates, "voted_today": voted_today}

    def post(self, request, *args, **kwargs):
        campaign = self.campaign()
        application = get_object_or_404(campaign.applications, pk=request.POST.get("application"))
        try:
            services.cast_vote(application, request.user, client_ip(request))
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("投票成功：%(name)s") % {"name": application.display_name})
        return HttpResponseRedirect(reverse("selections:vote", args=[campaign.pk]))


class MaterialDownloadView(RoleRequiredMixin, View):
    roles = BUSINESS_ROLES
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        material = get_object_or_404(Material.objects.visible_to(request.user), pk=pk)
        audit.record(AuditAction.EXPORT, obj=material, changes={"download": material.file_name}, request=request)
        return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.file_name)


class ResultsExportView(RoleRequiredMixin, View):
    roles = CITYWIDE_READERS

    def get(self, request, pk: int):
        campaign = get_object_or_404(Campaign, pk=pk)
        content, rows = documents.results_xlsx(campaign)
        audit.record(AuditAction.EXPORT, obj=campaign, changes={"export": "results", "rows": rows}, request=request)
        return xlsx_response(content, f"{campaign}-排名及结果")


class DocumentView(RoleRequiredMixin, View):
    roles = CITYWIDE_READERS

    def get(self, request, pk: int, kind: str):
        campaign = get_object_or_404(Campaign, pk=pk)
        writers = {"publicity": documents.publicity_notice, "results": documents.results_notice}
        if kind not in writers:
            raise Http404
        try:
            name, content = writers[kind](campaign)
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("objects:campaigns-detail", args=[campaign.pk]))
        audit.record(AuditAction.EXPORT, obj=campaign, changes={"document": kind}, request=request)
        response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.docx")
        return response


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
    if role in BUSINESS_ROLES:
        publicity = Campaign.objects.filter(state=CampaignState.PUBLICITY).count()
        if publicity:
            todos.append(
                Todo(_("正在公示的评选"), reverse("objects:campaigns-list") + "?state=publicity", publicity, "info")
            )
    return todos
