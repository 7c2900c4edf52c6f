"""The assessment declared once for pages, export and API: schemes and indicators, rounds,
units' assessments with their indicator lines, evidence and appeals; demonstration sites
with their progress notes and the yearly acceptance."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.assessment import services
from rencai.assessment.filters import AssessmentFilter, ScoreFilter, SiteFilter
from rencai.assessment.forms import AppealForm, EvidenceForm, NewAssessmentForm, ReportForm, SiteForm
from rencai.assessment.models import (
    AcceptanceRound,
    AcceptanceState,
    Appeal,
    AppealState,
    AssessmentRound,
    AssessmentScheme,
    AssessmentState,
    DemonstrationSite,
    Evidence,
    Indicator,
    IndicatorScore,
    ProgressNote,
    RoundState,
    SiteProgramme,
    SiteState,
    UnitAssessment,
)
from rencai.assessment.workflows import (
    ACCEPTANCE_WORKFLOW,
    ASSESSMENT_WORKFLOW,
    ROUND_WORKFLOW,
    SITE_WORKFLOW,
    adjust_inputs,
)
from rencai.core.errors import Conflict, Refused
from rencai.core.models import next_edition
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
    CITYWIDE_READERS,
    NOBODY,
    OFFICE_AND_LIAISONS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    Role,
    role_of,
)
from rencai.core.uploads import check_and_record_upload

#: Who sees a unit's assessment: the office, leaders, the unit, and experts scoring it.
ASSESSMENT_READERS = STAFF_AND_LIAISONS | {Role.REVIEWER}

# --- schemes ------------------------------------------------------------------------------------


def _refuse_if_in_use(scheme: AssessmentScheme) -> None:
    if scheme.in_use():
        raise Conflict(_("该考核方案已在考核中使用，不能修改或删除；请使用“另存为新版本”。"))


def _new_version(scheme: AssessmentScheme, user, data: dict) -> str:
    copy = next_edition(scheme, {"name": scheme.name}, ("indicators",))
    return _("已另存为新版本：%(scheme)s") % {"scheme": copy}


@register
class SchemeObjects(ObjectConfig):
    model = AssessmentScheme
    slug = "assessment-schemes"
    nav_section = "assessment"
    list_columns = ["year", "name", "unit_class", "edition", "base_marks", "bonus_cap", "is_active"]
    form_fields = [
        "name",
        "year",
        "unit_class",
        "description",
        "bonus_cap",
        "expert_weight",
        "excellent_min",
        "good_min",
        "fair_min",
        "excellent_share",
        "is_active",
    ]
    detail_fields = [*form_fields[:3], "edition", "previous", *form_fields[3:]]
    search_fields = ["name"]
    ordering = ["-year", "unit_class", "-edition"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
    actions = [Action("new_version", gettext_lazy("另存为新版本"), OFFICE_ONLY, _new_version)]

    def before_save(self, instance, user, creating):
        if not creating:
            _refuse_if_in_use(instance)

    def before_delete(self, instance, user):
        _refuse_if_in_use(instance)

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (
                    _("考核指标"),
                    Indicator,
                    ["order", "category", "name", "max_score", "source", "full_value", "evidence", "is_bonus"],
                )
            ],
            user,
            scheme=obj.pk,
        )


@register
class IndicatorObjects(ObjectConfig):
    model = Indicator
    slug = "assessment-indicators"
    list_columns = ["scheme", "order", "category", "name", "weight", "max_score", "source", "is_bonus"]
    form_fields = [
        "scheme",
        "order",
        "category",
        "name",
        "weight",
        "max_score",
        "rule",
        "evidence",
        "source",
        "full_value",
        "is_bonus",
    ]
    search_fields = ["name", "category"]
    ordering = ["scheme", "is_bonus", "order"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)

    def before_save(self, instance, user, creating):
        _refuse_if_in_use(instance.scheme)

    def before_delete(self, instance, user):
        _refuse_if_in_use(instance.scheme)


# --- rounds ---------------------------------------------------------------------------------------


def _launch(round_: AssessmentRound, user, data: dict) -> str:
    count = services.launch(round_, user)
    return _("已为%(count)s个单位开启自评。") % {"count": count}


def _experts(round_: AssessmentRound, user, data: dict) -> str:
    review = services.start_expert_review(round_, user)
    round_.version += 1
    round_.save()
    return _("已建立专家评审“%(review)s”，请抽取专家。") % {"review": review}


@register
class RoundObjects(ObjectConfig):
    model = AssessmentRound
    slug = "assessment-rounds"
    nav_section = "assessment"
    list_columns = ["title", "scheme", "state", "self_due_on", "publicity_ends_on", "published_on"]
    form_fields = ["scheme", "title", "self_due_on", "publicity_days", "appeal_days", "rubric"]
    detail_fields = [
        *form_fields,
        "state",
        "review",
        "publicity_starts_on",
        "publicity_ends_on",
        "results_number",
        "published_on",
    ]
    search_fields = ["title"]
    ordering = ["-scheme__year", "scheme__unit_class", "-id"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
    actions = [
        Action(
            "launch",
            gettext_lazy("为本类全部单位开启自评"),
            OFFICE_ONLY,
            _launch,
            available=lambda r, user: r.state == RoundState.OPEN,
        ),
        Action(
            "experts",
            gettext_lazy("组织专家评审"),
            OFFICE_ONLY,
            _experts,
            available=lambda r, user: r.state == RoundState.REVIEW and not r.review_id and bool(r.scheme.expert_weight),
        ),
        *ROUND_WORKFLOW.actions(),
    ]

    def before_save(self, instance, user, creating):
        """Fixed once units are ranked; the expert rubric may still be chosen after the
        self-assessment closed, until the experts' review is set up."""
        if creating or instance.state == RoundState.OPEN:
            return
        if instance.state != RoundState.REVIEW or instance.review_id:
            raise Conflict(_("考核批次已进入评审或公示，不能再修改。"))

    def detail_links(self, obj, user) -> list[tuple[str, str]]:
        links = [(_("排名与等次"), reverse("assessment:ranking", args=[obj.pk]))]
        if role_of(user) in CITYWIDE_READERS and obj.review_id:
            links.append((_("专家评审排名"), reverse("evaluation:ranking", args=[obj.review_id])))
        if obj.state == RoundState.PUBLISHED:
            links.append((_("结果通报（Word）"), reverse("assessment:results-docx", args=[obj.pk])))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (
                    _("被考核单位"),
                    UnitAssessment,
                    ["organization", "state", "self_total", "office_total", "final_score", "rank", "grade"],
                )
            ],
            user,
            round=obj.pk,
        )


# --- a unit's assessment ---------------------------------------------------------------------------


def _drafts(assessments, user):
    return assessments.filter(state=AssessmentState.DRAFT)


@register
class AssessmentObjects(ObjectConfig):
    model = UnitAssessment
    slug = "unit-assessments"
    nav_section = "assessment"
    list_columns = [
        "round",
        "organization",
        "department",
        "state",
        "self_total",
        "office_total",
        "final_score",
        "rank",
        "grade",
    ]
    detail_fields = [
        "round",
        "organization",
        "department",
        "state",
        "reason",
        "report",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "self_total",
        "office_total",
        "expert_score",
        "final_score",
        "rank",
        "grade",
    ]
    form_class = ReportForm
    create_form_class = NewAssessmentForm
    filterset_class = AssessmentFilter
    search_fields = ["organization__name", "department__name"]
    ordering = ["round", "rank", "organization__path"]
    list_related = ("round", "organization")
    policy = Policy(view=ASSESSMENT_READERS, create=OFFICE_ONLY, change=OFFICE_AND_LIAISONS, narrow_editable=_drafts)
    actions = ASSESSMENT_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        if "round" in form.fields:
            form.fields["round"].queryset = AssessmentRound.objects.filter(state=RoundState.OPEN)

    def before_save(self, instance, user, creating):
        if creating and instance.round.state != RoundState.OPEN:
            raise Refused(_("该考核批次已结束自评，不能再加入单位。"))

    def after_save(self, instance, user, creating):
        if creating:
            services.add_lines(instance, user)
        return None

    def detail_links(self, obj, user) -> list[tuple[str, str]]:
        return [(_("考核计分卡"), reverse("assessment:card", args=[obj.pk]))]

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (
                    _("指标得分"),
                    IndicatorScore,
                    ["indicator", "value", "self_score", "decision", "office_score", "adjust_reason"],
                ),
                (_("申诉"), Appeal, ["content", "state", "handling_reason"]),
            ],
            user,
            assessment=obj.pk,
        )


def _draft_manual_lines(scores, user):
    return scores.filter(assessment__state=AssessmentState.DRAFT, indicator__source="manual")


def _accept(line: IndicatorScore, user, data: dict) -> str:
    services.accept_line(line, user)
    line.version += 1
    line.save()
    return _("已认可自评：%(name)s %(score)s分") % {"name": line.indicator.name, "score": line.office_score}


def _adjust(line: IndicatorScore, user, data: dict) -> str:
    services.adjust_line(line, user, data["office_score"], data["adjust_reason"])
    line.version += 1
    line.save()
    return _("已调整：%(name)s %(score)s分") % {"name": line.indicator.name, "score": line.office_score}


def _reviewable(line: IndicatorScore, user) -> bool:
    assessment = line.assessment
    if assessment.state == AssessmentState.SUBMITTED:
        return True
    return (
        assessment.round.state == RoundState.PUBLICITY and assessment.appeals.filter(state=AppealState.UPHELD).exists()
    )


@register
class ScoreObjects(ObjectConfig):
    model = IndicatorScore
    slug = "assessment-scores"
    list_columns = ["assessment", "indicator", "value", "self_score", "decision", "office_score"]
    detail_fields = [
        "assessment",
        "indicator",
        "value",
        "formula",
        "self_score",
        "note",
        "decision",
        "office_score",
        "adjust_reason",
    ]
    form_fields = ["self_score", "note"]
    filterset_class = ScoreFilter
    ordering = ["assessment", "indicator__is_bonus", "indicator__order"]
    list_related = ("assessment__organization", "indicator")
    policy = Policy(
        view=ASSESSMENT_READERS,
        create=NOBODY,
        change=OFFICE_AND_LIAISONS,
        delete=NOBODY,
        narrow_editable=_draft_manual_lines,
    )
    actions = [
        Action("accept", gettext_lazy("认可自评"), OFFICE_ONLY, _accept, available=_reviewable, style="success"),
        Action("adjust", gettext_lazy("调整得分"), OFFICE_ONLY, _adjust, inputs=adjust_inputs, available=_reviewable),
    ]

    def before_save(self, instance, user, creating):
        services.check_self_score(instance)

    def detail_links(self, obj, user) -> list[tuple[str, str]]:
        links = [(_("考核计分卡"), reverse("assessment:card", args=[obj.assessment_id]))]
        url = services.records_url(obj, user)
        if url:
            links.append((_("计入的记录"), url))
        if obj.assessment.state == AssessmentState.DRAFT and not obj.indicator.computed:
            links.append((_("上传佐证材料"), f"{reverse('objects:assessment-evidence-create')}?score={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [(_("佐证材料"), Evidence, ["title", "file_name", "file_type", "file_size"])], user, score=obj.pk
        )
        found = services.counted_records(obj, user) if obj.indicator.computed else None
        if found is not None:
            headers, rows = found
            sections.insert(0, Section(title=_("计入的记录"), headers=headers, rows=rows, key="counted"))
        return sections


def _evidence_of_drafts(files, user):
    return files.filter(score__assessment__state=AssessmentState.DRAFT)


@register
class EvidenceObjects(ObjectConfig):
    model = Evidence
    slug = "assessment-evidence"
    list_columns = ["score", "title", "file_name", "file_type", "file_size"]
    detail_fields = ["score", "title", "file_name", "file_type", "file_size", "sha256"]
    form_class = EvidenceForm
    policy = Policy(
        view=ASSESSMENT_READERS,
        create=OFFICE_AND_LIAISONS,
        change=NOBODY,
        delete=OFFICE_AND_LIAISONS,
        narrow_editable=_evidence_of_drafts,
    )

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        scores = IndicatorScore.objects.editable_by(user)
        form.fields["score"].queryset = _draft_manual_lines(scores, user).select_related(
            "indicator", "assessment__organization"
        )
        form.fields["file"].help_text = _("PDF、Word、Excel或图片，不超过20MB；按文件内容识别格式。")

    def before_save(self, instance, user, creating):
        if instance.score.assessment.state != AssessmentState.DRAFT:
            raise Conflict(_("自评已提交，不能再上传佐证材料。"))
        check_and_record_upload(instance)

    def detail_links(self, obj, user):
        return [(_("下载"), reverse("assessment:evidence-download", args=[obj.pk]))]


def _handle(upheld: bool):
    def perform(appeal: Appeal, user, data: dict) -> str:
        services.handle_appeal(appeal, upheld, data["handling_reason"])
        if upheld:
            return _("申诉成立：请在公示期内复核调整该单位的指标得分，公布时重新计算排名。")
        return _("申诉已处理：%(state)s") % {"state": appeal.get_state_display()}

    return perform


@register
class AppealObjects(ObjectConfig):
    model = Appeal
    slug = "assessment-appeals"
    nav_section = "assessment"
    list_columns = ["assessment", "state", "handled_at"]
    detail_fields = ["assessment", "filed_by", "content", "state", "handling_reason", "handled_at"]
    form_class = AppealForm
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_AND_LIAISONS, change=NOBODY, delete=NOBODY)
    actions = [
        Action(
            name,
            label,
            OFFICE_ONLY,
            _handle(upheld),
            inputs=reason_input(gettext_lazy("处理意见"), name="handling_reason"),
            available=lambda a, user: a.state == AppealState.OPEN,
            style=style,
        )
        for name, label, upheld, style in (
            ("uphold", gettext_lazy("申诉成立"), True, "outline-danger"),
            ("dismiss", gettext_lazy("申诉不成立"), False, "outline-primary"),
        )
    ]

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["assessment"].queryset = (
            UnitAssessment.objects.editable_by(user) if role_of(user) == Role.LIAISON else UnitAssessment.objects
        ).filter(round__state=RoundState.PUBLICITY)

    def before_save(self, instance, user, creating):
        instance.filed_by = user
        services.file_appeal(instance)

    def after_save(self, instance, user, creating):
        return _("申诉已提交，办公室将在公示期满前核实处理。")


# --- demonstration sites -------------------------------------------------------------------------


@register
class ProgrammeObjects(ObjectConfig):
    model = SiteProgramme
    slug = "site-programmes"
    nav_section = "sites"
    list_columns = ["name", "number", "start_year", "end_year", "quota_min", "quota_max"]
    form_fields = ["name", "number", "start_year", "end_year", "quota_min", "quota_max"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)

    def detail_sections(self, obj, user) -> list[Section]:
        found = services.programme_progress(obj, user)
        section = Section(
            title=_("创建进度"),
            headers=[_("目标数"), _("已命名示范点"), _("完成比例"), _("时间进度"), _("进度")],
            rows=[
                (found.url, [str(obj.number), str(found.current), f"{found.percent}%", f"{found.elapsed}%", found.mark])
            ],
            key="progress",
        )
        return [section]


def _proposals_open(sites, user):
    return sites.filter(state=SiteState.PROPOSED)


@register
class SiteObjects(ObjectConfig):
    model = DemonstrationSite
    slug = "demonstration-sites"
    nav_section = "sites"
    list_columns = ["name", "organization", "kind", "year", "state", "accepted_year", "acceptance_score"]
    detail_fields = [
        "programme",
        "year",
        "organization",
        "name",
        "kind",
        "theme",
        "measures",
        "expected_results",
        "contact",
        "state",
        "reason",
        "accepted_year",
        "acceptance_score",
        "inspections",
    ]
    form_class = SiteForm
    filterset_class = SiteFilter
    search_fields = ["name", "theme", "organization__name"]
    ordering = ["-year", "organization__path", "id"]
    list_related = ("organization",)
    policy = Policy(
        view=ASSESSMENT_READERS, create=OFFICE_AND_LIAISONS, change=OFFICE_AND_LIAISONS, narrow_editable=_proposals_open
    )
    actions = SITE_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        if "organization" in form.fields:
            form.fields["organization"].required = role_of(user) == Role.OFFICE

    def before_save(self, instance, user, creating):
        if role_of(user) == Role.LIAISON and not instance.organization_id:
            instance.organization = user.organization
        if instance.organization_id is None:
            raise Refused(_("请选择申报单位。"))
        instance.full_clean()
        services.check_quota(instance)

    def detail_links(self, obj, user):
        if obj.state in (SiteState.BUILDING, SiteState.RECTIFY) and self.can_change(user):
            return [(_("填报创建进展"), f"{reverse('objects:site-progress-notes-create')}?site={obj.pk}")]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections([(_("创建进展"), ProgressNote, ["noted_on", "content"])], user, site=obj.pk)


def _notes_of_building_sites(notes, user):
    return notes.filter(site__state__in=[SiteState.BUILDING, SiteState.RECTIFY])


@register
class ProgressNoteObjects(ObjectConfig):
    model = ProgressNote
    slug = "site-progress-notes"
    list_columns = ["site", "noted_on", "content"]
    form_fields = ["site", "noted_on", "content"]
    policy = Policy(
        view=STAFF_AND_LIAISONS,
        create=OFFICE_AND_LIAISONS,
        change=OFFICE_AND_LIAISONS,
        narrow_editable=_notes_of_building_sites,
    )

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["site"].queryset = DemonstrationSite.objects.editable_by(user).filter(
            state__in=[SiteState.BUILDING, SiteState.RECTIFY]
        )

    def before_save(self, instance, user, creating):
        if instance.site.state not in (SiteState.BUILDING, SiteState.RECTIFY):
            raise Conflict(_("只有创建中或整改中的示范点可以填报进展。"))


@register
class AcceptanceObjects(ObjectConfig):
    model = AcceptanceRound
    slug = "site-acceptances"
    nav_section = "sites"
    list_columns = ["year", "programme", "rubric", "pass_score", "rectify_score", "state"]
    form_fields = ["programme", "year", "rubric", "pass_score", "rectify_score"]
    detail_fields = [*form_fields, "state", "review"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
    actions = ACCEPTANCE_WORKFLOW.actions()

    def before_save(self, instance, user, creating):
        if not creating and instance.state != AcceptanceState.PREPARING:
            raise Conflict(_("验收已开始，不能再修改。"))

    def detail_links(self, obj, user):
        if role_of(user) in CITYWIDE_READERS and obj.review_id:
            return [
                (_("专家评审"), reverse("objects:reviews-detail", args=[obj.review_id])),
                (_("验收评分排名"), reverse("evaluation:ranking", args=[obj.review_id])),
            ]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        if not obj.review_id:
            return []
        config = registered()["demonstration-sites"]
        sites = config.visible(user).filter(review_item__review_id=obj.review_id)
        return [config.section(_("验收对象"), sites, ["name", "organization", "state", "acceptance_score"], user)]
