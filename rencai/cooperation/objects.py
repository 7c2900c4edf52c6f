"""Cooperation declared once for pages, export, API and imports: the alliance with its
members, chair terms, joint activities, photos and outreach lectures; secondments and
their reports; university agreements with areas, projects, internships and research
topics with milestones and results.

The office writes; a liaison sees the records of their own institution (a secondment from
or to it, an activity it organised, an internship it hosts, an agreement or topic of their
university); a talent sees their own secondments and reports them."""

from datetime import date

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.cooperation import services
from rencai.cooperation.filters import ActivityFilter, AgreementFilter, MemberFilter, SecondmentFilter, TopicFilter
from rencai.cooperation.forms import JointActivityForm, PhotoForm, ReportForm, TopicForm
from rencai.cooperation.imports import ActivitySchema, AgreementSchema, SecondmentSchema
from rencai.cooperation.models import (
    ActivityPhoto,
    Agreement,
    AgreementArea,
    AgreementProject,
    Alliance,
    AllianceMember,
    ChairState,
    ChairTerm,
    Internship,
    JointActivity,
    Milestone,
    OutreachLecture,
    ResearchTopic,
    Secondment,
    SecondmentReport,
    SecondmentState,
    TopicResult,
)
from rencai.cooperation.workflows import LECTURE_WORKFLOW, SECONDMENT_WORKFLOW, TOPIC_WORKFLOW
from rencai.core.objects import Action, ObjectConfig, Policy, Section, register, registered, related_sections
from rencai.core.roles import (
    ALL_BUT_EXPERTS,
    NOBODY,
    OFFICE_AND_LIAISONS,
    OFFICE_LIAISONS_AND_TALENTS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    role_of,
)
from rencai.core.uploads import check_and_record_upload
from rencai.talents.models import PoolKind
from rencai.training.models import Lecturer

#: The office keeps the records; liaisons and leaders read them within their scope.
COOPERATION_POLICY = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
PHOTO_KINDS = frozenset({"jpeg", "png"})


def pool_lecturers():
    """The lecturers who may go out to units: those of the 培训讲师 pool, and external ones."""
    today = timezone.localdate()
    in_pool = Q(
        talent__memberships__pool__kind=PoolKind.LECTURER,
        talent__memberships__joined_on__lte=today,
        talent__memberships__left_on__isnull=True,
    )
    return Lecturer.objects.filter(in_pool | Q(is_external=True)).distinct()


# --- the alliance --------------------------------------------------------------------------


def _start_rotation(alliance: Alliance, user, data: dict) -> str:
    term = services.start_rotation(alliance, data["starts_on"])
    return _("已开始轮值：第1届轮值主席单位为%(unit)s（%(start)s至%(end)s）。") % {
        "unit": term.member.organization,
        "start": term.starts_on,
        "end": term.ends_on,
    }


@register
class AllianceObjects(ObjectConfig):
    model = Alliance
    slug = "alliances"
    nav_section = "cooperation"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["name", "founded_on", "term_months", "is_active"]
    form_fields = ["name", "founded_on", "term_months", "description", "branch_campaign", "is_active"]
    search_fields = ["name"]
    policy = COOPERATION_POLICY
    actions = [
        Action(
            "start_rotation",
            gettext_lazy("开始轮值"),
            OFFICE_ONLY,
            _start_rotation,
            inputs=lambda: {"starts_on": forms.DateField(label=_("第1届任期开始"))},
            available=lambda alliance, user: not alliance.terms.exists(),
            style="primary",
        )
    ]

    def list_links(self, user):
        return [
            (_("活动日历"), reverse("cooperation:calendar")),
            (_("成员单位参与情况"), reverse("cooperation:participation")),
        ]

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [
                (
                    _("成员单位"),
                    AllianceMember,
                    ["organization", "rotation_order", "joined_on", "left_on", "party_branches"],
                ),
                (_("轮值主席单位"), ChairTerm, ["term_number", "member", "starts_on", "ends_on", "state"]),
                (_("联合活动"), JointActivity, ["held_on", "kind", "title", "organiser", "participant_total"]),
                (_("讲师团宣讲"), OutreachLecture, ["topic", "lecturer", "requesting_unit", "held_on", "state"]),
            ],
            user,
            alliance=obj.pk,
        )
        if sections:
            sections[0].notes.extend(rotation_notes(obj))
        sections.extend(branch_campaign_section(obj, user))
        return sections


def rotation_notes(alliance: Alliance) -> list[str]:
    notes = []
    current = services.current_term(alliance)
    if current is not None:
        notes.append(
            _("当前轮值主席单位：%(unit)s（第%(n)s届，%(start)s至%(end)s）。")
            % {
                "unit": current.member.organization,
                "n": current.term_number,
                "start": current.starts_on,
                "end": current.ends_on,
            }
        )
    try:
        member, starts, ends = services.next_chair(alliance, after=current)
    except OverflowError:  # a term recorded to the end of the calendar has no successor
        return notes
    if member is not None:
        notes.append(
            _("按轮值顺序，下一届主席单位：%(unit)s（%(start)s至%(end)s）。")
            % {"unit": member.organization, "start": starts, "end": ends}
        )
    return notes


def branch_campaign_section(alliance: Alliance, user) -> list[Section]:
    """The 最强党支部 selection's applications from member units (the selection engine is
    unchanged: the link is kept here, by the alliance's campaign and members' units)."""
    campaign = alliance.branch_campaign
    config = registered().get("applications")
    if campaign is None or config is None or not config.can_view(user):
        return []
    paths = [m.organization.path for m in alliance.members.select_related("organization")]
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(organization__path__startswith=path)
    queryset = config.visible(user).filter(campaign=campaign).filter(within)
    section = config.section(
        _("最强党支部评选：成员单位申报"), queryset, ["subject_name", "organization", "state"], user
    )
    section.add_url = ""
    section.more_url = f"{config.list_url}?campaign={campaign.pk}"
    return [section]


@register
class MemberObjects(ObjectConfig):
    model = AllianceMember
    slug = "alliance-members"
    nav_section = "cooperation"
    nav_roles = OFFICE_ONLY
    list_columns = ["alliance", "organization", "rotation_order", "joined_on", "left_on", "is_current"]
    form_fields = ["alliance", "organization", "rotation_order", "joined_on", "left_on", "party_branches", "contact"]
    filterset_class = MemberFilter
    search_fields = ["organization__name", "alliance__name"]
    ordering = ["alliance", "rotation_order"]
    list_related = ("alliance", "organization")
    policy = COOPERATION_POLICY
    delete_hint = gettext_lazy("已有活动或任期记录的成员单位可填写退出日期。")


def _hand_over(term: ChairTerm, user, data: dict) -> str:
    successor = services.hand_over(term, data.get("handover_note", ""))
    return _("已交接：第%(n)s届轮值主席单位为%(unit)s（%(start)s至%(end)s）。") % {
        "n": successor.term_number,
        "unit": successor.member.organization,
        "start": successor.starts_on,
        "end": successor.ends_on,
    }


@register
class ChairTermObjects(ObjectConfig):
    model = ChairTerm
    slug = "chair-terms"
    nav_section = "cooperation"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["alliance", "term_number", "member", "starts_on", "ends_on", "state", "handed_over_on"]
    form_fields = ["alliance", "member", "term_number", "starts_on", "ends_on", "handover_note"]
    detail_fields = [*form_fields, "state", "handed_over_on"]
    ordering = ["alliance", "-term_number"]
    list_related = ("alliance", "member__organization")
    policy = COOPERATION_POLICY
    actions = [
        Action(
            "hand_over",
            gettext_lazy("任期届满交接"),
            OFFICE_ONLY,
            _hand_over,
            inputs=lambda: {
                "handover_note": forms.CharField(
                    label=_("交接说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
            },
            available=lambda term, user: term.state == ChairState.SERVING,
            style="primary",
        )
    ]


@register
class ActivityObjects(ObjectConfig):
    model = JointActivity
    slug = "joint-activities"
    nav_section = "cooperation"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["held_on", "alliance", "kind", "title", "organiser", "place", "participant_total"]
    export_columns = [
        "held_on",
        "alliance",
        "kind",
        "title",
        "organiser",
        "co_organisers",
        "place",
        "participant_total",
        "summary",
    ]
    detail_fields = list(JointActivityForm.Meta.fields)
    form_class = JointActivityForm
    filterset_class = ActivityFilter
    search_fields = ["title", "place", "organiser__organization__name"]
    ordering = ["-held_on", "-id"]
    list_related = ("alliance", "organiser__organization")
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY, imports=OFFICE_ONLY)
    import_schema = ActivitySchema

    def list_links(self, user):
        return [(_("活动日历"), reverse("cooperation:calendar"))]

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [(_("活动照片"), ActivityPhoto, ["caption", "file_name", "file_size"])], user, activity=obj.pk
        )
        per_unit = services.participants_by_unit(obj)
        if sections:
            if per_unit:
                text = "；".join(_("%(unit)s %(n)s人") % {"unit": unit, "n": n} for unit, n in per_unit)
                sections[0].notes.append(_("参加人员按成员单位：%(list)s。") % {"list": text})
            if obj.other_participants:
                sections[0].notes.append(_("另有其他参加人员%(n)s人。") % {"n": obj.other_participants})
        return sections


@register
class PhotoObjects(ObjectConfig):
    model = ActivityPhoto
    slug = "activity-photos"
    list_columns = ["activity", "caption", "file_name", "file_type", "file_size"]
    detail_fields = ["activity", "caption", "file_name", "file_type", "file_size"]
    form_class = PhotoForm
    #: A photo is replaced by deleting it and uploading another.
    policy = Policy(view=STAFF_AND_LIAISONS, change=NOBODY)

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["file"].help_text = _("JPEG或PNG图片，不超过10MB；按文件内容识别格式。")

    def before_save(self, instance, user, creating):
        if not instance.file:
            return
        check_and_record_upload(instance, allowed=PHOTO_KINDS, max_bytes=10 * 1024 * 1024)

    def detail_links(self, obj, user):
        return [(_("查看图片"), reverse("cooperation:photo", args=[obj.pk]))]


@register
class LectureObjects(ObjectConfig):
    model = OutreachLecture
    slug = "outreach-lectures"
    nav_section = "cooperation"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["topic", "lecturer", "requesting_unit", "planned_on", "held_on", "attendance", "rating", "state"]
    form_fields = ["lecturer", "alliance", "requesting_unit", "topic", "requested_on", "planned_on", "place"]
    detail_fields = [*form_fields, "state", "held_on", "attendance", "rating", "feedback"]
    search_fields = ["topic", "lecturer__name", "requesting_unit__name"]
    ordering = ["-requested_on", "-id"]
    list_related = ("lecturer", "requesting_unit")
    #: A unit asks for a lecture (its liaison) and records how it went.
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_AND_LIAISONS, change=OFFICE_AND_LIAISONS)
    actions = LECTURE_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["lecturer"].queryset = pool_lecturers()
        form.fields["lecturer"].help_text = _("培训讲师库在库讲师及外聘讲师。")


# --- secondments ---------------------------------------------------------------------------


@register
class SecondmentObjects(ObjectConfig):
    model = Secondment
    slug = "secondments"
    nav_section = "cooperation"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["person_name", "from_unit", "to_unit", "post", "starts_on", "ends_on", "state", "grade"]
    export_columns = [*list_columns, "mentor", "purpose", "evaluation"]
    form_fields = ["talent", "staff", "from_unit", "to_unit", "post", "starts_on", "ends_on", "purpose", "mentor"]
    detail_fields = [*form_fields, "state", "grade", "evaluation", "evaluated_at"]
    filterset_class = SecondmentFilter
    search_fields = ["talent__name_simplified", "staff__full_name", "post", "to_unit__name"]
    ordering = ["-starts_on", "-id"]
    list_related = ("talent", "staff", "from_unit", "to_unit")
    policy = Policy(view=ALL_BUT_EXPERTS, change=OFFICE_ONLY, imports=OFFICE_ONLY)
    import_schema = SecondmentSchema
    actions = SECONDMENT_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        # A secondment goes to and from any unit, not only those the office writes to.
        from rencai.orgs.models import Organization

        for name in ("from_unit", "to_unit"):
            form.fields[name].queryset = Organization.objects.visible_to(user).filter(is_active=True)

    def detail_links(self, obj, user):
        links = []
        if role_of(user) in OFFICE_LIAISONS_AND_TALENTS and obj.state != SecondmentState.PLANNED:
            links.append((_("提交挂职报告"), f"{reverse('objects:secondment-reports-create')}?secondment={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [(_("挂职报告"), SecondmentReport, ["kind", "month", "submitted_on", "submitted_by", "late_reason"])],
            user,
            secondment=obj.pk,
        )
        if sections and obj.awaits_evaluation():
            sections[0].notes.append(_("挂职已于%(end)s期满，尚待接收单位评价。") % {"end": obj.ends_on})
        return sections


@register
class ReportObjects(ObjectConfig):
    model = SecondmentReport
    slug = "secondment-reports"
    list_columns = ["secondment", "kind", "month", "submitted_on", "submitted_by", "late_reason"]
    detail_fields = ["secondment", "kind", "month", "content", "late_reason", "submitted_on", "submitted_by"]
    form_class = ReportForm
    ordering = ["-submitted_on", "-id"]
    list_related = ("secondment__talent", "secondment__staff", "submitted_by")
    policy = Policy(
        view=ALL_BUT_EXPERTS,
        create=OFFICE_LIAISONS_AND_TALENTS,
        change=OFFICE_LIAISONS_AND_TALENTS,
    )

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["secondment"].queryset = (
            Secondment.objects.visible_to(user).exclude(state=SecondmentState.PLANNED).select_related("talent", "staff")
        )

    def before_save(self, instance, user, creating):
        if creating:
            instance.submitted_by = user
            instance.submitted_on = timezone.localdate()


# --- universities --------------------------------------------------------------------------


def _renew(agreement: Agreement, user, data: dict) -> str:
    renewal = services.renew(agreement, data["ends_on"], data["signed_on"])
    return _("已续签：%(title)s，%(start)s至%(end)s。") % {
        "title": renewal,
        "start": renewal.starts_on,
        "end": renewal.ends_on,
    }


@register
class AgreementObjects(ObjectConfig):
    model = Agreement
    slug = "agreements"
    nav_section = "cooperation"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["university", "title", "signed_on", "starts_on", "ends_on", "max_interns", "in_force"]
    export_columns = [*list_columns, "parties", "renewed_from", "notes"]
    form_fields = ["university", "title", "parties", "signed_on", "starts_on", "ends_on", "max_interns", "notes"]
    detail_fields = [*form_fields, "renewed_from"]
    filterset_class = AgreementFilter
    search_fields = ["title", "university__name", "parties"]
    ordering = ["-starts_on", "-id"]
    list_related = ("university",)
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY, imports=OFFICE_ONLY)
    import_schema = AgreementSchema
    actions = [
        Action(
            "renew",
            gettext_lazy("续签"),
            OFFICE_ONLY,
            _renew,
            inputs=lambda: {
                "signed_on": forms.DateField(label=_("续签日期"), initial=date.today),
                "ends_on": forms.DateField(label=_("续签后到期")),
            },
            available=lambda agreement, user: not Agreement.objects.filter(renewed_from=agreement).exists(),
        )
    ]

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        from rencai.orgs.models import Organization

        form.fields["university"].queryset = Organization.objects.visible_to(user).filter(kind="university")

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [
                (_("合作领域"), AgreementArea, ["order", "name"]),
                (_("顶岗实习"), Internship, ["host_unit", "major", "starts_on", "ends_on", "students", "grade"]),
                (_("合作课题"), ResearchTopic, ["title", "leader", "funding_source", "due_on", "state"]),
            ],
            user,
            agreement=obj.pk,
        )
        projects = related_sections(
            [(_("合作项目"), AgreementProject, ["area", "name", "lead_unit"])], user, area__agreement=obj.pk
        )
        for section in projects:
            section.add_url = ""
        return sections[:1] + projects + sections[1:]


@register
class AreaObjects(ObjectConfig):
    model = AgreementArea
    slug = "agreement-areas"
    list_columns = ["agreement", "order", "name"]
    form_fields = ["agreement", "name", "order"]
    ordering = ["agreement", "order"]
    policy = COOPERATION_POLICY

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections([(_("合作项目"), AgreementProject, ["name", "lead_unit"])], user, area=obj.pk)


@register
class ProjectObjects(ObjectConfig):
    model = AgreementProject
    slug = "agreement-projects"
    list_columns = ["area", "name", "lead_unit"]
    form_fields = ["area", "name", "description", "lead_unit"]
    policy = COOPERATION_POLICY

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        from rencai.orgs.models import Organization

        form.fields["lead_unit"].queryset = Organization.objects.visible_to(user)


@register
class InternshipObjects(ObjectConfig):
    model = Internship
    slug = "internships"
    nav_section = "cooperation"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["agreement", "host_unit", "major", "starts_on", "ends_on", "students", "grade"]
    export_columns = [*list_columns, "evaluation"]
    form_fields = ["agreement", "host_unit", "major", "starts_on", "ends_on", "students", "grade", "evaluation"]
    search_fields = ["host_unit__name", "major", "agreement__title"]
    ordering = ["-starts_on", "-id"]
    list_related = ("agreement", "host_unit")
    policy = COOPERATION_POLICY


@register
class TopicObjects(ObjectConfig):
    model = ResearchTopic
    slug = "research-topics"
    nav_section = "cooperation"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["title", "university", "leader", "funding_source", "funding", "starts_on", "due_on", "state"]
    detail_fields = [
        "agreement",
        "university",
        "title",
        "leader",
        "team_talents",
        "university_team",
        "funding_source",
        "funding",
        "starts_on",
        "due_on",
        "state",
        "concluded_at",
    ]
    form_class = TopicForm
    filterset_class = TopicFilter
    search_fields = ["title", "leader", "university__name"]
    ordering = ["-starts_on", "-id"]
    list_related = ("university",)
    policy = COOPERATION_POLICY
    actions = TOPIC_WORKFLOW.actions()

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (_("研究节点"), Milestone, ["title", "due_on", "done_on", "note"]),
                (_("课题成果"), TopicResult, ["kind", "title", "result_on", "published_in"]),
            ],
            user,
            topic=obj.pk,
        )


@register
class MilestoneObjects(ObjectConfig):
    model = Milestone
    slug = "topic-milestones"
    list_columns = ["topic", "title", "due_on", "done_on"]
    form_fields = ["topic", "title", "due_on", "done_on", "note"]
    policy = COOPERATION_POLICY


@register
class ResultObjects(ObjectConfig):
    model = TopicResult
    slug = "topic-results"
    list_columns = ["topic", "kind", "title", "result_on", "published_in"]
    form_fields = ["topic", "kind", "title", "result_on", "published_in", "note"]
    policy = COOPERATION_POLICY
