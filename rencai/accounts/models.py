"""Users, each acting for one organisation in one role."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.chinese import ChineseValueError, validate_id_number, validate_mobile
from rencai.core.models import ScopedModel, ScopedQuerySet
from rencai.core.personal import BlindIndexField, EncryptedField, blind_index
from rencai.core.roles import ADMIN_ROLES, Role, role_of


class UserQuerySet(ScopedQuerySet):
    def by_id_number(self, number: str) -> "UserQuerySet":
        return self.filter(id_number_bidx=blind_index(validate_id_number(number)))

    def by_mobile(self, number: str) -> "UserQuerySet":
        return self.filter(mobile_bidx=blind_index(validate_mobile(number)))


class RencaiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser, ScopedModel):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.TALENT)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedField(_("手机号码"), kind="mobile", blank=True)
    mobile_bidx = BlindIndexField(source="mobile")
    id_number = EncryptedField(_("身份证号码"), kind="id_number", blank=True)
    id_number_bidx = BlindIndexField(source="id_number")

    objects = RencaiUserManager()
    scope_path = "organization__path"
    audit_exclude = ("version", "created_at", "updated_at", "last_login")
    audit_secret = ("password",)
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["organization__path", "username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(pk=user.pk)

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(pk=user.pk)

    @classmethod
    def admin_scope(cls, queryset, user, editing: bool = False):
        """系统管理员 manages accounts; 安全管理员 assigns roles; the auditor reads nothing."""
        if role_of(user) in (Role.SYSADMIN, Role.SECADMIN):
            return queryset.all()
        return queryset.none()

    @property
    def needs_second_factor(self) -> bool:
        return self.role in ADMIN_ROLES

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.mobile:
            try:
                self.mobile = validate_mobile(self.mobile)
            except ChineseValueError as exc:
                errors["mobile"] = str(exc)
        if self.id_number:
            try:
                self.id_number = validate_id_number(self.id_number)
            except ChineseValueError as exc:
                errors["id_number"] = str(exc)
        if errors:
            raise ValidationError(errors)
