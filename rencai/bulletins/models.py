"""The liaison network and the information desk (人才工作联络员、信息报送与刊物, seeds 000 and
004): every institution names its liaisons; liaisons submit items (信息) signed off by their
unit head; the office edits them (every edit kept as a version), adopts them into numbered
issues of its periodicals (《金融动态》, 《金融调研专刊》 …), passes them to a leader, who
instructs (批示); the office commissions pieces (约稿) with a deadline; and each unit is
scored on adoption by the year's rules."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.chinese import ChineseValueError, to_simplified, validate_mobile
from rencai.core.models import OrgOwnedModel, ScopedModel
from rencai.core.personal import BlindIndexField, EncryptedField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Liaison(OrgOwnedModel):
    """One liaison (联络员) of an institution: an account acting for it, a phone, duties and
    a term. A liaison whose term has ended stays on record (turnover)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户账号"), on_delete=models.PROTECT, related_name="liaisons"
    )
    phone = EncryptedField(_("联系电话"), kind="mobile")
    phone_bidx = BlindIndexField(source="phone")
    duties = models.CharField(
        _("工作职责"), max_length=200, default="信息收集、报送和反馈"
    )  # i18n: stored (the field's default)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True, help_text=_("留空表示仍在任。"))

    class Meta:
        ordering = ["organization__path", "term_start", "id"]
        verbose_name = _("联络员")
        verbose_name_plural = _("人才工作联络员")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "term_start"],
                name="bulletins_one_liaison_term",
                violation_error_message=_("该用户在本单位已有同一起始日期的联络员任期。"),
            )
        ]

    def __str__(self) -> str:
        name = getattr(self.user, "full_name", "") or getattr(self.user, "username", "")
        return f"{name}（{self.organization}）"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.phone:
            try:
                self.phone = validate_mobile(self.phone)
            except ChineseValueError as exc:
                errors["phone"] = str(exc)
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("任期结束不能早于任期开始。")
        if self.user_id and self.organization_id:
            user_org = getattr(self.user, "organization", None)
            if getattr(self.user, "role", None) != "liaison":
                errors["user"] = _("联络员须使用“机构联络员”角色的账号。")
            elif user_org is None or not user_org.path.startswith(self.organization.path):
                errors["user"] = _("该账号不属于本单位，不能担任本单位联络员。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)


def current_liaisons(on: date | None = None) -> "models.QuerySet[Liaison]":
    day = on or timezone.localdate()
    return Liaison.objects.filter(term_start__lte=day).filter(Q(term_end__isnull=True) | Q(term_end__gte=day))


class Category(models.TextChoices):
    NEWS = "news", _("工作动态")
    PRACTICE = "practice", _("经验做法")
    SUGGESTION = "suggestion", _("问题建议")
    URGENT = "urgent", _("紧急信息")


class Level(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


class ItemState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已受理")
    ADOPTED = "adopted", _("已采用")
    PUBLISHED = "published", _("已刊发")
    DECLINED = "declined", _("不予采用")


#: States in which the office may still edit an item in place (each edit a new version).
OFFICE_EDITABLE = (ItemState.SUBMITTED, ItemState.ACCEPTED, ItemState.ADOPTED)
#: States in which the author may still change their item.
AUTHOR_EDITABLE = (ItemState.SUBMITTED, ItemState.RETURNED)


class CommissionState(models.TextChoices):
    OPEN = "open", _("待交稿")
    DELIVERED = "delivered", _("已交稿")
    CANCELLED = "cancelled", _("已撤销")


class Commission(OrgOwnedModel):
    """A piece the office commissions (约稿) from a unit, due by a deadline."""

    topic = models.CharField(_("约稿题目"), max_length=150)
    description = models.TextField(_("约稿要求"), blank=True)
    deadline = models.DateField(_("交稿期限"))
    state = models.CharField(_("状态"), max_length=20, choices=CommissionState.choices, default=CommissionState.OPEN)
    delivered_at = models.DateTimeField(_("交稿时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-deadline", "id"]
        verbose_name = _("约稿")
        verbose_name_plural = _("约稿")

    def __str__(self) -> str:
        return f"{self.topic}（{self.organization}）"

    @property
    def is_overdue(self) -> bool:
        return self.state == CommissionState.OPEN and self.deadline < timezone.localdate()

    @property
    def delivered_late(self) -> bool:
        return self.delivered_at is not None and timezone.localtime(self.delivered_at).date() > self.deadline


class InfoItem(OrgOwnedModel):
    """An item (信息) a liaison submits for their unit, signed off by the unit head."""

    title = models.CharField(_("标题"), max_length=150)
    body = models.TextField(_("正文"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    commission = models.ForeignKey(
        Commission,
        verbose_name=_("所应约稿"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    head_signoff = models.BooleanField(
        _("单位负责人已审核签发"), default=False, help_text=_("报送前须经本单位负责人审核同意。")
    )
    signed_by = models.CharField(_("签发人"), max_length=50, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        null=True,
    )
    state = models.CharField(_("状态"), max_length=20, choices=ItemState.choices, default=ItemState.SUBMITTED)
    return_reason = models.TextField(_("退回理由"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True, editable=False)
    adopted_at = models.DateTimeField(_("采用时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("刊发时间"), null=True, blank=True, editable=False)
    passed_to_leader_at = models.DateTimeField(_("呈阅领导时间"), null=True, blank=True, editable=False)
    #: Title, body and unit in simplified characters, which search reads.
    search_text = models.TextField(editable=False, default="")

    audit_exclude = ("version", "created_at", "updated_at", "search_text")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("信息")
        verbose_name_plural = _("报送信息")
        indexes = [models.Index(fields=["state", "organization"], name="bulletins_item_state")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not self.head_signoff:
            errors["head_signoff"] = _("信息须经单位负责人审核签发后方可报送，请确认已签发。")
        elif not self.signed_by.strip():
            errors["signed_by"] = _("请填写签发人（单位负责人）姓名。")
        if (
            self.commission is not None
            and self.organization_id
            and self.commission.organization_id != self.organization_id
        ):
            errors["commission"] = _("所选约稿不是向本单位约的稿。")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        unit = self.organization.name if self.organization_id else ""
        self.search_text = to_simplified(f"{self.title}\n{self.body}\n{unit}")
        super().save(*args, **kwargs)


class InfoItemVersion(ScopedModel):
    """One text of an item: the author's original (version 1) and every edit by the office."""

    item = models.ForeignKey(InfoItem, verbose_name=_("信息"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=150)
    body = models.TextField(_("正文"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("修改说明"), max_length=200, blank=True)

    scope_path = "item__organization__path"

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("信息版本")
        verbose_name_plural = _("信息修改版本")
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="bulletins_one_version_number")]

    def __str__(self) -> str:
        return _("%(item)s · 第%(number)s版") % {"item": self.item, "number": self.number}


ATTACHMENT_EXTENSIONS = {
    "pdf": ("pdf",),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "pptx": ("pptx",),
    "ole": ("doc", "xls", "ppt"),
    "jpeg": ("jpg", "jpeg"),
    "png": ("png",),
}


class InfoAttachment(ScopedModel):
    """A file attached to an item, judged by its content and its extension alike."""

    item = models.ForeignKey(InfoItem, verbose_name=_("信息"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="bulletins/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200, editable=False)
    file_type = models.CharField(_("文件类型"), max_length=20, editable=False)
    file_size = models.PositiveIntegerField(_("大小（字节）"), default=0, editable=False)
    sha256 = models.CharField(_("文件摘要"), max_length=64, editable=False)

    scope_path = "item__organization__path"

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("信息附件")
        verbose_name_plural = _("信息附件")

    def __str__(self) -> str:
        return self.file_name or str(self.file)


class Periodical(ScopedModel):
    """A periodical of the office (刊物) with its level and the points an adopted item earns
    by its kind."""

    name = models.CharField(_("刊物名称"), max_length=50, unique=True)
    level = models.CharField(_("刊物级别"), max_length=20, choices=Level.choices, default=Level.CITY)
    issuer = models.CharField(_("编印单位"), max_length=100)
    points_news = models.DecimalField(
        _("工作动态得分"), default=Decimal("5.00"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    points_practice = models.DecimalField(
        _("经验做法得分"), default=Decimal("10.00"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    points_suggestion = models.DecimalField(
        _("问题建议得分"), default=Decimal("10.00"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    points_urgent = models.DecimalField(
        _("紧急信息得分"), default=Decimal("30.00"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    report_to = models.CharField(
        _("报（上级领导、机关）"), max_length=300, blank=True, help_text=_("报送的上级领导、机关。")
    )
    send_to = models.CharField(_("送（有关部门）"), max_length=300, blank=True)
    distribute_to = models.CharField(_("发（印发范围）"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    shared = True

    class Meta:
        ordering = ["name"]
        verbose_name = _("刊物")
        verbose_name_plural = _("刊物")

    def __str__(self) -> str:
        return f"《{self.name}》"

    def points_for(self, category: str) -> Decimal:
        points: Decimal = getattr(self, f"points_{category}", Decimal(0))
        return points


class IssueState(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    PUBLISHED = "published", _("已印发")


class PeriodicalIssue(ScopedModel):
    """One numbered issue: 2026年第N期（总第M期）."""

    periodical = models.ForeignKey(Periodical, verbose_name=_("刊物"), on_delete=models.PROTECT, related_name="issues")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000)])
    number = models.PositiveSmallIntegerField(_("年度期号"), validators=[MinValueValidator(1)])
    serial = models.PositiveIntegerField(_("总期号"), validators=[MinValueValidator(1)])
    issued_on = models.DateField(_("印发日期"))
    editor = models.CharField(_("责任编辑"), max_length=50, blank=True)
    report_to = models.CharField(
        _("报（上级领导、机关）"), max_length=300, blank=True, help_text=_("留空则用刊物的默认发送范围。")
    )
    send_to = models.CharField(_("送（有关部门）"), max_length=300, blank=True)
    distribute_to = models.CharField(_("发（印发范围）"), max_length=300, blank=True)
    copies = models.PositiveIntegerField(_("印数（份）"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=IssueState.choices, default=IssueState.DRAFT)
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True, editable=False)

    shared = True

    class Meta:
        ordering = ["-year", "periodical", "-number"]
        verbose_name = _("期刊")
        verbose_name_plural = _("刊物期次")
        constraints = [
            models.UniqueConstraint(
                fields=["periodical", "year", "number"],
                name="bulletins_issue_number",
                violation_error_message=_("该刊物本年度已有同一期号。"),
            ),
            models.UniqueConstraint(
                fields=["periodical", "serial"],
                name="bulletins_issue_serial",
                violation_error_message=_("该刊物已有同一总期号。"),
            ),
        ]

    def __str__(self) -> str:
        name = self.periodical.name if self.periodical_id else ""
        return _("《%(name)s》%(year)s年第%(number)s期（总第%(serial)s期）") % {
            "name": name,
            "year": self.year,
            "number": self.number,
            "serial": self.serial,
        }

    @property
    def number_label(self) -> str:
        return _("%(year)s年第%(number)s期（总第%(serial)s期）") % {
            "year": self.year,
            "number": self.number,
            "serial": self.serial,
        }

    def clean(self) -> None:
        if self.issued_on and self.year and self.issued_on.year != self.year:
            raise ValidationError({"issued_on": _("印发日期须在本期所属年度内。")})
        if self.pk:
            stored = PeriodicalIssue.objects.filter(pk=self.pk).values(
                "state", "periodical", "year", "number", "serial"
            )
            old = stored.first()
            if old and old["state"] == IssueState.PUBLISHED:
                numbering = (self.periodical_id, self.year, self.number, self.serial)
                if numbering != (old["periodical"], old["year"], old["number"], old["serial"]):
                    raise ValidationError({"number": _("已印发的期刊不能重新编号。")})

    def distribution(self) -> tuple[str, str, str]:
        periodical = self.periodical
        return (
            self.report_to or periodical.report_to,
            self.send_to or periodical.send_to,
            self.distribute_to or periodical.distribute_to,
        )


class Adoption(ScopedModel):
    """An item adopted (采用) into one issue, at a place in its order. An item may be adopted
    into several issues and periodicals, into one issue only once."""

    issue = models.ForeignKey(
        PeriodicalIssue, verbose_name=_("期刊"), on_delete=models.PROTECT, related_name="adoptions"
    )
    item = models.ForeignKey(InfoItem, verbose_name=_("信息"), on_delete=models.PROTECT, related_name="adoptions")
    order = models.PositiveSmallIntegerField(_("排序"), default=1)
    points = models.DecimalField(
        _("得分"), default=Decimal(0), editable=False, max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    scope_path = "item__organization__path"

    class Meta:
        ordering = ["issue", "order", "id"]
        verbose_name = _("采用记录")
        verbose_name_plural = _("信息采用")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "item"],
                name="bulletins_adopt_once_per_issue",
                violation_error_message=_("该信息已编入本期，不能重复采用。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.issue}"


class InstructionState(models.TextChoices):
    OPEN = "open", _("待反馈")
    ANSWERED = "answered", _("已反馈")
    CLOSED = "closed", _("已办结")


class Instruction(OrgOwnedModel):
    """A leader's instruction (批示) on an item, sent to the item's unit, answered (反馈)
    and closed. ``organization`` is the item's unit."""

    item = models.ForeignKey(InfoItem, verbose_name=_("信息"), on_delete=models.PROTECT, related_name="instructions")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批示领导"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    text = models.TextField(_("批示内容"))
    instructed_on = models.DateField(_("批示日期"), default=timezone.localdate)
    state = models.CharField(
        _("状态"), max_length=20, choices=InstructionState.choices, default=InstructionState.OPEN, editable=False
    )
    response = models.TextField(_("落实反馈"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-instructed_on", "-id"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")

    def __str__(self) -> str:
        return _("批示：%(item)s") % {"item": self.item}


class ScoreRule(ScopedModel):
    """The year's scoring rules beside the periodicals' points: the monthly quota of items,
    the bonus for an item a leader instructed on, the penalties for a missed quota and for
    an overdue commission, and how many missed commissions zero the year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=[MinValueValidator(2000)])
    monthly_quota = models.PositiveSmallIntegerField(_("每月报送任务（条）"), default=2)
    quota_penalty = models.DecimalField(
        _("未完成月度任务扣分（每月）"),
        default=Decimal("2.00"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    instruction_bonus = models.DecimalField(
        _("领导批示加分（每条）"),
        default=Decimal("20.00"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    commission_penalty = models.DecimalField(
        _("约稿逾期扣分（每篇）"),
        default=Decimal("5.00"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    zero_after_missed = models.PositiveSmallIntegerField(
        _("约稿逾期达几篇全年计零分"), default=2, help_text=_("填0表示不适用。")
    )
    notes = models.TextField(_("说明"), blank=True)

    shared = True

    class Meta:
        ordering = ["-year"]
        verbose_name = _("计分规则")
        verbose_name_plural = _("信息计分规则")

    def __str__(self) -> str:
        return _("%(year)s年信息计分规则") % {"year": self.year}
