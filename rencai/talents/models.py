"""The talent registry: people, their classification, qualifications, career, honours and
the named pools (专项人才库 / 专家智库) they belong to.

Classification follows seed 004: a horizontal category (六支人才队伍 with 金融商务人才 split
out, plus sub-categories), a vertical tier (领军 / 高端 / 英才, each managed by a
department), a 百千万 programme level and the 金字塔型 echelon of seed 003. All of these are
dictionary entries the office edits, not hard-coded choices.
"""

import json
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.chinese import (
    ChineseValueError,
    id_birth_date,
    id_gender,
    pinyin_full,
    pinyin_initials,
    to_simplified,
    validate_id_number,
    validate_mobile,
)
from rencai.core.models import OrgOwnedModel, ScopedModel, ScopedQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from rencai.core.objects.writes import update_many
from rencai.core.personal import BlindIndexField, EncryptedField, blind_index, mask


class DictionaryKind(models.TextChoices):
    CATEGORY = "category", _("人才类别")
    SUBCATEGORY = "subcategory", _("人才子类别")
    TIER = "tier", _("人才层级")
    LEVEL = "level", _("百千万层次")
    ECHELON = "echelon", _("人才梯队")
    QUALIFICATION = "qualification", _("职业资格")
    EDUCATION = "education", _("学历")
    DEGREE = "degree", _("学位")
    TITLE = "title", _("专业技术职称")


class DictionaryEntry(ScopedModel):
    """One value of a dictionary (a category, a tier, a qualification …)."""

    kind = models.CharField(_("字典"), max_length=20, choices=DictionaryKind.choices, db_index=True)
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级（子类别所属类别）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"kind": DictionaryKind.CATEGORY},
    )
    managing_department = models.CharField(_("管理部门"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    enabled = models.BooleanField(_("启用"), default=True)
    synonyms = models.TextField(
        _("同义词"),
        blank=True,
        help_text=_("导入花名册时视同本项的其他写法，每行一个或用顿号分隔，如“本科、大本”。"),
    )

    shared = True

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("字典项")
        verbose_name_plural = _("数据字典")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="talents_unique_dictionary_code",
                violation_error_message=_("同一字典中代码不能重复。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "name"],
                name="talents_unique_dictionary_name",
                violation_error_message=_("同一字典中名称不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.kind != DictionaryKind.SUBCATEGORY:
            raise ValidationError({"parent": _("只有人才子类别可以指定上级类别。")})
        if self.kind == DictionaryKind.SUBCATEGORY and not self.parent_id:
            raise ValidationError({"parent": _("请指定子类别所属的人才类别。")})


def dictionary(kind: str) -> dict:
    """``limit_choices_to`` of a reference to enabled entries of one dictionary."""
    return {"kind": kind, "enabled": True}


def dictionary_fk(
    kind: str, label: "StrOrPromise", required: bool = False
) -> "models.ForeignKey[DictionaryEntry | None, DictionaryEntry | None]":
    return models.ForeignKey(
        DictionaryEntry,
        verbose_name=label,
        null=not required,
        blank=not required,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=dictionary(kind),
    )


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    """政治面貌, as GB/T 4762 lists them."""

    CPC = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
    CYL = "cyl", _("共青团员")
    DEMOCRATIC_PARTY = "democratic", _("民主党派成员")
    NON_PARTY = "non_party", _("无党派人士")
    MASSES = "masses", _("群众")


ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]

#: Fields whose change by a talent or a liaison waits for the office's approval.
KEY_FIELDS = ("name", "id_number", "gender", "birth_date", "category", "subcategory", "tier", "level")


class TalentQuerySet(ScopedQuerySet):
    def by_id_number(self, number: str) -> "TalentQuerySet":
        return self.filter(id_number_bidx=blind_index(validate_id_number(number)))

    def by_mobile(self, number: str) -> "TalentQuerySet":
        return self.filter(mobile_bidx=blind_index(validate_mobile(number)))


def pattern_index(field: str, name: str) -> models.Index:
    """An index that serves ``LIKE 'abc%'`` on PostgreSQL whatever the database collation."""
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])


def check_identity(
    id_number: str, birth_date: date | None, gender: str | None
) -> tuple[date, str, list[tuple[str, str, str]]]:
    """Birth date and gender as the (valid, normalised) ID number gives them, filled in when
    blank, with (field, code, message) for each that contradicts it. A birth date with
    only a month given (``MonthDate``) agrees when its year and month do."""
    born = id_birth_date(id_number)
    problems = []
    if birth_date is not None and birth_date != born:
        month_only = getattr(birth_date, "month_only", False)
        if not month_only or (birth_date.year, birth_date.month) != (born.year, born.month):
            problems.append(
                (
                    "birth_date",
                    "birth_mismatch",
                    _("出生日期与身份证号码不符（身份证显示为 %(date)s）。") % {"date": born.isoformat()},
                )
            )
    from_id = Gender(id_gender(id_number))
    if gender and gender != from_id:
        problems.append(
            (
                "gender",
                "gender_mismatch",
                _("性别与身份证号码不符（身份证显示为%(gender)s）。") % {"gender": from_id.label},
            )
        )
    return born, gender or from_id, problems


@lru_cache(maxsize=8192)
def _derived_names(name: str) -> tuple[tuple[str, str], ...]:
    simplified = to_simplified(name)
    initials = pinyin_initials(simplified)[:50]
    return (
        ("name_simplified", simplified),
        ("name_pinyin", pinyin_full(simplified)[:200]),
        ("name_initials", initials),
        ("name_first", simplified[:1]),
        ("initials_head", initials[:2]),
    )


def derived_names(name: str) -> dict[str, str]:
    """What :meth:`Talent.derive_names` fills for ``name`` (cached: rosters repeat names)."""
    return dict(_derived_names(name or ""))


class Talent(OrgOwnedModel):
    """A person in the registry, belonging to one institution at a time."""

    name = models.CharField(_("姓名"), max_length=50)
    name_simplified = models.CharField(_("姓名（简体）"), max_length=50, editable=False)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, editable=False)
    name_first = models.CharField(_("姓名首字"), max_length=1, editable=False, default="")
    initials_head = models.CharField(_("拼音首字母前两位"), max_length=2, editable=False, default="")
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    id_number = EncryptedField(_("身份证号码"), kind="id_number", blank=True)
    id_number_bidx = BlindIndexField(source="id_number")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(
        _("民族"), max_length=10, choices=[(e, e) for e in ETHNICITIES], default="汉族", blank=True
    )
    political_status = models.CharField(_("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True)
    education = dictionary_fk(DictionaryKind.EDUCATION, _("学历"))
    degree = dictionary_fk(DictionaryKind.DEGREE, _("学位"))
    title = dictionary_fk(DictionaryKind.TITLE, _("专业技术职称"))
    mobile = EncryptedField(_("手机号码"), kind="mobile", blank=True)
    mobile_bidx = BlindIndexField(source="mobile")
    email = EncryptedField(_("电子邮箱"), kind="email", blank=True)
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.CharField(_("职务岗位"), max_length=100, blank=True)
    work_start = models.DateField(_("参加工作时间"), null=True, blank=True)
    category = dictionary_fk(DictionaryKind.CATEGORY, _("人才类别"), required=True)
    subcategory = dictionary_fk(DictionaryKind.SUBCATEGORY, _("人才子类别"))
    tier = dictionary_fk(DictionaryKind.TIER, _("人才层级"))
    level = dictionary_fk(DictionaryKind.LEVEL, _("百千万层次"))
    echelon = dictionary_fk(DictionaryKind.ECHELON, _("人才梯队"))
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talent_profile",
        limit_choices_to={"role__in": ["talent", "reviewer"]},
        help_text=_("人才本人的账号；专家智库成员为评审专家账号。"),
    )
    has_disciplinary_record = models.BooleanField(
        _("有违纪记录"), default=False, help_text=_("评选资格审查时核对（无违纪记录）。")
    )
    is_active = models.BooleanField(_("在库"), default=True)
    notes = models.TextField(_("备注"), blank=True)

    objects = TalentQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713
    audit_exclude = (
        "version",
        "created_at",
        "updated_at",
        "name_simplified",
        "name_pinyin",
        "name_initials",
        "name_first",
        "initials_head",
    )

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("人才")
        verbose_name_plural = _("人才信息库")
        indexes = [
            pattern_index("name_simplified", "talent_name_prefix"),
            pattern_index("name_pinyin", "talent_pinyin_prefix"),
            pattern_index("name_initials", "talent_initials_prefix"),
            # In list order, led by what search looks up; organization_id carried so that a
            # liaison's count checks the institution in the index (PostgreSQL), and the
            # filter columns so that a filtered page's keys are found by walking this index
            # alone (category + tier for the whole city: 6,000 rows passed over for 25, each
            # a read of the table when it was not in memory, 270 ms after a restart).
            models.Index(
                fields=["name_pinyin", "id"],
                include=["organization", "category", "tier", "level"],
                name="talent_pinyin_order",
            ),
            models.Index(
                fields=["name_first", "name_pinyin", "id"], include=["organization"], name="talent_first_char_order"
            ),
            models.Index(
                fields=["initials_head", "name_pinyin", "id"],
                include=["organization"],
                name="talent_initials_head_order",
            ),
            models.Index(fields=["birth_date"], name="talent_birth_date"),
            models.Index(fields=["category", "tier"], name="talent_category_tier"),
            models.Index(fields=["category", "birth_date"], name="talent_category_birth_date"),
            # A liaison's talents and the filter columns, read without the table.
            models.Index(
                fields=["organization", "id"],
                include=["category", "tier", "level", "birth_date"],
                name="talent_organization_scope",
            ),
            # The registry's figures (leader view, documents, training coverage): the active
            # talents grouped by institution, category and tier, counted from the index
            # alone (an index-only scan in key order, no sort, no heap).
            models.Index(
                fields=["organization", "category", "tier"],
                condition=Q(is_active=True),
                name="talent_active_figures",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_bidx"],
                condition=~Q(id_number_bidx=""),
                name="talents_unique_id_number",
                violation_error_message=_("该身份证号码已登记，同一人不能重复登记。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.filter(user=user)

    @admin.display(description=_("年龄"))
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        self._clean_id_number(errors)
        if not self.gender and not errors:
            errors["gender"] = _("请填写性别（填写身份证号码可自动识别）。")
        if self.mobile:
            try:
                self.mobile = validate_mobile(self.mobile)
            except ChineseValueError as exc:
                errors["mobile"] = str(exc)
        if (
            self.subcategory_id
            and self.category_id
            and self.subcategory is not None
            and self.subcategory.parent_id != self.category_id
        ):
            errors["subcategory"] = _("子类别“%(sub)s”不属于人才类别“%(cat)s”。") % {
                "sub": self.subcategory,
                "cat": self.category,
            }
        if (
            self.department_id
            and self.organization_id
            and self.department is not None
            and self.department.organization_id != self.organization_id
        ):
            errors["department"] = _("部门必须属于所在机构。")
        if errors:
            raise ValidationError(errors)

    def _clean_id_number(self, errors: dict) -> None:
        if not self.id_number:
            self.id_number_bidx = ""
            return
        try:
            self.id_number = validate_id_number(self.id_number)
        except ChineseValueError as exc:
            errors["id_number"] = str(exc)
            return
        self.id_number_bidx = blind_index(self.id_number)
        if Talent.objects.filter(id_number_bidx=self.id_number_bidx).exclude(pk=self.pk).exists():
            errors["id_number"] = _("该身份证号码已登记，同一人不能重复登记。")
            return
        birth_date, gender, problems = check_identity(self.id_number, self.birth_date, self.gender)
        self.birth_date, self.gender = birth_date, gender
        for field_name, _code, message in problems:
            errors[field_name] = message

    def derive_names(self) -> None:
        """The simplified name, its pinyin and initials that search uses, and the heads of
        the name and initials that lead the indexes in list order (``search_talents``)."""
        self.__dict__.update(derived_names(self.name))

    def save(self, *args, **kwargs) -> None:
        self.derive_names()
        before = getattr(self, "_audit_snapshot", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._keep_career(before)

    def _keep_career(self, before: dict | None) -> None:
        """A move to another institution, department or post closes the open career entry
        and opens a new one, so the history is kept rather than overwritten."""
        keys = ("organization_id", "department_id", "position")
        if before is not None and all(before.get(k) == getattr(self, k) for k in keys):
            return
        today = timezone.localdate()
        opened = self.career.filter(end__isnull=True)
        if before is not None:
            update_many(opened, end=today)
        CareerEntry.objects.create(
            talent=self,
            organization=self.organization,
            organization_name=self.organization.name,
            department_name=self.department.name if self.department_id and self.department is not None else "",
            position=self.position,
            start=today if before is not None else (self.work_start or today),
        )


class TalentRelated(ScopedModel):
    """A record belonging to one talent, scoped through the talent's institution."""

    scope_path = "talent__organization__path"

    class Meta:
        abstract = True

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(talent__user=user)


class TalentQualification(TalentRelated):
    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="qualifications")
    qualification = dictionary_fk(DictionaryKind.QUALIFICATION, _("职业资格"), required=True)
    obtained_on = models.DateField(_("取得时间"), null=True, blank=True)
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)

    class Meta:
        ordering = ["talent", "qualification__order"]
        verbose_name = _("职业资格")
        verbose_name_plural = _("人才职业资格")
        #: The registry's filter by qualification counts from this index alone.
        indexes = [models.Index(fields=["qualification", "talent"], name="talent_qualification_holders")]
        constraints = [
            models.UniqueConstraint(
                fields=["talent", "qualification"],
                name="talents_unique_qualification",
                violation_error_message=_("该人才已登记此职业资格。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.talent} · {self.qualification}"


class CareerEntry(TalentRelated):
    """One stretch of a talent's career: where, in which post, from when to when."""

    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="career")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("机构"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_name = models.CharField(_("单位名称"), max_length=100)
    department_name = models.CharField(_("部门"), max_length=100, blank=True)
    position = models.CharField(_("职务岗位"), max_length=100, blank=True)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["talent", "-start", "-id"]
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")

    def __str__(self) -> str:
        return f"{self.talent} · {self.organization_name} {self.start}"

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("截止日期不能早于起始日期。")})


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")
    UNIT = "unit", _("单位级")


class HonourSource(models.TextChoices):
    ENTERED = "entered", _("录入")
    SELECTION = "selection", _("评选结果")
    HISTORIC = "historic", _("历史评选结果录入")


class Honour(TalentRelated):
    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="honours")
    name = models.CharField(_("荣誉称号"), max_length=100)
    level = models.CharField(_("级别"), max_length=20, choices=HonourLevel.choices, default=HonourLevel.CITY)
    awarded_by = models.CharField(_("授予单位"), max_length=100, blank=True)
    awarded_on = models.DateField(_("授予时间"))
    source = models.CharField(_("来源"), max_length=20, choices=HonourSource.choices, default=HonourSource.ENTERED)
    campaign = models.ForeignKey(
        "selections.Campaign",
        verbose_name=_("评选活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
        help_text=_("评选产生的荣誉所出自的评选活动（其结果决定记录：文号和决定日期）。"),
    )
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    source_reference = models.CharField(_("来源说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["talent", "-awarded_on"]
        verbose_name = _("荣誉")
        verbose_name_plural = _("人才荣誉")

    def __str__(self) -> str:
        return f"{self.talent} · {self.name}"


def shown(field: models.Field, value) -> str:
    """A stored value of a talent field as a person reads it, personal data masked."""
    if value in (None, ""):
        return "（空）"
    if field.is_relation:
        # A concrete relation: its related_model is resolved to a model class by now.
        related = cast("type[models.Model]", field.related_model)
        return str(related._default_manager.filter(pk=value).first() or value)
    if isinstance(field, EncryptedField):
        return mask(str(value), field.kind)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


class ChangeState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ChangeRequest(TalentRelated):
    """A change of key fields asked for by a talent or a liaison, applied on approval.

    The proposed values are stored encrypted (an ID number may be among them).
    """

    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    payload = EncryptedField(_("变更内容"), kind="text")
    state = models.CharField(_("状态"), max_length=20, choices=ChangeState.choices, default=ChangeState.PENDING)
    decision_comment = models.TextField(_("审核意见"), blank=True)
    approved_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("关键信息变更申请")
        verbose_name_plural = _("关键信息变更申请")

    def __str__(self) -> str:
        return f"{self.talent} · {self.get_state_display()}"

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.filter(talent__user=user)

    @property
    def proposed(self) -> dict:
        """Field name → [current value, proposed value], as stored."""
        return json.loads(self.payload or "{}")

    @admin.display(description=_("变更内容"))
    def summary(self) -> str:
        """类别：金融商务人才 → 专业技术人才；身份证号码：3701**********1234 → …"""
        parts = []
        for name, (current, proposed) in self.proposed.items():
            field = cast(models.Field, Talent._meta.get_field(name))  # proposals name concrete Talent fields
            parts.append(f"{field.verbose_name}：{shown(field, current)} → {shown(field, proposed)}")
        return "；".join(parts)

    def set_proposed(self, changes: dict) -> None:
        self.payload = json.dumps(changes, ensure_ascii=False, default=str)


class PoolKind(models.TextChoices):
    CONSULTING = "consulting", _("管理咨询")
    LECTURER = "lecturer", _("培训讲师")
    TRAINEE = "trainee", _("优秀学员")
    THINK_TANK = "think_tank", _("专家智库")
    BUSINESS = "business", _("业务人才")
    ELITE = "elite", _("英才")
    OTHER = "other", _("其他")


class PoolLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class TalentPool(ScopedModel):
    """A named pool (专项人才库) or expert think tank (专家智库)."""

    name = models.CharField(_("人才库名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PoolKind.choices)
    level = models.CharField(_("级别"), max_length=20, choices=PoolLevel.choices, default=PoolLevel.CITY)
    description = models.TextField(_("说明"), blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=3)
    is_active = models.BooleanField(_("启用"), default=True)

    shared = True

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("人才库")
        verbose_name_plural = _("专项人才库")

    def __str__(self) -> str:
        return self.name

    @admin.display(description=_("在库人数"))
    def member_count(self) -> int:
        return self.memberships.active().count()


class PoolBatch(ScopedModel):
    """A batch (首批, 第二批 …) admitted by one decision."""

    pool = models.ForeignKey(TalentPool, verbose_name=_("人才库"), on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(_("批次"), max_length=50)
    decision_date = models.DateField(_("决定日期"))
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"))

    shared = True

    class Meta:
        ordering = ["pool", "decision_date"]
        verbose_name = _("入库批次")
        verbose_name_plural = _("入库批次")
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "name"],
                name="talents_unique_batch_name",
                violation_error_message=_("该人才库已有同名批次。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pool} · {self.name}"

    @admin.display(description=_("入库人数"))
    def member_count(self) -> int:
        return self.memberships.count()

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("任期结束不能早于任期开始。")})


class EntrySource(models.TextChoices):
    SELECTION = "selection", _("评选结果")
    NOMINATION = "nomination", _("推荐")
    DECISION = "decision", _("决定")


class MembershipQuerySet(ScopedQuerySet):
    def active(self, on: date | None = None) -> "MembershipQuerySet":
        on = on or timezone.localdate()
        return self.filter(joined_on__lte=on, left_on__isnull=True).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on)
        )

    def ending_within(self, days: int) -> "MembershipQuerySet":
        today = timezone.localdate()
        return self.active(today).filter(term_end__lte=today + timedelta(days=days))


class PoolMembership(TalentRelated):
    """A talent's term in a pool: entry with its source, exit with its reason."""

    pool = models.ForeignKey(TalentPool, verbose_name=_("人才库"), on_delete=models.PROTECT, related_name="memberships")
    batch = models.ForeignKey(
        PoolBatch, verbose_name=_("批次"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="memberships")
    specialty = models.CharField(_("专业领域"), max_length=100, blank=True)
    source = models.CharField(_("入库来源"), max_length=20, choices=EntrySource.choices, default=EntrySource.DECISION)
    source_detail = models.CharField(_("来源说明"), max_length=200, blank=True)
    joined_on = models.DateField(_("入库日期"))
    term_end = models.DateField(_("任期届满"), null=True, blank=True)
    left_on = models.DateField(_("出库日期"), null=True, blank=True)
    exit_reason = models.CharField(_("出库原因"), max_length=200, blank=True)
    renewed_from = models.OneToOneField(
        "self", verbose_name=_("续任自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="renewal"
    )

    objects = MembershipQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713

    class Meta:
        ordering = ["pool", "batch", "talent__name_pinyin"]
        verbose_name = _("入库记录")
        verbose_name_plural = _("人才库成员")
        indexes = [
            # The current terms by their end: every staff page's to-do "任期将在60天内届满"
            # reads a few entries of it instead of scanning every membership (13 ms at 1M).
            models.Index(fields=["term_end"], condition=Q(left_on__isnull=True), name="membership_current_term_end"),
        ]

    def __str__(self) -> str:
        return f"{self.pool} · {self.talent}"

    @admin.display(description=_("所在机构"))
    def talent_organization(self) -> str:
        return str(self.talent.organization)

    @admin.display(description=_("性别"))
    def talent_gender(self) -> str:
        return self.talent.get_gender_display()

    @admin.display(description=_("职务岗位"))
    def talent_position(self) -> str:
        return self.talent.position

    @property
    def period_end(self) -> date | None:
        return self.left_on or self.term_end

    @admin.display(description=_("状态"))
    def status(self) -> str:
        today = timezone.localdate()
        if self.left_on:
            return str(_("已出库"))
        if self.term_end and self.term_end < today:
            return str(_("任期已满"))
        if self.term_end and self.term_end <= today + timedelta(days=60):
            return str(_("即将到期"))
        return str(_("在库"))

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.batch_id and self.pool_id and self.batch is not None and self.batch.pool_id != self.pool_id:
            errors["batch"] = _("批次不属于所选人才库。")
        end = self.period_end
        if end and self.joined_on and end < self.joined_on:
            errors["term_end"] = _("任期届满或出库日期不能早于入库日期。")
        if self.left_on and not self.exit_reason:
            errors["exit_reason"] = _("出库须填写原因。")
        if not errors and self.talent_id and self.pool_id and self.joined_on:
            overlap = self.overlapping().first()
            if overlap is not None:
                errors["joined_on"] = _("与该人才在本库的已有任期（%(start)s 至 %(end)s）重叠。") % {
                    "start": overlap.joined_on,
                    "end": overlap.period_end or _("长期"),
                }
        if errors:
            raise ValidationError(errors)

    def overlapping(self) -> models.QuerySet:
        others = PoolMembership.objects.filter(talent_id=self.talent_id, pool_id=self.pool_id).exclude(pk=self.pk)
        end = self.period_end
        if end is not None:
            others = others.filter(joined_on__lte=end)
        starts_before_other_ends = (
            Q(left_on__isnull=False, left_on__gte=self.joined_on)
            | Q(left_on__isnull=True, term_end__isnull=True)
            | Q(left_on__isnull=True, term_end__gte=self.joined_on)
        )
        return others.filter(starts_before_other_ends)
