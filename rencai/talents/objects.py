"""The registry, its dictionaries, change requests and the pools, declared once for pages,
export and API."""

from typing import cast

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.objects import Action, ObjectConfig, Policy, Section, config_for_model, register, related_sections
from rencai.core.roles import (
    ALL_BUT_EXPERTS,
    NOBODY,
    OFFICE_AND_LIAISONS,
    OFFICE_LIAISONS_AND_TALENTS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    Role,
    role_of,
)
from rencai.talents import forms as talent_forms
from rencai.talents import services
from rencai.talents.filters import (
    BatchFilter,
    ChangeRequestFilter,
    DictionaryFilter,
    MembershipFilter,
    TalentFilter,
    talent_part_filter,
)
from rencai.talents.imports import TalentSchema
from rencai.talents.models import (
    KEY_FIELDS,
    CareerEntry,
    ChangeRequest,
    DictionaryEntry,
    Honour,
    MembershipQuerySet,
    PoolBatch,
    PoolMembership,
    Talent,
    TalentPool,
    TalentQualification,
)
from rencai.talents.search import search_talents
from rencai.talents.workflows import CHANGE_WORKFLOW


@register
class TalentObjects(ObjectConfig):
    model = Talent
    slug = "talents"
    import_schema = TalentSchema
    nav_section = "talents"
    nav_roles = ALL_BUT_EXPERTS
    list_columns = ["name", "gender", "age", "organization", "position", "category", "tier", "level", "echelon"]
    detail_fields = [
        *talent_forms.PERSONAL_FIELDS[:4],
        "age",
        *talent_forms.PERSONAL_FIELDS[4:],
        *talent_forms.POST_FIELDS,
        *talent_forms.CLASSIFICATION_FIELDS,
        "user",
        "is_active",
        "notes",
    ]
    export_columns = [
        "name",
        "gender",
        "birth_date",
        "id_number",
        "ethnicity",
        "political_status",
        "education",
        "degree",
        "title",
        "mobile",
        "email",
        "organization",
        "department",
        "position",
        "work_start",
        *talent_forms.CLASSIFICATION_FIELDS,
    ]
    form_fields = talent_forms.OFFICE_FIELDS
    filterset_class = TalentFilter
    search_fields = ["name_simplified", "name_pinyin", "name_initials"]
    ordering = ["name_pinyin", "id"]
    policy = Policy(create=OFFICE_AND_LIAISONS, change=OFFICE_LIAISONS_AND_TALENTS)
    list_related = ("organization", "category", "tier", "level", "echelon")

    def search(self, queryset, text):
        return search_talents(queryset, text)

    def get_form_class(self, user, instance=None):
        role = role_of(user)
        if role == Role.TALENT:
            return talent_forms.SelfTalentForm
        if role == Role.LIAISON:
            return talent_forms.LiaisonTalentForm
        return talent_forms.OfficeTalentForm

    def before_save(self, instance, user, creating):
        """Key fields changed by a talent or a liaison wait for the office: the instance
        keeps its stored values and the proposal is kept for ``after_save``."""
        instance._proposed = {}
        if creating or role_of(user) == Role.OFFICE:
            return
        stored = instance._audit_snapshot
        for name in KEY_FIELDS:
            attname = Talent._meta.get_field(name).attname
            current, proposed = stored.get(attname), getattr(instance, attname)
            if current != proposed:
                instance._proposed[name] = [current, proposed]
                setattr(instance, attname, current)
        if instance._proposed:
            instance.id_number_bidx = stored.get("id_number_bidx", "")

    def after_save(self, instance, user, creating):
        proposed = getattr(instance, "_proposed", None)
        if not proposed:
            return None
        services.submit_change_request(instance, user, proposed)
        return _("姓名、身份证号码、类别、层级等关键信息的修改已提交办公室审核，审核通过后生效。")

    def detail_sections(self, obj, user) -> list[Section]:
        parts: list[tuple[str, type[models.Model], list[str]]] = [
            (_("职业资格"), TalentQualification, ["qualification", "obtained_on", "certificate_number"]),
            (_("工作经历"), CareerEntry, ["organization_name", "department_name", "position", "start", "end"]),
            (_("荣誉"), Honour, ["name", "level", "awarded_by", "awarded_on", "document_number", "campaign", "source"]),
            (_("所在人才库"), PoolMembership, ["pool", "batch", "joined_on", "term_end", "status"]),
            (_("关键信息变更申请"), ChangeRequest, ["created_at", "requested_by", "state", "summary"]),
        ]
        return related_sections(parts, user, talent=obj.pk)


class TalentPartObjects(ObjectConfig):
    """Records of one talent, reached from the talent's profile."""

    policy = Policy(create=OFFICE_AND_LIAISONS, change=OFFICE_AND_LIAISONS, delete=OFFICE_AND_LIAISONS)

    def __init__(self):
        self.filterset_class = self.filterset_class or talent_part_filter(self.model)


@register
class QualificationObjects(TalentPartObjects):
    model = TalentQualification
    slug = "talent-qualifications"
    list_columns = ["talent", "qualification", "obtained_on", "certificate_number"]
    form_fields = ["talent", "qualification", "obtained_on", "certificate_number"]
    search_fields = ["talent__name_simplified", "certificate_number"]
    ordering = ["talent__name_pinyin", "qualification__order"]


@register
class CareerObjects(TalentPartObjects):
    model = CareerEntry
    slug = "career-entries"
    list_columns = ["talent", "organization_name", "department_name", "position", "start", "end"]
    form_fields = ["talent", "organization", "organization_name", "department_name", "position", "start", "end"]
    search_fields = ["talent__name_simplified", "organization_name"]
    ordering = ["talent__name_pinyin", "-start"]


@register
class HonourObjects(TalentPartObjects):
    model = Honour
    slug = "honours"
    nav_section = "talents"
    nav_roles = ALL_BUT_EXPERTS
    list_columns = ["talent", "name", "level", "awarded_by", "awarded_on", "document_number", "campaign", "source"]
    form_fields = [
        "talent",
        "name",
        "level",
        "awarded_by",
        "awarded_on",
        "document_number",
        "campaign",
        "source_reference",
    ]
    search_fields = ["talent__name_simplified", "name"]
    ordering = ["-awarded_on", "talent__name_pinyin"]


@register
class ChangeRequestObjects(ObjectConfig):
    model = ChangeRequest
    slug = "change-requests"
    nav_section = "talents"
    nav_roles = OFFICE_LIAISONS_AND_TALENTS
    list_columns = ["talent", "requested_by", "created_at", "state", "summary"]
    detail_fields = ["talent", "requested_by", "created_at", "summary", "state", "decision_comment"]
    filterset_class = ChangeRequestFilter
    search_fields = ["talent__name_simplified"]
    api_fields = ["id", "talent", "requested_by", "state", "decision_comment", "created_at"]
    ordering = ["-id"]
    #: Raised by a talent's or liaison's edit and decided through the workflow only.
    policy = Policy(create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = CHANGE_WORKFLOW.actions()


@register
class DictionaryObjects(ObjectConfig):
    model = DictionaryEntry
    slug = "dictionary"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["kind", "code", "name", "parent", "managing_department", "order", "enabled"]
    form_fields = ["kind", "code", "name", "parent", "managing_department", "order", "enabled", "synonyms"]
    filterset_class = DictionaryFilter
    search_fields = ["code", "name"]
    ordering = ["kind", "order", "code"]
    policy = Policy(change=OFFICE_ONLY)

    def list_links(self, user):
        return [(_("一屏编辑"), reverse("talents:dictionary"))] if self.can_change(user) else []


@register
class PoolObjects(ObjectConfig):
    model = TalentPool
    slug = "pools"
    nav_section = "pools"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["name", "kind", "level", "term_years", "member_count", "is_active"]
    form_fields = ["name", "kind", "level", "term_years", "description", "is_active"]
    search_fields = ["name"]
    ordering = ["kind", "name"]
    policy = Policy(change=OFFICE_ONLY)
    delete_hint = gettext_lazy("可先办理出库")

    def detail_sections(self, obj, user) -> list[Section]:
        batches = config_for_model(PoolBatch)
        members = config_for_model(PoolMembership)
        assert batches is not None and members is not None  # both registered in this module
        visible = cast(MembershipQuerySet, members.visible(user))
        member_rows = visible.filter(pool=obj).active().select_related("talent__organization", "batch")
        member_section = members.section(
            _("在库成员"),
            member_rows,
            ["talent", "talent_organization", "batch", "specialty", "joined_on", "term_end"],
            user,
            pool=obj.pk,
        )
        member_section.more_url += "&status=active"
        member_section.title = _("在库成员（名册）")
        member_section.export_url = f"{members.list_url}export/?pool={obj.pk}&status=active"
        return [
            batches.section(
                _("批次"),
                batches.visible(user).filter(pool=obj),
                ["name", "decision_date", "document_number", "term_start", "term_end", "member_count"],
                user,
                pool=obj.pk,
            ),
            member_section,
        ]


@register
class BatchObjects(ObjectConfig):
    model = PoolBatch
    slug = "pool-batches"
    nav_section = "pools"
    nav_roles = OFFICE_ONLY
    list_columns = ["pool", "name", "decision_date", "document_number", "term_start", "term_end", "member_count"]
    form_fields = ["pool", "name", "decision_date", "document_number", "term_start", "term_end"]
    filterset_class = BatchFilter
    search_fields = ["name", "document_number", "pool__name"]
    ordering = ["pool", "decision_date"]
    policy = Policy(change=OFFICE_ONLY)


def _exit(membership: PoolMembership, user, data: dict) -> str:
    services.leave_pool(membership, data["left_on"], data["exit_reason"])
    return _("已出库：%(m)s") % {"m": membership}


def _renew(membership: PoolMembership, user, data: dict) -> str:
    renewal = services.renew_membership(
        membership, data["term_end"], batch=data.get("batch"), source_detail=data.get("source_detail", "")
    )
    return _("已续任至 %(date)s：%(m)s") % {"date": renewal.term_end, "m": renewal}


@register
class MembershipObjects(ObjectConfig):
    model = PoolMembership
    slug = "pool-memberships"
    nav_section = "pools"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["pool", "batch", "talent", "talent_organization", "specialty", "joined_on", "term_end", "status"]
    export_columns = [
        "pool",
        "batch",
        "talent",
        "talent_gender",
        "talent_organization",
        "talent_position",
        "specialty",
        "source",
        "source_detail",
        "joined_on",
        "term_end",
        "left_on",
        "exit_reason",
        "status",
    ]
    form_fields = ["pool", "batch", "talent", "specialty", "source", "source_detail", "joined_on", "term_end"]
    filterset_class = MembershipFilter
    search_fields = ["talent__name_simplified", "talent__name_initials", "specialty"]
    ordering = ["pool", "batch", "talent__name_pinyin"]
    policy = Policy(change=OFFICE_ONLY)
    list_related = ("pool", "batch", "talent__organization")
    actions = [
        Action(
            "exit",
            _("出库"),
            OFFICE_ONLY,
            _exit,
            inputs=talent_forms.exit_inputs,
            available=lambda m, user: m.left_on is None,
            style="outline-danger",
        ),
        Action(
            "renew",
            _("续任"),
            OFFICE_ONLY,
            _renew,
            inputs=talent_forms.renew_inputs,
            available=lambda m, user: m.left_on is None and m.term_end is not None,
        ),
    ]
