"""Selections declared once for pages, export and API: campaigns and their quotas,
applications and their materials, objections, and the honours of units."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Conflict, Refused
from rencai.core.objects import (
    Action,
    ObjectConfig,
    Policy,
    Section,
    reason_input,
    register,
    registered,
    related_sections,
)
from rencai.core.roles import (
    ALL_BUT_EXPERTS,
    BUSINESS_ROLES,
    CITYWIDE_READERS,
    NOBODY,
    OFFICE_AND_LIAISONS,
    OFFICE_LIAISONS_AND_TALENTS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    Role,
    role_of,
)
from rencai.core.uploads import check_and_record_upload
from rencai.selections import services
from rencai.selections.filters import ApplicationFilter, CampaignFilter
from rencai.selections.forms import ApplicationForm, MaterialForm, ObjectionForm, own_application_form
from rencai.selections.imports import HistoricResultSchema
from rencai.selections.models import (
    Application,
    ApplicationRoute,
    ApplicationState,
    Campaign,
    CampaignQuota,
    CampaignState,
    HistoricResult,
    Material,
    Objection,
    ObjectionState,
    UnitAward,
)
from rencai.selections.providers import materials_section
from rencai.selections.workflows import APPLICATION_WORKFLOW, CAMPAIGN_WORKFLOW
from rencai.talents.models import Talent

#: Applications still open to changes and new materials (before the eligibility check).
OPEN_APPLICATION_STATES = (ApplicationState.SUBMITTED, ApplicationState.RETURNED)

# --- campaigns ---------------------------------------------------------------------------


def _rules_open(campaigns, user):
    """Rules are fixed once applications are being checked."""
    return campaigns.filter(state__in=[CampaignState.DRAFT, CampaignState.OPEN])


@register
class CampaignObjects(ObjectConfig):
    model = Campaign
    slug = "campaigns"
    nav_section = "selections"
    nav_roles = ALL_BUT_EXPERTS
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
    policy = Policy(change=OFFICE_ONLY, narrow_editable=_rules_open)
    actions = CAMPAIGN_WORKFLOW.actions()

    def before_save(self, instance, user, creating):
        if not creating and instance.state not in (CampaignState.DRAFT, CampaignState.OPEN):
            raise Conflict(_("评选已进入资格审查，不能再修改评选规则。"))

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
        if obj.state == CampaignState.OPEN and role in ApplicationObjects.policy.roles("create"):
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
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)


# --- applications --------------------------------------------------------------------------


def _may_apply(user) -> bool:
    """A talent applies for themself, so only with a registered profile."""
    return role_of(user) != Role.TALENT or Talent.objects.filter(user=user).exists()


def _open_applications(applications, user):
    """Applications change only before the eligibility check (a talent's own, moreover,
    only once returned to them: ``Application.talent_scope``)."""
    return applications.filter(state__in=OPEN_APPLICATION_STATES)


@register
class ApplicationObjects(ObjectConfig):
    model = Application
    slug = "applications"
    nav_section = "selections"
    nav_roles = OFFICE_LIAISONS_AND_TALENTS
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
    policy = Policy(
        view=BUSINESS_ROLES,
        create=OFFICE_LIAISONS_AND_TALENTS,
        change=OFFICE_LIAISONS_AND_TALENTS,
        narrow_editable=_open_applications,
        may_create=_may_apply,
    )
    actions = APPLICATION_WORKFLOW.actions()

    def get_form_class(self, user, instance=None):
        if role_of(user) != Role.TALENT:
            return ApplicationForm
        return own_application_form(Talent.objects.filter(user=user).first())

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
                raise Refused(_("本次评选不接受个人自主申报，请通过所在单位推荐。"))
        elif creating:
            instance.route = ApplicationRoute.NOMINATION
        if instance.talent_id:
            instance.organization = instance.talent.organization
        elif instance.organization_id is None:
            instance.organization = user.organization
        if instance.route == ApplicationRoute.NOMINATION and role_of(user) == Role.LIAISON:
            own = user.organization.path
            if not instance.organization.path.startswith(own):
                raise Refused(_("只能推荐本单位（含下属机构）的人员或项目。"))
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
        if obj.state in OPEN_APPLICATION_STATES and registered()["materials"].can_create(user):
            links.append((_("上传材料"), f"{reverse('objects:materials-create')}?application={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        return materials_section(obj, user)


def _materials_of_open_applications(materials, user):
    return materials.filter(application__state__in=OPEN_APPLICATION_STATES)


@register
class MaterialObjects(ObjectConfig):
    model = Material
    slug = "materials"
    list_columns = ["application", "kind", "file_name", "file_type", "file_size"]
    detail_fields = ["application", "kind", "file_name", "file_type", "file_size", "sha256"]
    form_class = MaterialForm
    policy = Policy(
        view=BUSINESS_ROLES,
        create=OFFICE_LIAISONS_AND_TALENTS,
        change=NOBODY,
        delete=OFFICE_LIAISONS_AND_TALENTS,
        narrow_editable=_materials_of_open_applications,
    )

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["application"].queryset = registered()["applications"].editable(user)
        form.fields["file"].help_text = _("PDF、Word、Excel或图片，不超过20MB；按文件内容识别格式。")

    def before_save(self, instance, user, creating):
        if instance.application.state not in OPEN_APPLICATION_STATES:
            raise Conflict(_("该申报已进入审查，不能再上传材料。"))
        check_and_record_upload(instance)

    def detail_links(self, obj, user):
        return [(_("下载"), reverse("selections:material-download", args=[obj.pk]))]


# --- objections and awards -----------------------------------------------------------------


def _handle(upheld: bool):
    def perform(objection: Objection, user, data: dict) -> str:
        services.handle_objection(objection, upheld, data["handling_reason"])
        return _("异议已处理：%(state)s") % {"state": objection.get_state_display()}

    return perform


@register
class ObjectionObjects(ObjectConfig):
    model = Objection
    slug = "objections"
    nav_section = "selections"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["application", "state", "handled_at"]
    detail_fields = ["application", "filed_by", "content", "contact", "state", "handling_reason", "handled_at"]
    form_class = ObjectionForm
    policy = Policy(view=BUSINESS_ROLES, create=BUSINESS_ROLES, change=NOBODY, delete=NOBODY)
    actions = [
        Action(
            name,
            label,
            OFFICE_ONLY,
            _handle(upheld),
            inputs=reason_input(gettext_lazy("处理意见"), name="handling_reason"),
            available=lambda o, user: o.state == ObjectionState.OPEN,
            style=style,
        )
        for name, label, upheld, style in (
            ("uphold", gettext_lazy("异议成立（取消入围资格）"), True, "outline-danger"),
            ("dismiss", gettext_lazy("异议不成立"), False, "outline-primary"),
        )
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
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["subject_name", "organization", "title", "awarded_on", "document_number", "campaign"]
    search_fields = ["subject_name", "title"]
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY)


@register
class HistoricResultObjects(ObjectConfig):
    """历史评选结果录入: results decided before the platform, entered by import (audited),
    never decided here; each row becomes an honour or unit award of a campaign marked historic."""

    model = HistoricResult
    slug = "historic-results"
    nav_section = "selections"
    nav_roles = OFFICE_ONLY
    list_columns = [
        "year",
        "campaign_name",
        "talent",
        "organization",
        "subject_name",
        "title",
        "document_number",
        "decided_on",
        "campaign",
    ]
    search_fields = ["campaign_name", "subject_name", "title", "document_number"]
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY, imports=OFFICE_ONLY)
    import_schema = HistoricResultSchema
