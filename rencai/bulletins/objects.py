"""The information desk declared once for pages, export and API: liaisons, items with their
versions and attachments, commissions (约稿), periodicals and their issues, adoptions,
leaders' instructions (批示) and the year's scoring rules."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.bulletins import services
from rencai.bulletins.filters import CommissionFilter, InstructionFilter, IssueFilter, ItemFilter, LiaisonFilter
from rencai.bulletins.forms import (
    AttachmentForm,
    InstructionForm,
    ItemForm,
    adopt_inputs,
    instruct_inputs,
    revise_inputs,
)
from rencai.bulletins.models import (
    AUTHOR_EDITABLE,
    OFFICE_EDITABLE,
    Adoption,
    Commission,
    CommissionState,
    InfoAttachment,
    InfoItem,
    InfoItemVersion,
    Instruction,
    IssueState,
    ItemState,
    Liaison,
    Periodical,
    PeriodicalIssue,
    ScoreRule,
)
from rencai.bulletins.workflows import COMMISSION_WORKFLOW, INSTRUCTION_WORKFLOW, ISSUE_WORKFLOW, ITEM_WORKFLOW
from rencai.core.chinese import to_simplified
from rencai.core.errors import Conflict, Refused
from rencai.core.objects import Action, ObjectConfig, Policy, Section, register, registered, related_sections
from rencai.core.roles import (
    CITYWIDE_READERS,
    LEADERS_ONLY,
    NOBODY,
    OFFICE_AND_LIAISONS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    Role,
    role_of,
)

LIAISONS_ONLY = frozenset({Role.LIAISON})
#: Items a leader may instruct on and the office may adopt or pass on.
READY = (ItemState.ACCEPTED, ItemState.ADOPTED, ItemState.PUBLISHED)


@register
class LiaisonObjects(ObjectConfig):
    model = Liaison
    slug = "liaisons"
    nav_section = "bulletins"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["user", "organization", "phone", "duties", "term_start", "term_end"]
    form_fields = ["organization", "user", "phone", "duties", "term_start", "term_end"]
    filterset_class = LiaisonFilter
    search_fields = ["user__full_name", "organization__name", "organization__short_name"]
    ordering = ["organization__path", "term_start"]
    list_related = ("user", "organization")
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_AND_LIAISONS, change=OFFICE_AND_LIAISONS)

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["user"].queryset = form.fields["user"].queryset.filter(role=Role.LIAISON)
        form.fields["phone"].help_text = _("11位手机号码；加密保存，列表中脱敏显示。")

    def list_links(self, user):
        if role_of(user) in CITYWIDE_READERS:
            return [(_("联络员覆盖情况"), reverse("bulletins:coverage"))]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("报送的信息"), InfoItem, ["title", "category", "state", "submitted_at"])], user, author=obj.user_id
        )


def _items_editable(items, user):
    """A liaison changes an item only while it is with them (submitted or returned)."""
    if role_of(user) == Role.LIAISON:
        return items.filter(state__in=AUTHOR_EDITABLE)
    return items


def _adopt(item: InfoItem, user, data: dict) -> str:
    adoption = services.adopt(item, data["issue"], data.get("order"))
    return _("已编入%(issue)s，第%(order)s篇。") % {"issue": adoption.issue, "order": adoption.order}


def _pass_to_leader(item: InfoItem, user, data: dict) -> str:
    item.passed_to_leader_at = timezone.now()
    item.version += 1
    item.save()
    return _("已呈阅领导：%(item)s") % {"item": item}


def _revise(item: InfoItem, user, data: dict) -> str:
    item.title, item.body = data["title"], data["body"]
    item.full_clean()
    item.version += 1
    item.save()
    version = services.record_version(item, user, data["note"])
    return _("已修订，形成第%(n)s版。") % {"n": version.number}


def _instruct(item: InfoItem, user, data: dict) -> str:
    services.instruct(item, user, data["text"])
    return _("批示已送%(unit)s办理。") % {"unit": item.organization}


@register
class InfoItemObjects(ObjectConfig):
    model = InfoItem
    slug = "info-items"
    nav_section = "bulletins"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["title", "organization", "category", "state", "submitted_at", "author"]
    detail_fields = [
        "organization",
        "category",
        "title",
        "body",
        "commission",
        "head_signoff",
        "signed_by",
        "author",
        "state",
        "return_reason",
        "submitted_at",
        "accepted_at",
        "adopted_at",
        "published_at",
        "passed_to_leader_at",
    ]
    form_class = ItemForm
    filterset_class = ItemFilter
    ordering = ["-submitted_at", "-id"]
    list_related = ("organization", "author")
    policy = Policy(
        view=STAFF_AND_LIAISONS,
        create=LIAISONS_ONLY,
        change=OFFICE_AND_LIAISONS,
        delete=OFFICE_AND_LIAISONS,
        narrow_editable=_items_editable,
    )
    actions = [
        *ITEM_WORKFLOW.actions(),
        Action(
            "adopt",
            gettext_lazy("采用（编入期刊）"),
            OFFICE_ONLY,
            _adopt,
            inputs=adopt_inputs,
            available=lambda item, user: item.state in READY,
            style="success",
        ),
        Action(
            "pass_to_leader",
            gettext_lazy("呈阅领导"),
            OFFICE_ONLY,
            _pass_to_leader,
            available=lambda item, user: item.state in READY and item.passed_to_leader_at is None,
        ),
        Action(
            "revise",
            gettext_lazy("修订（形成新版本）"),
            OFFICE_ONLY,
            _revise,
            inputs=revise_inputs,
            available=lambda item, user: item.state == ItemState.PUBLISHED,
        ),
        Action(
            "instruct",
            gettext_lazy("批示"),
            LEADERS_ONLY,
            _instruct,
            inputs=instruct_inputs,
            available=lambda item, user: item.state in READY,
            style="primary",
        ),
    ]

    def search(self, queryset, text: str):
        """Words of the title, body or unit, typed in simplified or traditional characters."""
        words = to_simplified(text).split()
        for word in words:
            queryset = queryset.filter(search_text__icontains=word)
        return queryset

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        commissions = form.fields["commission"].queryset
        form.fields["commission"].queryset = commissions.filter(state=CommissionState.OPEN)
        form.fields["organization"].label = _("报送单位")

    def before_save(self, instance, user, creating):
        if instance.organization_id is None:
            return  # the form reports the missing unit
        if creating:
            services.check_submitter(instance, user)
            instance.author = user
            instance.state = ItemState.SUBMITTED
            instance.submitted_at = timezone.now()
            instance._text_changed = True
            return
        if instance.state == ItemState.PUBLISHED:
            raise Conflict(_("已刊发的信息不能直接修改；如需修订，请使用“修订（形成新版本）”并说明修订理由。"))
        if role_of(user) == Role.LIAISON:
            services.check_submitter(instance, user)
        elif instance.state not in OFFICE_EDITABLE:
            raise Conflict(_("当前状态为“%(state)s”的信息不能由办公室修改。") % {"state": instance.get_state_display()})
        instance._text_changed = services.text_changed(instance)

    def after_save(self, instance, user, creating):
        if creating:
            services.record_version(instance, user, _("原稿"))
            services.deliver_commission(instance)
            return _("信息已报送，等待办公室审核。")
        if getattr(instance, "_text_changed", False):
            note = _("办公室编辑") if role_of(user) == Role.OFFICE else _("报送单位修改")
            version = services.record_version(instance, user, note)
            return _("已保存，形成第%(n)s版。") % {"n": version.number}
        return None

    def before_delete(self, instance, user):
        if instance.state not in AUTHOR_EDITABLE or instance.adoptions.exists():
            raise Conflict(_("已受理的信息不能删除。"))

    def detail_links(self, obj, user):
        links = []
        if registered()["info-attachments"].can_create(user) and self.editable(user).filter(pk=obj.pk).exists():
            links.append((_("上传附件"), f"{reverse('objects:info-attachments-create')}?item={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (_("修改版本"), InfoItemVersion, ["number", "title", "edited_by", "note", "created_at"]),
                (_("附件"), InfoAttachment, ["file_name", "file_type", "file_size"]),
                (_("采用情况"), Adoption, ["issue", "order", "points"]),
                (_("领导批示"), Instruction, ["leader", "instructed_on", "state", "answered_at"]),
            ],
            user,
            item=obj.pk,
        )


@register
class InfoItemVersionObjects(ObjectConfig):
    model = InfoItemVersion
    slug = "info-versions"
    list_columns = ["item", "number", "title", "edited_by", "note", "created_at"]
    detail_fields = ["item", "number", "title", "body", "edited_by", "note", "created_at"]
    ordering = ["item", "-number"]
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY)


def _attachments_of_editable_items(attachments, user):
    if role_of(user) == Role.LIAISON:
        return attachments.filter(item__state__in=AUTHOR_EDITABLE)
    return attachments


@register
class InfoAttachmentObjects(ObjectConfig):
    model = InfoAttachment
    slug = "info-attachments"
    list_columns = ["item", "file_name", "file_type", "file_size"]
    detail_fields = ["item", "file_name", "file_type", "file_size", "sha256"]
    form_class = AttachmentForm
    policy = Policy(
        view=STAFF_AND_LIAISONS,
        create=OFFICE_AND_LIAISONS,
        change=NOBODY,
        delete=OFFICE_AND_LIAISONS,
        narrow_editable=_attachments_of_editable_items,
    )

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["item"].queryset = registered()["info-items"].editable(user)
        form.fields["file"].help_text = _("PDF、Word、Excel或图片，不超过20MB；按文件内容识别格式，须与扩展名一致。")

    def before_save(self, instance, user, creating):
        if not registered()["info-items"].editable(user).filter(pk=instance.item_id).exists():
            raise Conflict(_("该信息已进入编辑流程，报送单位不能再上传附件。"))
        services.check_attachment(instance)

    def detail_links(self, obj, user):
        return [(_("下载"), reverse("bulletins:attachment-download", args=[obj.pk]))]


@register
class CommissionObjects(ObjectConfig):
    model = Commission
    slug = "commissions"
    nav_section = "bulletins"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["topic", "organization", "deadline", "state", "delivered_at"]
    form_fields = ["organization", "topic", "description", "deadline"]
    detail_fields = [*form_fields, "state", "delivered_at"]
    filterset_class = CommissionFilter
    search_fields = ["topic", "organization__name"]
    ordering = ["-deadline"]
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_ONLY, change=OFFICE_ONLY)
    actions = COMMISSION_WORKFLOW.actions()

    def before_delete(self, instance, user):
        if instance.state == CommissionState.DELIVERED:
            raise Conflict(_("已交稿的约稿不能删除。"))

    def detail_links(self, obj, user):
        if obj.state == CommissionState.OPEN and services.is_liaison_of(user, obj.organization_id):
            url = reverse("objects:info-items-create")
            return [(_("交稿（报送信息）"), f"{url}?commission={obj.pk}&organization={obj.organization_id}")]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections([(_("交稿"), InfoItem, ["title", "state", "submitted_at"])], user, commission=obj.pk)


@register
class PeriodicalObjects(ObjectConfig):
    model = Periodical
    slug = "periodicals"
    nav_section = "bulletins"
    nav_roles = OFFICE_ONLY
    list_columns = ["name", "level", "issuer", "points_news", "points_practice", "points_suggestion", "points_urgent"]
    form_fields = [
        "name",
        "level",
        "issuer",
        "points_news",
        "points_practice",
        "points_suggestion",
        "points_urgent",
        "report_to",
        "send_to",
        "distribute_to",
        "is_active",
    ]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("期次"), PeriodicalIssue, ["year", "number", "serial", "issued_on", "state"])], user, periodical=obj.pk
        )

    def detail_links(self, obj, user):
        if role_of(user) == Role.OFFICE:
            return [(_("新建一期"), f"{reverse('objects:periodical-issues-create')}?periodical={obj.pk}")]
        return []


def _published_unless_staff(issues, user):
    """An issue being edited is seen by the office and the leaders only."""
    return issues if role_of(user) in CITYWIDE_READERS else issues.filter(state=IssueState.PUBLISHED)


@register
class PeriodicalIssueObjects(ObjectConfig):
    model = PeriodicalIssue
    slug = "periodical-issues"
    nav_section = "bulletins"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["periodical", "year", "number", "serial", "issued_on", "state"]
    form_fields = [
        "periodical",
        "year",
        "number",
        "serial",
        "issued_on",
        "editor",
        "report_to",
        "send_to",
        "distribute_to",
        "copies",
    ]
    detail_fields = [*form_fields, "state", "published_at"]
    filterset_class = IssueFilter
    ordering = ["-year", "periodical", "-number"]
    list_related = ("periodical",)
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY, narrow_visible=_published_unless_staff)
    actions = ISSUE_WORKFLOW.actions()

    def search(self, queryset, text: str):
        """The archive: issues whose items hold every word (简 or 繁)."""
        words = to_simplified(text).split()
        if not words:
            return queryset
        items = InfoItem.objects.all()
        for word in words:
            items = items.filter(search_text__icontains=word)
        return queryset.filter(adoptions__item__in=items).distinct()

    def initial_from_query(self, query):
        """A new issue of a periodical (``?periodical=3``) is numbered after its last one."""
        initial = super().initial_from_query(query)
        wanted = str(query.get("periodical", ""))
        periodical = (
            Periodical.objects.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) < 10 else None
        )
        if periodical is not None:
            today = timezone.localdate()
            issues = periodical.issues.all()
            last_number = issues.filter(year=today.year).aggregate(n=Max("number"))["n"] or 0
            last_serial = issues.aggregate(n=Max("serial"))["n"] or 0
            initial.setdefault("year", today.year)
            initial.setdefault("number", last_number + 1)
            initial.setdefault("serial", last_serial + 1)
            initial.setdefault("issued_on", today)
        return initial

    def before_delete(self, instance, user):
        if instance.state == IssueState.PUBLISHED:
            raise Conflict(_("已印发的期刊不能删除。"))

    def detail_links(self, obj, user):
        links = [(_("生成简报（Word）"), reverse("bulletins:issue-docx", args=[obj.pk]))]
        links.append((_("生成简报（PDF）"), reverse("bulletins:issue-pdf", args=[obj.pk])))
        if obj.state == IssueState.DRAFT and role_of(user) == Role.OFFICE:
            links.append((_("编入信息"), f"{reverse('objects:adoptions-create')}?issue={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections([(_("本期信息"), Adoption, ["order", "item", "points"])], user, issue=obj.pk)


@register
class AdoptionObjects(ObjectConfig):
    model = Adoption
    slug = "adoptions"
    list_columns = ["issue", "item", "order", "points"]
    form_fields = ["issue", "item", "order"]
    ordering = ["issue", "order"]
    list_related = ("issue__periodical", "item")
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_ONLY, change=OFFICE_ONLY)

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["issue"].queryset = PeriodicalIssue.objects.filter(state=IssueState.DRAFT)
        form.fields["item"].queryset = InfoItem.objects.filter(state__in=READY)

    def before_save(self, instance, user, creating):
        issue, item = instance.issue, instance.item
        if issue.state != IssueState.DRAFT:
            raise Conflict(_("%(issue)s已印发，不能再调整。") % {"issue": issue})
        if creating:
            if item.state not in READY:
                raise Conflict(_("信息“%(item)s”尚未受理，不能采用。") % {"item": item})
            instance.points = issue.periodical.points_for(item.category)
        else:
            snapshot = instance._audit_snapshot
            if (snapshot.get("issue_id"), snapshot.get("item_id")) != (instance.issue_id, instance.item_id):
                raise Refused(_("采用记录只能调整排序；如需改编入其他期，请删除后重新采用。"))

    def after_save(self, instance, user, creating):
        item = instance.item
        if creating and item.state == ItemState.ACCEPTED:
            item.state = ItemState.ADOPTED
            item.adopted_at = timezone.now()
            item.version += 1
            item.save()
        return None

    def before_delete(self, instance, user):
        if instance.issue.state != IssueState.DRAFT:
            raise Conflict(_("已印发期刊中的采用记录不能删除。"))


@register
class InstructionObjects(ObjectConfig):
    model = Instruction
    slug = "instructions"
    nav_section = "bulletins"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["item", "organization", "leader", "instructed_on", "state", "answered_at"]
    detail_fields = [
        "item",
        "organization",
        "leader",
        "text",
        "instructed_on",
        "state",
        "response",
        "answered_at",
        "closed_at",
    ]
    form_class = InstructionForm
    filterset_class = InstructionFilter
    search_fields = ["item__title", "text"]
    ordering = ["-instructed_on", "-id"]
    list_related = ("item", "organization", "leader")
    policy = Policy(view=STAFF_AND_LIAISONS, create=LEADERS_ONLY, change=NOBODY, delete=NOBODY)
    actions = INSTRUCTION_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["item"].queryset = InfoItem.objects.filter(state__in=READY)

    def before_save(self, instance, user, creating):
        if instance.item.state not in READY:
            raise Conflict(_("只能对已受理的信息作出批示。"))
        instance.leader = user
        instance.organization_id = instance.item.organization_id


@register
class ScoreRuleObjects(ObjectConfig):
    model = ScoreRule
    slug = "score-rules"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = [
        "year",
        "monthly_quota",
        "quota_penalty",
        "instruction_bonus",
        "commission_penalty",
        "zero_after_missed",
    ]
    form_fields = [*list_columns, "notes"]
    ordering = ["-year"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)

    def list_links(self, user):
        if role_of(user) in CITYWIDE_READERS:
            return [(_("信息工作排名"), reverse("bulletins:ranking"))]
        return []
