"""The registry, its dictionaries, change requests and the pools, declared once for pages,
export and API; plus the one-screen dictionary editor."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import transaction
from django.forms import modelformset_factory
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from rencai.core.actions import Action, ActionRefused, Transition, Workflow, reason_input
from rencai.core.forms import bootstrapify
from rencai.core.objects import ObjectConfig, Section, config_for_model, register, related_sections
from rencai.core.roles import BUSINESS_ROLES, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.core.versioning import StaleEdit, save_versioned
from rencai.talents import forms as talent_forms
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
    ChangeState,
    DictionaryEntry,
    DictionaryKind,
    Honour,
    PoolBatch,
    PoolMembership,
    Talent,
    TalentPool,
    TalentQualification,
)
from rencai.talents.search import search_talents

OFFICE = frozenset({Role.OFFICE})
OFFICE_AND_LIAISON = frozenset({Role.OFFICE, Role.LIAISON})


@register
class TalentObjects(ObjectConfig):
    model = Talent
    slug = "talents"
    import_schema = TalentSchema
    nav_section = "talents"
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
    create_roles = OFFICE_AND_LIAISON
    change_roles = frozenset({Role.OFFICE, Role.LIAISON, Role.TALENT})

    def search(self, queryset, text):
        return search_talents(queryset, text)

    def visible(self, user):
        return super().visible(user).select_related("organization", "category", "tier", "level", "echelon")

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
        request = ChangeRequest(talent=instance, requested_by=user)
        request.set_proposed(proposed)
        request.save()
        return _("姓名、身份证号码、类别、层级等关键信息的修改已提交办公室审核，审核通过后生效。")

    def detail_sections(self, obj, user) -> list[Section]:
        parts = [
            (_("职业资格"), TalentQualification, ["qualification", "obtained_on", "certificate_number"]),
            (_("工作经历"), CareerEntry, ["organization_name", "department_name", "position", "start", "end"]),
            (_("荣誉"), Honour, ["name", "level", "awarded_by", "awarded_on", "source"]),
            (_("所在人才库"), PoolMembership, ["pool", "batch", "joined_on", "term_end", "status"]),
            (_("关键信息变更申请"), ChangeRequest, ["created_at", "requested_by", "state", "summary"]),
        ]
        return related_sections(parts, user, talent=obj.pk)


class TalentPartObjects(ObjectConfig):
    """Records of one talent, reached from the talent's profile."""

    view_roles = BUSINESS_ROLES
    create_roles = OFFICE_AND_LIAISON
    change_roles = OFFICE_AND_LIAISON
    delete_roles = OFFICE_AND_LIAISON

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
    list_columns = ["talent", "name", "level", "awarded_by", "awarded_on", "source"]
    form_fields = ["talent", "name", "level", "awarded_by", "awarded_on", "source_reference"]
    search_fields = ["talent__name_simplified", "name"]
    ordering = ["-awarded_on", "talent__name_pinyin"]


def _approve(request: ChangeRequest, user, data: dict) -> None:
    request.apply()


def _is_requester(request: ChangeRequest, user) -> bool:
    return request.requested_by_id == user.pk


CHANGE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "approve",
            _("审核通过"),
            (ChangeState.PENDING,),
            ChangeState.APPROVED,
            OFFICE,
            inputs=reason_input(_("审核意见"), required=False, name="decision_comment"),
            effect=_approve,
            style="success",
        ),
        Transition(
            "return",
            _("退回"),
            (ChangeState.PENDING,),
            ChangeState.RETURNED,
            OFFICE,
            inputs=reason_input(_("退回理由"), name="decision_comment"),
            style="outline-danger",
        ),
        Transition(
            "withdraw",
            _("撤回"),
            (ChangeState.PENDING,),
            ChangeState.WITHDRAWN,
            frozenset({Role.LIAISON, Role.TALENT, Role.OFFICE}),
            condition=_is_requester,
            style="outline-secondary",
        ),
    ],
)


@register
class ChangeRequestObjects(ObjectConfig):
    model = ChangeRequest
    slug = "change-requests"
    nav_section = "talents"
    list_columns = ["talent", "requested_by", "created_at", "state", "summary"]
    detail_fields = ["talent", "requested_by", "created_at", "summary", "state", "decision_comment"]
    filterset_class = ChangeRequestFilter
    search_fields = ["talent__name_simplified"]
    api_fields = ["id", "talent", "requested_by", "state", "decision_comment", "created_at"]
    ordering = ["-id"]
    create_roles = frozenset()
    change_roles = frozenset()
    delete_roles = frozenset()
    actions = CHANGE_WORKFLOW.actions()


@register
class DictionaryObjects(ObjectConfig):
    model = DictionaryEntry
    slug = "dictionary"
    nav_section = "talents"
    list_columns = ["kind", "code", "name", "parent", "managing_department", "order", "enabled"]
    form_fields = ["kind", "code", "name", "parent", "managing_department", "order", "enabled"]
    filterset_class = DictionaryFilter
    search_fields = ["code", "name"]
    ordering = ["kind", "order", "code"]
    change_roles = OFFICE

    def list_links(self, user):
        return [(_("一屏编辑"), reverse("talents:dictionary"))] if role_of(user) == Role.OFFICE else []


@register
class PoolObjects(ObjectConfig):
    model = TalentPool
    slug = "pools"
    nav_section = "pools"
    list_columns = ["name", "kind", "level", "term_years", "member_count", "is_active"]
    form_fields = ["name", "kind", "level", "term_years", "description", "is_active"]
    search_fields = ["name"]
    ordering = ["kind", "name"]
    change_roles = OFFICE

    def detail_sections(self, obj, user) -> list[Section]:
        batches = config_for_model(PoolBatch)
        members = config_for_model(PoolMembership)
        member_rows = members.visible(user).filter(pool=obj).active().select_related("talent__organization", "batch")
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
    list_columns = ["pool", "name", "decision_date", "document_number", "term_start", "term_end", "member_count"]
    form_fields = ["pool", "name", "decision_date", "document_number", "term_start", "term_end"]
    filterset_class = BatchFilter
    search_fields = ["name", "document_number", "pool__name"]
    ordering = ["pool", "decision_date"]
    change_roles = OFFICE


def _date_input(label: str, initial=None) -> forms.DateField:
    return forms.DateField(label=label, initial=initial)


def _exit(membership: PoolMembership, user, data: dict) -> str:
    membership.left_on = data["left_on"]
    membership.exit_reason = data["exit_reason"]
    membership.full_clean()
    membership.version += 1
    membership.save()
    return _("已出库：%(m)s") % {"m": membership}


def _renew(membership: PoolMembership, user, data: dict) -> str:
    """A new term starts the day after the old one ends; the old one is closed as 续任."""
    start = membership.term_end + timedelta(days=1)
    if data["term_end"] <= start:
        raise ActionRefused(_("新任期届满日期必须晚于 %(date)s。") % {"date": start})
    membership.left_on = membership.term_end
    membership.exit_reason = "任期届满，续任"  # stored data, in Chinese whatever the UI language
    membership.version += 1
    membership.save()
    renewal = PoolMembership(
        pool=membership.pool,
        batch=data.get("batch") or membership.batch,
        talent=membership.talent,
        specialty=membership.specialty,
        source=membership.source,
        source_detail=data.get("source_detail") or "续任",
        joined_on=start,
        term_end=data["term_end"],
        renewed_from=membership,
    )
    renewal.full_clean()
    renewal.save()
    return _("已续任至 %(date)s：%(m)s") % {"date": renewal.term_end, "m": renewal}


def _exit_inputs() -> dict:
    return {
        "left_on": _date_input(_("出库日期"), timezone.localdate),
        "exit_reason": forms.CharField(label=_("出库原因"), max_length=200),
    }


def _renew_inputs() -> dict:
    return {
        "term_end": _date_input(_("新任期届满日期")),
        "source_detail": forms.CharField(label=_("续任依据（文号或说明）"), max_length=200, required=False),
    }


@register
class MembershipObjects(ObjectConfig):
    model = PoolMembership
    slug = "pool-memberships"
    nav_section = "pools"
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
    change_roles = OFFICE
    actions = [
        Action(
            "exit",
            _("出库"),
            OFFICE,
            _exit,
            inputs=_exit_inputs,
            available=lambda m, user: m.left_on is None,
            style="outline-danger",
        ),
        Action(
            "renew",
            _("续任"),
            OFFICE,
            _renew,
            inputs=_renew_inputs,
            available=lambda m, user: m.left_on is None and m.term_end is not None,
        ),
    ]

    def visible(self, user):
        return super().visible(user).select_related("pool", "batch", "talent__organization")


class DictionaryRowForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DictionaryEntry
        fields = ["code", "name", "parent", "managing_department", "order", "enabled"]


class DictionaryEditorView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """Every entry of one dictionary on one screen: code, name, order, enabled."""

    template_name = "talents/dictionary_editor.html"

    def test_func(self) -> bool:
        return role_of(self.request.user) == Role.OFFICE

    @property
    def kind(self) -> str:
        kind = self.kwargs.get("kind") or DictionaryKind.CATEGORY
        return kind if kind in DictionaryKind.values else DictionaryKind.CATEGORY

    def formset(self, data=None):
        formset_class = modelformset_factory(DictionaryEntry, form=DictionaryRowForm, extra=3)
        formset = formset_class(data=data, queryset=DictionaryEntry.objects.filter(kind=self.kind), prefix="d")
        for form in formset:
            form.instance.kind = self.kind
            bootstrapify(form)
            if form.instance.pk:
                form.fields["seen_version"].initial = form.instance.version
            if self.kind != DictionaryKind.SUBCATEGORY:
                form.fields.pop("parent")
            if self.kind != DictionaryKind.TIER:
                form.fields.pop("managing_department")
        return formset

    def get_context_data(self, **kwargs):
        return {
            "kinds": DictionaryKind.choices,
            "kind": self.kind,
            "kind_label": DictionaryKind(self.kind).label,
            "formset": kwargs.get("formset") or self.formset(),
        }

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        try:
            with transaction.atomic():
                saved = self.save_rows(formset)
        except StaleEdit as exc:
            formset._non_form_errors = formset.error_class([str(exc)])
            return self.render_to_response(self.get_context_data(formset=formset), status=409)
        messages.success(request, _("已保存 %(n)s 项。") % {"n": saved})
        return HttpResponseRedirect(request.path)

    def save_rows(self, formset) -> int:
        saved = 0
        for form in formset:
            if not form.has_changed() or not form.cleaned_data.get("name"):
                continue
            entry = form.save(commit=False)
            entry.kind = self.kind
            if entry.pk:
                save_versioned(entry, form.cleaned_data.get("seen_version"), entry.save)
            else:
                entry.save()
            saved += 1
        return saved


@todo_provider
def pending_change_requests(user) -> list[Todo]:
    if role_of(user) != Role.OFFICE:
        return []
    count = ChangeRequest.objects.visible_to(user).filter(state=ChangeState.PENDING).count()
    if not count:
        return []
    return [
        Todo(_("%(count)s 条人才关键信息变更申请待审核") % {"count": count}, "/o/change-requests/?state=pending", count)
    ]


@todo_provider
def pool_terms_ending(user) -> list[Todo]:
    if role_of(user) not in (Role.OFFICE, Role.LEADER, Role.LIAISON):
        return []
    count = PoolMembership.objects.visible_to(user).ending_within(60).count()
    if not count:
        return []
    title = _("%(count)s 名人才的入库任期将在60天内届满") % {"count": count}
    return [Todo(title, "/o/pool-memberships/?status=ending", count)]
