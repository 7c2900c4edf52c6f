"""Institutions as a tree (head office and branches), their kinds, regions and departments."""

import contextlib

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from rencai.core.chinese import ChineseValueError, validate_credit_code
from rencai.core.models import OrgOwnedModel, ScopedModel, TrackedModel
from rencai.core.objects.writes import update_many
from rencai.core.roles import Role, role_of


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    BANK = "bank", _("银行")
    SECURITIES = "securities", _("证券公司")
    FUTURES = "futures", _("期货公司")
    INSURANCE = "insurance", _("保险公司")
    FINTECH = "fintech", _("金融科技企业")
    LOCAL_FINANCIAL = "local_financial", _("地方金融组织")
    UNIVERSITY = "university", _("高等院校")
    ASSOCIATION = "association", _("行业协会")
    ENTERPRISE = "enterprise", _("企业")
    COMMUNITY = "community", _("社区")


#: The kinds counted as 金融机构: returns go to them by default, and the officials' training
#: sentence counts them.
FINANCIAL_KINDS = frozenset(
    {
        OrganizationKind.BANK,
        OrganizationKind.SECURITIES,
        OrganizationKind.FUTURES,
        OrganizationKind.INSURANCE,
        OrganizationKind.FINTECH,
        OrganizationKind.LOCAL_FINANCIAL,
    }
)


class Region(TrackedModel):
    """An administrative division, by its GB/T 2260 code."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name


def validate_credit_code_field(value: str) -> None:
    try:
        validate_credit_code(value)
    except ChineseValueError as exc:
        raise ValidationError(str(exc)) from exc


class Organization(ScopedModel):
    """A unit: the office itself, a financial institution or one of its branches."""

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="branches"
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.PROTECT)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code_field]
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    aliases = models.TextField(
        _("别名"),
        blank=True,
        help_text=_("本机构的其他常用名称，每行一个（如“工行济南分行”）；导入花名册时按别名识别机构。"),
    )
    path = models.CharField(_("层级路径"), max_length=255, editable=False, db_index=True, default="")

    scope_path = "path"
    audit_exclude = ("version", "created_at", "updated_at", "path")

    class Meta:
        ordering = ["path"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="orgs_unique_credit_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(pk=user.organization_id)

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(pk=user.organization_id)

    @classmethod
    def admin_scope(cls, queryset, user, editing: bool = False):
        """The system administrator assigns users to organisations, so reads the list."""
        if role_of(user) == Role.SYSADMIN and not editing:
            return queryset.all()
        return queryset.none()

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def clean(self) -> None:
        if self.credit_code:
            # The field's validator reports a bad code; here a good one is normalised.
            with contextlib.suppress(ChineseValueError):
                self.credit_code = validate_credit_code(self.credit_code)
        if (
            self.pk
            and self.parent_id
            and self.path
            and self.parent is not None
            and self.parent.path.startswith(self.path)
        ):
            raise ValidationError({"parent": _("上级机构不能是本机构或其下属机构。")})

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._refresh_paths()

    def _refresh_paths(self) -> None:
        """Keep the materialised path of this unit and its branches in step with the tree
        (audited, as every write of an organisation is)."""
        expected = (self.parent.path if self.parent_id and self.parent is not None else "") + f"{self.pk:06d}/"
        if expected == self.path:
            return
        old = self.path
        update_many(Organization.objects.filter(pk=self.pk), path=expected)
        self.path = expected
        if old:
            for branch in Organization.objects.filter(path__startswith=old).exclude(pk=self.pk):
                update_many(Organization.objects.filter(pk=branch.pk), path=expected + branch.path[len(old) :])


class Department(OrgOwnedModel):
    """A department inside an organisation (e.g. 人力资源部)."""

    name = models.CharField(_("部门名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["organization__path", "order", "name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="orgs_unique_department_name")]

    def __str__(self) -> str:
        return f"{self.organization.short_name or self.organization.name} · {self.name}"

    def clean(self) -> None:
        if (
            self.parent_id
            and self.organization_id
            and self.parent is not None
            and self.parent.organization_id != self.organization_id
        ):
            raise ValidationError({"parent": _("上级部门必须属于同一机构。")})
